package matching

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"time"
)

// QualityConfig configures EvaluateQuality.
type QualityConfig struct {
	Noise   int   // background actors from Synthetic (default 4000)
	Pairs   int   // planted complementary CCI-AI pairs (default 150)
	Seed    int64 // default 1
	K       int   // list length (default 10)
	Skills  []Skill
	Options Options // engine options (exposure control)
}

// RankStats are the figures of one ranking method on the planted pairs.
type RankStats struct {
	Recall1, Recall10, MRR, NDCG10 float64
	Mutual                         float64 // partner in A's top K and A in the partner's top K
	// Share of pairs where the true partner ranks above each decoy (a decoy outside the list
	// counts as beaten when the partner is in it).
	LanguageBeaten, OneSidedBeaten, PartialBeaten float64
	LanguageListed                                int // lists of A that show A's language-blocked decoy
	// Exposure over the top-K lists of every CCI actor: the largest share of lists one AI actor
	// appears in, and the Gini coefficient of appearances over all AI actors.
	MaxShare, Gini float64
	Lists          int
}

// QualityReport compares the engine (Match, with exposure control), its exact ranking
// (MatchExact) and a plain Jaccard-overlap baseline on the same data.
type QualityReport struct {
	Noise, Pairs, K        int
	Engine, Exact, Jaccard RankStats
}

// Targets the engine must meet; TestQuality asserts them.
const (
	TargetRecall1    = 0.80
	TargetRecall10   = 0.95
	TargetMRR        = 0.85
	TargetMutual     = 0.85
	TargetDecoyBeat  = 0.90
	TargetMaxShare   = 0.05
	TargetRecallCost = 0.05
)

// Failures lists the targets the engine misses (empty when all are met).
func (r QualityReport) Failures() []string {
	var out []string
	e := r.Engine
	check := func(ok bool, format string, args ...any) {
		if !ok {
			out = append(out, fmt.Sprintf(format, args...))
		}
	}
	check(e.Recall1 >= TargetRecall1, "recall@1 %.3f < %.2f", e.Recall1, TargetRecall1)
	check(e.Recall10 >= TargetRecall10, "recall@10 %.3f < %.2f", e.Recall10, TargetRecall10)
	check(e.MRR >= TargetMRR, "MRR %.3f < %.2f", e.MRR, TargetMRR)
	check(e.Mutual >= TargetMutual, "mutual %.3f < %.2f", e.Mutual, TargetMutual)
	check(e.LanguageListed == 0, "language-blocked decoys listed %d times", e.LanguageListed)
	check(e.OneSidedBeaten >= TargetDecoyBeat, "one-sided decoys beaten %.3f < %.2f", e.OneSidedBeaten, TargetDecoyBeat)
	check(e.PartialBeaten >= TargetDecoyBeat, "partial decoys beaten %.3f < %.2f", e.PartialBeaten, TargetDecoyBeat)
	check(e.MaxShare <= TargetMaxShare, "max share %.3f > %.2f", e.MaxShare, TargetMaxShare)
	check(e.Gini <= r.Jaccard.Gini, "Gini %.3f worse than Jaccard's %.3f", e.Gini, r.Jaccard.Gini)
	check(r.Exact.Recall10-e.Recall10 <= TargetRecallCost, "exposure control costs %.3f recall@10 > %.2f", r.Exact.Recall10-e.Recall10, TargetRecallCost)
	return out
}

type plantedPair struct {
	a, b                         string // CCI actor, its AI partner
	langDecoy, oneSided, partial string // AI decoys for a
}

