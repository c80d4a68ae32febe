package matching

import (
	"slices"
	"time"
)

// hit is one scored candidate.
type hit struct {
	score, f, b float64
	slot        int32
}

// scratch is per-query working memory, pooled so that a query allocates nothing per candidate.
type scratch struct {
	mark  []uint32 // mark[slot] == epoch: seen (or excluded) in this query
	epoch uint32
	heap  []hit
	fwd   []entry
	bwd   []entry
	bound []float64
	need  []float64
	best  []nodeBest
}

type entry struct {
	ub   float64
	need int    // forward: which need of the querying actor
	node uint32 // forward: offered node<<2 | level-1; backward: needed node
	list []int32
}

// search is one query's state while reading lists.
type search struct {
	ix            *Index
	sc            *scratch
	a             *slot
	f             *filter
	k             int
	needs, offers []uint32
	mark          []uint32
	ep            uint32
	h             []hit
	theta         float64 // the k-th best score once the heap is full, else -1
}

// read scores every partner of a list not seen yet in this query. No allocation.
func (st *search) read(list []int32) {
	ix, a, mark, ep := st.ix, st.a, st.mark, st.ep
	for _, s := range list {
		if mark[s] == ep {
			continue
		}
		mark[s] = ep
		b := &ix.slots[s]
		if !st.f.passes(a, b) {
			continue
		}
		fw := coverage(&ix.tree, st.needs, b.offers())
		bw := coverage(&ix.tree, b.needs(), st.offers)
		v := combine(fw, bw, ctxFactor(a, b))
		if v <= 0 || v < st.theta {
			continue
		}
		st.h = ix.push(st.h, st.k, hit{v, fw, bw, s})
		if len(st.h) == st.k {
			st.theta = st.h[0].score
		}
	}
}

type nodeBest struct {
	node int32
	best float64
}

func (sc *scratch) begin(n int) {
	if len(sc.mark) < n {
		sc.mark = append(sc.mark, make([]uint32, n-len(sc.mark))...)
	}
	sc.epoch++
	if sc.epoch == 0 {
		clear(sc.mark)
		sc.epoch = 1
	}
	sc.heap = sc.heap[:0]
	sc.fwd = sc.fwd[:0]
	sc.bwd = sc.bwd[:0]
	sc.best = sc.best[:0]
}

// better is the total order of results: higher score first, then smaller ID.
func (ix *Index) better(x, y hit) bool {
	if x.score != y.score {
		return x.score > y.score
	}
	return ix.ids[x.slot] < ix.ids[y.slot]
}

// push keeps the k best hits in a heap whose root is the worst of them. It reports whether the
// heap is full, in which case h[0].score is the current threshold.
func (ix *Index) push(h []hit, k int, x hit) []hit {
	if len(h) < k {
		h = append(h, x)
		i := len(h) - 1
		for i > 0 {
			p := (i - 1) / 2
			if !ix.better(h[p], h[i]) {
				break
			}
			h[p], h[i] = h[i], h[p]
			i = p
		}
		return h
	}
	if !ix.better(x, h[0]) {
		return h
	}
	h[0] = x
	i := 0
	for {
		l := 2*i + 1
		if l >= len(h) {
			break
		}
		w := l
		if r := l + 1; r < len(h) && ix.better(h[l], h[r]) {
			w = r
		}
		if !ix.better(h[i], h[w]) {
			break
		}
		h[i], h[w] = h[w], h[i]
		i = w
	}
	return h
}

func (ix *Index) sorted(h []hit) []hit {
	out := slices.Clone(h)
	slices.SortFunc(out, func(x, y hit) int {
		if ix.better(x, y) {
			return -1
		}
		if ix.better(y, x) {
			return 1
		}
		return 0
	})
	return out
}

// filter holds a query's resolved filters.
type filter struct {
	kinds    []Kind
	country  uint16
	byCtry   bool
	sector   uint32
	bySector bool
	remote   *bool
	none     bool // a filter names a value no actor has
}

func (ix *Index) filterOf(q *Query) filter {
	var f filter
	if q.Kind == 0 {
		f.kinds = []Kind{KindCCI, KindAI, KindIntermediary}
	} else if q.Kind.valid() {
		f.kinds = []Kind{q.Kind}
	} else {
		f.none = true
	}
	if q.Country != "" {
		c, ok := ix.countries[q.Country]
		f.country, f.byCtry, f.none = uint16(c), true, f.none || !ok
	}
	if q.Sector != "" {
		s, ok := ix.sectors[q.Sector]
		f.sector, f.bySector, f.none = s, true, f.none || !ok
	}
	f.remote = q.Remote
	return f
}

