package matching

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

var (
	propCountries = []string{"FR", "DE", "NL", "BE", "PT", "IT", "CH", "GB"} // CH and GB outside the EU27
	propSectors   = []string{"film", "games", "music", "museums", "design", "heritage", "publishing"}
	propSkills    = func() []string {
		var out []string
		for i := range 24 {
			out = append(out, fmt.Sprintf("skill-%02d", i))
		}
		return out
	}()
)

func pick[T any](r *rand.Rand, list []T, n int) []T {
	p := r.Perm(len(list))
	out := make([]T, 0, n)
	for _, i := range p[:min(n, len(list))] {
		out = append(out, list[i])
	}
	return out
}

func randomApplicant(r *rand.Rand, id string) Applicant {
	a := Applicant{ID: id, Name: id, Kind: []string{"cci", "cci", "ai", "intermediary"}[r.IntN(4)],
		OrgType: []string{"sme", "startup", "ngo", "freelancer", "university"}[r.IntN(5)],
		Country: propCountries[r.IntN(len(propCountries))], Sectors: pick(r, propSectors, 1+r.IntN(2)), Available: r.IntN(10) > 0}
	for _, s := range pick(r, propSkills, 1+r.IntN(4)) {
		a.Offers = append(a.Offers, Offer{Skill: s, Level: 1 + r.IntN(4)})
	}
	for _, s := range pick(r, propSkills, r.IntN(3)) {
		a.Needs = append(a.Needs, Need{Skill: s, Must: r.IntN(2) == 0})
	}
	return a
}

func randomInstrument(r *rand.Rand) Instrument {
	minE := 2 + r.IntN(4)
	rules := &ConsortiumRules{MinEntities: minE, MinCountries: 1 + r.IntN(minE), RequiresAIAndCCI: r.IntN(3) == 0}
	if r.IntN(2) == 0 {
		rules.SectorMix = append(rules.SectorMix, SectorRequirement{Sectors: []string{"film", "games"}, MinEntities: 1, Description: "an audiovisual organisation"})
	}
	if r.IntN(3) == 0 {
		rules.SectorMix = append(rules.SectorMix, SectorRequirement{Sectors: []string{"museums", "heritage", "music"}, MinEntities: 1 + r.IntN(2), Description: "heritage or music organisations"})
	}
	if r.IntN(3) == 0 {
		rules.NotOnlySectors = []string{"film", "games"}
	}
	e := Eligibility{Countries: []string{"EU27"}, Consortium: rules}
	if r.IntN(3) == 0 {
		e.OrgTypes = []string{"sme", "startup", "ngo", "university"}
	}
	if r.IntN(4) == 0 {
		e.Sectors = []string{"design", "publishing"}
	}
	return Instrument{ID: "i", Status: StatusOpen, Eligibility: e, SkillsFocus: pick(r, propSkills, 2+r.IntN(6))}
}

// validTeam checks the hard rules independently of the engine (brute-force sector mix).
func validTeam(in Instrument, team []Applicant, p Places) bool {
	e := in.Eligibility
	countries := map[string]bool{}
	for _, m := range team {
		if len(e.OrgTypes) > 0 && !slices.Contains(e.OrgTypes, m.OrgType) {
			return false
		}
		if len(e.ApplicantKinds) > 0 && !slices.Contains(e.ApplicantKinds, m.Kind) {
			return false
		}
		if !p.Allowed(e.Countries, m.Country) {
			return false
		}
		countries[m.Country] = true
	}
	r := e.Consortium
	if len(team) < r.MinEntities || len(countries) < r.MinCountries {
		return false
	}
	if r.RequiresAIAndCCI {
		if !slices.ContainsFunc(team, func(m Applicant) bool { return m.Kind == "ai" }) ||
			!slices.ContainsFunc(team, func(m Applicant) bool { return m.Kind == "cci" }) {
			return false
		}
	}
	if len(r.NotOnlySectors) > 0 && !slices.ContainsFunc(team, func(m Applicant) bool {
		return slices.ContainsFunc(m.Sectors, func(s string) bool { return !slices.Contains(r.NotOnlySectors, s) })
	}) {
		return false
	}
	if len(e.Sectors) > 0 && !slices.ContainsFunc(team, func(m Applicant) bool { return overlaps(m.Sectors, e.Sectors) }) {
		return false
	}
	// Sector mix: try every assignment of members to requirements (or none).
	var slots []int
	for i, req := range r.SectorMix {
		for range req.MinEntities {
			slots = append(slots, i)
		}
	}
	used := make([]bool, len(team))
	var fill func(k int) bool
	fill = func(k int) bool {
		if k == len(slots) {
			return true
		}
		for m := range team {
			if !used[m] && overlaps(team[m].Sectors, r.SectorMix[slots[k]].Sectors) {
				used[m] = true
				if fill(k + 1) {
					return true
				}
				used[m] = false
			}
		}
		return false
	}
	return fill(0)
}

