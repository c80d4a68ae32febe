package api

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/crossover-cci/crossover/models"
)

func matchNames(r resp) map[string]string {
	out := map[string]string{}
	items, _ := r.JSON["items"].([]any)
	for _, it := range items {
		a := it.(map[string]any)["actor"].(map[string]any)
		out[a["id"].(string)] = a["name"].(string)
	}
	return out
}

// lookup returns the cached actors among ids and the ids missing, without claiming a read.
func (c *actorCache) lookup(ids []string) (map[string]*models.Actor, []string) {
	found := make(map[string]*models.Actor, len(ids))
	var missing []string
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		if e, ok := c.entries[id]; ok {
			found[id] = e.a
		} else {
			missing = append(missing, id)
		}
	}
	return found, missing
}

// TestMatchesActorCache: the matches handler serves profiles from the matcher's snapshot cache, yet
// the next response after an edit shows it, and hiding or deleting a profile removes it at once,
// as a result and as the querying actor.
func TestMatchesActorCache(t *testing.T) {
	e := newEnv(t)
	ana, bob, admin := e.register("Ana"), e.register("Bob"), e.register("Root")
	e.promote(&admin, "admin")
	mus := e.createActor(ana.Access, museum())
	st := e.createActor(bob.Access, startup())

	get := func(id, kind, token string) resp {
		t.Helper()
		return e.call("GET", "/api/v1/actors/"+id+"/matches?kind="+kind, nil, token)
	}
	// Twice: the second answer comes from the cache.
	for range 2 {
		if r := get(mus, "ai", ana.Access); r.Status != 200 || matchNames(r)[st] == "" {
			t.Fatalf("before: %d %s", r.Status, r.Raw)
		}
	}
	if found, _ := e.srv.matcher.cache.lookup([]string{mus, st}); len(found) != 2 {
		t.Fatalf("the cache holds %d of the 2 actors read", len(found))
	}

	// An edit of a result: the next response shows the new name.
	if r := e.call("PATCH", "/api/v1/actors/"+st, map[string]any{"name": "Renamed Startup", "version": 1}, bob.Access); r.Status != 200 {
		t.Fatalf("patch: %d %s", r.Status, r.Raw)
	}
	if n := matchNames(get(mus, "ai", ana.Access))[st]; n != "Renamed Startup" {
		t.Fatalf("after the edit the match is named %q", n)
	}
	// An edit of the querying actor: its languages feed "shared".
	if r := e.call("PATCH", "/api/v1/actors/"+mus, map[string]any{"name": "Renamed Museum", "version": 1}, ana.Access); r.Status != 200 {
		t.Fatalf("patch museum: %d %s", r.Status, r.Raw)
	}
	if n := matchNames(get(st, "cci", bob.Access))[mus]; n != "Renamed Museum" {
		t.Fatalf("after the edit the museum is named %q", n)
	}
	get(st, "cci", bob.Access) // cached again

	// Hidden by moderation: gone from the startup's matches, and its own matches are 404.
	if r := e.call("POST", "/api/v1/actors/"+mus+"/hide", map[string]any{"reason": "fake profile"}, admin.Access); r.Status/100 != 2 {
		t.Fatalf("hide: %d %s", r.Status, r.Raw)
	}
	if r := get(st, "cci", bob.Access); r.Status != 200 || matchNames(r)[mus] != "" {
		t.Fatalf("a hidden actor is still matched: %d %s", r.Status, r.Raw)
	}
	if r := get(mus, "ai", ana.Access); r.Status != 404 {
		t.Fatalf("matches of a hidden actor: %d %s", r.Status, r.Raw)
	}
	// Restored: back.
	if r := e.call("POST", "/api/v1/actors/"+mus+"/restore", nil, admin.Access); r.Status/100 != 2 {
		t.Fatalf("restore: %d %s", r.Status, r.Raw)
	}
	if r := get(st, "cci", bob.Access); r.Status != 200 || matchNames(r)[mus] == "" {
		t.Fatalf("a restored actor is not matched: %d %s", r.Status, r.Raw)
	}
	// Deleted: gone, and its matches are 404.
	if r := e.call("DELETE", "/api/v1/actors/"+st, nil, bob.Access); r.Status/100 != 2 {
		t.Fatalf("delete: %d %s", r.Status, r.Raw)
	}
	if r := get(mus, "ai", ana.Access); r.Status != 200 || matchNames(r)[st] != "" {
		t.Fatalf("a deleted actor is still matched: %d %s", r.Status, r.Raw)
	}
	if r := get(st, "cci", bob.Access); r.Status != 404 {
		t.Fatalf("matches of a deleted actor: %d %s", r.Status, r.Raw)
	}
}

// TestActorCacheFillAfterInvalidation: a snapshot read before an invalidation is not stored.
func TestActorCacheFillAfterInvalidation(t *testing.T) {
	var c actorCache
	gen := c.generation()
	c.invalidate("a") // a feed row arrives while the reader is at the database
	c.fill(gen, map[string]*models.Actor{"a": {ID: "a", Name: "old"}})
	if found, _ := c.lookup([]string{"a"}); len(found) != 0 {
		t.Fatal("a stale snapshot was cached")
	}
	c.fill(c.generation(), map[string]*models.Actor{"a": {ID: "a", Name: "new"}})
	if found, _ := c.lookup([]string{"a"}); found["a"] == nil || found["a"].Name != "new" {
		t.Fatal("a fresh snapshot was not cached")
	}
	c.clear()
	if found, missing := c.lookup([]string{"a"}); len(found) != 0 || len(missing) != 1 {
		t.Fatal("clear kept an entry")
	}
	// Bounded.
	gen = c.generation()
	batch := map[string]*models.Actor{}
	for i := range actorCacheSize + 10 {
		id := string(rune('a'+i%26)) + string(rune(i))
		batch[id] = &models.Actor{ID: id}
	}
	c.fill(gen, batch)
	if len(c.entries) > actorCacheSize {
		t.Fatalf("%d entries, bound %d", len(c.entries), actorCacheSize)
	}
}