// passes applies the query filters and the language rule to a candidate.
func (f *filter) passes(a, b *slot) bool {
	if !overlap(a.langs, b.langs, a.langIDs(), b.langIDs()) {
		return false
	}
	if f.byCtry && b.country != f.country {
		return false
	}
	if f.bySector && !hasID(b.sectors, b.sectorIDs(), f.sector) {
		return false
	}
	if f.remote != nil && b.is(flagRemote) != *f.remote {
		return false
	}
	return true
}

func hasID(mask uint64, ids []uint32, id uint32) bool {
	if id < 63 {
		return mask&(1<<id) != 0
	}
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}

func limitOf(q *Query) int {
	if q.Limit <= 0 {
		return DefaultLimit
	}
	return min(q.Limit, MaxLimit)
}

// MatchExact returns the exact top Limit partners, best first (ties by ID), before exposure
// re-ranking. It uses the inverted lists with upper-bound pruning and returns exactly what
// BruteForce returns.
func (ix *Index) MatchExact(q Query) ([]Result, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	a, ok := ix.byID[q.ActorID]
	if !ok {
		return nil, ErrUnknownActor
	}
	sc := ix.pool.Get().(*scratch)
	defer ix.pool.Put(sc)
	hits := ix.topK(sc, a, &q, limitOf(&q))
	return ix.results(a, hits, q.Explain), nil
}

// BruteForce scores every actor with the same scoring as MatchExact: the reference in tests and
// benchmarks.
func (ix *Index) BruteForce(q Query) ([]Result, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	ai, ok := ix.byID[q.ActorID]
	if !ok {
		return nil, ErrUnknownActor
	}
	k := limitOf(&q)
	f := ix.filterOf(&q)
	if f.none {
		return []Result{}, nil
	}
	a := &ix.slots[ai]
	var h []hit
	for i := range ix.slots {
		b := &ix.slots[i]
		if int32(i) == ai || !b.is(flagAlive) || !b.is(flagCandidate) || !slices.Contains(f.kinds, b.kind) {
			continue
		}
		if a.owner >= 0 && a.owner == b.owner && !a.is(flagManaged) && !b.is(flagManaged) {
			continue
		}
		if ix.isExcluded(ix.ids[ai], ix.ids[i]) || !f.passes(a, b) {
			continue
		}
		s, fw, bw := ix.score(a, b)
		if s > 0 {
			h = ix.push(h, k, hit{s, fw, bw, int32(i)})
		}
	}
	return ix.results(ai, ix.sorted(h), q.Explain), nil
}

// eps absorbs floating-point rounding in the pruning bounds: pruning is only ever looser by it.
const eps = 1e-9

