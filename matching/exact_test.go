package matching

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"sync"
	"testing"
	"unsafe"
)

func newSyntheticIndex(t testing.TB, n int, seed int64, opts Options) (*Index, []Actor) {
	t.Helper()
	tax, err := NewTaxonomy(SyntheticTaxonomy(seed))
	if err != nil {
		t.Fatal(err)
	}
	actors := Synthetic(n, seed, tax.Skills())
	ix := NewIndex(tax, opts)
	ix.UpsertMany(actors)
	return ix, actors
}

// TestExactEqualsBruteForce: before exposure re-ranking, the pruned top k is exactly the
// brute-force top k, on random data, with filters, exclusions and updates.
func TestExactEqualsBruteForce(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 800
	}
	ix, actors := newSyntheticIndex(t, n, 7, Options{})
	r := rand.New(rand.NewPCG(1, 2))
	// Some churn: exclusions, updates, removals, re-adds.
	for range 200 {
		a, b := actors[r.IntN(n)].ID, actors[r.IntN(n)].ID
		ix.SetExcluded(a, b, true)
	}
	for i := range 100 {
		a := actors[r.IntN(n)]
		switch i % 3 {
		case 0:
			a.Offers = append(a.Offers, Offer{Skill: "brand-new-skill", Level: 4})
			a.Needs = append(a.Needs, Need{Skill: "computer-vision", Must: true})
			ix.Upsert(a)
		case 1:
			ix.Remove(a.ID)
		case 2:
			ix.Remove(a.ID)
			a.Paused = false
			a.Available = true
			ix.Upsert(a)
		}
	}
	yes, no := true, false
	queries := 150
	if testing.Short() {
		queries = 60
	}
	for i := range queries {
		a := actors[r.IntN(n)]
		q := Query{ActorID: a.ID, Kind: Kind(r.IntN(4)), Limit: []int{1, 5, 10, 20, 50}[r.IntN(5)]}
		switch i % 7 {
		case 1:
			q.Country = a.Country
		case 2:
			q.Sector = "music"
		case 3:
			q.Remote = &yes
		case 4:
			q.Remote = &no
		}
		got, err := ix.MatchExact(q)
		if err == ErrUnknownActor {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		want, err := ix.BruteForce(q)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("query %+v:\n got %s\nwant %s", q, ids(got), ids(want))
		}
	}
}

func ids(rs []Result) string {
	s := ""
	for _, r := range rs {
		s += fmt.Sprintf("%s:%.4f ", r.ActorID, r.Score)
	}
	return s
}

func TestSlotIsTwoCacheLines(t *testing.T) {
	if n := unsafe.Sizeof(slot{}); n != 128 {
		t.Fatalf("slot is %d bytes, want 128", n)
	}
}

