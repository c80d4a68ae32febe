package api

import (
	"strings"
	"testing"
)

func matchIDs(r resp) []string {
	var out []string
	items, _ := r.JSON["items"].([]any)
	for _, it := range items {
		out = append(out, it.(map[string]any)["actor"].(map[string]any)["id"].(string))
	}
	return out
}

func contains(list []string, x string) bool {
	for _, v := range list {
		if v == x {
			return true
		}
	}
	return false
}

// TestMatchesThroughTheAPI: complementary actors find each other, with reasons in both directions
// and no contact details; the hard rules hold.
func TestMatchesThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	a, b, c := e.register("Museum"), e.register("Startup"), e.register("Lonely")
	m := e.createActor(a.Access, museum())
	s := e.createActor(b.Access, startup())
	// Same skills, but no shared language: never a match.
	far := with(startup(), "name", "Far Away Vision", "languages", []string{"ja"})
	f := e.createActor(c.Access, far)

	r := e.call("GET", "/api/v1/actors/"+m+"/matches?kind=ai", nil, a.Access)
	if r.Status != 200 {
		t.Fatalf("matches: %d %s", r.Status, r.Raw)
	}
	ids := matchIDs(r)
	if len(ids) == 0 || ids[0] != s {
		t.Fatalf("the startup is not the best match of the museum: %v (%s)", ids, r.Raw)
	}
	if contains(ids, f) {
		t.Fatal("an actor without a shared language was matched")
	}
	if strings.Contains(r.Raw, "founders@seeing") || strings.Contains(r.Raw, `"contact"`) {
		t.Fatal("matches leak contact details")
	}
	first := r.JSON["items"].([]any)[0].(map[string]any)
	score := first["score"].(float64)
	if score <= 0 || score > 1 || first["forward"].(float64) <= 0 || first["backward"].(float64) <= 0 {
		t.Fatalf("scores: %v", first)
	}
	dirs := map[string]bool{}
	for _, re := range first["reasons"].([]any) {
		dirs[re.(map[string]any)["direction"].(string)] = true
		if re.(map[string]any)["message"] == "" {
			t.Fatal("a reason without a sentence")
		}
	}
	if !dirs["they_bring"] || !dirs["you_bring"] {
		t.Fatalf("reasons lack a direction: %v", first["reasons"])
	}
	// And the other way round.
	back := matchIDs(e.call("GET", "/api/v1/actors/"+s+"/matches?kind=cci", nil, b.Access))
	if len(back) == 0 || back[0] != m {
		t.Fatalf("the museum is not the best match of the startup: %v", back)
	}
	// explain=false drops the reasons.
	r = e.call("GET", "/api/v1/actors/"+m+"/matches?kind=ai&explain=false", nil, a.Access)
	if rs := r.JSON["items"].([]any)[0].(map[string]any)["reasons"].([]any); len(rs) != 0 {
		t.Fatal("explain=false still explains")
	}

	// A profile edit shows at once: the startup stops offering computer vision.
	e.call("PATCH", "/api/v1/actors/"+s, map[string]any{"offers": []map[string]any{{"skill": "music-production", "level": 2}}, "version": 1}, b.Access)
	if ids := matchIDs(e.call("GET", "/api/v1/actors/"+m+"/matches?kind=ai", nil, a.Access)); len(ids) > 0 && ids[0] == s {
		t.Fatalf("an edit is not reflected: %v", ids)
	}
	e.call("PATCH", "/api/v1/actors/"+s, map[string]any{"offers": []map[string]any{{"skill": "computer-vision", "level": 4}}, "version": 2}, b.Access)
	if ids := matchIDs(e.call("GET", "/api/v1/actors/"+m+"/matches?kind=ai", nil, a.Access)); !contains(ids, s) {
		t.Fatalf("restored offer not matched: %v", ids)
	}

	// "Not interested" removes the pair both ways; withdrawing it brings it back.
	if r := e.call("POST", "/api/v1/actors/"+m+"/feedback", map[string]any{"target_id": s, "verdict": "not_interested"}, a.Access); r.Status != 201 {
		t.Fatalf("feedback: %d %s", r.Status, r.Raw)
	}
	if ids := matchIDs(e.call("GET", "/api/v1/actors/"+m+"/matches?kind=ai", nil, a.Access)); contains(ids, s) {
		t.Fatal("not interested is ignored")
	}
	if ids := matchIDs(e.call("GET", "/api/v1/actors/"+s+"/matches?kind=cci", nil, b.Access)); contains(ids, m) {
		t.Fatal("not interested is not symmetric")
	}
	if r := e.call("DELETE", "/api/v1/actors/"+m+"/feedback/"+s+"?verdict=not_interested", nil, a.Access); r.Status != 204 {
		t.Fatalf("undo feedback: %d %s", r.Status, r.Raw)
	}
	if ids := matchIDs(e.call("GET", "/api/v1/actors/"+m+"/matches?kind=ai", nil, a.Access)); !contains(ids, s) {
		t.Fatal("withdrawn feedback still excludes")
	}

	// Pausing matching hides all of a member's actors from everyone's lists.
	e.call("PATCH", "/api/v1/me", map[string]any{"matching_paused": true}, b.Access)
	if ids := matchIDs(e.call("GET", "/api/v1/actors/"+m+"/matches?kind=ai", nil, a.Access)); contains(ids, s) {
		t.Fatal("a paused member is still matched")
	}
	e.call("PATCH", "/api/v1/me", map[string]any{"matching_paused": false}, b.Access)
	// Unavailable actors drop out too.
	e.call("PATCH", "/api/v1/actors/"+s, map[string]any{"available": false, "version": 3}, b.Access)
	if ids := matchIDs(e.call("GET", "/api/v1/actors/"+m+"/matches?kind=ai", nil, a.Access)); contains(ids, s) {
		t.Fatal("an unavailable actor is matched")
	}
}