func coveredCount(q ConsortiumQuery, team []Applicant) int {
	ts := &teamSearch{q: &q, e: q.Instrument.Eligibility, cache: map[[2]string]float64{}, vecs: map[string][]float64{}}
	ts.requirements()
	n := 0
	for _, r := range ts.reqs {
		for _, m := range team {
			if ts.best(m, r.skill) >= coverThreshold {
				n++
				break
			}
		}
	}
	return n
}

// randomValidTeam draws random teams of the given size around the core until one meets the rules.
func randomValidTeam(r *rand.Rand, q ConsortiumQuery, size int) []Applicant {
	var pool []Applicant
	for _, c := range q.Pool {
		if c.Available && memberOK(c, q.Instrument.Eligibility, q.Places) {
			pool = append(pool, c)
		}
	}
	need := size - 1
	if need > len(pool) {
		return nil
	}
	for range 300 {
		team := append([]Applicant{q.Lead}, pick(r, pool, need)...)
		if validTeam(q.Instrument, team, q.Places) {
			return team
		}
	}
	return nil
}

// TestConsortiumProperty: over many random pools and rules, every suggested team meets the hard
// rules (checked independently), the lead is in every team, no member is twice, an empty answer
// means the whole pool could not meet the rules either, and suggestions cover at least as many
// required skills as a random valid team of the same size.
func TestConsortiumProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 42))
	places := testPlaces()
	runs := 400
	if testing.Short() {
		runs = 150
	}
	var (
		instances, withTeams, none, exact, greedy int
		compared, atLeast, strictlyMore           int
		sumSug, sumRand, sumReq                   float64
	)
	for run := range runs {
		in := randomInstrument(r)
		lead := randomApplicant(r, "lead")
		lead.Country, lead.OrgType, lead.Available = []string{"FR", "DE", "NL"}[r.IntN(3)], "sme", true
		n := 4 + r.IntN(37)
		if run%5 == 0 {
			n = 60 + r.IntN(60) // large pools: greedy
		}
		var pool []Applicant
		for i := range n {
			pool = append(pool, randomApplicant(r, fmt.Sprintf("p%03d", i)))
		}
		pair := func(a, b string) float64 { // a deterministic stand-in for the match score
			h := 0
			for _, c := range a + "|" + b {
				h = h*31 + int(c)
			}
			return float64(h&1023) / 1023
		}
		q := ConsortiumQuery{Instrument: in, Lead: lead, Pool: pool, Places: places, Pair: pair}
		rep := SuggestConsortium(q)
		instances++
		switch rep.Method {
		case "exact":
			exact++
		case "greedy":
			greedy++
		}
		if len(rep.Suggestions) > 5 {
			t.Fatalf("run %d: %d suggestions", run, len(rep.Suggestions))
		}
		byID := map[string]Applicant{"lead": lead}
		for _, p := range pool {
			byID[p.ID] = p
		}
		if len(rep.Suggestions) == 0 {
			none++
			var all []Applicant
			all = append(all, lead)
			for _, p := range pool {
				if p.Available && memberOK(p, in.Eligibility, places) {
					all = append(all, p)
				}
			}
			if validTeam(in, all, places) {
				t.Errorf("run %d: no suggestion, yet the whole pool meets the rules", run)
			}
			continue
		}
		withTeams++
		keys := map[string]bool{}
		for i, s := range rep.Suggestions {
			var team []Applicant
			seen := map[string]bool{}
			for _, m := range s.Members {
				if seen[m.ID] {
					t.Fatalf("run %d team %d: %s twice", run, i, m.ID)
				}
				seen[m.ID] = true
				team = append(team, byID[m.ID])
			}
			if team[0].ID != "lead" || s.Members[0].Role != "lead" {
				t.Fatalf("run %d team %d: the lead is not first", run, i)
			}
			if !validTeam(in, team, places) {
				t.Fatalf("run %d team %d breaks a hard rule: %+v\nrules %+v", run, i, team, in.Eligibility.Consortium)
			}
			if !s.Valid || len(s.Gaps) != len(s.Uncovered) {
				t.Errorf("run %d team %d: valid %v, gaps %v", run, i, s.Valid, s.Gaps)
			}
			k := teamKey(team)
			if keys[k] {
				t.Errorf("run %d: team %d repeats another", run, i)
			}
			keys[k] = true
		}
		best := rep.Suggestions[0]
		var bestTeam []Applicant
		for _, m := range best.Members {
			bestTeam = append(bestTeam, byID[m.ID])
		}
		if rt := randomValidTeam(r, q, len(bestTeam)); rt != nil {
			compared++
			cs, cr := coveredCount(q, bestTeam), coveredCount(q, rt)
			sumSug += float64(cs)
			sumRand += float64(cr)
			sumReq += float64(len(rep.Required))
			if cs >= cr {
				atLeast++
			}
			if cs > cr {
				strictlyMore++
			}
			if rep.Method == "exact" && cs < cr {
				t.Errorf("run %d: exact search covers %d < random valid team %d", run, cs, cr)
			}
		}
	}
	if compared == 0 {
		t.Fatal("no instance to compare")
	}
	share := float64(atLeast) / float64(compared)
	t.Logf("%d instances: %d with suggestions (%d exact, %d greedy), %d with no valid team in the pool", instances, withTeams, exact, greedy, none)
	t.Logf("coverage of required skills, best suggestion vs a random valid team of the same size, over %d instances: "+
		"%.2f vs %.2f skills of %.2f required on average; suggestion >= random in %.1f%%, strictly more in %.1f%%",
		compared, sumSug/float64(compared), sumRand/float64(compared), sumReq/float64(compared), 100*share, 100*float64(strictlyMore)/float64(compared))
	if share < 0.95 {
		t.Errorf("suggestions cover at least as much as a random valid team in only %.1f%% of instances", 100*share)
	}
	if sumSug <= sumRand {
		t.Errorf("suggestions cover %.0f skills in all, random teams %.0f", sumSug, sumRand)
	}
}

