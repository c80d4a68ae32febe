package api

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// cohortCounts is what the cohort tables hold: a bad request must leave it unchanged.
func (e *env) cohortCounts() string {
	e.t.Helper()
	c := e.sqlCounts(`SELECT 'cohorts', COUNT(*) FROM cohorts UNION ALL SELECT 'members', COUNT(*) FROM cohort_members
		UNION ALL SELECT 'joined', COUNT(*) FROM cohort_members WHERE status = 'joined'
		UNION ALL SELECT 'pairs', COUNT(*) FROM cohort_pairs UNION ALL SELECT 'published', COUNT(*) FROM cohort_pairs WHERE introduction_id IS NOT NULL
		UNION ALL SELECT 'intros', COUNT(*) FROM introductions UNION ALL SELECT 'notes', COUNT(*) FROM notifications
		UNION ALL SELECT 'version', COALESCE(SUM(version), 0) FROM cohorts`)
	return fmt.Sprint(c)
}

func (e *env) createCohort(token string, body map[string]any) string {
	e.t.Helper()
	r := e.call("POST", "/api/v1/cohorts", body, token)
	if r.Status != 201 {
		e.t.Fatalf("create cohort: %d %s", r.Status, r.Raw)
	}
	return r.JSON["id"].(string)
}

// organiserSetup: an organiser with a hub actor and a cohort, another intermediary, two members
// with a museum and a startup, and an admin.
type organiserSetup struct {
	org, other, ana, bob, admin  account
	hub, museum, startup, cohort string
}

func newOrganiserSetup(e *env) organiserSetup {
	s := organiserSetup{org: e.register("Organiser"), other: e.register("Other"), ana: e.register("Ana"), bob: e.register("Bob"), admin: e.register("Admin")}
	e.promote(&s.org, "intermediary")
	e.promote(&s.other, "intermediary")
	e.promote(&s.admin, "admin")
	s.hub = e.createActor(s.org.Access, map[string]any{"kind": "intermediary", "name": "Creative Hub", "org_type": "network", "country": "DE", "languages": []string{"en"}})
	s.museum = e.createActor(s.ana.Access, museum())
	s.startup = e.createActor(s.bob.Access, startup())
	s.cohort = e.createCohort(s.org.Access, map[string]any{"name": "AI x Heritage 2026", "description": "Two days in Utrecht.",
		"starts_on": "2026-05-04", "ends_on": "2026-05-05", "broker_actor_id": s.hub})
	return s
}

