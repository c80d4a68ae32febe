package matching

import (
	"strings"
	"testing"
)

// TestQuality plants complementary pairs among noise and decoys and asserts the engine's quality
// targets (see the Target constants and docs/MATCHING.md).
func TestQuality(t *testing.T) {
	// Below ~2,000 actors the exposure step has too few others to show and costs recall@1
	// (docs/MATCHING.md); this size runs in about a second.
	cfg := QualityConfig{Noise: 2500, Pairs: 100, Seed: 1}
	var out strings.Builder
	rep, err := EvaluateQuality(cfg, &out)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	for _, f := range rep.Failures() {
		t.Error(f)
	}
	// The baseline is there to be beaten: it cannot see languages nor reciprocity.
	if rep.Jaccard.LanguageListed == 0 {
		t.Error("the Jaccard baseline should list language-blocked decoys")
	}
}