func TestCheckTeamMessages(t *testing.T) {
	in := Instrument{Eligibility: Eligibility{Countries: []string{"EU27"}, Consortium: &ConsortiumRules{MinEntities: 3, MinCountries: 2,
		RequiresAIAndCCI: true, NotOnlySectors: []string{"film"},
		SectorMix: []SectorRequirement{{Sectors: []string{"film"}, MinEntities: 2, Description: "audiovisual organisations"}}}}}
	lead := Applicant{ID: "a", Name: "A", Kind: "cci", Country: "FR", Sectors: []string{"film"}}
	swiss := Applicant{ID: "b", Name: "B", Kind: "cci", Country: "CH", Sectors: []string{"film"}}
	var msgs []string
	for _, c := range CheckTeam(in.Eligibility, []Applicant{lead, swiss}, testPlaces()) {
		if !c.Met {
			msgs = append(msgs, c.Message)
		}
	}
	got := strings.Join(msgs, "; ")
	for _, want := range []string{"B cannot take part: applicants established in the EU; B is in CH", "needs ≥ 1 more partner",
		"needs a partner outside film", "needs an AI organisation"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q not in %q", want, got)
		}
	}
	// Two film members fill the two slots: the mix is met.
	for _, c := range CheckTeam(in.Eligibility, []Applicant{lead, swiss}, testPlaces()) {
		if c.Code == "sector_mix" && !c.Met {
			t.Errorf("sector mix: %s", c.Message)
		}
	}
}