// TestActorCacheSharedReads: a request that misses actors another request is reading waits for
// that read instead of reading them again, unless an invalidation came after that read began.
func TestActorCacheSharedReads(t *testing.T) {
	var c actorCache
	found, waits, first, missing := c.claim([]string{"a", "b"})
	if len(found) != 0 || len(waits) != 0 || first == nil || !slices.Equal(missing, []string{"a", "b"}) {
		t.Fatalf("cold claim: found %v, waits %v, missing %v", found, waits, missing)
	}
	// While the first read runs: b is waited for, c is read.
	_, waits, second, missing := c.claim([]string{"b", "c"})
	if !slices.Equal(waits[first], []string{"b"}) || len(waits) != 1 || second == nil || !slices.Equal(missing, []string{"c"}) {
		t.Fatalf("second claim: waits %v, missing %v", waits, missing)
	}
	// A feed row arrives: the first read may predate the write, so a new request reads a itself.
	c.invalidate("x")
	_, waits, third, missing := c.claim([]string{"a"})
	if len(waits) != 0 || third == nil || !slices.Equal(missing, []string{"a"}) {
		t.Fatalf("claim after an invalidation waited for an older read: waits %v, missing %v", waits, missing)
	}
	// The first read ends: its waiters get what it read, the cache does not keep it (stale), and
	// the third read still owns a.
	c.release(first, []string{"a", "b"}, map[string]*models.Actor{"a": {ID: "a"}, "b": {ID: "b"}})
	select {
	case <-first.done:
	default:
		t.Fatal("release did not wake the waiters")
	}
	if first.actors["b"] == nil {
		t.Fatal("the waiters do not get the first read's actors")
	}
	if found, _ := c.lookup([]string{"a", "b"}); len(found) != 0 {
		t.Fatalf("a read begun before an invalidation was cached: %v", found)
	}
	if c.loading["a"] != third || c.loading["b"] != nil {
		t.Fatalf("loading after the first release: %v", c.loading)
	}
	// A failed read hands nothing to its waiters, who read for themselves.
	c.release(second, []string{"c"}, nil)
	if second.actors != nil {
		t.Fatal("a failed read handed actors on")
	}
	c.release(third, []string{"a"}, map[string]*models.Actor{"a": {ID: "a"}})
	if found, _ := c.lookup([]string{"a"}); found["a"] == nil || len(c.loading) != 0 {
		t.Fatalf("after the last release: cached %v, loading %v", found, c.loading)
	}
}

// TestActorsInConcurrentMisses: many requests missing the same profiles at once (a cold replica)
// read each profile from the database once; every request gets them all.
func TestActorsInConcurrentMisses(t *testing.T) {
	e := newEnv(t)
	ana := e.register("Ana")
	var ids []string
	for range 6 {
		ids = append(ids, e.createActor(ana.Access, museum()))
	}
	m := e.srv.matcher
	// The feed rows of the new profiles invalidate the cache when the index takes them in: after
	// that, a read that began earlier is (rightly) not shared. Take them in first.
	if err := m.catchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	count := func(source string) float64 {
		var v dto.Metric
		_ = m.metrics.snapshots.WithLabelValues(source).(prometheus.Metric).Write(&v)
		return v.GetCounter().GetValue()
	}
	for round := range 3 {
		m.cache.clear()
		read0 := count("read")
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make(chan error, 20)
		for range 20 {
			wg.Go(func() {
				<-start
				got, err := m.actorsIn(context.Background(), ids)
				if err == nil && len(got) != len(ids) {
					err = fmt.Errorf("%d of %d actors", len(got), len(ids))
				}
				errs <- err
			})
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if reads := count("read") - read0; reads != float64(len(ids)) {
			t.Fatalf("round %d: %v profiles read from the database for %d distinct ones", round, reads, len(ids))
		}
	}
	t.Logf("over 3 rounds of 20 requests for 6 profiles: %v read, %v shared, %v from the cache", count("read"), count("shared"), count("cache"))

	// A read that fails still releases its claim: its waiters are woken and read for themselves,
	// and the next request reads again instead of waiting for it.
	m.cache.clear()
	_, _, l, missing := m.cache.claim(ids)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if got, err := m.read(cancelled, l, missing); err == nil || got != nil {
		t.Fatalf("a read with a cancelled context: %v, %d actors", err, len(got))
	}
	select {
	case <-l.done:
	default:
		t.Fatal("a failed read left its waiters waiting")
	}
	if _, waits, mine, _ := m.cache.claim(ids); len(waits) != 0 || mine == nil {
		t.Fatalf("after a failed read the next request waits for it: %v", waits)
	} else {
		m.cache.release(mine, ids, nil)
	}
	if got, err := m.actorsIn(context.Background(), ids); err != nil || len(got) != len(ids) {
		t.Fatalf("after a failed read: %v, %d of %d actors", err, len(got), len(ids))
	}
}