func TestCohortCRUD(t *testing.T) {
	e := newEnv(t)
	s := newOrganiserSetup(e)
	otherHub := e.createActor(s.other.Access, map[string]any{"kind": "intermediary", "name": "Other Hub", "org_type": "network", "country": "FR", "languages": []string{"fr"}})
	before := e.cohortCounts()
	bad := []struct {
		name  string
		body  any
		field string
	}{
		{"no name", map[string]any{"description": "x"}, "name"},
		{"blank name", map[string]any{"name": "   "}, "name"},
		{"long name", map[string]any{"name": strings.Repeat("n", 201)}, "name"},
		{"name not a string", map[string]any{"name": 3}, "name"},
		{"long description", map[string]any{"name": "A", "description": strings.Repeat("d", 5001)}, "description"},
		{"bad date", map[string]any{"name": "A", "starts_on": "4 May 2026"}, "starts_on"},
		{"impossible date", map[string]any{"name": "A", "ends_on": "2026-02-30"}, "ends_on"},
		{"ends before it starts", map[string]any{"name": "A", "starts_on": "2026-05-04", "ends_on": "2026-05-03"}, "ends_on"},
		{"broker not an actor", map[string]any{"name": "A", "broker_actor_id": "nope"}, "broker_actor_id"},
		{"broker of someone else", map[string]any{"name": "A", "broker_actor_id": otherHub}, "broker_actor_id"},
		{"broker not an intermediary", map[string]any{"name": "A", "broker_actor_id": e.createActor(s.org.Access, museum())}, "broker_actor_id"},
	}
	before = e.cohortCounts() // the museum above is an actor, not a cohort row; recount
	for _, tc := range bad {
		r := e.call("POST", "/api/v1/cohorts", tc.body, s.org.Access)
		if r.Status != 422 || r.fields()[tc.field] == nil {
			t.Errorf("%s: %d %s, want 422 naming %s", tc.name, r.Status, r.Raw, tc.field)
		}
	}
	if r := e.call("POST", "/api/v1/cohorts", "{", s.org.Access); r.Status != 400 {
		t.Errorf("broken JSON: %d", r.Status)
	}
	if r := e.call("POST", "/api/v1/cohorts", map[string]any{"name": "Mine"}, s.ana.Access); r.Status != 403 {
		t.Errorf("member creates: %d", r.Status)
	}
	if r := e.call("POST", "/api/v1/cohorts", map[string]any{"name": "Mine"}, ""); r.Status != 401 {
		t.Errorf("anonymous creates: %d", r.Status)
	}
	if after := e.cohortCounts(); after != before {
		t.Errorf("refused requests changed the store: %s → %s", before, after)
	}

	// Who sees it: the owner and admins; another intermediary gets 404, a member 403, anonymous 401.
	path := "/api/v1/cohorts/" + s.cohort
	r := e.call("GET", path, nil, s.org.Access)
	if r.Status != 200 || r.JSON["name"] != "AI x Heritage 2026" || r.JSON["starts_on"] != "2026-05-04" || r.JSON["broker_actor_id"] != s.hub || r.JSON["version"].(float64) != 1 {
		t.Fatalf("get: %d %s", r.Status, r.Raw)
	}
	if r := e.call("GET", path, nil, s.admin.Access); r.Status != 200 {
		t.Errorf("admin get: %d", r.Status)
	}
	for _, who := range []struct {
		name, token string
		want        int
	}{{"other intermediary", s.other.Access, 404}, {"member", s.ana.Access, 403}, {"anonymous", "", 401}} {
		for _, m := range []struct {
			method string
			body   any
		}{{"GET", nil}, {"PATCH", map[string]any{"name": "Taken", "version": 1}}, {"DELETE", nil}} {
			if r := e.call(m.method, path, m.body, who.token); r.Status != who.want {
				t.Errorf("%s %s: %d, want %d", who.name, m.method, r.Status, who.want)
			}
		}
	}
	if r := e.call("GET", "/api/v1/cohorts", nil, s.other.Access); r.Status != 200 || len(r.JSON["items"].([]any)) != 0 {
		t.Errorf("other intermediary's list shows mine: %s", r.Raw)
	}
	if r := e.call("GET", "/api/v1/cohorts", nil, s.org.Access); r.Status != 200 || len(r.JSON["items"].([]any)) != 1 {
		t.Errorf("my list: %s", r.Raw)
	}
	if r := e.call("GET", "/api/v1/cohorts", nil, s.ana.Access); r.Status != 403 {
		t.Errorf("member lists: %d", r.Status)
	}

	// PATCH: version required, stale → 409, null clears, bad input names the field and stores nothing.
	before = e.cohortCounts()
	for _, tc := range []struct {
		name  string
		body  any
		want  int
		field string
	}{
		{"no version", map[string]any{"name": "Renamed"}, 422, "version"},
		{"stale version", map[string]any{"name": "Renamed", "version": 7}, 409, ""},
		{"blank name", map[string]any{"name": "", "version": 1}, 422, "name"},
		{"null name", map[string]any{"name": nil, "version": 1}, 422, "name"},
		{"ends before it starts", map[string]any{"ends_on": "2026-05-01", "version": 1}, 422, "ends_on"},
		{"bad broker", map[string]any{"broker_actor_id": otherHub, "version": 1}, 422, "broker_actor_id"},
		{"version not a number", map[string]any{"version": "one"}, 422, "version"},
	} {
		r := e.call("PATCH", path, tc.body, s.org.Access)
		if r.Status != tc.want || (tc.field != "" && r.fields()[tc.field] == nil) {
			t.Errorf("patch %s: %d %s", tc.name, r.Status, r.Raw)
		}
	}
	if after := e.cohortCounts(); after != before {
		t.Errorf("refused patches changed the store: %s → %s", before, after)
	}
	r = e.call("PATCH", path, map[string]any{"name": "AI x Heritage", "ends_on": nil}, s.org.Access, "If-Match", `"1"`)
	if r.Status != 200 || r.JSON["name"] != "AI x Heritage" || r.JSON["ends_on"] != nil || r.JSON["starts_on"] != "2026-05-04" || r.JSON["version"].(float64) != 2 {
		t.Fatalf("patch: %d %s", r.Status, r.Raw)
	}
	if r := e.call("PATCH", path, map[string]any{"description": "Late edit", "version": 1}, s.org.Access); r.Status != 409 || r.JSON["error"].(map[string]any)["current_version"].(float64) != 2 {
		t.Errorf("lost update not refused: %d %s", r.Status, r.Raw)
	}

	// DELETE: the owner; then it is gone.
	if r := e.call("DELETE", path, nil, s.org.Access); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Raw)
	}
	if r := e.call("GET", path, nil, s.org.Access); r.Status != 404 {
		t.Errorf("deleted cohort: %d", r.Status)
	}
}

