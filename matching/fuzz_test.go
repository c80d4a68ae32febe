package matching

import (
	"math"
	"testing"
)

// FuzzScore builds two actors from arbitrary bytes and checks that scoring never panics, that
// every score and coverage is in [0,1], and that the pruned search agrees with brute force.
func FuzzScore(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	f.Add([]byte{0, 0, 0, 0})
	f.Add([]byte{255, 254, 1, 0, 7, 7, 7, 7, 2, 2, 2, 2, 3, 3, 3, 3, 9, 9, 9})
	slugs := []string{"ai", "machine-learning", "computer-vision", "nlp", "audio-ml", "image-segmentation",
		"cci", "music", "composition", "music-production", "heritage", "curation", "digitisation", "unknown"}
	langs := []string{"en", "fr", "de", "nl"}
	tax := testTaxonomy(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		next := func() int {
			if len(data) == 0 {
				return 0
			}
			b := data[0]
			data = data[1:]
			return int(b)
		}
		mk := func(id string) Actor {
			a := Actor{ID: id, OwnerID: id, Kind: Kind(next() % 4), Available: next()%5 != 0,
				Capacity: next() % 4, ActiveIntroductions: next() % 4, Remote: next()%2 == 0,
				Country: []string{"", "NL", "FR"}[next()%3]}
			for range next() % 5 {
				a.Offers = append(a.Offers, Offer{slugs[next()%len(slugs)], next()%6 - 1})
			}
			for range next() % 5 {
				a.Needs = append(a.Needs, Need{slugs[next()%len(slugs)], next()%2 == 0})
			}
			for range 1 + next()%2 {
				a.Languages = append(a.Languages, langs[next()%len(langs)])
			}
			for range next() % 3 {
				a.Sectors = append(a.Sectors, []string{"music", "games"}[next()%2])
				a.Modes = append(a.Modes, []string{"co-creation", "workshop"}[next()%2])
			}
			return a
		}
		ix := NewIndex(tax, Options{})
		actors := []Actor{mk("a"), mk("b"), mk("c")}
		for _, a := range actors {
			ix.Upsert(a)
		}
		for _, a := range actors {
			q := Query{ActorID: a.ID, Kind: Kind(next() % 4), Explain: true}
			got, err := ix.MatchExact(q)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := ix.BruteForce(q)
			if ids(got) != ids(want) {
				t.Fatalf("MatchExact %s != BruteForce %s", ids(got), ids(want))
			}
			for _, r := range got {
				for _, v := range []float64{r.Score, r.Forward, r.Backward} {
					if !(v >= 0 && v <= 1) || math.IsNaN(v) {
						t.Fatalf("value %v out of [0,1] in %+v", v, r)
					}
				}
				if len(r.Reasons) == 0 {
					t.Fatal("no reasons")
				}
			}
			if _, err := ix.Match(q); err != nil {
				t.Fatal(err)
			}
		}
	})
}
