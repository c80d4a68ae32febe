package matching

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Consortium building: check a team against an instrument's composition rules and suggest teams
// that meet them while covering the skills the instrument funds and the lead needs.
//
// Suggestions come from a two-phase greedy search, or from exhaustive enumeration when the pool is
// small enough (see docs/MATCHING.md, "Consortia"):
//
//  1. rules phase: add the partner that most lowers the rule deficit (missing entities, countries,
//     sector-mix slots, AI/CCI presence, …). The deficit never rises when a member is added and one
//     partner can always lower it while the whole pool could, so this reaches a team meeting every
//     hard rule whenever one exists in the pool, in at most "initial deficit" steps;
//  2. cover phase: add partners by marginal skill coverage (greedy maximum coverage, within
//     (1-1/e) of the best set of the same size), up to MaxExtra beyond the rules' minimum.
//
// Ties go to the partner with the higher mean match score (the people engine's reciprocal score)
// with the team, then to the lower ID. Every team returned is re-checked against the hard rules.

// ConsortiumQuery is one gap analysis and suggestion request.
type ConsortiumQuery struct {
	Instrument Instrument
	Lead       Applicant
	Chosen     []Applicant // partners already chosen; kept in every team
	Pool       []Applicant // candidates for the remaining places
	Places     Places
	// Pair is the reciprocal match score of two actors in [0,1] (0 when unknown); nil: no tie-breaks.
	Pair func(a, b string) float64
	// Sim is how much an offered skill covers a needed one in [0,1]; nil: exact slugs only.
	Sim      func(need, offer string) float64
	Teams    int // suggestions wanted; default 5
	MaxExtra int // partners beyond the rules' minimum, to cover skills; default 2
	// ExactLimit is the largest number of candidate teams enumerated exhaustively; default 20000.
	ExactLimit int
}

// TeamMember is one member of a team and what it brings.
type TeamMember struct {
	ID     string
	Name   string
	Role   string   // lead | partner (the asking actor, when it may not coordinate) | chosen | suggested
	Covers []string // required skills this member covers (offered at similarity >= 0.6)
	Fills  []string // composition rules it helps meet, in words
}

// Team is a team with its rules checked and its skill coverage.
type Team struct {
	Members   []TeamMember
	Rules     []Criterion // every hard rule, met or not
	Covered   []string
	Uncovered []string
	Coverage  float64 // weighted share of the required skills covered, in [0,1]
	Cohesion  float64 // mean match score over pairs of members
	Valid     bool    // every hard rule is met
	Gaps      []string
}

// ConsortiumReport is the analysis of the current team and the suggestions.
type ConsortiumReport struct {
	Current     Team
	Required    []string // skills: the instrument's focus and the lead's needs
	Suggestions []Team
	Method      string // exact | greedy | none
	PoolSize    int    // candidates that may take part
}

const coverThreshold = 0.6

// requirement is one required skill and its weight.
type requirement struct {
	skill string
	w     float64
}

type teamSearch struct {
	q     *ConsortiumQuery
	e     Eligibility
	reqs  []requirement
	wsum  float64
	cache map[[2]string]float64
	vecs  map[string][]float64 // member id → how well it covers each requirement
}

