package matching

import (
	"slices"
	"testing"
	"time"
)

// TestResponsivenessOnlyInRerank: of two otherwise identical partners, the one that lets requests
// expire goes below the responsive one in Match, while MatchExact (and BruteForce) keep the exact
// order and equal scores; the penalty is bounded by 15 %.
func TestResponsivenessOnlyInRerank(t *testing.T) {
	ix := NewIndex(testTaxonomy(t), Options{})
	silent, responsive := lab("lab-a"), lab("lab-b")
	silent.Responsiveness = 0.001 // let its 5 requests expire (models passes its floor, never 0)
	responsive.Responsiveness = 1
	ix.UpsertMany([]Actor{museum(), silent, responsive})
	q := Query{ActorID: "museum", Now: time.Unix(1_800_000_000, 0)}

	exact := matchIDs(t, ix, q) // also checks MatchExact == BruteForce
	if !slices.Equal(exact, []string{"lab-a", "lab-b"}) {
		t.Fatalf("exact order %v, want the id tie-break lab-a, lab-b", exact)
	}
	er, _ := ix.MatchExact(q)
	if er[0].Score != er[1].Score {
		t.Fatalf("responsiveness changed the exact score: %v", er)
	}
	got, err := ix.Match(q)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ActorID != "lab-b" || got[1].ActorID != "lab-a" {
		t.Fatalf("Match order %v, want the responsive lab first", got)
	}
	if got[1].Score != er[0].Score {
		t.Fatal("Result.Score must stay the exact score")
	}

	// Unknown (0) counts as fully responsive; the weight stays within [0.85, 1].
	unknown := lab("lab-a")
	ix.Upsert(unknown)
	if got, _ := ix.Match(Query{ActorID: "museum", Now: q.Now}); got[0].ActorID != "lab-a" {
		t.Fatalf("unknown responsiveness was penalised: %v", got)
	}
	for _, r := range []float64{-1, 0, 0.001, 0.5, 1, 2} {
		if w := ResponsivenessWeight(r); w < 0.85 || w > 1 {
			t.Fatalf("weight(%v) = %v", r, w)
		}
	}
	s := ix.compact(&silent)
	if w := s.respWeight(); w < 0.85 || w > 0.8502 {
		t.Fatalf("silent actor's weight %v, want about 0.85", w)
	}
}
