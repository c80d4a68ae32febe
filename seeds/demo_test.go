package seeds

import (
	"context"
	"testing"

	"github.com/crossover-cci/crossover/models"
)

// TestApplyDemo: about sixty valid demo actors across kinds, sectors and countries; only the demo
// logins' actors have an owner; a second run adds nothing.
func TestApplyDemo(t *testing.T) {
	ctx := context.Background()
	store := referenceStore(t)
	store.SetHashParams(models.HashParams{MemoryKiB: 64, Time: 1, Threads: 1})
	if err := ApplyDemo(ctx, store); err != nil {
		t.Fatal(err)
	}
	actors, err := store.ActorsBySource(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	want := len(demoActors) + len(moreDemoActors)
	if len(actors) != want || want < 55 {
		t.Fatalf("%d demo actors, want %d (≥ 55)", len(actors), want)
	}
	kinds, countries, sectors, owned := map[string]int{}, map[string]bool{}, map[string]bool{}, 0
	for _, a := range actors {
		kinds[a.Kind]++
		countries[a.Country] = true
		for _, s := range a.Sectors {
			sectors[s] = true
		}
		if a.OwnerID != nil {
			owned++
		}
	}
	if kinds["cci"] < 20 || kinds["ai"] < 15 || kinds["intermediary"] < 4 || len(countries) < 15 || len(sectors) < 18 {
		t.Errorf("kinds %v, %d countries, %d sectors", kinds, len(countries), len(sectors))
	}
	if owned != 4 {
		t.Errorf("%d demo actors have an owner, want the 4 of the demo logins", owned)
	}
	if err := ApplyDemo(ctx, store); err != nil {
		t.Fatal(err)
	}
	if n, _ := store.CountActorsBySource(ctx, "demo"); n != int64(want) {
		t.Errorf("re-run: %d demo actors", n)
	}
}
