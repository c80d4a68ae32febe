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

// scratch is per-query working memory, reused (Index.getScratch) so that a query allocates nothing
// per candidate.
type scratch struct {
	mark  []uint32 // mark[slot] == epoch: never show this actor in this query
	epoch uint32
	fpos  []tag     // by offer code (node<<2 | level-1): first forward list with that code
	bpos  []tag     // by node (noNode's at the end): backward list of that node
	bval  []valTag  // by node: what the querying actor's offers give a need of that node
	fvals []float64 // per related offer code, per need: sim * level factor
	tep   uint32
	heap  []hit
	fwd   []entry
	bwd   []entry
	bound []float64
	need  []float64
	best  []nodeBest
}

// tag is a position valid only while its epoch is current: no clearing per query.
type tag struct {
	ep  uint32
	pos int32
	idx int32 // forward: row of the code in fvals
}

// valTag is a per-node value valid while its epoch is current.
type valTag struct {
	ep  uint32
	val float64
}

type entry struct {
	ub    float64
	v     float64 // forward: sim * level factor
	need  int     // forward: which need of the querying actor
	code  uint32  // forward: offer code; backward: needed node or noNode
	first bool    // forward: first entry with this offer code
}

type nodeBest struct {
	node int32
	best float64
}

func (sc *scratch) begin(n, nodes int) {
	if len(sc.mark) < n {
		sc.mark = append(sc.mark, make([]uint32, n-len(sc.mark))...)
	}
	if len(sc.fpos) < nodes*4 {
		sc.fpos = append(sc.fpos, make([]tag, nodes*4-len(sc.fpos))...)
	}
	if len(sc.bpos) < nodes+1 {
		sc.bpos = append(sc.bpos, make([]tag, nodes+1-len(sc.bpos))...)
		sc.bval = append(sc.bval, make([]valTag, nodes+1-len(sc.bval))...)
	}
	sc.epoch++
	if sc.epoch == 0 {
		clear(sc.mark)
		clear(sc.bval)
		sc.epoch = 1
	}
	sc.heap = sc.heap[:0]
	sc.best = sc.best[:0]
}

// nextTags starts a new generation of positions (one per kind searched).
func (sc *scratch) nextTags() uint32 {
	sc.tep++
	if sc.tep == 0 {
		clear(sc.fpos)
		clear(sc.bpos)
		sc.tep = 1
	}
	return sc.tep
}

// better is the total order of results: higher score first, then smaller ID.
func (ix *Index) better(x, y hit) bool {
	if x.score != y.score {
		return x.score > y.score
	}
	return ix.ids.less(x.slot, y.slot)
}

// push keeps the k best hits in a heap whose root is the worst of them: once the heap is full,
// h[0].score is the score to beat.
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
	modes    []uint32 // interned modes, any of which the partner must have; nil keeps all
	none     bool     // a filter names a value no actor has
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
	for _, m := range q.Modes {
		if id, ok := ix.modes[m]; ok {
			f.modes = append(f.modes, id)
		}
	}
	if len(q.Modes) > 0 && len(f.modes) == 0 {
		f.none = true // no actor is open to any of these modes
	}
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
	if f.modes != nil && !slices.ContainsFunc(f.modes, func(m uint32) bool { return hasID(b.modes, b.modeIDs(), m) }) {
		return false
	}
	return true
}

// sameMember: two profiles of one member, neither managed by an intermediary for someone else.
func sameMember(a, b *slot) bool {
	return a.owner >= 0 && a.owner == b.owner && !a.is(flagManaged) && !b.is(flagManaged)
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
	sc := ix.getScratch() // before the read lock: a waiting query does not hold off writers
	defer ix.putScratch(sc)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	a, ok := ix.ids.slot(q.ActorID)
	if !ok {
		return nil, ErrUnknownActor
	}
	hits := ix.topK(sc, a, &q, limitOf(&q))
	return ix.results(a, hits, q.Explain), nil
}

