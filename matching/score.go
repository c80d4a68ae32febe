package matching

import "math"

// Scoring weights. docs/MATCHING.md explains them for users; change both together.
var (
	// levelFactor[level-1]: how much of a need an offer covers at each level
	// (awareness, working, advanced, expert).
	levelFactor = [4]float64{0.55, 0.70, 0.85, 1.0}
	// needWeight[must]: a must-have counts twice a nice-to-have.
	needWeight = [2]float64{0.5, 1.0}
)

// NoNeedsCoverage is the coverage credited to an actor who declared no needs: open to anything,
// but a partner cannot be much of a fit for nothing in particular.
const NoNeedsCoverage = 0.3

// Context factor: score = harmonic(forward, backward) * (ctxBase + bonuses), bonuses summing to 0.2.
const (
	ctxBase      = 0.80
	bonusSector  = 0.08 // they work in a sector you work in
	bonusCountry = 0.05 // same country
	bonusRegion  = 0.02 // same region too
	bonusModes   = 0.03 // a collaboration mode in common
	bonusRemote  = 0.02 // can actually work together: same country, or both open to remote work
)

// coverage is how well offers cover needs: the importance-weighted mean over needs of the best
// offer's taxonomy similarity times its level factor. In [0,1].
func coverage(t *tree, needs, offers []uint32) float64 {
	if len(needs) == 0 {
		return NoNeedsCoverage
	}
	var sum, w float64
	for _, n := range needs {
		node := int32(n >> 1)
		wt := needWeight[n&1]
		w += wt
		best := 0.0
		for _, o := range offers {
			s := t.sim(node, int32(o>>2))
			if s == 0 {
				continue
			}
			if v := s * levelFactor[o&3]; v > best {
				best = v
			}
		}
		sum += wt * best
	}
	return min(sum/w, 1)
}

// ctxFactor is the bounded multiplier from sector, place, modes and remote openness. In [0.8,1].
func ctxFactor(a, b *slot) float64 {
	c := ctxBase
	if overlap(a.sectors, b.sectors, a.sectorIDs(), b.sectorIDs()) {
		c += bonusSector
	}
	sameCountry := a.country != 0 && a.country == b.country
	if sameCountry {
		c += bonusCountry
		if a.region >= 0 && a.region == b.region {
			c += bonusRegion
		}
	}
	if overlap(a.modes, b.modes, a.modeIDs(), b.modeIDs()) {
		c += bonusModes
	}
	if sameCountry || (a.is(flagRemote) && b.is(flagRemote)) {
		c += bonusRemote
	}
	return min(c, 1)
}

// combine is the harmonic mean of forward and backward (high only when both are) times the
// context factor. In [0,1].
func combine(f, b, ctx float64) float64 {
	if f <= 0 || b <= 0 {
		return 0
	}
	return min(2*f*b/(f+b)*ctx, 1)
}

// harmonic is the harmonic mean, 0 when either side is.
func harmonic(f, b float64) float64 {
	if f <= 0 || b <= 0 {
		return 0
	}
	return 2 * f * b / (f + b)
}

// minCoverageWith is the smallest coverage on one side with which a pair whose other side is at
// most other can still score theta: harmonic(x, other) >= theta <=> x >= theta*other/(2*other-theta).
// It is +Inf when no x can (other too small).
func minCoverageWith(theta, other float64) float64 {
	if 2*other <= theta {
		return math.Inf(1)
	}
	return theta * other / (2*other - theta)
}

// minCoverage is the smallest forward (or backward) coverage with which a pair can still score
// at least theta: harmonic(f, 1) = 2f/(1+f) >= theta  <=>  f >= theta/(2-theta).
func minCoverage(theta float64) float64 { return theta / (2 - theta) }

// score computes the whole score of b for a, eligibility aside.
func (ix *Index) score(a, b *slot) (s, f, bk float64) {
	f = coverage(&ix.tree, a.needs(), b.offers())
	bk = coverage(&ix.tree, b.needs(), a.offers())
	return combine(f, bk, ctxFactor(a, b)), f, bk
}
