package matching

import (
	"fmt"
	"testing"
)

// ExplainPair gives the ranked list's score and reasons for one pair, even one the rules keep out
// of the list (here: at capacity).
func TestExplainPair(t *testing.T) {
	ix := NewIndex(testTaxonomy(t), Options{})
	busy := lab("busy")
	busy.ActiveIntroductions = busy.Capacity
	ix.UpsertMany([]Actor{museum(), lab("lab"), busy})

	want, err := ix.MatchExact(Query{ActorID: "museum", Explain: true})
	if err != nil || len(want) != 1 || want[0].ActorID != "lab" {
		t.Fatalf("MatchExact = %+v, %v; want lab alone", want, err)
	}
	got, ok := ix.ExplainPair("museum", "lab")
	if !ok || got.Score != want[0].Score || got.Forward != want[0].Forward || got.Backward != want[0].Backward ||
		len(got.Reasons) != len(want[0].Reasons) {
		t.Fatalf("ExplainPair = %+v; want %+v", got, want[0])
	}
	got, ok = ix.ExplainPair("museum", "busy")
	if !ok || got.Score <= 0 || len(got.Reasons) == 0 {
		t.Fatalf("ExplainPair(busy) = %+v, %v; want a score and reasons", got, ok)
	}
	if _, ok := ix.ExplainPair("museum", "nobody"); ok {
		t.Fatal("ExplainPair of an unknown actor must say so")
	}
}

// Widen lists partners who cover the querying actor's needs but need nothing it offers, apart
// from the reciprocal ones, under the same hard rules, and says what would widen the list.
func TestWiden(t *testing.T) {
	ix := NewIndex(testTaxonomy(t), Options{})
	m := museum()
	m.Needs = append(m.Needs, Need{"composition", false}) // nobody offers it
	solo := lab("solo")                                   // covers the museum's need, needs nlp
	solo.Needs = []Need{{"nlp", true}}
	solo.Modes = []string{"commission"}
	weak := lab("weak") // covers it through a sibling only, needs nlp and music production
	weak.Offers = []Offer{{"nlp", 4}}
	weak.Needs = []Need{{"music-production", true}, {"nlp", false}}
	foreign := lab("foreign") // fits both ways, no language in common
	foreign.Languages = []string{"fi"}
	shy := lab("shy") // one-sided but unclaimed: never suggested
	shy.Needs, shy.Unclaimed = []Need{{"nlp", true}}, true
	ix.UpsertMany([]Actor{m, lab("lab"), solo, weak, foreign, shy})

	res, adv, err := ix.Widen(Query{ActorID: "museum", Kind: KindAI, Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || res[0].ActorID != "solo" || res[1].ActorID != "weak" {
		t.Fatalf("one-sided = %v; want solo then weak", ids(res))
	}
	if res[0].Backward != 0 || res[0].Forward < 0.66 || res[0].Score <= res[1].Score || len(res[0].Reasons) == 0 {
		t.Fatalf("solo = %+v; want forward 2/3, backward 0, the higher score, reasons", res[0])
	}
	if len(adv.UncoveredNeeds) != 1 || adv.UncoveredNeeds[0] != "composition" {
		t.Errorf("UncoveredNeeds = %v; want [composition]", adv.UncoveredNeeds)
	}
	if len(adv.WantedOffers) != 2 || adv.WantedOffers[0] != (SkillCount{"nlp", 2}) || adv.WantedOffers[1] != (SkillCount{"music-production", 1}) {
		t.Errorf("WantedOffers = %v; want nlp×2, music-production×1", adv.WantedOffers)
	}
	if adv.LanguageBlocked != 1 || len(adv.Languages) != 1 || adv.Languages[0] != "fi" {
		t.Errorf("language advice = %d %v; want 1 [fi]", adv.LanguageBlocked, adv.Languages)
	}
	if adv.Candidates != 4 {
		t.Errorf("Candidates = %d; want 4 (lab, solo, weak, foreign)", adv.Candidates)
	}

	// Filters apply to one-sided partners, and reciprocal fits they leave out are counted.
	res, adv, _ = ix.Widen(Query{ActorID: "museum", Kind: KindAI, Modes: []string{"commission"}})
	if len(res) != 1 || res[0].ActorID != "solo" || adv.FilteredOut != 1 {
		t.Fatalf("with modes=commission: %v, filtered out %d; want solo, 1 (lab)", ids(res), adv.FilteredOut)
	}
	// Excluded pairs stay out.
	ix.SetExcluded("museum", "solo", true)
	if res, _, _ = ix.Widen(Query{ActorID: "museum", Kind: KindAI}); len(res) != 1 || res[0].ActorID != "weak" {
		t.Fatalf("after excluding solo: %v; want weak", ids(res))
	}
}

// The collaboration-modes filter keeps partners open to at least one of the modes, in Match,
// MatchExact and BruteForce alike; a mode nobody has gives an empty list.
func TestModesFilter(t *testing.T) {
	ix := NewIndex(testTaxonomy(t), Options{})
	paid := lab("paid")
	paid.Modes = []string{"commission"}
	ix.UpsertMany([]Actor{museum(), lab("lab"), paid})
	for _, tc := range []struct {
		modes []string
		want  string
	}{{nil, "lab paid"}, {[]string{"commission"}, "paid"}, {[]string{"co-creation", "commission"}, "lab paid"}, {[]string{"unheard-of"}, ""}} {
		got := matchIDs(t, ix, Query{ActorID: "museum", Modes: tc.modes})
		if s := fmt.Sprint(got); s != "["+tc.want+"]" {
			t.Errorf("modes %v: %s; want [%s]", tc.modes, s, tc.want)
		}
		if res, err := ix.Match(Query{ActorID: "museum", Modes: tc.modes}); err != nil || len(res) != len(got) {
			t.Errorf("Match with modes %v: %d results, %v; want %d", tc.modes, len(res), err, len(got))
		}
	}
}

// Allowed applies the hard rules to one pair, as Match does.
func TestAllowed(t *testing.T) {
	ix := NewIndex(testTaxonomy(t), Options{})
	full := lab("full")
	full.ActiveIntroductions = full.Capacity
	foreign := lab("foreign")
	foreign.Languages = []string{"fi"}
	mine := lab("mine")
	mine.OwnerID = "u-museum"
	ix.UpsertMany([]Actor{museum(), lab("lab"), full, foreign, mine, lab("shunned")})
	ix.SetExcluded("museum", "shunned", true)
	for id, want := range map[string]bool{"lab": true, "full": false, "foreign": false, "mine": false, "shunned": false, "museum": false, "nobody": false} {
		if got := ix.Allowed("museum", id); got != want {
			t.Errorf("Allowed(museum, %s) = %v, want %v", id, got, want)
		}
	}
}
