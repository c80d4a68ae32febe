package api

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// alerts returns the saved-search notifications in the account's inbox.
func alerts(t *testing.T, e *env, token string) []map[string]any {
	t.Helper()
	r := e.call("GET", "/api/v1/notifications?limit=100", nil, token)
	if r.Status != 200 {
		t.Fatalf("inbox: %d %s", r.Status, r.Raw)
	}
	var out []map[string]any
	for _, it := range r.JSON["items"].([]any) {
		if m := it.(map[string]any); m["type"] == "saved_search_match" {
			out = append(out, m)
		}
	}
	return out
}

func TestSavedSearchesAndAlerts(t *testing.T) {
	e := newEnv(t)
	owner, admin, other, stranger := e.register("Owner"), e.register("Admin"), e.register("Other"), e.register("Stranger")
	e.promote(&admin, "admin")
	studio := e.createActor(owner.Access, profile("Pixel Forge", "cci", "sme", "NL", []string{"music"}, "game-design"))
	base := "/api/v1/actors/" + studio + "/saved-searches"
	ctx := context.Background()

	// Funding: what fits now is recorded as seen; a new instrument that fits is an alert, once.
	r := e.call("POST", base, map[string]any{"kind": "funding", "name": "Grants for us", "query": map[string]any{"eligibility": []string{"eligible"}}}, owner.Access)
	if r.Status != http.StatusCreated || r.JSON["current"].(float64) == 0 {
		t.Fatalf("save: %d %s", r.Status, r.Raw)
	}
	if n, err := e.srv.checkSavedSearches(ctx); err != nil || n != 0 {
		t.Fatalf("nothing new yet: %d %v", n, err)
	}
	if r := e.call("POST", "/api/v1/funding", newInstrument("music-ai-vouchers"), admin.Access); r.Status != 201 {
		t.Fatalf("new instrument: %d %s", r.Status, r.Raw)
	}
	if n, err := e.srv.checkSavedSearches(ctx); err != nil || n != 1 {
		t.Fatalf("alerts after a new instrument: %d %v", n, err)
	}
	got := alerts(t, e, owner.Access)
	if len(got) != 1 || !strings.Contains(got[0]["title"].(string), "Creative AI Vouchers") || got[0]["link"] != "/funding" {
		t.Fatalf("alert: %v", got)
	}
	if n, _ := e.srv.checkSavedSearches(ctx); n != 0 || len(alerts(t, e, owner.Access)) != 1 {
		t.Errorf("an item was reported twice")
	}

	// Partner: a new actor that matches is an alert.
	museumID := e.createActor(owner.Access, museum())
	pbase := "/api/v1/actors/" + museumID + "/saved-searches"
	if r := e.call("POST", pbase, map[string]any{"kind": "partner", "query": map[string]any{"kind": "ai", "min_score": 0.1}}, owner.Access); r.Status != 201 {
		t.Fatalf("save partner search: %d %s", r.Status, r.Raw)
	}
	e.createActor(other.Access, startup()) // offers computer vision, needs heritage conservation: a match
	deadline := time.Now().Add(5 * time.Second)
	n := 0
	for n == 0 && time.Now().Before(deadline) {
		var err error
		if n, err = e.srv.checkSavedSearches(ctx); err != nil {
			t.Fatal(err)
		}
	}
	got = alerts(t, e, owner.Access)
	if n != 1 || len(got) != 2 || !strings.Contains(got[0]["title"].(string), "Seeing Machines") || got[0]["link"] != "/matches" {
		t.Fatalf("partner alert: %d %v", n, got)
	}

	// The list counts what each search found after it was saved: the new partner, not what it found then.
	r = e.call("GET", pbase, nil, owner.Access)
	if items := r.JSON["items"].([]any); r.Status != 200 || len(items) != 1 || items[0].(map[string]any)["new_hits"] != 1.0 {
		t.Fatalf("new hits: %d %s", r.Status, r.Raw)
	}
	// Rename: the name changes, the query stays.
	pid := r.JSON["items"].([]any)[0].(map[string]any)["id"].(string)
	r = e.call("PATCH", pbase+"/"+pid, map[string]any{"name": "  AI partners  "}, owner.Access)
	if r.Status != 200 || r.JSON["name"] != "AI partners" || r.JSON["query"].(map[string]any)["kind"] != "ai" {
		t.Fatalf("rename: %d %s", r.Status, r.Raw)
	}
	for _, tc := range []struct {
		name, path string
		body       any
		token      string
		want       int
		field      string
	}{
		{"empty name", pbase + "/" + pid, map[string]any{"name": "  "}, owner.Access, 422, "name"},
		{"no name", pbase + "/" + pid, map[string]any{}, owner.Access, 422, "name"},
		{"long name", pbase + "/" + pid, map[string]any{"name": strings.Repeat("x", 101)}, owner.Access, 422, "name"},
		{"only the name changes", pbase + "/" + pid, map[string]any{"query": map[string]any{}}, owner.Access, 422, "name"},
		{"stranger renames", pbase + "/" + pid, map[string]any{"name": "Mine"}, stranger.Access, 403, ""},
		{"another actor's search", base + "/" + pid, map[string]any{"name": "Mine"}, owner.Access, 404, ""},
	} {
		t.Run("rename: "+tc.name, func(t *testing.T) {
			r := e.call("PATCH", tc.path, tc.body, tc.token)
			if r.Status != tc.want {
				t.Fatalf("%d, want %d: %s", r.Status, tc.want, r.Raw)
			}
			if tc.field != "" {
				if f, _ := r.JSON["error"].(map[string]any)["fields"].(map[string]any); f[tc.field] == nil {
					t.Errorf("no message for %s: %s", tc.field, r.Raw)
				}
			}
		})
	}

	// List and delete; access and bad input.
	r = e.call("GET", base, nil, owner.Access)
	items := r.JSON["items"].([]any)
	if r.Status != 200 || len(items) != 1 || items[0].(map[string]any)["name"] != "Grants for us" {
		t.Fatalf("list: %d %s", r.Status, r.Raw)
	}
	id := items[0].(map[string]any)["id"].(string)
	for _, tc := range []struct {
		name, method, path string
		body               any
		token              string
		want               int
	}{
		{"stranger lists", "GET", base, nil, stranger.Access, 403},
		{"stranger saves", "POST", base, map[string]any{"kind": "funding"}, stranger.Access, 403},
		{"stranger deletes", "DELETE", base + "/" + id, nil, stranger.Access, 403},
		{"unknown actor", "GET", "/api/v1/actors/nope/saved-searches", nil, owner.Access, 404},
		{"bad kind", "POST", base, map[string]any{"kind": "jobs"}, owner.Access, 422},
		{"unknown parameter", "POST", base, map[string]any{"kind": "funding", "query": map[string]any{"colour": "red"}}, owner.Access, 422},
		{"partner parameter in a funding search", "POST", base, map[string]any{"kind": "funding", "query": map[string]any{"country": "NL"}}, owner.Access, 422},
		{"bad min_score", "POST", base, map[string]any{"kind": "partner", "query": map[string]any{"min_score": 2}}, owner.Access, 422},
		{"admin lists", "GET", base, nil, admin.Access, 200},
		{"owner deletes", "DELETE", base + "/" + id, nil, owner.Access, 204},
		{"deleted twice", "DELETE", base + "/" + id, nil, owner.Access, 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := e.call(tc.method, tc.path, tc.body, tc.token); r.Status != tc.want {
				t.Errorf("%d, want %d: %s", r.Status, tc.want, r.Raw)
			}
		})
	}
}