func TestCohortInvitations(t *testing.T) {
	e := newEnv(t)
	s := newOrganiserSetup(e)
	path := "/api/v1/cohorts/" + s.cohort
	unclaimed := ""
	if err := e.store.Exec(context.Background(), "UPDATE actors SET owner_id = NULL WHERE id = ?", e.createActor(s.bob.Access, named(startup(), "Orphan Labs"))); err != nil {
		t.Fatal(err)
	}
	for _, id := range e.sqlCountsIDs("SELECT id, 1 FROM actors WHERE owner_id IS NULL") {
		unclaimed = id
	}
	managed := e.createActor(s.org.Access, with(named(museum(), "Managed Museum"), "managed", true))

	before := e.cohortCounts()
	for _, tc := range []struct {
		name  string
		body  any
		field string
	}{
		{"empty list", map[string]any{"actor_ids": []string{}}, "actor_ids"},
		{"no list", map[string]any{}, "actor_ids"},
		{"unknown actor", map[string]any{"actor_ids": []string{s.museum, "nope"}}, "actor_ids[1]"},
		{"twice", map[string]any{"actor_ids": []string{s.museum, s.museum}}, "actor_ids[1]"},
		{"an intermediary", map[string]any{"actor_ids": []string{s.hub}}, "actor_ids[0]"},
		{"unclaimed", map[string]any{"actor_ids": []string{unclaimed}}, "actor_ids[0]"},
		{"not a list", map[string]any{"actor_ids": "x"}, "actor_ids"},
	} {
		r := e.call("POST", path+"/invitations", tc.body, s.org.Access)
		if r.Status != 422 || r.fields()[tc.field] == nil {
			t.Errorf("invite %s: %d %s, want 422 naming %s", tc.name, r.Status, r.Raw, tc.field)
		}
	}
	// Direct adds are only for actors the organiser manages.
	if r := e.call("POST", path+"/members", map[string]any{"actor_ids": []string{s.museum}}, s.org.Access); r.Status != 422 || r.fields()["actor_ids[0]"] == nil {
		t.Errorf("direct add of someone else's actor: %d %s", r.Status, r.Raw)
	}
	for _, who := range []struct {
		name, token string
		want        int
	}{{"other intermediary", s.other.Access, 404}, {"member", s.ana.Access, 403}, {"anonymous", "", 401}} {
		for _, p := range []string{"/invitations", "/members"} {
			if r := e.call("POST", path+p, map[string]any{"actor_ids": []string{s.museum}}, who.token); r.Status != who.want {
				t.Errorf("%s POST %s: %d, want %d", who.name, p, r.Status, who.want)
			}
		}
		if r := e.call("GET", path+"/members", nil, who.token); r.Status != who.want {
			t.Errorf("%s lists members: %d", who.name, r.Status)
		}
	}
	if after := e.cohortCounts(); after != before {
		t.Errorf("refused invitations changed the store: %s → %s", before, after)
	}

	r := e.call("POST", path+"/invitations", map[string]any{"actor_ids": []string{s.museum, s.startup, managed}}, s.org.Access)
	if r.Status != 200 || len(r.JSON["invited"].([]any)) != 2 || len(r.JSON["joined"].([]any)) != 1 {
		t.Fatalf("invite: %d %s", r.Status, r.Raw)
	}
	if r := e.call("POST", path+"/invitations", map[string]any{"actor_ids": []string{s.museum}}, s.org.Access); r.Status != 200 || len(r.JSON["skipped"].([]any)) != 1 {
		t.Errorf("invite twice: %s", r.Raw)
	}
	n := e.call("GET", "/api/v1/notifications", nil, s.ana.Access)
	if !strings.Contains(n.Raw, "invites Museum of Light to AI x Heritage 2026") {
		t.Errorf("Ana was not notified: %s", n.Raw)
	}
	inv := e.call("GET", "/api/v1/me/cohort-invitations", nil, s.ana.Access)
	items := inv.JSON["items"].([]any)
	if inv.Status != 200 || len(items) != 1 || items[0].(map[string]any)["status"] != "invited" || items[0].(map[string]any)["organiser"] != "Organiser" {
		t.Fatalf("Ana's invitations: %s", inv.Raw)
	}
	if r := e.call("GET", "/api/v1/me/cohort-invitations", nil, ""); r.Status != 401 {
		t.Errorf("anonymous invitations: %d", r.Status)
	}
	if r := e.call("GET", "/api/v1/me/cohort-invitations", nil, s.org.Access); len(r.JSON["items"].([]any)) != 0 {
		t.Errorf("the organiser's own managed actor is listed as an invitation: %s", r.Raw)
	}

	// Answers: only the actor's owner (or an admin); others get 404; twice is 409.
	accept := path + "/members/" + s.museum + "/accept"
	for _, tok := range []string{s.bob.Access, s.other.Access, s.org.Access} {
		if r := e.call("POST", accept, nil, tok); r.Status != 404 {
			t.Errorf("someone else accepts for Ana: %d", r.Status)
		}
	}
	if r := e.call("POST", accept, nil, ""); r.Status != 401 {
		t.Errorf("anonymous accepts: %d", r.Status)
	}
	if r := e.call("POST", "/api/v1/cohorts/nope/members/"+s.museum+"/accept", nil, s.ana.Access); r.Status != 404 {
		t.Errorf("unknown cohort: %d", r.Status)
	}
	if r := e.call("POST", path+"/members/"+e.createActor(s.ana.Access, named(museum(), "Second Museum"))+"/accept", nil, s.ana.Access); r.Status != 404 {
		t.Errorf("an actor that was not invited accepts: %d", r.Status)
	}
	if r := e.call("POST", accept, nil, s.ana.Access); r.Status != 200 || r.JSON["status"] != "joined" {
		t.Fatalf("accept: %d %s", r.Status, r.Raw)
	}
	if r := e.call("POST", accept, nil, s.ana.Access); r.Status != 409 {
		t.Errorf("accept twice: %d", r.Status)
	}
	if r := e.call("POST", path+"/members/"+s.startup+"/decline", nil, s.bob.Access); r.Status != 200 || r.JSON["status"] != "declined" {
		t.Fatalf("decline: %d %s", r.Status, r.Raw)
	}
	if r := e.call("GET", "/api/v1/notifications", nil, s.org.Access); !strings.Contains(r.Raw, "Museum of Light joined") || !strings.Contains(r.Raw, "Seeing Machines declined") {
		t.Errorf("organiser not told: %s", r.Raw)
	}
	m := e.call("GET", path+"/members", nil, s.org.Access)
	status := map[string]string{}
	for _, x := range m.JSON["items"].([]any) {
		v := x.(map[string]any)
		status[v["actor_id"].(string)] = v["status"].(string)
		if v["actor_id"] == managed && v["managed_by_organiser"] != true {
			t.Errorf("managed actor not marked: %v", v)
		}
		if v["actor_id"] == s.museum && v["completeness"].(float64) == 0 {
			t.Errorf("no completeness: %v", v)
		}
	}
	if status[s.museum] != "joined" || status[s.startup] != "declined" || status[managed] != "joined" {
		t.Errorf("members: %s", m.Raw)
	}
	if r := e.call("GET", path+"/members", nil, s.admin.Access); r.Status != 200 {
		t.Errorf("admin members: %d", r.Status)
	}

	// Removing: the organiser only; unknown member 404.
	rm := path + "/members/" + s.museum
	for _, who := range []struct {
		name, token string
		want        int
	}{{"other intermediary", s.other.Access, 404}, {"member", s.ana.Access, 403}, {"anonymous", "", 401}} {
		if r := e.call("DELETE", rm, nil, who.token); r.Status != who.want {
			t.Errorf("remove by %s: %d, want %d", who.name, r.Status, who.want)
		}
	}
	if r := e.call("DELETE", rm, nil, s.org.Access); r.Status != 204 {
		t.Fatalf("remove: %d %s", r.Status, r.Raw)
	}
	if r := e.call("DELETE", rm, nil, s.org.Access); r.Status != 404 {
		t.Errorf("remove twice: %d", r.Status)
	}
	if r := e.call("GET", "/api/v1/me/cohort-invitations", nil, s.ana.Access); len(r.JSON["items"].([]any)) != 0 {
		t.Errorf("removed member still listed: %s", r.Raw)
	}
	// Added directly: the organiser's managed actor.
	if r := e.call("POST", path+"/members", map[string]any{"actor_ids": []string{managed}}, s.org.Access); r.Status != 200 || len(r.JSON["skipped"].([]any)) != 1 {
		t.Errorf("direct add of a joined actor: %s", r.Raw)
	}
}