// TestTrimAfterPagedBuild: an index built in pages and trimmed answers exactly like one built in
// one call, keeps working after updates, and holds no list with more than an eighth spare.
func TestTrimAfterPagedBuild(t *testing.T) {
	one, actors := newSyntheticIndex(t, 4000, 11, Options{})
	tax, err := NewTaxonomy(SyntheticTaxonomy(11))
	if err != nil {
		t.Fatal(err)
	}
	paged := NewIndex(tax, Options{})
	paged.Reserve(len(actors)) // as the server's build does: the slot array is allocated once
	if cap(paged.slots) < len(actors) {
		t.Fatalf("Reserve(%d) left room for %d slots", len(actors), cap(paged.slots))
	}
	slots := &paged.slots[:1][0]
	for start := 0; start < len(actors); start += 300 {
		paged.UpsertMany(actors[start:min(start+300, len(actors))])
	}
	if &paged.slots[0] != slots {
		t.Error("the slot array moved during a build that reserved room for it")
	}
	slack := func(ix *Index) (spare int) {
		for k := range ix.pairs {
			for i := range ix.pairs[k] {
				for _, l := range ix.pairs[k][i].lists {
					if cap(l)-len(l) > len(l)/8 {
						spare += cap(l) - len(l)
					}
				}
			}
		}
		return spare
	}
	if slack(paged) == 0 {
		t.Fatal("the paged build left no spare capacity: the test does not exercise Trim")
	}
	paged.Trim()
	if s := slack(paged); s != 0 {
		t.Fatalf("%d words spare after Trim", s)
	}
	// Trim packs the lists end to end into shared chunks, each with no room to grow in place.
	addr := func(l []uint32) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(l))) }
	var lists [][]uint32
	starts := map[uintptr]bool{}
	for k := range paged.pairs {
		for i := range paged.pairs[k] {
			for _, l := range paged.pairs[k][i].lists {
				if cap(l) != len(l) {
					t.Fatalf("a packed list of %d words has capacity %d: appending would overwrite its neighbour", len(l), cap(l))
				}
				lists = append(lists, l)
				starts[addr(l)] = true
			}
		}
	}
	adjacent := 0
	for _, l := range lists {
		if starts[addr(l)+uintptr(4*len(l))] {
			adjacent++
		}
	}
	if adjacent < len(lists)/2 {
		t.Fatalf("only %d of %d lists are followed by another in memory: Trim did not pack them", adjacent, len(lists))
	}
	if &paged.slots[0] != slots {
		t.Error("Trim copied the slot array of a build that reserved exactly")
	}
	r := rand.New(rand.NewPCG(3, 4))
	check := func() {
		t.Helper()
		for range 100 {
			q := Query{ActorID: actors[r.IntN(len(actors))].ID, Kind: Kind(r.IntN(3)), Limit: 20}
			got, err1 := paged.MatchExact(q)
			want, err2 := one.MatchExact(q)
			if err1 != err2 || !reflect.DeepEqual(got, want) {
				t.Fatalf("query %+v:\n paged %s\n one   %s", q, ids(got), ids(want))
			}
		}
	}
	check()
	for i := range 50 { // lists trimmed to their length grow again on updates
		a := actors[r.IntN(len(actors))]
		a.Offers = append(a.Offers, Offer{Skill: actors[i].Offers[0].Skill, Level: 3})
		paged.Upsert(a)
		one.Upsert(a)
	}
	check()
	// Removing shrinks packed lists where they are; adding back and changing needs grows them in
	// that room or copies them out of their chunk. Neighbours must not notice.
	for i := range 100 {
		a := actors[r.IntN(len(actors))]
		paged.Remove(a.ID)
		one.Remove(a.ID)
		if i%2 == 0 {
			a.Needs = append(append([]Need(nil), a.Needs...), Need{Skill: actors[i].Offers[0].Skill, Must: i%4 == 0})
		}
		paged.Upsert(a)
		one.Upsert(a)
	}
	check()
}

// TestScratchBounded: however many queries run at once, at most cap(busy) scratches exist, and
// a garbage collection does not throw them away (a sync.Pool would: 4 MB each at 1M actors).
func TestScratchBounded(t *testing.T) {
	ix, actors := newSyntheticIndex(t, 2000, 5, Options{})
	seen := sync.Map{}
	var wg sync.WaitGroup
	for g := range 64 {
		wg.Go(func() {
			for i := range 20 {
				sc := ix.getScratch()
				seen.Store(sc, true)
				ix.putScratch(sc)
				if _, err := ix.Match(Query{ActorID: actors[(g*20+i)%len(actors)].ID, Limit: 10}); err != nil && err != ErrUnknownActor {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	n := 0
	seen.Range(func(any, any) bool { n++; return true })
	if n > cap(ix.busy) {
		t.Fatalf("%d scratches made for %d slots", n, cap(ix.busy))
	}
	sc := ix.getScratch()
	ix.putScratch(sc)
	runtime.GC()
	runtime.GC()
	if _, ok := seen.Load(ix.getScratch()); !ok {
		t.Fatal("a new scratch after GC: the old ones were dropped")
	}
}
