package api

import (
	"strings"
	"testing"
)

// "Not interested" with an optional reason: stored for the owner, listed with the partner's name,
// replaced when given again, undone with DELETE; bad input and other callers change nothing.
func TestFeedbackReason(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.register("Alice"), e.register("Bob")
	m := e.createActor(alice.Access, museum())
	s := e.createActor(bob.Access, startup())
	fb := "/api/v1/actors/" + m + "/feedback"
	list := func() []any {
		t.Helper()
		r := e.call("GET", fb, nil, alice.Access)
		if r.Status != 200 {
			t.Fatalf("list: %d %s", r.Status, r.Raw)
		}
		return r.JSON["items"].([]any)
	}

	long := strings.Repeat("é", 501)
	for _, tc := range []struct {
		name   string
		method string
		path   string
		body   map[string]any
		token  string
		want   int
		field  string
	}{
		{"reason too long", "POST", fb, map[string]any{"target_id": s, "verdict": "not_interested", "reason": long}, alice.Access, 422, "reason"},
		{"reason too long and bad verdict", "POST", fb, map[string]any{"target_id": s, "verdict": "meh", "reason": long}, alice.Access, 422, "verdict"},
		{"someone else's actor", "POST", fb, map[string]any{"target_id": s, "verdict": "not_interested", "reason": "no"}, bob.Access, 403, ""},
		{"anonymous", "POST", fb, map[string]any{"target_id": s, "verdict": "not_interested"}, "", 401, ""},
		{"list of someone else's actor", "GET", fb, nil, bob.Access, 403, ""},
		{"undo a verdict never given", "DELETE", fb + "/" + s, nil, alice.Access, 404, ""},
		{"undo with a bad verdict", "DELETE", fb + "/" + s + "?verdict=meh", nil, alice.Access, 422, "verdict"},
	} {
		r := e.call(tc.method, tc.path, tc.body, tc.token)
		if r.Status != tc.want || (tc.field != "" && r.fields()[tc.field] == nil) {
			t.Errorf("%s: %d, want %d naming %q (%s)", tc.name, r.Status, tc.want, tc.field, r.Raw)
		}
	}
	if n := len(list()); n != 0 {
		t.Fatalf("refused feedback was stored: %d rows", n)
	}

	r := e.call("POST", fb, map[string]any{"target_id": s, "verdict": "not_interested", "reason": strings.Repeat("é", 500)}, alice.Access)
	if r.Status != 201 || r.JSON["reason"] != strings.Repeat("é", 500) {
		t.Fatalf("500 characters: %d %s", r.Status, r.Raw)
	}
	r = e.call("POST", fb, map[string]any{"target_id": s, "verdict": "not_interested", "reason": "  We already work with a vision lab. "}, alice.Access)
	if r.Status != 201 || r.JSON["reason"] != "We already work with a vision lab." {
		t.Fatalf("new reason: %d %s", r.Status, r.Raw)
	}
	items := list()
	if len(items) != 1 {
		t.Fatalf("giving the verdict again adds a row: %v", items)
	}
	f := items[0].(map[string]any)
	target, _ := f["target"].(map[string]any)
	if f["reason"] != "We already work with a vision lab." || target["name"] != "Seeing Machines" || target["kind"] != "ai" || target["country"] != "BE" {
		t.Fatalf("listed verdict: %v", f)
	}
	if r := e.call("DELETE", fb+"/"+s+"?verdict=not_interested", nil, bob.Access); r.Status != 403 {
		t.Fatalf("undo by someone else: %d %s", r.Status, r.Raw)
	}
	if r := e.call("DELETE", fb+"/"+s, nil, alice.Access); r.Status != 204 {
		t.Fatalf("undo: %d %s", r.Status, r.Raw)
	}
	if n := len(list()); n != 0 {
		t.Fatalf("undone verdict still listed")
	}
	// The reason is the owner's: it is in their export, never in the other side's.
	e.call("POST", fb, map[string]any{"target_id": s, "verdict": "not_interested", "reason": "Too far from our collection"}, alice.Access)
	if r := e.call("GET", "/api/v1/me/export", nil, alice.Access); !strings.Contains(r.Raw, "Too far from our collection") {
		t.Errorf("reason missing from the owner's export")
	}
	if r := e.call("GET", "/api/v1/me/export", nil, bob.Access); strings.Contains(r.Raw, "Too far from our collection") {
		t.Errorf("reason in the other side's export")
	}
}
