package api

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

func matchSet(r resp) map[string]bool {
	out := map[string]bool{}
	for _, id := range matchIDs(r) {
		out[id] = true
	}
	return out
}

func TestModerationReportHideRestore(t *testing.T) {
	e := newEnv(t)
	ana, bob, admin := e.register("Ana"), e.register("Bob"), e.register("Root")
	e.promote(&admin, "admin")
	mus := e.createActor(ana.Access, museum())
	st := e.createActor(bob.Access, startup())
	ctx := context.Background()

	if m := matchSet(e.call("GET", "/api/v1/actors/"+st+"/matches?kind=cci", nil, bob.Access)); !m[mus] {
		t.Fatalf("the museum should match the startup before it is hidden")
	}

	// Filing reports: bad input and callers.
	for _, tc := range []struct {
		name  string
		body  any
		token string
		want  int
	}{
		{"anonymous", map[string]any{"target_type": "actor", "target_id": mus, "reason": "spam"}, "", 401},
		{"malformed", `{"target_type":`, bob.Access, 400},
		{"bad type and reason", map[string]any{"target_type": "user", "target_id": mus, "reason": "ugly"}, bob.Access, 422},
		{"no target", map[string]any{"target_type": "actor", "reason": "spam"}, bob.Access, 422},
		{"long note", map[string]any{"target_type": "actor", "target_id": mus, "reason": "other", "note": strings.Repeat("x", 1001)}, bob.Access, 422},
		{"unknown actor", map[string]any{"target_type": "actor", "target_id": "nope", "reason": "spam"}, bob.Access, 404},
		{"own profile", map[string]any{"target_type": "actor", "target_id": mus, "reason": "spam"}, ana.Access, 422},
		{"someone else's introduction", map[string]any{"target_type": "introduction", "target_id": "nope", "reason": "spam"}, bob.Access, 404},
		{"ok", map[string]any{"target_type": "actor", "target_id": mus, "reason": "fake", "note": "This museum does not exist."}, bob.Access, 201},
		{"again while open", map[string]any{"target_type": "actor", "target_id": mus, "reason": "spam"}, bob.Access, 409},
	} {
		if r := e.call("POST", "/api/v1/reports", tc.body, tc.token); r.Status != tc.want {
			t.Errorf("%s: %d %s, want %d", tc.name, r.Status, r.Raw, tc.want)
		}
	}

	// The queue is for admins.
	if r := e.call("GET", "/api/v1/reports", nil, bob.Access); r.Status != 403 {
		t.Errorf("member reads the queue: %d", r.Status)
	}
	q := e.call("GET", "/api/v1/reports?status=open", nil, admin.Access)
	items, _ := q.JSON["items"].([]any)
	if q.Status != 200 || len(items) != 1 {
		t.Fatalf("queue: %d %s", q.Status, q.Raw)
	}
	rep := items[0].(map[string]any)
	if rep["target_id"] != mus || rep["reason"] != "fake" || rep["status"] != "open" {
		t.Errorf("report = %v", rep)
	}
	id := rep["id"].(string)
	if e.call("GET", "/api/v1/reports?status=nope", nil, admin.Access).Status != 422 {
		t.Error("bad status must be 422")
	}
	if r := e.call("POST", "/api/v1/reports/"+id+"/resolve", map[string]any{"action": "hide"}, bob.Access); r.Status != 403 {
		t.Errorf("member resolves: %d", r.Status)
	}
	if r := e.call("POST", "/api/v1/reports/"+id+"/resolve", map[string]any{"action": "delete"}, admin.Access); r.Status != 422 {
		t.Errorf("bad action: %d", r.Status)
	}
	if r := e.call("POST", "/api/v1/reports/nope/resolve", map[string]any{"action": "dismiss"}, admin.Access); r.Status != 404 {
		t.Errorf("unknown report: %d", r.Status)
	}
	before, _ := e.store.LatestChange(ctx)

	// Hide through the report.
	r := e.call("POST", "/api/v1/reports/"+id+"/resolve", map[string]any{"action": "hide"}, admin.Access)
	if r.Status != 200 || r.JSON["status"] != "resolved" || r.JSON["action"] != "hide" {
		t.Fatalf("resolve: %d %s", r.Status, r.Raw)
	}
	if r := e.call("POST", "/api/v1/reports/"+id+"/resolve", map[string]any{"action": "dismiss"}, admin.Access); r.Status != 409 {
		t.Errorf("resolving twice: %d", r.Status)
	}
	changes, _ := e.store.ChangesSince(ctx, before, 10)
	if len(changes) != 1 || changes[0].ActorID != mus || changes[0].Op != "upsert" {
		t.Errorf("change feed after hiding = %+v, want one upsert of the museum", changes)
	}
	if r := e.call("GET", "/api/v1/actors/"+mus, nil, bob.Access); r.Status != 404 {
		t.Errorf("hidden actor still readable: %d", r.Status)
	}
	if m := matchSet(e.call("GET", "/api/v1/actors/"+st+"/matches?kind=cci", nil, bob.Access)); m[mus] {
		t.Error("the hidden museum is still matched")
	}
	list := e.call("GET", "/api/v1/actors?kind=cci", nil, bob.Access)
	if strings.Contains(list.Raw, mus) {
		t.Error("the hidden museum is still listed")
	}
	audit, _ := e.store.AuditLog(ctx, admin.ID, 10)
	events := map[string]bool{}
	for _, a := range audit {
		events[a.Event] = true
	}
	if !events["actor_hidden"] || !events["report_resolved"] {
		t.Errorf("audit log = %+v", audit)
	}

	// Hide and restore directly: admins only; twice is a conflict.
	for _, tc := range []struct {
		path, token string
		want        int
	}{
		{"/api/v1/actors/" + mus + "/restore", ana.Access, 403},
		{"/api/v1/actors/" + st + "/hide", bob.Access, 403},
		{"/api/v1/actors/nope/hide", admin.Access, 404},
		{"/api/v1/actors/" + mus + "/hide", admin.Access, 409},
		{"/api/v1/actors/" + mus + "/restore", admin.Access, 200},
		{"/api/v1/actors/" + mus + "/restore", admin.Access, 409},
	} {
		if r := e.call("POST", tc.path, map[string]any{"reason": "checked with the museum"}, tc.token); r.Status != tc.want {
			t.Errorf("POST %s: %d %s, want %d", tc.path, r.Status, r.Raw, tc.want)
		}
	}
	if r := e.call("GET", "/api/v1/actors/"+mus, nil, bob.Access); r.Status != 200 {
		t.Errorf("restored actor: %d", r.Status)
	}
	if m := matchSet(e.call("GET", "/api/v1/actors/"+st+"/matches?kind=cci", nil, bob.Access)); !m[mus] {
		t.Error("the restored museum is not matched again")
	}
	if r := e.call("POST", "/api/v1/actors/"+st+"/hide", nil, admin.Access); r.Status != http.StatusOK {
		t.Errorf("hide without a body: %d %s", r.Status, r.Raw)
	}
}