// SuggestConsortium analyses lead + chosen against the instrument and suggests up to q.Teams teams.
func SuggestConsortium(q ConsortiumQuery) ConsortiumReport {
	if q.Teams <= 0 {
		q.Teams = 5
	}
	if q.MaxExtra <= 0 {
		q.MaxExtra = 2
	}
	if q.ExactLimit <= 0 {
		q.ExactLimit = 20000
	}
	ts := &teamSearch{q: &q, e: q.Instrument.Eligibility, cache: map[[2]string]float64{}, vecs: map[string][]float64{}}
	ts.requirements()
	core := append([]Applicant{q.Lead}, q.Chosen...)
	rep := ConsortiumReport{Method: "none"}
	for _, r := range ts.reqs {
		rep.Required = append(rep.Required, r.skill)
	}
	rep.Current = ts.describe(core, len(core))

	// Candidates: eligible on their own, available, not already in the team, once each.
	in := map[string]bool{}
	for _, m := range core {
		in[m.ID] = true
	}
	var pool []Applicant
	for _, c := range q.Pool {
		if in[c.ID] || !c.Available || !memberOK(c, ts.e, q.Places) {
			continue
		}
		in[c.ID] = true
		pool = append(pool, c)
	}
	slices.SortFunc(pool, func(a, b Applicant) int { return cmp.Compare(a.ID, b.ID) })
	rep.PoolSize = len(pool)

	for _, m := range core {
		if !memberOK(m, ts.e, q.Places) {
			return rep // no team with this member can meet the rules: Current says why
		}
	}
	greedy := ts.greedyTeams(core, pool)
	rep.Method = "greedy"
	var teams [][]Applicant
	if len(greedy) > 0 {
		// The greedy team's additions bound the size of the exhaustive search.
		adds := len(greedy[0]) - len(core)
		if n := countSubsets(len(pool), adds, q.ExactLimit); n >= 0 {
			teams = ts.exactTeams(core, pool, adds)
			rep.Method = "exact"
		} else {
			teams = greedy
		}
	} else if countSubsets(len(pool), min(len(pool), 4), q.ExactLimit) >= 0 {
		// The greedy rules phase finds a valid team whenever one exists, so there is none; say so.
		rep.Method = "exact"
	}
	for _, t := range teams {
		d := ts.describe(t, len(core))
		if d.Valid { // the hard rules, checked once more on what is returned
			rep.Suggestions = append(rep.Suggestions, d)
		}
	}
	return rep
}

func (ts *teamSearch) requirements() {
	w := map[string]float64{}
	var order []string
	add := func(s string, v float64) {
		if _, ok := w[s]; !ok {
			order = append(order, s)
		}
		w[s] = max(w[s], v)
	}
	for _, s := range ts.q.Instrument.SkillsFocus {
		add(s, 1)
	}
	for _, n := range ts.q.Lead.Needs {
		if n.Must {
			add(n.Skill, 1)
		} else {
			add(n.Skill, 0.5)
		}
	}
	for _, s := range order {
		ts.reqs = append(ts.reqs, requirement{s, w[s]})
		ts.wsum += w[s]
	}
}

func (ts *teamSearch) sim(need, offer string) float64 {
	if need == offer {
		return 1
	}
	if ts.q.Sim == nil {
		return 0
	}
	return ts.q.Sim(need, offer)
}

// best is how well member m covers requirement r.
func (ts *teamSearch) best(m Applicant, skill string) float64 {
	b := 0.0
	for _, o := range m.Offers {
		b = max(b, ts.sim(skill, o.Skill))
	}
	return b
}

// vec is how well m covers each requirement, computed once per member.
func (ts *teamSearch) vec(m Applicant) []float64 {
	if v, ok := ts.vecs[m.ID]; ok {
		return v
	}
	v := make([]float64, len(ts.reqs))
	for i, r := range ts.reqs {
		v[i] = ts.best(m, r.skill)
	}
	if ts.vecs != nil {
		ts.vecs[m.ID] = v
	}
	return v
}

// bests is, per requirement, the best coverage any member of the team gives.
func (ts *teamSearch) bests(team []Applicant) []float64 {
	b := make([]float64, len(ts.reqs))
	for _, m := range team {
		for i, v := range ts.vec(m) {
			b[i] = max(b[i], v)
		}
	}
	return b
}

func (ts *teamSearch) coverage(team []Applicant) float64 {
	if ts.wsum == 0 {
		return 1
	}
	sum := 0.0
	for i, b := range ts.bests(team) {
		sum += ts.reqs[i].w * b
	}
	return sum / ts.wsum
}

// gain is the coverage c adds to a team whose per-requirement bests are cur.
func (ts *teamSearch) gain(cur []float64, c Applicant) float64 {
	if ts.wsum == 0 {
		return 0
	}
	g := 0.0
	for i, v := range ts.vec(c) {
		if v > cur[i] {
			g += ts.reqs[i].w * (v - cur[i])
		}
	}
	return g / ts.wsum
}