// plant adds the planted pairs and decoys to actors. Each pair gets skills drawn uniformly
// (not by popularity), so noise rarely fits as well by chance.
func plant(actors []Actor, pairs int, r *rand.Rand, skills []Skill) ([]Actor, []plantedPair) {
	leaves := map[string][]Skill{}
	parent := map[string]string{}
	hasChild := map[string]bool{}
	for _, s := range skills {
		hasChild[s.Parent] = true
		parent[s.Slug] = s.Parent
	}
	for _, s := range skills {
		if !hasChild[s.Slug] && s.Parent != "" {
			leaves[s.Domain] = append(leaves[s.Domain], s)
		}
	}
	draw := func(domain string, n int, avoid map[string]bool) []Skill {
		var out []Skill
		for tries := 0; len(out) < n && tries < 1000; tries++ {
			s := leaves[domain][r.IntN(len(leaves[domain]))]
			if avoid[s.Slug] || avoid["parent:"+s.Parent] {
				continue
			}
			avoid[s.Slug] = true
			out = append(out, s)
		}
		return out
	}
	created := SyntheticEpoch().Add(-400 * 24 * time.Hour)
	base := func(id string, kind Kind, c int) Actor {
		cc := syntheticCountries[c]
		return Actor{ID: id, OwnerID: "owner-" + id, Kind: kind, Country: cc.code, Region: cc.code + "-1",
			Languages: []string{cc.langs[0]}, Sectors: []string{"music"}, Modes: []string{"co-creation"},
			Remote: true, Available: true, Capacity: 3, CreatedAt: created}
	}
	var out []plantedPair
	for i := range pairs {
		c := r.IntN(len(syntheticCountries))
		if syntheticCountries[c].langs[0] == "en" {
			c = 0
		}
		sector := syntheticSectors[r.IntN(len(syntheticSectors))]
		// A needs 3 AI skills from different fields; B needs 2 CCI skills A offers.
		aNeeds := draw("ai", 3, map[string]bool{})
		bNeeds := draw("cci", 2, map[string]bool{})
		p := plantedPair{
			a: fmt.Sprintf("planted-a-%04d", i), b: fmt.Sprintf("planted-b-%04d", i),
			langDecoy: fmt.Sprintf("decoy-lang-%04d", i), oneSided: fmt.Sprintf("decoy-one-%04d", i),
			partial: fmt.Sprintf("decoy-part-%04d", i),
		}
		a := base(p.a, KindCCI, c)
		b := base(p.b, KindAI, c)
		if r.IntN(10) < 4 {
			// A partner abroad: they meet in English, remotely.
			b = base(p.b, KindAI, r.IntN(len(syntheticCountries)))
			a.Languages = append(a.Languages, "en")
			b.Languages = append(b.Languages, "en")
		}
		a.Sectors, b.Sectors = []string{sector}, []string{sector}
		// Not a perfect fit either: levels from working to expert, and the nice-to-have need is
		// sometimes covered only by a neighbouring skill.
		for j, s := range aNeeds {
			a.Needs = append(a.Needs, Need{Skill: s.Slug, Must: j < 2})
			offer := s.Slug
			if j == 2 && r.IntN(10) < 3 {
				for _, sib := range leaves["ai"] {
					if sib.Parent == s.Parent && sib.Slug != s.Slug {
						offer = sib.Slug
						break
					}
				}
			}
			b.Offers = append(b.Offers, Offer{Skill: offer, Level: 2 + r.IntN(3)})
		}
		for _, s := range bNeeds {
			b.Needs = append(b.Needs, Need{Skill: s.Slug, Must: true})
			a.Offers = append(a.Offers, Offer{Skill: s.Slug, Level: 2 + r.IntN(3)})
		}
		avoidA := map[string]bool{}
		for _, s := range bNeeds {
			avoidA[s.Slug], avoidA["parent:"+s.Parent] = true, true
		}

		// Perfect fit, but no language in common with A.
		ld := base(p.langDecoy, KindAI, c)
		ld.Languages = []string{"xx-" + fmt.Sprint(i)} // a language nobody else speaks
		ld.Sectors = []string{sector}
		for _, s := range aNeeds {
			ld.Offers = append(ld.Offers, Offer{Skill: s.Slug, Level: 4})
		}
		ld.Needs = slices.Clone(b.Needs)

		// One-sided: covers all of A's needs at expert level, needs what A does not offer.
		od := base(p.oneSided, KindAI, c)
		od.Sectors = []string{sector}
		for _, s := range aNeeds {
			od.Offers = append(od.Offers, Offer{Skill: s.Slug, Level: 4})
		}
		for _, s := range draw("cci", 2, avoidA) {
			od.Needs = append(od.Needs, Need{Skill: s.Slug, Must: true})
		}

		// Partial fit at a higher level: the broader fields of A's needs, at expert level.
		pd := base(p.partial, KindAI, c)
		pd.Sectors = []string{sector}
		for _, s := range aNeeds {
			pd.Offers = append(pd.Offers, Offer{Skill: parent[s.Slug], Level: 4})
		}
		pd.Needs = slices.Clone(b.Needs)

		actors = append(actors, a, b, ld, od, pd)
		out = append(out, p)
	}
	return actors, out
}