// topK is the pruned exact search. Every list of the querying actor A is either a forward list
// (actors offering a skill related to one of A's needs, at one level) or a backward list (actors
// needing a skill related to one of A's offers). Each has an upper bound on the coverage it can
// give, lists are taken best bound first, and a side stops when no actor outside its lists read
// so far can reach the coverage the current k-th score demands (minCoverage). Either side
// stopping ends the search: every actor that could still enter the top k has been scored. At
// each step the side with less left to read goes next.
func (ix *Index) topK(sc *scratch, ai int32, q *Query, k int) []hit {
	f := ix.filterOf(q)
	if f.none {
		return nil
	}
	sc.begin(len(ix.slots))
	a := &ix.slots[ai]
	ep := sc.epoch
	mark := sc.mark

	// Never self, never excluded pairs, never the same member's other profiles.
	mark[ai] = ep
	for other := range ix.excluded[ix.ids[ai]] {
		if s, ok := ix.byID[other]; ok {
			mark[s] = ep
		}
	}
	if a.owner >= 0 && !a.is(flagManaged) {
		for _, s := range ix.ownerMembers[a.owner] {
			if !ix.slots[s].is(flagManaged) {
				mark[s] = ep
			}
		}
	}

	needs, offers := a.needs(), a.offers()

	// best[y]: the most A's offers give a need of node y.
	for _, o := range offers {
		lf := levelFactor[o&3]
		ix.tree.related(int32(o>>2), func(y int32, s float64) {
			v := s * lf
			for i := range sc.best {
				if sc.best[i].node == y {
					sc.best[i].best = max(sc.best[i].best, v)
					return
				}
			}
			sc.best = append(sc.best, nodeBest{y, v})
		})
	}
	var wsum float64
	for _, n := range needs {
		wsum += needWeight[n&1]
	}

	st := search{ix: ix, sc: sc, a: a, f: &f, k: k, needs: needs, offers: offers, mark: mark, ep: ep, h: sc.heap, theta: -1}
	for _, kind := range f.kinds {
		// Backward lists: partners needing y, bound best[y]; partners needing nothing, NoNeedsCoverage.
		sc.bwd = sc.bwd[:0]
		for _, nb := range sc.best {
			if L := ix.needPost[kind][nb.node]; len(L) > 0 {
				sc.bwd = append(sc.bwd, entry{ub: nb.best, node: uint32(nb.node), list: L})
			}
		}
		if L := ix.noNeeds[kind]; len(L) > 0 {
			sc.bwd = append(sc.bwd, entry{ub: NoNeedsCoverage, node: noNode, list: L})
		}
		slices.SortFunc(sc.bwd, byBound)
		// Backward coverage is a weighted mean over the partner's needs, so a partner in none of
		// bwd[:q] has backward coverage at most bwd[q].ub.
		bb := func(q int) float64 {
			if q < len(sc.bwd) {
				return sc.bwd[q].ub
			}
			return 0
		}

		if len(needs) == 0 {
			// Everyone covers A's (absent) needs alike: read the backward lists alone.
			for q := range sc.bwd {
				if harmonic(NoNeedsCoverage, bb(q)) < st.theta-eps {
					break
				}
				st.read(sc.bwd[q].list)
			}
			continue
		}

		// Forward lists: partners offering node x at level l, for need i.
		sc.fwd = sc.fwd[:0]
		for i, n := range needs {
			wn := needWeight[n&1] / wsum
			ix.tree.related(int32(n>>1), func(x int32, s float64) {
				for l := range 4 {
					sc.fwd = append(sc.fwd, entry{ub: wn * s * levelFactor[l], need: i, node: uint32(x)<<2 | uint32(l)})
				}
			})
		}
		slices.SortFunc(sc.fwd, byBound)
		// fb[p]: the most forward coverage a partner in none of fwd[:p] can have (per need, the
		// best bound left; summed).
		sc.bound = slices.Grow(sc.bound[:0], len(sc.fwd)+1)[:len(sc.fwd)+1]
		fb := sc.bound
		sc.need = slices.Grow(sc.need[:0], len(needs))[:len(needs)]
		clear(sc.need)
		sum := 0.0
		fb[len(sc.fwd)] = 0
		for p := len(sc.fwd) - 1; p >= 0; p-- {
			e := &sc.fwd[p]
			if e.ub > sc.need[e.need] {
				sum += e.ub - sc.need[e.need]
				sc.need[e.need] = e.ub
			}
			fb[p] = sum
		}

		// Staircase: a partner first met at forward list p and backward list q scores at most
		// harmonic(fb[p], bb(q)), and it is in the pair list (fwd[p], bwd[q]). Reading pair lists
		// while that bound can still reach the k-th score finds every partner that can enter the
		// top k; the bound only falls along p and q, and the k-th score only rises.
		for p := range sc.fwd {
			if harmonic(fb[p], bb(0)) < st.theta-eps {
				break
			}
			off := sc.fwd[p].node
			for q := range sc.bwd {
				if harmonic(fb[p], bb(q)) < st.theta-eps {
					break
				}
				if L := ix.pairs[pairKey(kind, off, sc.bwd[q].node)]; len(L) > 0 {
					st.read(L)
				}
			}
		}
	}
	h := st.h
	sc.heap = h
	return ix.sorted(h)
}

func byBound(x, y entry) int {
	switch {
	case x.ub > y.ub:
		return -1
	case x.ub < y.ub:
		return 1
	}
	return 0
}

// results turns hits into Results, with reasons when asked.
func (ix *Index) results(ai int32, hits []hit, explain bool) []Result {
	out := make([]Result, len(hits))
	a := &ix.slots[ai]
	for i, h := range hits {
		b := &ix.slots[h.slot]
		out[i] = Result{ActorID: ix.ids[h.slot], Score: h.score, Forward: h.f, Backward: h.b}
		if explain {
			out[i].Reasons = ix.explain(a, b)
		}
	}
	return out
}

func nowOr(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now()
	}
	return t
}