func TestModerationReportIntroductionHidesItsAuthor(t *testing.T) {
	e := newEnv(t)
	ana, bob, carl, admin := e.register("Ana"), e.register("Bob"), e.register("Carl"), e.register("Root")
	e.promote(&admin, "admin")
	mus := e.createActor(ana.Access, museum())
	st := e.createActor(bob.Access, startup())
	r := e.call("POST", "/api/v1/introductions", map[string]any{"from_actor_id": mus, "to_actor_id": st,
		"message": "Buy our very special tickets now at a discount, limited offer!"}, ana.Access)
	if r.Status != 201 {
		t.Fatalf("introduce: %d %s", r.Status, r.Raw)
	}
	intro := r.JSON["id"].(string)
	if r := e.call("POST", "/api/v1/reports", map[string]any{"target_type": "introduction", "target_id": intro, "reason": "spam"}, carl.Access); r.Status != 404 {
		t.Errorf("an outsider reports the introduction: %d", r.Status)
	}
	r = e.call("POST", "/api/v1/reports", map[string]any{"target_type": "introduction", "target_id": intro, "reason": "spam"}, bob.Access)
	if r.Status != 201 {
		t.Fatalf("report: %d %s", r.Status, r.Raw)
	}
	if r := e.call("POST", "/api/v1/reports/"+r.JSON["id"].(string)+"/resolve", map[string]any{"action": "hide"}, admin.Access); r.Status != 200 {
		t.Fatalf("resolve: %d %s", r.Status, r.Raw)
	}
	if e.call("GET", "/api/v1/actors/"+mus, nil, bob.Access).Status != 404 || e.call("GET", "/api/v1/actors/"+st, nil, ana.Access).Status != 200 {
		t.Error("hiding for an introduction must hide its author (the requester) only")
	}
	// A dismissed report hides nothing.
	r = e.call("POST", "/api/v1/reports", map[string]any{"target_type": "actor", "target_id": st, "reason": "other"}, carl.Access)
	e.call("POST", "/api/v1/reports/"+r.JSON["id"].(string)+"/resolve", map[string]any{"action": "dismiss"}, admin.Access)
	if e.call("GET", "/api/v1/actors/"+st, nil, ana.Access).Status != 200 {
		t.Error("dismissing hid the actor")
	}
	if q := e.call("GET", "/api/v1/reports?status=resolved", nil, admin.Access); len(q.JSON["items"].([]any)) != 2 {
		t.Errorf("resolved queue: %s", q.Raw)
	}
}
