package api

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/crossover-cci/crossover/models"
)

// TestUnresponsiveActorSinksInMatches: two identical startups, one let 5 requests expire, the other
// declined its 5; in GET /matches (Match, with the re-ranking step) the silent one comes after the
// responsive one although its exact score is the same and the exact order (id tie-break) puts it first.
func TestUnresponsiveActorSinksInMatches(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	alice, bob, carol, dave := e.register("Alice"), e.register("Bob"), e.register("Carol"), e.register("Dave")
	m := e.createActor(alice.Access, museum())
	silent := e.createActor(bob.Access, with(startup(), "capacity", 20))
	responsive := e.createActor(carol.Access, with(startup(), "name", "Seeing Machines Too", "capacity", 20))
	if silent > responsive {
		t.Fatal("ids are expected in creation order")
	}
	// Neither is new any more: no cold-start boost to tell them apart (read when they are reloaded below).
	if err := e.store.Exec(ctx, "UPDATE actors SET created_at = ? WHERE id IN (?, ?)", time.Now().Add(-365*24*time.Hour).UTC(), silent, responsive); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		d := e.createActor(dave.Access, named(museum(), fmt.Sprintf("Museum %d", i)))
		e.mustIntroduce(dave.Access, d, silent)
		id := e.mustIntroduce(dave.Access, d, responsive)
		if r := e.call("POST", "/api/v1/introductions/"+id+"/decline", map[string]any{"reason": "timing"}, carol.Access); r.Status != 200 {
			t.Fatalf("decline: %d %s", r.Status, r.Raw)
		}
	}
	w := &models.Workers{Store: e.store, Mailer: &fakeMailer{}, Now: func() time.Time { return time.Now().Add(15 * 24 * time.Hour) }}
	if err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	rs, err := e.store.ResponsivenessSince(ctx, time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if rs[silent].Expired != 5 || rs[responsive].Answered != 5 {
		t.Fatalf("responsiveness: %+v", rs)
	}
	got, err := e.store.MatchActorsByID(ctx, []string{silent, responsive})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range got {
		want := map[string]float64{silent: models.ResponsivenessFloor, responsive: 1}[a.ID]
		if a.Responsiveness != want {
			t.Fatalf("%s: responsiveness %v, want %v", a.Name, a.Responsiveness, want)
		}
	}

	r := e.call("GET", "/api/v1/actors/"+m+"/matches?kind=ai&limit=50", nil, alice.Access)
	if r.Status != 200 {
		t.Fatalf("matches: %d %s", r.Status, r.Raw)
	}
	ids := matchIDs(r)
	is, ir := slices.Index(ids, silent), slices.Index(ids, responsive)
	if is < 0 || ir < 0 || is < ir {
		t.Fatalf("the silent startup (%d) is not below the responsive one (%d): %v", is, ir, ids)
	}
	scores := map[string]float64{}
	for _, it := range r.JSON["items"].([]any) {
		x := it.(map[string]any)
		scores[x["actor"].(map[string]any)["id"].(string)] = x["score"].(float64)
	}
	if scores[silent] != scores[responsive] || scores[silent] == 0 {
		t.Fatalf("exact scores differ: %v", scores)
	}
}
