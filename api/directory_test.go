package api

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/crossover-cci/crossover/models"
)

// directoryActors returns the ids of the first n unclaimed directory entries.
func (e *env) directoryActors(n int) []string {
	e.t.Helper()
	list, _, err := e.store.ListActors(context.Background(), models.ActorFilter{Kind: "intermediary", Limit: 100})
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, a := range list {
		if a.Source == "directory" && !a.Claimed && len(out) < n {
			out = append(out, a.ID)
		}
	}
	if len(out) < n {
		e.t.Fatalf("only %d directory entries", len(out))
	}
	return out
}

func TestDirectoryClaims(t *testing.T) {
	e := newEnv(t)
	dir := e.directoryActors(3)
	carla, dan := e.register("Carla"), e.register("Dan")
	broker := e.register("Bea")
	e.promote(&broker, "intermediary")
	admin := e.register("Ada")
	e.promote(&admin, "admin")
	own := e.createActor(dan.Access, museum())

	// Directory entries are public facts: no owner, no contact.
	r := e.call("GET", "/api/v1/actors/"+dir[0], nil, carla.Access)
	if r.Status != 200 || r.JSON["owner_id"] != nil || r.JSON["claimed"] != false || r.JSON["source"] != "directory" || r.JSON["contact"] != nil {
		t.Fatalf("directory entry: %d %s", r.Status, r.Raw)
	}

	claim := func(actor, token string, body any) resp {
		return e.call("POST", "/api/v1/actors/"+actor+"/claim", body, token)
	}
	for _, tc := range []struct {
		name, actor, token string
		body               any
		want               int
	}{
		{"anonymous", dir[0], "", map[string]any{"message": "I run it"}, 401},
		{"no message", dir[0], carla.Access, map[string]any{}, 422},
		{"empty message", dir[0], carla.Access, map[string]any{"message": "  "}, 422},
		{"message too long", dir[0], carla.Access, map[string]any{"message": strings.Repeat("m", 2001)}, 422},
		{"message not text", dir[0], carla.Access, map[string]any{"message": 42}, 422},
		{"not JSON", dir[0], carla.Access, "{", 400},
		{"unknown actor", "no-such-actor", carla.Access, map[string]any{"message": "mine"}, 404},
		{"a user's own profile", own, carla.Access, map[string]any{"message": "mine"}, 409},
	} {
		if r := claim(tc.actor, tc.token, tc.body); r.Status != tc.want {
			t.Errorf("%s: %d %s", tc.name, r.Status, r.Raw)
		}
	}
	r = claim(dir[0], carla.Access, map[string]any{"message": "I am the director of this lab."})
	if r.Status != http.StatusCreated || r.JSON["status"] != "pending" {
		t.Fatalf("claim: %d %s", r.Status, r.Raw)
	}
	carlaClaim := r.JSON["id"].(string)
	if r := claim(dir[0], carla.Access, map[string]any{"message": "again"}); r.Status != 409 {
		t.Errorf("second pending claim: %d", r.Status)
	}
	danClaim := claim(dir[0], dan.Access, map[string]any{"message": "I work there too."}).JSON["id"].(string)
	rejectMe := claim(dir[1], dan.Access, map[string]any{"message": "Also mine."}).JSON["id"].(string)

	// Only admins list and decide.
	for _, tc := range []struct {
		name, token string
		want        int
	}{{"anonymous", "", 401}, {"member", carla.Access, 403}, {"intermediary", broker.Access, 403}} {
		if r := e.call("GET", "/api/v1/claims?status=pending", nil, tc.token); r.Status != tc.want {
			t.Errorf("list as %s: %d", tc.name, r.Status)
		}
		if r := e.call("POST", "/api/v1/claims/"+carlaClaim+"/approve", nil, tc.token); r.Status != tc.want {
			t.Errorf("approve as %s: %d", tc.name, r.Status)
		}
		if r := e.call("POST", "/api/v1/claims/"+carlaClaim+"/reject", nil, tc.token); r.Status != tc.want {
			t.Errorf("reject as %s: %d", tc.name, r.Status)
		}
	}
	if r := e.call("GET", "/api/v1/claims?status=maybe", nil, admin.Access); r.Status != 422 {
		t.Errorf("bad status: %d", r.Status)
	}
	r = e.call("GET", "/api/v1/claims?status=pending", nil, admin.Access)
	if r.Status != 200 || len(r.JSON["items"].([]any)) != 3 {
		t.Fatalf("pending claims: %d %s", r.Status, r.Raw)
	}
	if r := e.call("POST", "/api/v1/claims/nope/approve", nil, admin.Access); r.Status != 404 {
		t.Errorf("unknown claim: %d", r.Status)
	}

	r = e.call("POST", "/api/v1/claims/"+carlaClaim+"/approve", nil, admin.Access)
	if r.Status != 200 || r.JSON["status"] != "approved" {
		t.Fatalf("approve: %d %s", r.Status, r.Raw)
	}
	if r := e.call("POST", "/api/v1/claims/"+carlaClaim+"/approve", nil, admin.Access); r.Status != 409 {
		t.Errorf("approve twice: %d", r.Status)
	}
	// Carla owns the entry, is an intermediary now (at once), and the competing claim is rejected.
	login := e.call("POST", "/api/v1/auth/login", map[string]any{"email": carla.Email, "password": carla.Password}, "")
	if role := login.JSON["user"].(map[string]any)["role"]; role != "intermediary" {
		t.Errorf("claimant role %v", role)
	}
	a := e.call("GET", "/api/v1/actors/"+dir[0], nil, login.JSON["access_token"].(string))
	if a.JSON["owner_id"] != carla.ID || a.JSON["claimed"] != true || a.JSON["version"] != float64(2) {
		t.Errorf("claimed entry: %s", a.Raw)
	}
	if r := e.call("POST", "/api/v1/claims/"+danClaim+"/approve", nil, admin.Access); r.Status != 409 {
		t.Errorf("competing claim: %d %s", r.Status, r.Raw)
	}
	if r := claim(dir[0], dan.Access, map[string]any{"message": "now?"}); r.Status != 409 {
		t.Errorf("claim a claimed entry: %d", r.Status)
	}
	log, _ := e.store.AuditLog(context.Background(), admin.ID, 20)
	found := false
	for _, l := range log {
		found = found || (l.Event == "claim_approved" && strings.Contains(l.Detail, carlaClaim))
	}
	if !found {
		t.Errorf("no claim_approved in the audit log: %+v", log)
	}

	// Rejection leaves the entry unclaimed.
	if r := e.call("POST", "/api/v1/claims/"+rejectMe+"/reject", nil, admin.Access); r.Status != 200 || r.JSON["status"] != "rejected" {
		t.Fatalf("reject: %d %s", r.Status, r.Raw)
	}
	if a := e.call("GET", "/api/v1/actors/"+dir[1], nil, dan.Access); a.JSON["owner_id"] != nil || a.JSON["claimed"] != false {
		t.Errorf("rejected claim changed the entry: %s", a.Raw)
	}
	if r := e.call("GET", "/api/v1/claims?status=pending", nil, admin.Access); len(r.JSON["items"].([]any)) != 0 {
		t.Errorf("still pending: %s", r.Raw)
	}
}
