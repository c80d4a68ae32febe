package api

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestStaleProfiles: a profile not renewed for a year drops out of matching, its owner is told, and
// one click brings it back.
func TestStaleProfiles(t *testing.T) {
	e := newEnv(t)
	a, b := e.register("Olga"), e.register("Pavel")
	m := e.createActor(a.Access, museum())
	s := e.createActor(b.Access, startup())
	ctx := context.Background()
	if ids := matchIDs(e.call("GET", "/api/v1/actors/"+m+"/matches?kind=ai", nil, a.Access)); !contains(ids, s) {
		t.Fatalf("control: the startup is not matched: %v", ids)
	}
	old := time.Now().UTC().Add(-400 * 24 * time.Hour)
	if err := e.store.Exec(ctx, "UPDATE actors SET renewed_at = ? WHERE id = ?", old, s); err != nil {
		t.Fatal(err)
	}
	n, err := e.store.StaleSweep(ctx, time.Now(), 100)
	if err != nil || n != 1 {
		t.Fatalf("sweep: %d %v", n, err)
	}
	if n, _ := e.store.StaleSweep(ctx, time.Now(), 100); n != 0 {
		t.Fatalf("the owner is told twice: %d", n)
	}
	if ids := matchIDs(e.call("GET", "/api/v1/actors/"+m+"/matches?kind=ai", nil, a.Access)); contains(ids, s) {
		t.Fatal("a stale profile is still matched")
	}
	if r := e.call("GET", "/api/v1/actors/"+s, nil, b.Access); r.JSON["stale"] != true {
		t.Fatalf("the owner does not see the stale flag: %s", r.Raw)
	}
	inbox := e.call("GET", "/api/v1/notifications", nil, b.Access)
	if !strings.Contains(inbox.Raw, "profile_stale") {
		t.Fatalf("the owner was not told: %s", inbox.Raw)
	}
	if r := e.call("POST", "/api/v1/actors/"+s+"/renew", nil, a.Access); r.Status != 403 {
		t.Fatalf("another member renews: %d", r.Status)
	}
	if r := e.call("POST", "/api/v1/actors/nope/renew", nil, b.Access); r.Status != 404 {
		t.Fatalf("unknown actor: %d", r.Status)
	}
	if r := e.call("POST", "/api/v1/actors/"+s+"/renew", nil, ""); r.Status != 401 {
		t.Fatalf("anonymous: %d", r.Status)
	}
	r := e.call("POST", "/api/v1/actors/"+s+"/renew", nil, b.Access)
	if r.Status != 200 || r.JSON["stale"] != false {
		t.Fatalf("renew: %d %s", r.Status, r.Raw)
	}
	if ids := matchIDs(e.call("GET", "/api/v1/actors/"+m+"/matches?kind=ai", nil, a.Access)); !contains(ids, s) {
		t.Fatal("a renewed profile is not matched again")
	}
}