// EvaluateQuality plants complementary pairs among noise and decoys, ranks with the engine and
// with a plain Jaccard-overlap baseline, and writes a report to w.
func EvaluateQuality(cfg QualityConfig, w io.Writer) (QualityReport, error) {
	if cfg.Noise <= 0 {
		cfg.Noise = 4000
	}
	if cfg.Pairs <= 0 {
		cfg.Pairs = 150
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	if cfg.K <= 0 {
		cfg.K = 10
	}
	rep := QualityReport{Noise: cfg.Noise, Pairs: cfg.Pairs, K: cfg.K}
	skills := cfg.Skills
	if skills == nil {
		skills = SyntheticTaxonomy(cfg.Seed)
	}
	tax, err := NewTaxonomy(skills)
	if err != nil {
		return rep, err
	}
	r := rand.New(rand.NewPCG(uint64(cfg.Seed), 0x7175616c697479))
	actors, pairs := plant(Synthetic(cfg.Noise, cfg.Seed, skills), cfg.Pairs, r, skills)
	ix := NewIndex(tax, cfg.Options)
	ix.UpsertMany(actors)
	now := SyntheticEpoch()

	// Every CCI actor asks for AI partners once, in a shuffled order.
	var cci []string
	var aiCount int
	for i := range actors {
		switch actors[i].Kind {
		case KindCCI:
			cci = append(cci, actors[i].ID)
		case KindAI:
			aiCount++
		}
	}
	r.Shuffle(len(cci), func(i, j int) { cci[i], cci[j] = cci[j], cci[i] })

	type ranker func(q Query) ([]Result, error)
	jac := jaccardRanker(actors)
	methods := []struct {
		stats *RankStats
		rank  ranker
	}{
		{&rep.Engine, ix.Match},
		{&rep.Exact, ix.MatchExact},
		{&rep.Jaccard, jac},
	}
	for _, m := range methods {
		lists := map[string][]string{}
		appear := map[string]int{}
		for _, id := range cci {
			res, err := m.rank(Query{ActorID: id, Kind: KindAI, Limit: cfg.K, Now: now})
			if err != nil {
				return rep, err
			}
			ids := make([]string, len(res))
			for i, x := range res {
				ids[i] = x.ActorID
				appear[x.ActorID]++
			}
			lists[id] = ids
		}
		st := m.stats
		st.Lists = len(cci)
		counts := make([]float64, 0, aiCount)
		for _, a := range actors {
			if a.Kind == KindAI {
				c := float64(appear[a.ID])
				counts = append(counts, c)
				st.MaxShare = max(st.MaxShare, c/float64(len(cci)))
			}
		}
		st.Gini = gini(counts)

		rank := func(list []string, id string) int {
			if i := slices.Index(list, id); i >= 0 {
				return i + 1
			}
			return math.MaxInt
		}
		beats := func(list []string, partner, decoy string) bool {
			return rank(list, partner) < rank(list, decoy)
		}
		var mutual, lang, one, part float64
		for _, p := range pairs {
			l := lists[p.a]
			rk := rank(l, p.b)
			if rk == 1 {
				st.Recall1++
			}
			if rk <= cfg.K {
				st.Recall10++
				st.MRR += 1 / float64(rk)
				st.NDCG10 += 1 / math.Log2(float64(rk)+1)
				back, err := m.rank(Query{ActorID: p.b, Kind: KindCCI, Limit: cfg.K, Now: now})
				if err != nil {
					return rep, err
				}
				if slices.ContainsFunc(back, func(x Result) bool { return x.ActorID == p.a }) {
					mutual++
				}
			}
			if slices.Contains(l, p.langDecoy) {
				st.LanguageListed++
			}
			if beats(l, p.b, p.langDecoy) {
				lang++
			}
			if beats(l, p.b, p.oneSided) {
				one++
			}
			if beats(l, p.b, p.partial) {
				part++
			}
		}
		n := float64(len(pairs))
		st.Recall1 /= n
		st.Recall10 /= n
		st.MRR /= n
		st.NDCG10 /= n
		st.Mutual = mutual / n
		st.LanguageBeaten, st.OneSidedBeaten, st.PartialBeaten = lang/n, one/n, part/n
	}
	if w != nil {
		if err := rep.Print(w); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// Print writes the report as a table.
func (r QualityReport) Print(w io.Writer) error {
	var err error
	p := func(format string, args ...any) {
		if err == nil {
			_, err = fmt.Fprintf(w, format, args...)
		}
	}
	p("quality: %d planted CCI-AI pairs among %d noise actors and %d decoys, lists of %d\n", r.Pairs, r.Noise, 3*r.Pairs, r.K)
	p("%-30s %10s %10s %10s\n", "", "engine", "exact", "jaccard")
	row := func(name string, f func(RankStats) float64) {
		p("%-30s %10.3f %10.3f %10.3f\n", name, f(r.Engine), f(r.Exact), f(r.Jaccard))
	}
	row("recall@1", func(s RankStats) float64 { return s.Recall1 })
	row(fmt.Sprintf("recall@%d", r.K), func(s RankStats) float64 { return s.Recall10 })
	row("MRR", func(s RankStats) float64 { return s.MRR })
	row(fmt.Sprintf("nDCG@%d", r.K), func(s RankStats) float64 { return s.NDCG10 })
	row("mutual top-k", func(s RankStats) float64 { return s.Mutual })
	row("beats language-blocked decoy", func(s RankStats) float64 { return s.LanguageBeaten })
	row("beats one-sided decoy", func(s RankStats) float64 { return s.OneSidedBeaten })
	row("beats partial decoy", func(s RankStats) float64 { return s.PartialBeaten })
	row("language decoy listed (lists)", func(s RankStats) float64 { return float64(s.LanguageListed) })
	row("exposure: max share of lists", func(s RankStats) float64 { return s.MaxShare })
	row("exposure: Gini of appearances", func(s RankStats) float64 { return s.Gini })
	return err
}

// jaccardRanker ranks by the Jaccard overlap of A's needed skills and B's offered skills, with
// no other rule than the kind and not oneself: the plain baseline.
func jaccardRanker(actors []Actor) func(Query) ([]Result, error) {
	type prof struct {
		id     string
		kind   Kind
		offers []string
	}
	profs := make([]prof, len(actors))
	needs := map[string][]string{}
	for i, a := range actors {
		p := prof{id: a.ID, kind: a.Kind}
		for _, o := range a.Offers {
			p.offers = append(p.offers, o.Skill)
		}
		sort.Strings(p.offers)
		p.offers = slices.Compact(p.offers)
		profs[i] = p
		var n []string
		for _, x := range a.Needs {
			n = append(n, x.Skill)
		}
		sort.Strings(n)
		needs[a.ID] = slices.Compact(n)
	}
	return func(q Query) ([]Result, error) {
		need, ok := needs[q.ActorID]
		if !ok {
			return nil, ErrUnknownActor
		}
		var res []Result
		for _, p := range profs {
			if p.id == q.ActorID || (q.Kind != 0 && p.kind != q.Kind) {
				continue
			}
			inter := 0
			for _, s := range need {
				if _, found := slices.BinarySearch(p.offers, s); found {
					inter++
				}
			}
			if inter == 0 {
				continue
			}
			j := float64(inter) / float64(len(need)+len(p.offers)-inter)
			res = append(res, Result{ActorID: p.id, Score: j, Forward: j})
		}
		slices.SortFunc(res, func(x, y Result) int {
			switch {
			case x.Score > y.Score:
				return -1
			case x.Score < y.Score:
				return 1
			}
			if x.ActorID < y.ActorID {
				return -1
			}
			return 1
		})
		return res[:min(len(res), limitOf(&q))], nil
	}
}

// gini is the Gini coefficient of non-negative counts (0: all equal; near 1: all on one).
func gini(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	s := slices.Clone(x)
	slices.Sort(s)
	var sum, weighted float64
	for i, v := range s {
		sum += v
		weighted += float64(i+1) * v
	}
	if sum == 0 {
		return 0
	}
	n := float64(len(s))
	return (2*weighted)/(n*sum) - (n+1)/n
}