// sqlCountsIDs returns the first column of a two-column query.
func (e *env) sqlCountsIDs(query string) []string {
	var out []string
	for k := range e.sqlCounts(query) {
		out = append(out, k)
	}
	return out
}

func TestCohortDraftEditPublishFunnel(t *testing.T) {
	e := newEnv(t)
	s := newOrganiserSetup(e)
	path := "/api/v1/cohorts/" + s.cohort
	museum2 := e.createActor(s.ana.Access, with(named(museum(), "Museum of Sound"), "capacity", 1))
	museum3 := e.createActor(s.ana.Access, named(museum(), "Museum of Time"))
	small := e.createActor(s.bob.Access, with(named(startup(), "Small Vision"), "capacity", 2))
	german := e.createActor(s.bob.Access, with(named(startup(), "Nur Deutsch KI"), "languages", []string{"de"}))
	r := e.call("POST", path+"/invitations", map[string]any{"actor_ids": []string{s.museum, museum2, museum3, small, german}}, s.org.Access)
	if r.Status != 200 {
		t.Fatalf("invite: %d %s", r.Status, r.Raw)
	}
	for _, x := range []struct{ actor, token string }{{s.museum, s.ana.Access}, {museum2, s.ana.Access}, {museum3, s.ana.Access}, {small, s.bob.Access}, {german, s.bob.Access}} {
		if r := e.call("POST", path+"/members/"+x.actor+"/accept", nil, x.token); r.Status != 200 {
			t.Fatalf("accept: %d %s", r.Status, r.Raw)
		}
	}
	// Who may not run or read the draft.
	for _, who := range []struct {
		name, token string
		want        int
	}{{"other intermediary", s.other.Access, 404}, {"member", s.ana.Access, 403}, {"anonymous", "", 401}} {
		for _, m := range []struct{ method, p string }{{"POST", "/draft"}, {"GET", "/draft"}, {"POST", "/draft/publish"}, {"GET", "/funnel"}} {
			if r := e.call(m.method, path+m.p, nil, who.token); r.Status != who.want {
				t.Errorf("%s %s %s: %d, want %d", who.name, m.method, m.p, r.Status, who.want)
			}
		}
		if r := e.call("POST", path+"/draft/pairs", map[string]any{"cci_actor_id": s.museum, "ai_actor_id": small}, who.token); r.Status != who.want {
			t.Errorf("%s adds a pair: %d", who.name, r.Status)
		}
	}
	before := e.cohortCounts()
	for _, body := range []any{map[string]any{"min_score": 2}, map[string]any{"min_score": -1}, map[string]any{"min_score": "high"}} {
		if r := e.call("POST", path+"/draft", body, s.org.Access); r.Status != 422 || r.fields()["min_score"] == nil {
			t.Errorf("draft %v: %d %s", body, r.Status, r.Raw)
		}
	}
	if after := e.cohortCounts(); after != before {
		t.Errorf("refused drafts changed the store: %s → %s", before, after)
	}

	r = e.call("POST", path+"/draft", map[string]any{"min_score": 0}, s.org.Access)
	if r.Status != 200 {
		t.Fatalf("draft: %d %s", r.Status, r.Raw)
	}
	pairs := r.JSON["pairs"].([]any)
	// Small Vision has capacity 2, so one museum is left out; the German-only startup shares no
	// language with the museums.
	inDraft := map[string]string{}
	for _, x := range pairs {
		p := x.(map[string]any)
		inDraft[p["cci_actor_id"].(string)] = p["id"].(string)
		if p["ai_actor_id"] != small {
			t.Errorf("unexpected pair: %v", p)
		}
	}
	if len(pairs) != 2 || len(inDraft) != 2 {
		t.Fatalf("draft pairs: %s", r.Raw)
	}
	if r.JSON["total"].(float64) < r.JSON["greedy"].(map[string]any)["total"].(float64) || r.JSON["drafted_at"] == nil {
		t.Errorf("totals: %s", r.Raw)
	}
	var left, kept, toRemove string
	for _, m := range []string{s.museum, museum2, museum3} {
		if inDraft[m] == "" {
			left = m
		} else {
			kept, toRemove = m, inDraft[m]
		}
	}

	// Editing: bad pairs are refused naming the field, nothing changes.
	before = e.cohortCounts()
	for _, tc := range []struct {
		name  string
		body  any
		want  int
		field string
	}{
		{"missing", map[string]any{}, 422, "cci_actor_id"},
		{"not a member", map[string]any{"cci_actor_id": e.createActor(s.ana.Access, named(museum(), "Outsider")), "ai_actor_id": small}, 422, "cci_actor_id"},
		{"wrong kinds", map[string]any{"cci_actor_id": small, "ai_actor_id": s.museum}, 422, "cci_actor_id"},
		{"no shared language", map[string]any{"cci_actor_id": s.museum, "ai_actor_id": german}, 422, "ai_actor_id"},
		{"already in the draft", map[string]any{"cci_actor_id": kept, "ai_actor_id": small}, 409, ""},
		{"at capacity", map[string]any{"cci_actor_id": left, "ai_actor_id": small}, 422, "ai_actor_id"},
	} {
		r := e.call("POST", path+"/draft/pairs", tc.body, s.org.Access)
		if r.Status != tc.want || (tc.field != "" && r.fields()[tc.field] == nil) {
			t.Errorf("add pair %s: %d %s", tc.name, r.Status, r.Raw)
		}
	}
	if r := e.call("DELETE", path+"/draft/pairs/nope", nil, s.org.Access); r.Status != 404 {
		t.Errorf("delete unknown pair: %d", r.Status)
	}
	if r := e.call("DELETE", path+"/draft/pairs/"+toRemove, nil, s.other.Access); r.Status != 404 {
		t.Errorf("other intermediary deletes a pair: %d", r.Status)
	}
	if after := e.cohortCounts(); after != before {
		t.Errorf("refused edits changed the store: %s → %s", before, after)
	}
	if r := e.call("DELETE", path+"/draft/pairs/"+toRemove, nil, s.org.Access); r.Status != 204 {
		t.Fatalf("delete pair: %d %s", r.Status, r.Raw)
	}
	// Capacity freed: the museum left out can be paired by hand, scored by the engine; twice is 409.
	r = e.call("POST", path+"/draft/pairs", map[string]any{"cci_actor_id": left, "ai_actor_id": small}, s.org.Access)
	if r.Status != 201 || r.JSON["source"] != "manual" || r.JSON["score"].(float64) <= 0 {
		t.Fatalf("add pair: %d %s", r.Status, r.Raw)
	}
	manual := r.JSON["id"].(string)
	if r := e.call("POST", path+"/draft/pairs", map[string]any{"cci_actor_id": left, "ai_actor_id": small}, s.org.Access); r.Status != 409 {
		t.Errorf("the same pair twice: %d %s", r.Status, r.Raw)
	}

	// Publishing: bad input first, then everything through, then again: nothing new.
	before = e.cohortCounts()
	for _, tc := range []struct {
		body  any
		field string
	}{
		{map[string]any{"broker_actor_id": "nope"}, "broker_actor_id"},
		{map[string]any{"broker_actor_id": s.museum}, "broker_actor_id"},
		{map[string]any{"message": "too short"}, "message"},
	} {
		if r := e.call("POST", path+"/draft/publish", tc.body, s.org.Access); r.Status != 422 || r.fields()[tc.field] == nil {
			t.Errorf("publish %v: %d %s", tc.body, r.Status, r.Raw)
		}
	}
	if after := e.cohortCounts(); after != before {
		t.Errorf("refused publishes changed the store: %s → %s", before, after)
	}
	r = e.call("POST", path+"/draft/publish", nil, s.org.Access)
	if r.Status != 200 || len(r.JSON["created"].([]any)) != 2 || len(r.JSON["failed"].([]any)) != 0 {
		t.Fatalf("publish: %d %s", r.Status, r.Raw)
	}
	if r := e.call("POST", path+"/draft/publish", nil, s.org.Access); r.Status != 200 || len(r.JSON["created"].([]any)) != 0 || r.JSON["already_published"].(float64) != 2 {
		t.Errorf("publish again: %s", r.Raw)
	}
	if r := e.call("DELETE", path+"/draft/pairs/"+manual, nil, s.org.Access); r.Status != 409 {
		t.Errorf("delete a published pair: %d", r.Status)
	}
	// The introductions are the usual brokered ones: Ana sees a proposal from the hub.
	in := e.call("GET", "/api/v1/introductions?box=received", nil, s.ana.Access)
	if n := len(in.JSON["items"].([]any)); n != 2 { // both published pairs have a museum of Ana's
		t.Fatalf("Ana's introductions: %d %s", n, in.Raw)
	}
	d := e.call("GET", path+"/draft", nil, s.org.Access)
	var intro string
	for _, x := range d.JSON["pairs"].([]any) {
		p := x.(map[string]any)
		if p["id"] == manual {
			intro = p["introduction_id"].(string)
			if p["introduction_status"] != "pending" {
				t.Errorf("status: %v", p)
			}
		}
	}
	for _, tok := range []string{s.ana.Access, s.bob.Access} {
		if r := e.call("POST", "/api/v1/introductions/"+intro+"/accept", nil, tok); r.Status != 200 {
			t.Fatalf("accept intro: %d %s", r.Status, r.Raw)
		}
	}
	// A re-run keeps the published pairs and proposes nothing twice.
	if r := e.call("POST", path+"/draft", map[string]any{"min_score": 0}, s.org.Access); r.Status != 200 || r.JSON["published"].(float64) != 2 || r.JSON["unpublished"].(float64) != 0 {
		t.Errorf("re-draft: %s", r.Raw)
	}

	f := e.call("GET", path+"/funnel", nil, s.org.Access)
	if f.Status != 200 {
		t.Fatalf("funnel: %d %s", f.Status, f.Raw)
	}
	want := map[string]float64{"invited": 5, "joined": 5, "introductions_requested": 2, "connected": 1}
	for k, v := range want {
		if f.JSON[k].(float64) != v {
			t.Errorf("funnel %s = %v, want %v (%s)", k, f.JSON[k], v, f.Raw)
		}
	}
	if f.JSON["introductions"].(map[string]any)["pending"].(float64) != 1 || f.JSON["outcomes"].(map[string]any)["none"].(float64) != 1 {
		t.Errorf("funnel detail: %s", f.Raw)
	}
	if _, ok := f.JSON["profiles_complete"].(float64); !ok {
		t.Errorf("no profiles_complete: %s", f.Raw)
	}
	c := e.call("GET", path+"/funnel?format=csv", nil, s.org.Access)
	if c.Status != 200 || !strings.HasPrefix(c.Header.Get("Content-Type"), "text/csv") || !strings.HasPrefix(c.Raw, "stage,count\ninvited,5\njoined,5\n") || !strings.Contains(c.Raw, "\nconnected,1\n") {
		t.Errorf("csv: %d %q", c.Status, c.Raw)
	}
	if r := e.call("GET", path+"/funnel?format=xml", nil, s.org.Access); r.Status != 422 || r.fields()["format"] == nil {
		t.Errorf("bad format: %d %s", r.Status, r.Raw)
	}
	if r := e.call("GET", path+"/funnel", nil, s.admin.Access); r.Status != 200 {
		t.Errorf("admin funnel: %d", r.Status)
	}
	// Deleting the cohort keeps the introductions.
	if r := e.call("DELETE", path, nil, s.org.Access); r.Status != 204 {
		t.Fatalf("delete: %d", r.Status)
	}
	if in := e.call("GET", "/api/v1/introductions/"+intro, nil, s.ana.Access); in.Status != 200 || in.JSON["status"] != "connected" {
		t.Errorf("introduction after the cohort went: %d %s", in.Status, in.Raw)
	}
}