func TestSuggestConsortiumExplains(t *testing.T) {
	in := Instrument{Eligibility: Eligibility{Consortium: &ConsortiumRules{MinEntities: 2, MinCountries: 2, RequiresAIAndCCI: true}},
		SkillsFocus: []string{"machine-learning", "curation"}}
	lead := Applicant{ID: "museum", Name: "Museum", Kind: "cci", Country: "NL", Offers: []Offer{{Skill: "curation", Level: 4}},
		Needs: []Need{{Skill: "computer-vision", Must: true}}, Available: true}
	pool := []Applicant{
		{ID: "ml", Name: "ML Lab", Kind: "ai", Country: "BE", Offers: []Offer{{Skill: "machine-learning", Level: 4}, {Skill: "computer-vision", Level: 3}}, Available: true},
		{ID: "ml2", Name: "ML Two", Kind: "ai", Country: "NL", Offers: []Offer{{Skill: "machine-learning", Level: 4}}, Available: true},
		{ID: "busy", Name: "Busy", Kind: "ai", Country: "DE", Offers: []Offer{{Skill: "computer-vision", Level: 4}}, Available: false},
	}
	rep := SuggestConsortium(ConsortiumQuery{Instrument: in, Lead: lead, Pool: pool})
	if rep.Method != "exact" || len(rep.Suggestions) == 0 {
		t.Fatalf("%+v", rep)
	}
	best := rep.Suggestions[0]
	if len(best.Members) != 2 || best.Members[1].ID != "ml" || best.Coverage != 1 {
		t.Fatalf("best team %+v", best)
	}
	if !slices.Contains(best.Members[1].Covers, "computer-vision") || !slices.Contains(best.Members[1].Fills, "the AI member") ||
		!slices.Contains(best.Members[1].Fills, "country BE") {
		t.Errorf("explanation %+v", best.Members[1])
	}
	for _, s := range rep.Suggestions {
		for _, m := range s.Members {
			if m.ID == "busy" {
				t.Errorf("an unavailable actor was suggested")
			}
		}
	}
	if rep.Current.Valid || !slices.Contains(rep.Current.Gaps, "needs an AI organisation") {
		t.Errorf("current gaps %v", rep.Current.Gaps)
	}
	// A chosen partner that may not take part: no team can be suggested, and the analysis says why.
	in.Eligibility.Countries = []string{"EU27"}
	swiss := Applicant{ID: "ch", Name: "Swiss Lab", Kind: "ai", Country: "CH", Available: true}
	rep = SuggestConsortium(ConsortiumQuery{Instrument: in, Lead: lead, Chosen: []Applicant{swiss}, Pool: pool, Places: testPlaces()})
	if len(rep.Suggestions) != 0 || !strings.Contains(strings.Join(rep.Current.Gaps, "; "), "Swiss Lab cannot take part") {
		t.Errorf("ineligible chosen partner: %d suggestions, gaps %v", len(rep.Suggestions), rep.Current.Gaps)
	}
}

// BenchmarkSuggestConsortium: the API's largest pool (400 candidates) for a ten-country call.
func BenchmarkSuggestConsortium(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	in := Instrument{Eligibility: Eligibility{Countries: []string{"EU27"}, Consortium: &ConsortiumRules{MinEntities: 10, MinCountries: 5,
		SectorMix: []SectorRequirement{{Sectors: []string{"film", "games"}, MinEntities: 2, Description: "two audiovisual organisations"}}}},
		SkillsFocus: pick(r, propSkills, 8)}
	var pool []Applicant
	for i := range 400 {
		pool = append(pool, randomApplicant(r, fmt.Sprintf("p%03d", i)))
	}
	lead := randomApplicant(r, "lead")
	lead.Country, lead.OrgType, lead.Available = "FR", "sme", true
	q := ConsortiumQuery{Instrument: in, Lead: lead, Pool: pool, Places: testPlaces(), Pair: func(a, b string) float64 { return 0.5 }}
	b.ResetTimer()
	for b.Loop() {
		if rep := SuggestConsortium(q); len(rep.Suggestions) == 0 {
			b.Fatal("no team")
		}
	}
}