// BruteForce scores every actor with the same scoring as MatchExact: the reference in tests and
// benchmarks.
func (ix *Index) BruteForce(q Query) ([]Result, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	ai, ok := ix.ids.slot(q.ActorID)
	if !ok {
		return nil, ErrUnknownActor
	}
	k := limitOf(&q)
	f := ix.filterOf(&q)
	if f.none {
		return []Result{}, nil
	}
	a := &ix.slots[ai]
	var excluded []int32
	for other := range ix.excluded[q.ActorID] {
		if s, ok := ix.ids.slot(other); ok {
			excluded = append(excluded, s)
		}
	}
	var h []hit
	for i := range ix.slots {
		b := &ix.slots[i]
		if int32(i) == ai || !b.is(flagAlive) || !b.is(flagCandidate) || !slices.Contains(f.kinds, b.kind) {
			continue
		}
		if sameMember(a, b) {
			continue
		}
		if slices.Contains(excluded, int32(i)) || !f.passes(a, b) {
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

// search is one query's state while reading lists.
type search struct {
	ix            *Index
	a             *slot
	f             *filter
	k             int
	needs, offers []uint32
	mark          []uint32
	ep            uint32
	fpos, bpos    []tag
	tep           uint32
	bval          []valTag
	fvals         []float64
	wsum          float64   // sum of the querying actor's need weights, summed as coverage does
	sig           uint64    // the querying actor's context signature
	best          []float64 // per need of A: the best an offer of the current record gives
	h             []hit
	theta         float64 // the k-th best score once the heap is full, else -1
}

// consider scores a partner whose coverages are known and may enter the top k.
func (st *search) consider(s int32, fw, bw float64) {
	if harmonic(fw, bw) < st.theta-eps || st.mark[s] == st.ep {
		return
	}
	b := &st.ix.slots[s]
	if sameMember(st.a, b) || !st.f.passes(st.a, b) {
		return
	}
	v := combine(fw, bw, ctxFactor(st.a, b))
	if v <= 0 || v < st.theta {
		return
	}
	st.h = st.ix.push(st.h, st.k, hit{v, fw, bw, s})
	if len(st.h) == st.k {
		st.theta = st.h[0].score
	}
}

// readPairs streams the records of the pair list of forward entry p and backward entry q. A
// partner is scored once, at its first pair in reading order: the first forward entry of any
// of its offers and the first backward entry of any of its needs.
func (st *search) readPairs(l []uint32, p, q int32, minF float64) {
	for i := 0; i < len(l); {
		s := int32(l[i])
		no, nn := int(l[i+1]>>8&0xff), int(l[i+1]&0xff)
		sig := recordSig(l, i)
		offs := l[i+recordHead : i+recordHead+no]
		nds := l[i+recordHead+no : i+recordHead+no+nn]
		i += recordHead + no + nn
		if sig&st.sig&sigLangMask == 0 {
			continue // no language in common
		}
		// One pass over the offers: is this the partner's first forward entry, and what does
		// each offer give each of A's needs.
		best := st.best
		clear(best)
		first := true
		for _, o := range offs {
			g := st.fpos[o]
			if g.ep != st.tep {
				continue
			}
			if g.pos < p {
				first = false
				break
			}
			row := st.fvals[int(g.idx)*len(best) : int(g.idx)*len(best)+len(best)]
			for j, v := range row {
				if v > best[j] {
					best[j] = v
				}
			}
		}
		if !first {
			continue
		}
		for _, n := range nds {
			if g := st.bpos[n>>1]; g.ep == st.tep && g.pos < q {
				first = false
				break
			}
		}
		if !first {
			continue
		}
		var sum float64
		for j, n := range st.needs {
			sum += needWeight[n&1] * best[j]
		}
		fw := min(sum/st.wsum, 1) // = coverage(tree, A's needs, offs), bit for bit
		if fw < minF {
			continue
		}
		bw := st.backward(nds)
		if combine(fw, bw, ctxBound(st.sig, sig)) < st.theta-eps {
			continue
		}
		st.consider(s, fw, bw)
	}
}

// backward is coverage(tree, nds, A's offers) from the query's tables.
func (st *search) backward(nds []uint32) float64 {
	if len(nds) == 0 {
		return NoNeedsCoverage
	}
	var sum, w float64
	for _, n := range nds {
		wt := needWeight[n&1]
		w += wt
		if g := st.bval[n>>1]; g.ep == st.ep {
			sum += wt * g.val
		}
	}
	return min(sum/w, 1)
}

// readNeeders streams a needPost list (querying actor without needs: forward is the same for all).
func (st *search) readNeeders(l []uint32, q int32) {
	for i := 0; i < len(l); {
		s := int32(l[i])
		nn := int(l[i+1] & 0xff)
		sig := recordSig(l, i)
		nds := l[i+recordHead : i+recordHead+nn]
		i += recordHead + nn
		if sig&st.sig&sigLangMask == 0 {
			continue
		}
		first := true
		for _, n := range nds {
			if g := st.bpos[n>>1]; g.ep == st.tep && g.pos < q {
				first = false
				break
			}
		}
		if !first {
			continue
		}
		bw := st.backward(nds)
		if combine(NoNeedsCoverage, bw, ctxBound(st.sig, sig)) < st.theta-eps {
			continue
		}
		st.consider(s, NoNeedsCoverage, bw)
	}
}

// topK is the pruned exact search; see docs/MATCHING.md, "How the engine finds them fast".
//
// For the querying actor A, forward entries are (need i, offer code c) with bound
// ub = weight(i) * sim * level(c), sorted by ub; fb[p] bounds the forward coverage of a partner
// none of whose offer codes comes before entry p. Backward entries are the nodes y that A's
// offers give credit for, with bound best(y), sorted; a partner none of whose needs comes
// before entry q has backward coverage at most bb(q) (a weighted mean). A partner first met at
// (p, q) therefore scores at most harmonic(fb[p], bb(q)), and it is in the pair list (c_p, y_q).
// Pair lists are read p by p, q by q, while that bound can still reach the k-th best score,
// which only rises; the bound only falls along p and q. So every partner that can enter the
// top k is scored, each exactly once, with the same functions as BruteForce.
func (ix *Index) topK(sc *scratch, ai int32, q *Query, k int) []hit {
	f := ix.filterOf(q)
	if f.none {
		return nil
	}
	nodes := len(ix.tree.slugs)
	sc.begin(len(ix.slots), nodes)
	a := &ix.slots[ai]
	ep := sc.epoch
	mark := sc.mark

	// Never self, never excluded pairs (the same member's other profiles: in consider).
	mark[ai] = ep
	for other := range ix.excluded[q.ActorID] {
		if s, ok := ix.ids.slot(other); ok {
			mark[s] = ep
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
	// Forward entries do not depend on the kind.
	sc.fwd = sc.fwd[:0]
	for i, n := range needs {
		wn := needWeight[n&1] / wsum
		ix.tree.related(int32(n>>1), func(x int32, s float64) {
			for l := range 4 {
				sc.fwd = append(sc.fwd, entry{ub: wn * s * levelFactor[l], v: s * levelFactor[l], need: i, code: uint32(x)<<2 | uint32(l)})
			}
		})
	}
	slices.SortStableFunc(sc.fwd, byBound)
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

	for _, nb := range sc.best {
		sc.bval[nb.node] = valTag{ep, nb.best}
	}
	sc.need = slices.Grow(sc.need[:0], len(needs))[:len(needs)]
	st := search{ix: ix, a: a, f: &f, k: k, best: sc.need, needs: needs, offers: offers, mark: mark, ep: ep,
		fpos: sc.fpos, bpos: sc.bpos, bval: sc.bval, wsum: wsum, sig: ix.signature(a), h: sc.heap, theta: -1}
	for _, kind := range f.kinds {
		st.tep = sc.nextTags()
		rows := 0
		for p := range sc.fwd {
			e := &sc.fwd[p]
			g := &sc.fpos[e.code]
			e.first = g.ep != st.tep
			if e.first {
				*g = tag{st.tep, int32(p), int32(rows)}
				rows++
			}
		}
		sc.fvals = slices.Grow(sc.fvals[:0], rows*len(needs))[:rows*len(needs)]
		clear(sc.fvals)
		for p := range sc.fwd {
			e := &sc.fwd[p]
			sc.fvals[int(sc.fpos[e.code].idx)*len(needs)+e.need] = e.v
		}
		st.fvals = sc.fvals
		// Backward entries: partners needing y, bound best[y]; needing nothing, NoNeedsCoverage.
		sc.bwd = sc.bwd[:0]
		for _, nb := range sc.best {
			if len(ix.needPost[kind][nb.node]) > 0 {
				sc.bwd = append(sc.bwd, entry{ub: nb.best, code: uint32(nb.node)})
			}
		}
		if len(ix.noNeeds[kind]) > 0 {
			sc.bwd = append(sc.bwd, entry{ub: NoNeedsCoverage, code: noNode})
		}
		slices.SortStableFunc(sc.bwd, byBound)
		for q, e := range sc.bwd {
			if e.code == noNode {
				sc.bpos[nodes] = tag{st.tep, int32(q), 0}
			} else {
				sc.bpos[e.code] = tag{st.tep, int32(q), 0}
			}
		}
		bb := func(q int) float64 {
			if q < len(sc.bwd) {
				return sc.bwd[q].ub
			}
			return 0
		}

		if len(needs) == 0 {
			// Every partner covers A's (absent) needs alike: read the backward lists alone.
			for q, e := range sc.bwd {
				if harmonic(NoNeedsCoverage, e.ub) < st.theta-eps {
					break
				}
				if e.code == noNode {
					for _, s := range ix.noNeeds[kind] {
						st.consider(s, NoNeedsCoverage, NoNeedsCoverage)
					}
					continue
				}
				st.readNeeders(ix.needPost[kind][e.code], int32(q))
			}
			continue
		}

		for p := range sc.fwd {
			fp := fb[p]
			if harmonic(fp, bb(0)) < st.theta-eps {
				break
			}
			e := &sc.fwd[p]
			if !e.first {
				continue // its lists were read at the code's first entry
			}
			cl := &ix.pairs[kind][e.code]
			if len(cl.needs) == 0 {
				continue
			}
			// The pairs (p, q) worth reading are those with q < qcut. The order they are read in
			// does not matter for exactness (each is read or skipped by a bound valid when it is
			// looked at), so walk whichever is shorter: those q, or the code's needed nodes.
			qcut := 0
			for qcut < len(sc.bwd) && harmonic(fp, sc.bwd[qcut].ub) >= st.theta-eps {
				qcut++
			}
			if len(cl.needs) < qcut {
				for j, y := range cl.needs {
					bi := int(y)
					if y == noNode {
						bi = nodes
					}
					g := sc.bpos[bi]
					if g.ep != st.tep || int(g.pos) >= qcut {
						continue
					}
					ub := sc.bwd[g.pos].ub
					if harmonic(fp, ub) >= st.theta-eps {
						st.readPairs(cl.lists[j], int32(p), g.pos, minCoverageWith(st.theta, ub)-eps)
					}
				}
				continue
			}
			for q, be := range sc.bwd[:qcut] {
				if harmonic(fp, be.ub) < st.theta-eps {
					break
				}
				if l := cl.find(be.code); len(l) > 0 {
					// A partner first met here has backward coverage at most be.ub.
					st.readPairs(l, int32(p), int32(q), minCoverageWith(st.theta, be.ub)-eps)
				}
			}
		}
	}
	sc.heap = st.h
	return ix.sorted(st.h)
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
		out[i] = Result{ActorID: ix.ids.id(h.slot), Score: h.score, Forward: h.f, Backward: h.b}
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
