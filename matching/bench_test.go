package matching

import (
	"context"
	"io"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
)

// benchSize is the number of actors of the Go benchmarks: MATCHING_BENCH_ACTORS, default 100 000.
func benchSize() int {
	if n, err := strconv.Atoi(os.Getenv("MATCHING_BENCH_ACTORS")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

var benchIndex = sync.OnceValues(func() (*Index, []Query) {
	n := benchSize()
	tax, _ := NewTaxonomy(SyntheticTaxonomy(1))
	actors := Synthetic(n, 1, tax.Skills())
	for i := range actors { // UUIDs, as the platform issues them
		actors[i].ID = SyntheticUUID(i + 1)
	}
	ix := NewIndex(tax, Options{})
	ix.UpsertMany(actors)
	var qs []Query
	for i := 0; len(qs) < 1000; i += 97 {
		a := &actors[i%n]
		if a.Kind != KindIntermediary {
			qs = append(qs, Query{ActorID: a.ID, Kind: Counterpart(a.Kind), Limit: 20})
		}
	}
	return ix, qs
})

// BenchmarkMatchAnyKind is the API's default query (GET /actors/:id/matches?limit=20): every
// kind of partner, the exact top 4 × 20 = 80 for exposure re-ranking, with reasons.
func BenchmarkMatchAnyKind(b *testing.B) {
	ix, qs := benchIndex()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		q := qs[i%len(qs)]
		q.Kind, q.Explain = 0, true
		if _, err := ix.Match(q); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkMatchAnyKindParallel is the same query from GOMAXPROCS goroutines at once: run with
// -cpu 2, its ns/op is the engine's ceiling on two cores with nothing else running (1e9/ns_per_op
// queries a second), the figure a W2 rate must leave room under for HTTP and the load generator.
func BenchmarkMatchAnyKindParallel(b *testing.B) {
	ix, qs := benchIndex()
	b.ReportAllocs()
	var next atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			q := qs[int(next.Add(1))%len(qs)]
			q.Kind, q.Explain = 0, true
			if _, err := ix.Match(q); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkMatchExact(b *testing.B) {
	ix, qs := benchIndex()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := ix.MatchExact(qs[i%len(qs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkMatch(b *testing.B) {
	ix, qs := benchIndex()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := ix.Match(qs[i%len(qs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkMatchExplain(b *testing.B) {
	ix, qs := benchIndex()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		q := qs[i%len(qs)]
		q.Explain = true
		if _, err := ix.MatchExact(q); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkBruteForce(b *testing.B) {
	ix, qs := benchIndex()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := ix.BruteForce(qs[i%len(qs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkBuild(b *testing.B) {
	n := min(benchSize(), 100_000)
	tax, _ := NewTaxonomy(SyntheticTaxonomy(1))
	actors := Synthetic(n, 1, tax.Skills())
	b.ReportAllocs()
	for b.Loop() {
		ix := NewIndex(tax, Options{})
		ix.UpsertMany(actors)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/actor")
}

func BenchmarkUpsert(b *testing.B) {
	ix, _ := benchIndex()
	actors := Synthetic(1000, 99, nil)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		a := actors[i%len(actors)]
		a.ID = "bench-upsert-" + strconv.Itoa(i%len(actors))
		ix.Upsert(a)
		i++
	}
}

// TestEngineBenchSmall runs the engine bench end to end at a small size.
func TestEngineBenchSmall(t *testing.T) {
	rep, err := EngineBench(context.Background(), EngineBenchConfig{Actors: 2000, Queries: 50, K: 20, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Identical {
		t.Fatalf("engine and brute force differ on %d queries", rep.Mismatches)
	}
	if err := rep.Print(io.Discard); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkWiden is the extra pass a short list costs (one-sided partners and advice): the UI's
// counterpart query, with reasons, over every candidate of that kind.
func BenchmarkWiden(b *testing.B) {
	ix, qs := benchIndex()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		q := qs[i%len(qs)]
		q.Explain = true
		if _, _, err := ix.Widen(q); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