func TestMatchesAccessAndBadInput(t *testing.T) {
	e := newEnv(t)
	a, b := e.register("Owner"), e.register("Other")
	m := e.createActor(a.Access, museum())
	// Two actors of one member never match each other.
	s := e.createActor(a.Access, startup())
	if ids := matchIDs(e.call("GET", "/api/v1/actors/"+m+"/matches", nil, a.Access)); contains(ids, s) {
		t.Fatal("a member's own actors match each other")
	}
	for _, tc := range []struct {
		path, token string
		status      int
	}{
		{"/api/v1/actors/" + m + "/matches", "", 401},
		{"/api/v1/actors/" + m + "/matches", b.Access, 403},
		{"/api/v1/actors/nope/matches", a.Access, 404},
		{"/api/v1/actors/" + m + "/matches?kind=robot", a.Access, 422},
		{"/api/v1/actors/" + m + "/matches?limit=51", a.Access, 422},
		{"/api/v1/actors/" + m + "/matches?limit=0", a.Access, 422},
		{"/api/v1/actors/" + m + "/matches?remote=maybe", a.Access, 422},
		{"/api/v1/actors/" + m + "/matches?explain=perhaps", a.Access, 422},
	} {
		if r := e.call("GET", tc.path, nil, tc.token); r.Status != tc.status {
			t.Errorf("%s: %d, want %d (%s)", tc.path, r.Status, tc.status, r.Raw)
		}
	}
	// An intermediary may look at anyone's matches (brokering is its job).
	broker := e.register("Broker")
	e.promote(&broker, "intermediary")
	if r := e.call("GET", "/api/v1/actors/"+m+"/matches", nil, broker.Access); r.Status != 200 {
		t.Fatalf("intermediary: %d", r.Status)
	}
	for _, tc := range []struct {
		body  map[string]any
		token string
		want  int
	}{
		{map[string]any{"target_id": s, "verdict": "meh"}, a.Access, 422},
		{map[string]any{"target_id": m, "verdict": "saved"}, a.Access, 422},
		{map[string]any{"target_id": "nope", "verdict": "saved"}, a.Access, 422},
		{map[string]any{"verdict": "saved"}, a.Access, 422},
		{map[string]any{"target_id": s, "verdict": "saved"}, b.Access, 403},
		{map[string]any{"target_id": s, "verdict": "saved"}, "", 401},
	} {
		if r := e.call("POST", "/api/v1/actors/"+m+"/feedback", tc.body, tc.token); r.Status != tc.want {
			t.Errorf("feedback %v: %d, want %d (%s)", tc.body, r.Status, tc.want, r.Raw)
		}
	}
}