// TestStoredCohortOf200 runs the whole workflow on 200 members (100 CCI, 100 AI, capacities 1–3,
// managed by the organiser): nobody is paired beyond capacity, the optimal total is at least greedy's,
// and publishing creates exactly the draft's introductions at once (the broker's pending and per-day
// limits do not apply to a cohort's members, nor count them), and a second publish nothing.
func TestStoredCohortOf200(t *testing.T) {
	if testing.Short() {
		t.Skip("200 actors")
	}
	e := newEnv(t)
	s := newOrganiserSetup(e)
	path := "/api/v1/cohorts/" + s.cohort
	r := rand.New(rand.NewPCG(9, 9))
	cciSkills := []string{"curation", "heritage-conservation", "music-production", "sound-design", "film-scoring", "game-audio", "metadata-cataloguing", "music-composition"}
	aiSkills := []string{"computer-vision", "machine-learning", "natural-language-processing", "speech-recognition", "music-generation", "image-generation", "semantic-search", "audio-classification"}
	langs := [][]string{{"en"}, {"en", "fr"}, {"de"}, {"en", "nl"}, {"fr"}}
	pick := func(list []string, n int) []string {
		out := []string{}
		for _, i := range r.Perm(len(list))[:n] {
			out = append(out, list[i])
		}
		return out
	}
	capacity := map[string]int{}
	var ids []string
	for i := range 200 {
		kind, offers, needs := "cci", cciSkills, aiSkills
		if i%2 == 1 {
			kind, offers, needs = "ai", aiSkills, cciSkills
		}
		var off, nd []map[string]any
		for _, sk := range pick(offers, 1+r.IntN(3)) {
			off = append(off, map[string]any{"skill": sk, "level": 1 + r.IntN(4)})
		}
		for _, sk := range pick(needs, 1+r.IntN(2)) {
			nd = append(nd, map[string]any{"skill": sk, "importance": []string{"must", "nice"}[r.IntN(2)]})
		}
		c := 1 + r.IntN(3)
		id := e.createActor(s.org.Access, map[string]any{"kind": kind, "name": fmt.Sprintf("%s %03d", kind, i), "org_type": "sme", "country": "NL",
			"languages": langs[r.IntN(len(langs))], "offers": off, "needs": nd, "capacity": c, "managed": true, "available": true, "remote": true})
		capacity[id] = c
		ids = append(ids, id)
	}
	if r := e.call("POST", path+"/members", map[string]any{"actor_ids": ids}, s.org.Access); r.Status != 200 || len(r.JSON["joined"].([]any)) != 200 {
		t.Fatalf("add members: %d %.300s", r.Status, r.Raw)
	}
	d := e.call("POST", path+"/draft", nil, s.org.Access)
	if d.Status != 200 {
		t.Fatalf("draft: %d %s", d.Status, d.Raw)
	}
	pairs := d.JSON["pairs"].([]any)
	used := map[string]int{}
	for _, x := range pairs {
		p := x.(map[string]any)
		used[p["cci_actor_id"].(string)]++
		used[p["ai_actor_id"].(string)]++
	}
	for id, n := range used {
		if n > capacity[id] {
			t.Errorf("%s paired %d times, capacity %d", id, n, capacity[id])
		}
	}
	opt, greedy := d.JSON["total"].(float64), d.JSON["greedy"].(map[string]any)["total"].(float64)
	if opt+1e-9 < greedy || len(pairs) < 50 {
		t.Fatalf("optimal %.3f < greedy %.3f, or too few pairs (%d)", opt, greedy, len(pairs))
	}
	t.Logf("200 members (%v candidate pairs, min_score 0.2): optimal %d pairs, total %.3f; greedy %v pairs, total %.3f (+%.2f%%)",
		d.JSON["candidates"], len(pairs), opt, d.JSON["greedy"].(map[string]any)["pairs"], greedy, 100*(opt-greedy)/greedy)

	// Default limits: the broker's pending and per-day limits do not apply to pairs published from
	// a cohort of members who joined it; the whole draft goes out at once, once.
	p1 := e.call("POST", path+"/draft/publish", nil, s.org.Access)
	if p1.Status != 200 || len(p1.JSON["created"].([]any)) != len(pairs) || len(p1.JSON["failed"].([]any)) != 0 {
		t.Fatalf("first publish: %d created of %d: %.300s", len(p1.JSON["created"].([]any)), len(pairs), p1.Raw)
	}
	p3 := e.call("POST", path+"/draft/publish", nil, s.org.Access)
	if len(p3.JSON["created"].([]any)) != 0 || int(p3.JSON["already_published"].(float64)) != len(pairs) {
		t.Errorf("second publish: %.300s", p3.Raw)
	}
	// Nor do they count towards those limits: the hub can still broker outside the cohort.
	alice, bob := e.register("Outsider1"), e.register("Outsider2")
	outside := []string{e.createActor(alice.Access, museum()), e.createActor(bob.Access, startup())}
	if r := e.call("POST", "/api/v1/introductions", map[string]any{"broker_actor_id": s.hub, "actor_ids": outside, "message": introMsg}, s.org.Access); r.Status != 201 {
		t.Fatalf("brokering outside the cohort after publishing %d pairs: %d %s", len(pairs), r.Status, r.Raw)
	}
	// Exactly the draft's introductions, one per pair, and nobody beyond capacity.
	n := e.sqlCounts(`SELECT 'n', COUNT(*) FROM introductions i JOIN cohort_pairs cp ON cp.introduction_id = i.id WHERE i.broker_actor_id = ?`, s.hub)["n"]
	if int(n) != len(pairs) {
		t.Errorf("%d introductions for %d pairs", n, len(pairs))
	}
	loads, err := e.store.IntroLoads(context.Background(), ids, 90*24*time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for id, l := range loads {
		if l > capacity[id] {
			t.Errorf("%s has %d open introductions, capacity %d", id, l, capacity[id])
		}
	}
	f := e.call("GET", path+"/funnel", nil, s.org.Access)
	if f.JSON["joined"].(float64) != 200 || int(f.JSON["introductions_requested"].(float64)) != len(pairs) {
		t.Errorf("funnel: %s", f.Raw)
	}
}

// TestExportHoldsCohorts: GET /me/export lists the cohorts a user organises with their members, and
// the cohorts a user's actors are invited to; nobody else's.
func TestExportHoldsCohorts(t *testing.T) {
	e := newEnv(t)
	s := newOrganiserSetup(e)
	path := "/api/v1/cohorts/" + s.cohort
	if r := e.call("POST", path+"/invitations", map[string]any{"actor_ids": []string{s.museum}}, s.org.Access); r.Status/100 != 2 {
		t.Fatalf("invite: %d %s", r.Status, r.Raw)
	}
	if r := e.call("POST", path+"/members/"+s.museum+"/accept", nil, s.ana.Access); r.Status != 200 {
		t.Fatalf("accept: %d %s", r.Status, r.Raw)
	}
	cohortsOf := func(a account) map[string]any {
		t.Helper()
		r := e.call("GET", "/api/v1/me/export", nil, a.Access)
		if r.Status != 200 {
			t.Fatalf("export: %d %s", r.Status, r.Raw)
		}
		return r.JSON["cohorts"].(map[string]any)
	}
	org := cohortsOf(s.org)
	if c := org["organised"].([]any); len(c) != 1 || c[0].(map[string]any)["id"] != s.cohort {
		t.Errorf("organiser's cohorts: %v", c)
	}
	if m := org["members"].([]any); len(m) != 1 || m[0].(map[string]any)["actor_id"] != s.museum || m[0].(map[string]any)["status"] != "joined" {
		t.Errorf("organiser's members: %v", m)
	}
	ana := cohortsOf(s.ana)
	if m := ana["memberships"].([]any); len(m) != 1 || m[0].(map[string]any)["cohort_name"] != "AI x Heritage 2026" {
		t.Errorf("member's memberships: %v", m)
	}
	if len(ana["organised"].([]any)) != 0 || len(ana["members"].([]any)) != 0 {
		t.Errorf("the member organises nothing: %v", ana)
	}
	bob := cohortsOf(s.bob)
	if len(bob["memberships"].([]any)) != 0 || len(bob["organised"].([]any)) != 0 {
		t.Errorf("someone else's cohorts in Bob's export: %v", bob)
	}
}