func (ts *teamSearch) pair(a, b string) float64 {
	if ts.q.Pair == nil || a == b {
		return 0
	}
	k := [2]string{min(a, b), max(a, b)}
	if v, ok := ts.cache[k]; ok {
		return v
	}
	v := ts.q.Pair(k[0], k[1])
	ts.cache[k] = v
	return v
}

// affinity is c's summed match score with the team.
func (ts *teamSearch) affinity(team []Applicant, c Applicant) float64 {
	s := 0.0
	for _, m := range team {
		s += ts.pair(m.ID, c.ID)
	}
	return s
}

func (ts *teamSearch) cohesion(team []Applicant) float64 {
	n, s := 0, 0.0
	for i := range team {
		for j := i + 1; j < len(team); j++ {
			s += ts.pair(team[i].ID, team[j].ID)
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return s / float64(n)
}

// greedyTeams builds up to Teams teams; team k may not add the partner that any earlier team added
// first, so that the suggestions differ.
func (ts *teamSearch) greedyTeams(core, pool []Applicant) [][]Applicant {
	var out [][]Applicant
	banned := map[string]bool{}
	seen := map[string]bool{}
	for len(out) < ts.q.Teams {
		t, first := ts.greedy(core, pool, banned)
		if t == nil {
			break
		}
		if k := teamKey(t); !seen[k] {
			seen[k] = true
			out = append(out, t)
		}
		if first == "" {
			break // the core is already complete: one team only
		}
		banned[first] = true
	}
	return out
}

func (ts *teamSearch) greedy(core, pool []Applicant, banned map[string]bool) ([]Applicant, string) {
	team := slices.Clone(core)
	used := map[string]bool{}
	first := ""
	d := deficit(ts.e, team)
	// Rules phase.
	for d > 0 {
		bi, bd, bg, ba := -1, d, 0.0, 0.0
		cur := ts.bests(team)
		for i, c := range pool {
			if used[c.ID] || banned[c.ID] {
				continue
			}
			t2 := append(team, c)
			nd := deficit(ts.e, t2)
			if nd >= d {
				continue
			}
			g := ts.gain(cur, c)
			a := ts.affinity(team, c)
			if bi < 0 || nd < bd || (nd == bd && (g > bg+1e-12 || (g > bg-1e-12 && a > ba+1e-12))) {
				bi, bd, bg, ba = i, nd, g, a
			}
		}
		if bi < 0 {
			return nil, "" // no valid team in this pool
		}
		team = append(team, pool[bi])
		used[pool[bi].ID] = true
		if first == "" {
			first = pool[bi].ID
		}
		d = bd
	}
	// Cover phase.
	limit := max(len(team), minEntities(ts.e)) + ts.q.MaxExtra
	for len(team) < limit {
		cur := ts.bests(team)
		bi, bg, ba := -1, 1e-9, 0.0
		for i, c := range pool {
			if used[c.ID] || banned[c.ID] {
				continue
			}
			g := ts.gain(cur, c)
			a := ts.affinity(team, c)
			if g > bg+1e-12 || (bi >= 0 && g > bg-1e-12 && a > ba+1e-12) {
				bi, bg, ba = i, g, a
			}
		}
		if bi < 0 {
			break
		}
		team = append(team, pool[bi])
		used[pool[bi].ID] = true
		if first == "" {
			first = pool[bi].ID
		}
	}
	return team, first
}

func minEntities(e Eligibility) int {
	if e.Consortium == nil {
		return 1
	}
	return e.Consortium.MinEntities
}

// countSubsets is the number of subsets of n items with at most k items, or -1 above limit.
func countSubsets(n, k, limit int) int {
	total, c := 1, 1 // C(n,0)
	for i := 1; i <= k; i++ {
		c = c * (n - i + 1) / i
		total += c
		if total > limit {
			return -1
		}
	}
	return total
}

// exactTeams enumerates every addition of at most k partners and keeps the best valid teams:
// most coverage, then fewest members, then highest cohesion, then IDs.
func (ts *teamSearch) exactTeams(core, pool []Applicant, k int) [][]Applicant {
	type scored struct {
		team     []Applicant
		cov, coh float64
		key      string
	}
	var best []scored
	better := func(x, y scored) int {
		if c := cmp.Compare(y.cov, x.cov); c != 0 && abs(x.cov-y.cov) > 1e-12 {
			return c
		}
		if c := cmp.Compare(len(x.team), len(y.team)); c != 0 {
			return c
		}
		if c := cmp.Compare(y.coh, x.coh); c != 0 && abs(x.coh-y.coh) > 1e-12 {
			return c
		}
		return cmp.Compare(x.key, y.key)
	}
	idx := make([]int, 0, k)
	var rec func(start int)
	rec = func(start int) {
		team := slices.Clone(core)
		for _, i := range idx {
			team = append(team, pool[i])
		}
		if deficit(ts.e, team) == 0 {
			s := scored{team: team, cov: ts.coverage(team), coh: ts.cohesion(team), key: teamKey(team)}
			best = append(best, s)
			slices.SortFunc(best, better)
			if len(best) > ts.q.Teams {
				best = best[:ts.q.Teams]
			}
		}
		if len(idx) == k {
			return
		}
		for i := start; i < len(pool); i++ {
			idx = append(idx, i)
			rec(i + 1)
			idx = idx[:len(idx)-1]
		}
	}
	rec(0)
	out := make([][]Applicant, len(best))
	for i, b := range best {
		out[i] = b.team
	}
	return out
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func teamKey(team []Applicant) string {
	ids := make([]string, len(team))
	for i, m := range team {
		ids[i] = m.ID
	}
	slices.Sort(ids)
	return strings.Join(ids, ",")
}

// describe checks a team and says who covers what; the first nCore members are lead and chosen.
func (ts *teamSearch) describe(team []Applicant, nCore int) Team {
	t := Team{Rules: CheckTeam(ts.e, team, ts.q.Places), Covered: []string{}, Uncovered: []string{}, Gaps: []string{}}
	t.Valid = true
	for _, r := range t.Rules {
		if !r.Met {
			t.Valid = false
			t.Gaps = append(t.Gaps, r.Message)
		}
	}
	for i, m := range team {
		role := "suggested"
		switch {
		case i == 0 && !canCoordinate(m, ts.e):
			role = RolePartner // the asking actor, who may only join as a partner
		case i == 0:
			role = "lead"
		case i < nCore:
			role = "chosen"
		}
		tm := TeamMember{ID: m.ID, Name: m.Name, Role: role, Covers: []string{}, Fills: []string{}}
		for _, r := range ts.reqs {
			if ts.best(m, r.skill) >= coverThreshold {
				tm.Covers = append(tm.Covers, r.skill)
			}
		}
		t.Members = append(t.Members, tm)
	}
	for i, f := range fills(ts.e, team) {
		t.Members[i].Fills = f
	}
	for _, r := range ts.reqs {
		b := 0.0
		for _, m := range team {
			b = max(b, ts.best(m, r.skill))
		}
		if b >= coverThreshold {
			t.Covered = append(t.Covered, r.skill)
		} else {
			t.Uncovered = append(t.Uncovered, r.skill)
			t.Gaps = append(t.Gaps, "nobody offers "+label(r.skill))
		}
	}
	t.Coverage = round3(ts.coverage(team))
	t.Cohesion = round3(ts.cohesion(team))
	return t
}

// ---- hard rules ----

// CheckTeam evaluates every hard rule of e for a team: each member's own eligibility, entities,
// distinct countries, sector mix (distinct members), "not only" sectors, the sector rule and AI +
// CCI presence. Unmet rules say in words what is missing.
func CheckTeam(e Eligibility, team []Applicant, p Places) []Criterion {
	var out []Criterion
	for _, m := range team {
		for _, c := range memberCriteria(m, e, p, true) {
			if !c.Met {
				out = append(out, Criterion{Code: "member_" + c.Code, Met: false, Message: fmt.Sprintf("%s cannot take part: %s", subject(m), lowerFirst(c.Message))})
			}
		}
	}
	return append(out, teamRules(e, team, p)...)
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// teamRules are the composition rules (members' own criteria aside).
func teamRules(e Eligibility, team []Applicant, p Places) []Criterion {
	var out []Criterion
	r := e.Consortium
	n, nc := len(team), countries(team)
	if r != nil {
		moreE, moreC := max(0, r.MinEntities-n), max(0, r.MinCountries-nc)
		if moreE == 0 && moreC == 0 {
			out = append(out, Criterion{Code: "composition", Met: true,
				Message: fmt.Sprintf("%d organisations from %d countries (at least %d from %d required)", n, nc, r.MinEntities, r.MinCountries)})
		} else {
			partners := max(moreE, moreC)
			msg := fmt.Sprintf("needs ≥ %d more %s", partners, plural(partners, "partner", "partners"))
			if moreC > 0 {
				msg += fmt.Sprintf(" from %d other %s", moreC, plural(moreC, "country", "countries"))
			}
			out = append(out, Criterion{Code: "composition", Met: false, Message: msg})
		}
		filled := sectorMixFilled(r.SectorMix, team)
		for i, req := range r.SectorMix {
			if filled[i] >= req.MinEntities {
				out = append(out, Criterion{Code: "sector_mix", Met: true, Message: "includes " + req.Description})
			} else if left := req.MinEntities - filled[i]; left == req.MinEntities {
				out = append(out, Criterion{Code: "sector_mix", Met: false, Message: "needs " + req.Description})
			} else {
				out = append(out, Criterion{Code: "sector_mix", Met: false, Message: fmt.Sprintf("needs %d more: %s", left, req.Description)})
			}
		}
		if len(r.NotOnlySectors) > 0 {
			met := slices.ContainsFunc(team, func(m Applicant) bool { return !onlyIn(m.Sectors, r.NotOnlySectors) })
			msg := "includes an organisation outside " + words(r.NotOnlySectors, "and")
			if !met {
				msg = "needs a partner outside " + words(r.NotOnlySectors, "and")
			}
			out = append(out, Criterion{Code: "not_only_sectors", Met: met, Message: msg})
		}
		if len(e.PartnerOrgTypes) > 0 {
			if i := slices.IndexFunc(team, func(m Applicant) bool { return canCoordinate(m, e) }); i >= 0 {
				out = append(out, Criterion{Code: "coordinator", Met: true, Message: subject(team[i]) + " can coordinate"})
			} else {
				out = append(out, Criterion{Code: "coordinator", Met: false, Message: "needs a coordinator: " + words(orgWordsSingular(e.OrgTypes), "or")})
			}
		}
		if r.RequiresAIAndCCI {
			ai := slices.ContainsFunc(team, func(m Applicant) bool { return m.Kind == "ai" })
			cci := slices.ContainsFunc(team, func(m Applicant) bool { return m.Kind == "cci" })
			switch {
			case ai && cci:
				out = append(out, Criterion{Code: "ai_and_cci", Met: true, Message: "includes an AI and a cultural and creative organisation"})
			case !ai && !cci:
				out = append(out, Criterion{Code: "ai_and_cci", Met: false, Message: "needs an AI organisation and a cultural and creative organisation"})
			case !ai:
				out = append(out, Criterion{Code: "ai_and_cci", Met: false, Message: "needs an AI organisation"})
			default:
				out = append(out, Criterion{Code: "ai_and_cci", Met: false, Message: "needs a cultural and creative organisation"})
			}
		}
	}
	if len(e.Sectors) > 0 && e.needsConsortium() {
		met := slices.ContainsFunc(team, func(m Applicant) bool { return overlaps(m.Sectors, e.Sectors) })
		msg := "a member works in " + sectorWords(e.Sectors)
		if !met {
			msg = "needs a member working in " + sectorWords(e.Sectors)
		}
		out = append(out, Criterion{Code: "sector", Met: met, Message: msg})
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func countries(team []Applicant) int {
	seen := map[string]bool{}
	for _, m := range team {
		if m.Country != "" {
			seen[m.Country] = true
		}
	}
	return len(seen)
}

// onlyIn reports whether every sector of an organisation is in set (no sector: not "only").
func onlyIn(sectors, set []string) bool {
	if len(sectors) == 0 {
		return false
	}
	for _, s := range sectors {
		if !slices.Contains(set, s) {
			return false
		}
	}
	return true
}

// sectorMixAssign assigns members to requirement slots, each member to at most one slot (maximum
// bipartite matching by augmenting paths); it returns, per member, the requirement it fills or -1.
func sectorMixAssign(mix []SectorRequirement, team []Applicant) []int {
	var slotReq []int
	for i, r := range mix {
		for range r.MinEntities {
			slotReq = append(slotReq, i)
		}
	}
	slotOf := make([]int, len(team)) // member → slot
	memberOf := make([]int, len(slotReq))
	for i := range slotOf {
		slotOf[i] = -1
	}
	for i := range memberOf {
		memberOf[i] = -1
	}
	var try func(m int, seen []bool) bool
	try = func(m int, seen []bool) bool {
		for s, ri := range slotReq {
			if seen[s] || !overlaps(team[m].Sectors, mix[ri].Sectors) {
				continue
			}
			seen[s] = true
			if memberOf[s] < 0 || try(memberOf[s], seen) {
				memberOf[s], slotOf[m] = m, s
				return true
			}
		}
		return false
	}
	for m := range team {
		try(m, make([]bool, len(slotReq)))
	}
	out := make([]int, len(team))
	for m, s := range slotOf {
		out[m] = -1
		if s >= 0 {
			out[m] = slotReq[s]
		}
	}
	return out
}

func sectorMixFilled(mix []SectorRequirement, team []Applicant) []int {
	filled := make([]int, len(mix))
	for _, ri := range sectorMixAssign(mix, team) {
		if ri >= 0 {
			filled[ri]++
		}
	}
	return filled
}

// deficit counts what the team lacks under the hard composition rules; 0 means they are all met.
// Adding a member never raises it. Members' own eligibility is not counted: candidates are
// filtered before the search and a core with an ineligible member is not searched at all.
func deficit(e Eligibility, team []Applicant) int {
	d := 0
	r := e.Consortium
	if r != nil {
		d += max(0, r.MinEntities-len(team)) + max(0, r.MinCountries-countries(team))
		for i, f := range sectorMixFilled(r.SectorMix, team) {
			d += max(0, r.SectorMix[i].MinEntities-f)
		}
		if len(r.NotOnlySectors) > 0 && !slices.ContainsFunc(team, func(m Applicant) bool { return !onlyIn(m.Sectors, r.NotOnlySectors) }) {
			d++
		}
		if len(e.PartnerOrgTypes) > 0 && !slices.ContainsFunc(team, func(m Applicant) bool { return canCoordinate(m, e) }) {
			d++
		}
		if r.RequiresAIAndCCI {
			if !slices.ContainsFunc(team, func(m Applicant) bool { return m.Kind == "ai" }) {
				d++
			}
			if !slices.ContainsFunc(team, func(m Applicant) bool { return m.Kind == "cci" }) {
				d++
			}
		}
	}
	if len(e.Sectors) > 0 && e.needsConsortium() && !slices.ContainsFunc(team, func(m Applicant) bool { return overlaps(m.Sectors, e.Sectors) }) {
		d++
	}
	return d
}

// fills says, per member, which composition rules it helps meet.
func fills(e Eligibility, team []Applicant) [][]string {
	out := make([][]string, len(team))
	for i := range out {
		out[i] = []string{}
	}
	seen := map[string]bool{}
	for i, m := range team {
		if m.Country != "" && !seen[m.Country] {
			seen[m.Country] = true
			out[i] = append(out[i], "country "+m.Country)
		}
	}
	r := e.Consortium
	if r == nil {
		return out
	}
	for i, ri := range sectorMixAssign(r.SectorMix, team) {
		if ri >= 0 {
			out[i] = append(out[i], r.SectorMix[ri].Description)
		}
	}
	if r.RequiresAIAndCCI {
		for _, kind := range []string{"ai", "cci"} {
			if i := slices.IndexFunc(team, func(m Applicant) bool { return m.Kind == kind }); i >= 0 {
				out[i] = append(out[i], "the "+kindNames[kind]+" member")
			}
		}
	}
	if len(e.PartnerOrgTypes) > 0 {
		if i := slices.IndexFunc(team, func(m Applicant) bool { return canCoordinate(m, e) }); i >= 0 {
			out[i] = append(out[i], "the coordinator")
		}
	}
	return out
}
