package matching

import "testing"

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
