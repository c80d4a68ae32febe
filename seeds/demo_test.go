package seeds

import (
	"context"
	"testing"

	"github.com/crossover-cci/crossover/models"
)

// TestApplyDemo: about sixty valid demo actors across kinds, sectors and countries; every one has
// an owner who can sign in (claimed tells the truth), also one an earlier version left without
// owner; a second run adds nothing.
func TestApplyDemo(t *testing.T) {
	ctx := context.Background()
	store := referenceStore(t)
	store.SetHashParams(models.HashParams{MemoryKiB: 64, Time: 1, Threads: 1})
	orphan := &models.Actor{Kind: "ai", Name: "Sonarai Labs", OrgType: "startup", Country: "SE", Available: true, Capacity: 5, Source: "demo",
		Languages: []string{"en"}, Sectors: []string{}, Offers: []models.Offer{{Skill: "music-generation", Level: 4}},
		Needs: []models.Need{}, Modes: []string{}}
	if err := store.ImportActor(ctx, orphan, Codes{}); err != nil || orphan.Claimed {
		t.Fatalf("orphan demo actor: %v, claimed %v", err, orphan.Claimed)
	}
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
		if a.OwnerID != nil && a.Claimed {
			owned++
		}
	}
	if kinds["cci"] < 20 || kinds["ai"] < 15 || kinds["intermediary"] < 4 || len(countries) < 15 || len(sectors) < 18 {
		t.Errorf("kinds %v, %d countries, %d sectors", kinds, len(countries), len(sectors))
	}
	if owned != want {
		t.Errorf("%d of %d demo actors have an owner and say claimed", owned, want)
	}
	if u, err := store.Authenticate(ctx, "sonarai.labs@demo.crossover.eu", DemoPassword, "test"); err != nil {
		t.Errorf("the login of a demo profile: %v", err)
	} else if mine, _ := store.ActorsByOwner(ctx, u.ID); len(mine) != 1 || mine[0].Name != "Sonarai Labs" {
		t.Errorf("sonarai.labs@ owns %d actors, want Sonarai Labs alone", len(mine))
	}
	if err := ApplyDemo(ctx, store); err != nil {
		t.Fatal(err)
	}
	if n, _ := store.CountActorsBySource(ctx, "demo"); n != int64(want) {
		t.Errorf("re-run: %d demo actors", n)
	}
}

func TestDemoEmail(t *testing.T) {
	for name, want := range map[string]string{
		"Sonarai Labs":               "sonarai.labs@demo.crossover.eu",
		"Éditions du Phare":          "editions.du.phare@demo.crossover.eu",
		"Lorentz Matchmakers (demo)": "lorentz.matchmakers.demo@demo.crossover.eu",
	} {
		if got := DemoEmail(name); got != want {
			t.Errorf("DemoEmail(%q) = %q, want %q", name, got, want)
		}
	}
	seen := map[string]string{}
	for _, d := range append(demoActors[:len(demoActors):len(demoActors)], moreDemoActors...) {
		if d.login != "" {
			continue
		}
		e := DemoEmail(d.name)
		if other, dup := seen[e]; dup {
			t.Errorf("%q and %q share the login %s", d.name, other, e)
		}
		seen[e] = d.name
	}
}
