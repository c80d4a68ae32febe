package api

import (
	"net/http"
	"strings"
	"testing"
)

// The fit of one pair, for the person deciding on a request: who may ask, bad ids, and the answer.
func TestFit(t *testing.T) {
	e := newEnv(t)
	alice, bob, broker, admin := e.register("Alice"), e.register("Bob"), e.register("Broker"), e.register("Admin")
	e.promote(&broker, "intermediary")
	e.promote(&admin, "admin")
	m := e.createActor(alice.Access, museum())
	s := e.createActor(bob.Access, startup())
	hidden := e.createActor(bob.Access, named(startup(), "Hidden Eye"))
	if r := e.call("POST", "/api/v1/actors/"+hidden+"/hide", nil, admin.Access); r.Status != http.StatusOK && r.Status != http.StatusNoContent {
		t.Fatalf("hide: %d %s", r.Status, r.Raw)
	}
	fit := func(id, other string) string { return "/api/v1/actors/" + id + "/fit/" + other }

	for _, tc := range []struct {
		name, path, token string
		want              int
		field             string
	}{
		{"anonymous", fit(m, s), "", 401, ""},
		{"not the owner of :id", fit(m, s), bob.Access, 403, ""},
		{"unknown actor", fit("nope", s), alice.Access, 404, ""},
		{"unknown other", fit(m, "nope"), alice.Access, 404, ""},
		{"hidden other", fit(m, hidden), alice.Access, 404, ""},
		{"hidden actor, even for its owner", fit(hidden, m), bob.Access, 404, ""},
		{"itself", fit(m, m), alice.Access, 422, "other"},
		{"owner", fit(m, s), alice.Access, 200, ""},
		{"the other way round, by its owner", fit(s, m), bob.Access, 200, ""},
		{"intermediary", fit(m, s), broker.Access, 200, ""},
		{"admin", fit(m, s), admin.Access, 200, ""},
	} {
		r := e.call("GET", tc.path, nil, tc.token)
		if r.Status != tc.want {
			t.Errorf("%s: %d, want %d (%s)", tc.name, r.Status, tc.want, r.Raw)
			continue
		}
		if tc.field != "" && r.fields()[tc.field] == nil {
			t.Errorf("%s: error does not name %q: %s", tc.name, tc.field, r.Raw)
		}
	}

	r := e.call("GET", fit(m, s), nil, alice.Access)
	if r.JSON["actor_id"] != m || r.JSON["other_id"] != s {
		t.Fatalf("ids: %s", r.Raw)
	}
	score, _ := r.JSON["score"].(float64)
	fwd, _ := r.JSON["forward"].(float64)
	bwd, _ := r.JSON["backward"].(float64)
	if score <= 0 || fwd <= 0 || bwd <= 0 {
		t.Fatalf("a complementary pair scores nothing: %s", r.Raw)
	}
	dirs := map[string]bool{}
	for _, x := range r.JSON["reasons"].([]any) {
		re := x.(map[string]any)
		dirs[re["direction"].(string)] = true
		if re["code"] == "" || re["message"] == "" {
			t.Errorf("reason without code or message: %v", re)
		}
	}
	if len(dirs) < 2 {
		t.Errorf("reasons in one direction only: %s", r.Raw)
	}
	if sh := r.JSON["shared"].(map[string]any); len(sh["languages"].([]any)) != 1 || sh["languages"].([]any)[0] != "en" {
		t.Errorf("shared languages: %v", sh)
	}
	// The same pair seen from the other side swaps the directions.
	back := e.call("GET", fit(s, m), nil, bob.Access)
	if back.JSON["forward"] != r.JSON["backward"] || back.JSON["backward"] != r.JSON["forward"] {
		t.Errorf("directions do not swap: %s vs %s", r.Raw, back.Raw)
	}
	// A pair the ranking excludes (a request in progress) is still explained.
	e.mustIntroduce(alice.Access, m, s)
	if r := e.call("GET", fit(s, m), nil, bob.Access); r.Status != 200 || r.JSON["score"] != back.JSON["score"] {
		t.Errorf("pair with an open request: %d %s", r.Status, r.Raw)
	}
	for _, x := range []string{r.Raw, back.Raw} {
		if containsAny(x, "curator@light.example.org", "founders@seeing.example.org") {
			t.Errorf("contact details in a fit: %s", x)
		}
	}
}

// A plain member reads another member's public profile, without contact details until connected.
func TestActorProfileForMembers(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol := e.register("Alice"), e.register("Bob"), e.register("Carol")
	m := e.createActor(alice.Access, museum())
	s := e.createActor(bob.Access, startup())
	for _, u := range []account{bob, carol} {
		r := e.call("GET", "/api/v1/actors/"+m, nil, u.Access)
		if r.Status != 200 || r.JSON["name"] != "Museum of Light" || r.JSON["bio"] == "" || len(r.JSON["offers"].([]any)) != 2 {
			t.Fatalf("public profile for %s: %d %s", u.Email, r.Status, r.Raw)
		}
		if r.JSON["contact"] != nil || r.JSON["completeness"] != nil || containsAny(r.Raw, "curator@light", "+31 30") {
			t.Fatalf("private fields for %s: %s", u.Email, r.Raw)
		}
	}
	id := e.mustIntroduce(alice.Access, m, s)
	if r := e.call("GET", "/api/v1/actors/"+m, nil, bob.Access); r.JSON["contact"] != nil {
		t.Fatalf("contact before connecting: %s", r.Raw)
	}
	e.call("POST", "/api/v1/introductions/"+id+"/accept", nil, bob.Access)
	if r := e.call("GET", "/api/v1/actors/"+m, nil, bob.Access); r.JSON["contact"] == nil || !containsAny(r.Raw, "curator@light.example.org") {
		t.Fatalf("no contact once connected: %s", r.Raw)
	}
	if r := e.call("GET", "/api/v1/actors/"+m, nil, carol.Access); r.JSON["contact"] != nil {
		t.Fatalf("contact to a stranger: %s", r.Raw)
	}
	if r := e.call("GET", "/api/v1/actors/"+m, nil, ""); r.Status != 401 {
		t.Fatalf("anonymous: %d", r.Status)
	}
}

func containsAny(s string, subs ...string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}
