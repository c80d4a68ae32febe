package matching

import (
	"cmp"
	"slices"
)

// FewResults is the length under which a reciprocal list counts as short: the API then adds
// one-sided partners and says what would widen the list (Widen).
const FewResults = 5

// Advice says why a list of partners is short and what would widen it. Counts are of candidates
// of the kinds asked for: available, not paused, not at capacity, claimed, not excluded.
type Advice struct {
	// UncoveredNeeds are the querying actor's needs that no candidate offers, even partly.
	UncoveredNeeds []string
	// WantedOffers are skills that candidates who cover your needs look for and you do not offer,
	// most wanted first: adding one you really have makes those partners reciprocal.
	WantedOffers []SkillCount
	// LanguageBlocked counts partners who would fit both ways but share no language with you;
	// Languages are their most common languages.
	LanguageBlocked int
	Languages       []string
	// FilteredOut counts reciprocal partners that the query's filters (country, sector, remote,
	// collaboration modes) leave out.
	FilteredOut int
	// Candidates counts every candidate of the kinds asked for.
	Candidates int
}

// SkillCount is a skill and how many partners it concerns.
type SkillCount struct {
	Skill string
	Count int
}

// maxWanted bounds Advice.WantedOffers and maxLanguages Advice.Languages.
const (
	maxWanted    = 5
	maxLanguages = 3
)

// Widen ranks one-sided partners for a short list and advises how to widen it. A one-sided
// partner covers some of the querying actor's needs, but the querying actor covers none of the
// partner's declared needs: the reciprocal score is 0, so Match never lists it. It suits paid
// work (a commission) or a first contact. They are ranked by forward × context factor
// (Result.Score), with Backward 0 and reasons in both directions; the hard rules (language,
// availability, capacity, exclusions, same member) and the query's filters apply as in Match.
// An actor who declared no needs gets no one-sided partners (every partner covers it alike).
// Widen reads every candidate, so it is meant for short lists only (FewResults).
func (ix *Index) Widen(q Query) ([]Result, Advice, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	ai, ok := ix.ids.slot(q.ActorID)
	if !ok {
		return nil, Advice{}, ErrUnknownActor
	}
	a := &ix.slots[ai]
	f := ix.filterOf(&q)
	var excluded []int32
	for other := range ix.excluded[q.ActorID] {
		if s, ok := ix.ids.slot(other); ok {
			excluded = append(excluded, s)
		}
	}
	needs, offers := a.needs(), a.offers()
	covered := make([]bool, len(needs))
	wanted := map[int32]int{}
	langs := map[uint32]int{}
	var adv Advice
	var h []hit
	k := limitOf(&q)
	for i := range ix.slots {
		b := &ix.slots[i]
		if int32(i) == ai || !b.is(flagAlive) || !b.is(flagCandidate) || !slices.Contains(f.kinds, b.kind) ||
			sameMember(a, b) || slices.Contains(excluded, int32(i)) {
			continue
		}
		adv.Candidates++
		for j, n := range needs {
			if !covered[j] && ix.covers(n, b.offers()) {
				covered[j] = true
			}
		}
		fw := coverage(&ix.tree, needs, b.offers())
		bw := coverage(&ix.tree, b.needs(), offers)
		if !overlap(a.langs, b.langs, a.langIDs(), b.langIDs()) {
			if fw > 0 && bw > 0 {
				adv.LanguageBlocked++
				for _, l := range b.langIDs() {
					langs[l]++
				}
			}
			continue
		}
		if f.none || !f.passes(a, b) {
			if fw > 0 && bw > 0 {
				adv.FilteredOut++
			}
			continue
		}
		if len(needs) == 0 || fw <= 0 || bw > 0 {
			continue
		}
		for _, n := range b.needs() {
			wanted[int32(n>>1)]++
		}
		h = ix.push(h, k, hit{fw * ctxFactor(a, b), fw, 0, int32(i)})
	}
	for j, n := range needs {
		if !covered[j] {
			adv.UncoveredNeeds = append(adv.UncoveredNeeds, ix.tree.slugs[n>>1])
		}
	}
	adv.WantedOffers = ix.topSkills(wanted)
	adv.Languages = topLanguages(langs, ix.langNames)
	return ix.results(ai, ix.sorted(h), q.Explain), adv, nil
}

// covers reports whether any offer comes near the need (taxonomy similarity above 0).
func (ix *Index) covers(need uint32, offers []uint32) bool {
	for _, o := range offers {
		if ix.tree.sim(int32(need>>1), int32(o>>2)) > 0 {
			return true
		}
	}
	return false
}

func (ix *Index) topSkills(counts map[int32]int) []SkillCount {
	out := make([]SkillCount, 0, len(counts))
	for node, n := range counts {
		out = append(out, SkillCount{ix.tree.slugs[node], n})
	}
	slices.SortFunc(out, func(x, y SkillCount) int {
		return cmp.Or(cmp.Compare(y.Count, x.Count), cmp.Compare(x.Skill, y.Skill))
	})
	return out[:min(len(out), maxWanted)]
}

func topLanguages(counts map[uint32]int, names []string) []string {
	ids := make([]uint32, 0, len(counts))
	for id := range counts {
		if int(id) < len(names) {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, func(x, y uint32) int {
		return cmp.Or(cmp.Compare(counts[y], counts[x]), cmp.Compare(names[x], names[y]))
	})
	out := make([]string, 0, min(len(ids), maxLanguages))
	for _, id := range ids[:min(len(ids), maxLanguages)] {
		out = append(out, names[id])
	}
	return out
}
