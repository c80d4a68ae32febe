package matching

// PairScore is the reciprocal score of b for a as the ranking computes it (forward: b's offers
// against a's needs), before exposure control and without the candidate, exclusion and language
// rules; ok is false when either actor is not indexed. Consortium suggestions use it to break ties.
func (ix *Index) PairScore(a, b string) (score, forward, backward float64, ok bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	ia, okA := ix.ids.slot(a)
	ib, okB := ix.ids.slot(b)
	if !okA || !okB {
		return 0, 0, 0, false
	}
	score, forward, backward = ix.score(&ix.slots[ia], &ix.slots[ib])
	return score, forward, backward, true
}

// SkillSim is how much an offered skill covers a needed one under the index's taxonomy: 1 for the
// same skill, SimParent, SimSibling, or 0 (also for skills the taxonomy does not know).
func (ix *Index) SkillSim(need, offer string) float64 {
	if need == offer {
		return SimExact
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	n, okN := ix.tree.bySlug[need]
	o, okO := ix.tree.bySlug[offer]
	if !okN || !okO {
		return 0
	}
	return ix.tree.sim(n, o)
}

// Excluded reports whether a pair must not be matched ("not interested", "met before", or an
// introduction in progress).
func (ix *Index) Excluded(a, b string) bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.isExcluded(a, b)
}

// ExplainPair is b's result for a, with reasons in both directions, as a ranked list would show it
// but whatever the rules say (a request already received, a partner at capacity): the person
// answering a request sees why the two profiles fit, or do not. ok is false when either actor is
// not indexed.
func (ix *Index) ExplainPair(a, b string) (Result, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	ia, okA := ix.ids.slot(a)
	ib, okB := ix.ids.slot(b)
	if !okA || !okB {
		return Result{}, false
	}
	sa, sb := &ix.slots[ia], &ix.slots[ib]
	s, f, bk := ix.score(sa, sb)
	return Result{ActorID: b, Score: s, Forward: f, Backward: bk, Reasons: ix.explain(sa, sb)}, true
}

// Suggestible reports whether the actor may appear in anyone's results now: indexed, available,
// claimed, not paused, not stale, not at capacity.
func (ix *Index) Suggestible(id string) bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	s, ok := ix.ids.slot(id)
	return ok && ix.slots[s].is(flagAlive) && ix.slots[s].is(flagCandidate)
}

// Allowed reports whether the hard rules let b be suggested to a: b is suggestible, they are two
// profiles of different members, not excluded, and share a language. It says nothing of fit.
// Rankings apply it through their search; lists made elsewhere (the weekly digest) call it.
func (ix *Index) Allowed(a, b string) bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	ia, okA := ix.ids.slot(a)
	ib, okB := ix.ids.slot(b)
	if !okA || !okB || ia == ib {
		return false
	}
	sa, sb := &ix.slots[ia], &ix.slots[ib]
	return sb.is(flagAlive) && sb.is(flagCandidate) && !sameMember(sa, sb) && !ix.isExcluded(a, b) &&
		overlap(sa.langs, sb.langs, sa.langIDs(), sb.langIDs())
}
