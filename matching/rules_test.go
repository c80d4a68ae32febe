package matching

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"testing"
	"time"
)

// testTaxonomy is a small tree: two domains, fields, skills.
func testTaxonomy(t testing.TB) *Taxonomy {
	t.Helper()
	tax, err := NewTaxonomy([]Skill{
		{Slug: "ai", Domain: "ai"},
		{Slug: "machine-learning", Parent: "ai", Domain: "ai"},
		{Slug: "computer-vision", Parent: "machine-learning", Domain: "ai"},
		{Slug: "nlp", Parent: "machine-learning", Domain: "ai"},
		{Slug: "audio-ml", Parent: "machine-learning", Domain: "ai"},
		{Slug: "image-segmentation", Parent: "computer-vision", Domain: "ai"},
		{Slug: "cci", Domain: "cci"},
		{Slug: "music", Parent: "cci", Domain: "cci"},
		{Slug: "composition", Parent: "music", Domain: "cci"},
		{Slug: "music-production", Parent: "music", Domain: "cci"},
		{Slug: "heritage", Parent: "cci", Domain: "cci"},
		{Slug: "curation", Parent: "heritage", Domain: "cci"},
		{Slug: "digitisation", Parent: "heritage", Domain: "cci"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return tax
}

// museum needs computer vision and offers curation; lab is its ideal partner.
func museum() Actor {
	return Actor{ID: "museum", OwnerID: "u-museum", Kind: KindCCI,
		Offers:    []Offer{{"curation", 4}},
		Needs:     []Need{{"computer-vision", true}},
		Languages: []string{"en", "nl"}, Sectors: []string{"museums"}, Modes: []string{"co-creation"},
		Country: "NL", Region: "NH", Remote: true, Available: true, Capacity: 3}
}

func lab(id string) Actor {
	return Actor{ID: id, OwnerID: "u-" + id, Kind: KindAI,
		Offers:    []Offer{{"computer-vision", 4}},
		Needs:     []Need{{"curation", true}},
		Languages: []string{"en"}, Sectors: []string{"museums"}, Modes: []string{"co-creation"},
		Country: "NL", Region: "NH", Remote: true, Available: true, Capacity: 3}
}

func matchIDs(t *testing.T, ix *Index, q Query) []string {
	t.Helper()
	got, err := ix.MatchExact(q)
	if err != nil {
		t.Fatal(err)
	}
	want, err := ix.BruteForce(q)
	if err != nil {
		t.Fatal(err)
	}
	if ids(got) != ids(want) {
		t.Fatalf("MatchExact %s != BruteForce %s", ids(got), ids(want))
	}
	out := make([]string, len(got))
	for i, r := range got {
		out[i] = r.ActorID
		if r.Score < 0 || r.Score > 1 || math.IsNaN(r.Score) {
			t.Fatalf("score %v out of [0,1]", r.Score)
		}
	}
	return out
}

func TestHardRules(t *testing.T) {
	tests := []struct {
		name   string
		change func(a, b *Actor, ix *Index)
		listed bool
	}{
		{"ideal partner", func(a, b *Actor, ix *Index) {}, true},
		{"no shared language", func(a, b *Actor, ix *Index) { b.Languages = []string{"fr"} }, false},
		{"one shared language among several", func(a, b *Actor, ix *Index) { b.Languages = []string{"fr", "nl"} }, true},
		{"no language declared", func(a, b *Actor, ix *Index) { b.Languages = nil }, false},
		{"unavailable", func(a, b *Actor, ix *Index) { b.Available = false }, false},
		{"paused", func(a, b *Actor, ix *Index) { b.Paused = true }, false},
		{"stale", func(a, b *Actor, ix *Index) { b.Stale = true }, false},
		{"at capacity", func(a, b *Actor, ix *Index) { b.Capacity, b.ActiveIntroductions = 2, 2 }, false},
		{"over capacity", func(a, b *Actor, ix *Index) { b.Capacity, b.ActiveIntroductions = 2, 5 }, false},
		{"below capacity", func(a, b *Actor, ix *Index) { b.Capacity, b.ActiveIntroductions = 2, 1 }, true},
		{"capacity 0 means no limit", func(a, b *Actor, ix *Index) { b.Capacity, b.ActiveIntroductions = 0, 9 }, true},
		{"querying actor unavailable still gets results", func(a, b *Actor, ix *Index) { a.Available = false }, true},
		{"same member", func(a, b *Actor, ix *Index) { b.OwnerID = a.OwnerID }, false},
		{"same member, partner managed by an intermediary", func(a, b *Actor, ix *Index) { b.OwnerID, b.Managed = a.OwnerID, true }, true},
		{"same member, querying profile managed", func(a, b *Actor, ix *Index) { b.OwnerID, a.Managed = a.OwnerID, true }, true},
		{"not interested", func(a, b *Actor, ix *Index) { ix.SetExcluded(a.ID, b.ID, true) }, false},
		{"not interested, said by the other side", func(a, b *Actor, ix *Index) { ix.SetExcluded(b.ID, a.ID, true) }, false},
		{"exclusion lifted", func(a, b *Actor, ix *Index) {
			ix.SetExcluded(a.ID, b.ID, true)
			ix.SetExcluded(b.ID, a.ID, false)
		}, true},
		{"wrong kind", func(a, b *Actor, ix *Index) { b.Kind = KindIntermediary }, false},
		{"nothing in common", func(a, b *Actor, ix *Index) { b.Offers = []Offer{{"composition", 4}} }, false},
		{"one-sided: they need nothing you offer", func(a, b *Actor, ix *Index) { b.Needs = []Need{{"music-production", true}} }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix := NewIndex(testTaxonomy(t), Options{})
			a, b := museum(), lab("lab")
			tt.change(&a, &b, ix)
			ix.Upsert(a)
			ix.Upsert(b)
			got := matchIDs(t, ix, Query{ActorID: a.ID, Kind: KindAI})
			if listed := slices.Contains(got, b.ID); listed != tt.listed {
				t.Fatalf("listed = %v, want %v (results %v)", listed, tt.listed, got)
			}
		})
	}
}

func TestNeverSelf(t *testing.T) {
	ix := NewIndex(testTaxonomy(t), Options{})
	a := museum()
	a.Offers = append(a.Offers, Offer{"computer-vision", 4})
	a.Needs = append(a.Needs, Need{"curation", true})
	ix.Upsert(a)
	if got := matchIDs(t, ix, Query{ActorID: a.ID}); len(got) != 0 {
		t.Fatalf("got %v", got)
	}
}

func TestTaxonomyPartialCredit(t *testing.T) {
	tests := []struct {
		offer   Offer
		forward float64
	}{
		{Offer{"computer-vision", 4}, SimExact},
		{Offer{"image-segmentation", 4}, SimParent}, // narrower
		{Offer{"machine-learning", 4}, SimParent},   // broader
		{Offer{"nlp", 4}, SimSibling},
		{Offer{"computer-vision", 1}, SimExact * levelFactor[0]},
		{Offer{"computer-vision", 3}, SimExact * levelFactor[2]},
		{Offer{"ai", 4}, 0},          // grandparent: too vague
		{Offer{"composition", 4}, 0}, // unrelated
		{Offer{"unknown-skill", 4}, 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s@%d", tt.offer.Skill, tt.offer.Level), func(t *testing.T) {
			ix := NewIndex(testTaxonomy(t), Options{})
			b := lab("lab")
			b.Offers = []Offer{tt.offer}
			ix.Upsert(museum())
			ix.Upsert(b)
			res, err := ix.BruteForce(Query{ActorID: "museum", Kind: KindAI})
			if err != nil {
				t.Fatal(err)
			}
			if tt.forward == 0 {
				if len(res) != 0 {
					t.Fatalf("listed with forward %v", res[0].Forward)
				}
				return
			}
			if len(res) != 1 || math.Abs(res[0].Forward-tt.forward) > 1e-12 {
				t.Fatalf("got %+v, want forward %v", res, tt.forward)
			}
		})
	}
	// And the ranking follows: exact > parent/child > sibling.
	ix := NewIndex(testTaxonomy(t), Options{})
	ix.Upsert(museum())
	for _, o := range []Offer{{"nlp", 4}, {"machine-learning", 4}, {"computer-vision", 4}} {
		b := lab("lab-" + o.Skill)
		b.Offers = []Offer{o}
		ix.Upsert(b)
	}
	got := matchIDs(t, ix, Query{ActorID: "museum", Kind: KindAI})
	want := []string{"lab-computer-vision", "lab-machine-learning", "lab-nlp"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestReciprocityBeatsOneSided(t *testing.T) {
	ix := NewIndex(testTaxonomy(t), Options{})
	ix.Upsert(museum())
	// Covers the museum's need at the top level but needs something the museum barely offers.
	oneSided := lab("a-one-sided")
	oneSided.Needs = []Need{{"digitisation", true}} // sibling of curation: little credit
	// Slightly weaker offer, but needs exactly what the museum brings.
	reciprocal := lab("b-reciprocal")
	reciprocal.Offers = []Offer{{"computer-vision", 3}}
	// Needs nothing at all.
	noNeeds := lab("c-no-needs")
	noNeeds.Needs = nil
	ix.Upsert(oneSided)
	ix.Upsert(reciprocal)
	ix.Upsert(noNeeds)
	got := matchIDs(t, ix, Query{ActorID: "museum", Kind: KindAI})
	if len(got) == 0 || got[0] != "b-reciprocal" {
		t.Fatalf("got %v, want b-reciprocal first", got)
	}
}

func TestMustBeatsNice(t *testing.T) {
	ix := NewIndex(testTaxonomy(t), Options{})
	a := museum()
	a.Needs = []Need{{"computer-vision", true}, {"audio-ml", false}}
	ix.Upsert(a)
	must, nice := lab("a-nice"), lab("b-must")
	must.Offers = []Offer{{"audio-ml", 4}}
	nice.Offers = []Offer{{"computer-vision", 4}}
	ix.Upsert(must)
	ix.Upsert(nice)
	got := matchIDs(t, ix, Query{ActorID: a.ID, Kind: KindAI})
	if !slices.Equal(got, []string{"b-must", "a-nice"}) {
		t.Fatalf("got %v", got)
	}
}

func TestContextAndFilters(t *testing.T) {
	ix := NewIndex(testTaxonomy(t), Options{})
	ix.Upsert(museum())
	near := lab("near")
	far := lab("far")
	far.Country, far.Region, far.Sectors, far.Modes = "PT", "", []string{"games"}, []string{"commission"}
	farOffline := lab("far-offline")
	farOffline.Country, farOffline.Remote = "PT", false
	ix.Upsert(near)
	ix.Upsert(far)
	ix.Upsert(farOffline)
	got := matchIDs(t, ix, Query{ActorID: "museum", Kind: KindAI})
	if got[0] != "near" {
		t.Fatalf("got %v, want near first", got)
	}
	yes, no := true, false
	for _, tt := range []struct {
		q    Query
		want []string
	}{
		{Query{Country: "PT"}, []string{"far-offline", "far"}},
		{Query{Country: "XX"}, []string{}},
		{Query{Sector: "games"}, []string{"far"}},
		{Query{Remote: &no}, []string{"far-offline"}},
		{Query{Remote: &yes, Country: "PT"}, []string{"far"}},
		{Query{Limit: 1}, []string{"near"}},
	} {
		q := tt.q
		q.ActorID, q.Kind = "museum", KindAI
		if got := matchIDs(t, ix, q); !slices.Equal(got, tt.want) {
			t.Errorf("%+v: got %v, want %v", tt.q, got, tt.want)
		}
	}
}

func TestKindsAndUnknownActor(t *testing.T) {
	ix := NewIndex(testTaxonomy(t), Options{})
	ix.Upsert(museum())
	ix.Upsert(lab("lab"))
	broker := lab("broker")
	broker.Kind = KindIntermediary
	ix.Upsert(broker)
	if got := matchIDs(t, ix, Query{ActorID: "museum"}); len(got) != 2 {
		t.Fatalf("any kind: got %v", got)
	}
	if got := matchIDs(t, ix, Query{ActorID: "museum", Kind: KindIntermediary}); !slices.Equal(got, []string{"broker"}) {
		t.Fatalf("intermediaries: got %v", got)
	}
	for _, f := range []func(Query) ([]Result, error){ix.Match, ix.MatchExact, ix.BruteForce} {
		if _, err := f(Query{ActorID: "nobody"}); !errors.Is(err, ErrUnknownActor) {
			t.Fatalf("err = %v", err)
		}
	}
	for _, k := range []Kind{KindCCI, KindAI, KindIntermediary} {
		if p, ok := ParseKind(k.String()); !ok || p != k {
			t.Fatalf("ParseKind(%q) = %v, %v", k.String(), p, ok)
		}
	}
	if _, ok := ParseKind("robot"); ok {
		t.Fatal("ParseKind accepted robot")
	}
}

func TestReasons(t *testing.T) {
	ix := NewIndex(testTaxonomy(t), Options{})
	a := museum()
	a.Needs = append(a.Needs, Need{"audio-ml", false})
	ix.Upsert(a)
	b := lab("lab")
	b.Offers = []Offer{{"image-segmentation", 3}}
	ix.Upsert(b)
	res, err := ix.MatchExact(Query{ActorID: "museum", Kind: KindAI, Explain: true})
	if err != nil || len(res) != 1 {
		t.Fatalf("%v %v", res, err)
	}
	codes := map[string]string{}
	for _, r := range res[0].Reasons {
		if r.Message == "" || r.Direction == "" {
			t.Fatalf("incomplete reason %+v", r)
		}
		codes[r.Code] = r.Direction
	}
	want := map[string]string{
		CodeNeedNarrower: TheyBring, CodeNeedUnmet: TheyBring, CodeNeedExact: YouBring,
		CodeLanguages: Both, CodeSector: Both, CodeSameRegion: Both, CodeModes: Both,
	}
	for c, d := range want {
		if codes[c] != d {
			t.Errorf("reason %s: direction %q, want %q (all: %v)", c, codes[c], d, codes)
		}
	}
	res, _ = ix.MatchExact(Query{ActorID: "museum", Kind: KindAI})
	if res[0].Reasons != nil {
		t.Fatal("reasons without Explain")
	}
}

func TestTaxonomyTolerance(t *testing.T) {
	if _, err := NewTaxonomy([]Skill{{Slug: "a"}, {Slug: "a"}}); err == nil {
		t.Fatal("duplicate accepted")
	}
	if _, err := NewTaxonomy([]Skill{{Slug: ""}}); err == nil {
		t.Fatal("empty slug accepted")
	}
	tax, err := NewTaxonomy([]Skill{
		{Slug: "orphan", Parent: "missing"},
		{Slug: "x", Parent: "y"}, {Slug: "y", Parent: "x"}, // a loop is cut
		{Slug: "self", Parent: "self"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if tax.tree.parent[0] != -1 || tax.tree.parent[3] != -1 {
		t.Fatal("unknown or self parent should make a root")
	}
	if tax.tree.parent[1] >= 0 && tax.tree.parent[2] >= 0 {
		t.Fatal("cycle kept")
	}
	ix := NewIndex(nil, Options{}) // no taxonomy: exact matches only
	a, b := museum(), lab("lab")
	ix.Upsert(a)
	ix.Upsert(b)
	if got := matchIDs(t, ix, Query{ActorID: a.ID, Kind: KindAI}); len(got) != 1 {
		t.Fatalf("got %v", got)
	}
}

func TestUpsertRemove(t *testing.T) {
	ix := NewIndex(testTaxonomy(t), Options{})
	ix.Upsert(museum())
	ix.Upsert(lab("lab"))
	if ix.Len() != 2 {
		t.Fatalf("Len = %d", ix.Len())
	}
	b := lab("lab")
	b.Paused = true
	ix.Upsert(b)
	if got := matchIDs(t, ix, Query{ActorID: "museum", Kind: KindAI}); len(got) != 0 {
		t.Fatalf("paused update ignored: %v", got)
	}
	b.Paused = false
	ix.Upsert(b)
	if got := matchIDs(t, ix, Query{ActorID: "museum", Kind: KindAI}); len(got) != 1 {
		t.Fatalf("unpaused update ignored: %v", got)
	}
	ix.Remove("lab")
	ix.Remove("lab") // twice is fine
	if got := matchIDs(t, ix, Query{ActorID: "museum", Kind: KindAI}); len(got) != 0 || ix.Len() != 1 {
		t.Fatalf("removed actor listed: %v", got)
	}
	ix.Upsert(lab("lab2")) // reuses the freed slot
	if got := matchIDs(t, ix, Query{ActorID: "museum", Kind: KindAI}); !slices.Equal(got, []string{"lab2"}) {
		t.Fatalf("got %v", got)
	}
}

func TestUpsertManyEqualsUpsert(t *testing.T) {
	tax, _ := NewTaxonomy(SyntheticTaxonomy(2))
	actors := Synthetic(600, 2, tax.Skills())
	actors = append(actors, actors[10]) // a duplicate within the batch: the last wins
	actors[len(actors)-1].Paused = true
	one := NewIndex(tax, Options{})
	for _, a := range actors {
		one.Upsert(a)
	}
	many := NewIndex(tax, Options{})
	many.UpsertMany(actors[:300])
	many.UpsertMany(actors[300:])
	for i := 0; i < 600; i += 7 {
		q := Query{ActorID: actors[i].ID, Kind: Counterpart(actors[i].Kind)}
		x, _ := one.MatchExact(q)
		y, _ := many.MatchExact(q)
		if ids(x) != ids(y) {
			t.Fatalf("%s: %s != %s", q.ActorID, ids(x), ids(y))
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	ix, actors := newSyntheticIndex(t, 500, 4, Options{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				a := actors[(i*31+w)%len(actors)]
				switch {
				case w == 0 && i%2 == 0:
					a.Offers = append(a.Offers, Offer{"prompt-engineering", 3})
					ix.Upsert(a)
				case w == 0:
					ix.Remove(a.ID)
				case w == 1:
					ix.SetExcluded(a.ID, actors[i].ID, i%3 == 0)
				default:
					if _, err := ix.Match(Query{ActorID: a.ID, Explain: true}); err != nil && !errors.Is(err, ErrUnknownActor) {
						t.Error(err)
					}
				}
			}
		}()
	}
	wg.Wait()
}

func TestExposureControl(t *testing.T) {
	// Everyone's best partner is the same star; exposure control shares the attention as long
	// as there are others to show.
	ix := NewIndex(testTaxonomy(t), Options{ExposureFloor: 3, ExposureShare: 0.1, Oversample: 20})
	star := lab("star")
	ix.Upsert(star)
	for i := range 20 {
		l := lab(fmt.Sprintf("lab-%d", i))
		l.Offers = []Offer{{"computer-vision", 3}}
		ix.Upsert(l)
	}
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	shown := 0
	for i := range 40 {
		m := museum()
		m.ID, m.OwnerID = fmt.Sprintf("museum-%d", i), fmt.Sprintf("u-%d", i)
		ix.Upsert(m)
		exact, _ := ix.MatchExact(Query{ActorID: m.ID, Kind: KindAI, Limit: 1})
		if exact[0].ActorID != "star" {
			t.Fatalf("exact top is %s", exact[0].ActorID)
		}
		res, _ := ix.Match(Query{ActorID: m.ID, Kind: KindAI, Limit: 1, Now: now})
		if res[0].ActorID == "star" {
			shown++
		}
	}
	n, budget, _ := ix.ExposureStats("star")
	if shown > 5 || n != shown || float64(n) > budget+1 {
		t.Fatalf("star shown %d times in 40 lists (budget %.1f)", shown, budget)
	}
	// A week later the window has moved on.
	ix.Match(Query{ActorID: "museum-0", Kind: KindAI, Limit: 1, Now: now.Add(8 * 24 * time.Hour)})
	if n, _, _ := ix.ExposureStats("star"); n > 1 {
		t.Fatalf("window did not slide: %d", n)
	}
}

func TestColdStartBoostIsBounded(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	ix := NewIndex(testTaxonomy(t), Options{})
	ix.Upsert(museum())
	old := lab("a-old")
	old.CreatedAt = now.Add(-365 * 24 * time.Hour)
	slightlyWorse := lab("b-new")
	slightlyWorse.CreatedAt = now.Add(-24 * time.Hour)
	slightlyWorse.Country, slightlyWorse.Region = "BE", "" // loses the place bonuses: -0.07
	muchWorse := lab("c-new")
	muchWorse.CreatedAt = now
	muchWorse.Offers = []Offer{{"computer-vision", 1}}
	ix.Upsert(old)
	ix.Upsert(slightlyWorse)
	ix.Upsert(muchWorse)
	res, _ := ix.Match(Query{ActorID: "museum", Kind: KindAI, Now: now})
	got := []string{res[0].ActorID, res[1].ActorID, res[2].ActorID}
	if !slices.Equal(got, []string{"b-new", "a-old", "c-new"}) {
		t.Fatalf("got %v: a new actor should pass a slightly better old one, not a much better one", got)
	}
}
