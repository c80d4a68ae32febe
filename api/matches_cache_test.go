package api

import (
	"testing"

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
