package matching

import (
	"slices"
	"sync"
	"time"
)

// exposure counts, per actor, its appearances in the lists Match served over a sliding window
// made of two halves (the older half is dropped when a new one starts).
type exposure struct {
	mu         sync.Mutex
	cur, prev  []uint32
	servedCur  [numKinds]uint64
	servedPrev [numKinds]uint64
	halfStart  time.Time
}

func (e *exposure) reset(s int32) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if int(s) < len(e.cur) {
		e.cur[s], e.prev[s] = 0, 0
	}
}

func (e *exposure) grow(n int) {
	if len(e.cur) < n {
		e.cur = append(e.cur, make([]uint32, n-len(e.cur))...)
		e.prev = append(e.prev, make([]uint32, n-len(e.prev))...)
	}
}

func (e *exposure) rotate(now time.Time, window time.Duration) {
	if e.halfStart.IsZero() {
		e.halfStart = now
		return
	}
	age := now.Sub(e.halfStart)
	switch {
	case age >= window:
		clear(e.cur)
		clear(e.prev)
		e.servedCur, e.servedPrev = [numKinds]uint64{}, [numKinds]uint64{}
		e.halfStart = now
	case age >= window/2:
		e.prev, e.cur = e.cur, e.prev
		clear(e.cur)
		e.servedPrev, e.servedCur = e.servedCur, [numKinds]uint64{}
		e.halfStart = now
	}
}

// ExposureStats reports how often an actor appeared in Match's lists in the current window,
// and its budget there.
func (ix *Index) ExposureStats(id string) (appearances int, budget float64, ok bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	s, found := ix.ids.slot(id)
	if !found {
		return 0, 0, false
	}
	e := &ix.exp
	e.mu.Lock()
	defer e.mu.Unlock()
	e.grow(len(ix.slots))
	b := &ix.slots[s]
	return int(e.cur[s] + e.prev[s]), ix.budget(b, e.servedCur[b.kind]+e.servedPrev[b.kind]), true
}

// budget is how many appearances an actor may have in the window: a share of the lists served
// for its kind, scaled by its capacity, never below the floor.
func (ix *Index) budget(b *slot, served uint64) float64 {
	ref := float64(ix.opts.CapacityRef)
	capw := 1.0
	if b.capacity > 0 {
		capw = min(float64(b.capacity), ref) / ref
	}
	return max(float64(ix.opts.ExposureFloor), ix.opts.ExposureShare*float64(served)*capw)
}

// Match is MatchExact followed by exposure control, a separate re-ranking step:
//
//  1. take the exact top Limit*Oversample;
//  2. an actor that has used its exposure budget for the window (see Options) goes after every
//     actor that has not: it is shown only when there are not enough others;
//  3. the others are ordered by score * (1 - ExposurePenalty * used/budget) *
//     (1 + ColdStartBoost * (1 - age/ColdStartPeriod) for actors younger than ColdStartPeriod);
//     * ResponsivenessWeight(responsiveness), so an actor that lets requests expire loses at
//     most 15 % of its re-rank score (never its exact score);
//  4. the first Limit are returned and counted as shown.
//
// Result.Score stays the exact match score, so the list may not be sorted by it.
func (ix *Index) Match(q Query) ([]Result, error) {
	if ix.opts.DisableExposure {
		return ix.MatchExact(q)
	}
	sc := ix.getScratch() // before the read lock: a waiting query does not hold off writers
	defer ix.putScratch(sc)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	ai, ok := ix.ids.slot(q.ActorID)
	if !ok {
		return nil, ErrUnknownActor
	}
	k := limitOf(&q)
	hits := ix.topK(sc, ai, &q, min(k*ix.opts.Oversample, MaxLimit))
	hits = ix.rerank(hits, k, nowOr(q.Now), q.Kind)
	return ix.results(ai, hits, q.Explain), nil
}

// ResponsivenessWeight is the factor the re-ranking step applies for a responsiveness r in [0,1]:
// 0.85 + 0.15*r, so between 0.85 (answers nothing) and 1 (answers everything, or unknown).
func ResponsivenessWeight(r float64) float64 { return 0.85 + 0.15*min(max(r, 0), 1) }

func (s *slot) respWeight() float64 {
	if s.resp == 0 {
		return 1
	}
	return ResponsivenessWeight(float64(s.resp-1) / 254)
}

type ranked struct {
	hit
	over bool
	adj  float64
}

func (ix *Index) rerank(hits []hit, k int, now time.Time, kind Kind) []hit {
	e := &ix.exp
	e.mu.Lock()
	defer e.mu.Unlock()
	e.grow(len(ix.slots))
	e.rotate(now, ix.opts.ExposureWindow)

	rs := make([]ranked, len(hits))
	for i, h := range hits {
		b := &ix.slots[h.slot]
		used := float64(e.cur[h.slot] + e.prev[h.slot])
		budget := ix.budget(b, e.servedCur[b.kind]+e.servedPrev[b.kind])
		adj := h.score * (1 - ix.opts.ExposurePenalty*min(1, used/budget))
		if b.created != 0 {
			age := now.Sub(time.Unix(b.created, 0))
			if age >= 0 && age < ix.opts.ColdStartPeriod {
				adj *= 1 + ix.opts.ColdStartBoost*(1-float64(age)/float64(ix.opts.ColdStartPeriod))
			}
		}
		adj *= b.respWeight()
		rs[i] = ranked{hit: h, over: used >= budget, adj: adj}
	}
	slices.SortStableFunc(rs, func(x, y ranked) int {
		if x.over != y.over {
			if x.over {
				return 1
			}
			return -1
		}
		switch {
		case x.adj > y.adj:
			return -1
		case x.adj < y.adj:
			return 1
		}
		return 0 // stable: falls back to the exact order
	})
	rs = rs[:min(k, len(rs))]
	out := make([]hit, len(rs))
	for i, r := range rs {
		out[i] = r.hit
		e.cur[r.slot]++
	}
	if kind.valid() {
		e.servedCur[kind]++
	} else {
		for kd := KindCCI; kd <= KindIntermediary; kd++ {
			e.servedCur[kd]++
		}
	}
	return out
}
