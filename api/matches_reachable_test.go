package api

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/crossover-cci/crossover/models"
	"github.com/crossover-cci/crossover/seeds"
)

// demoEnv is a server with the demo data, and an access token per demo actor's owner.
func demoEnv(t *testing.T) (*env, []*models.Actor, map[string]string) {
	t.Helper()
	e := newEnv(t)
	ctx := context.Background()
	if err := seeds.ApplyDemo(ctx, e.store); err != nil {
		t.Fatal(err)
	}
	actors, err := e.store.ActorsBySource(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	tokens := map[string]string{} // actor id → its owner's access token
	issuer := newAuth(testSecret, e.store, nil, e.clock.Now)
	for _, a := range actors {
		if a.OwnerID == nil || !a.Claimed {
			t.Fatalf("demo actor %s has no owner (claimed %v)", a.Name, a.Claimed)
		}
		u, err := e.store.UserByID(ctx, *a.OwnerID)
		if err != nil {
			t.Fatal(err)
		}
		session, err := e.store.IssueRefresh(ctx, u.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if tokens[a.ID], err = issuer.issueAccess(u, session.Family); err != nil {
			t.Fatal(err)
		}
	}
	return e, actors, tokens
}

// requesterLimits are the refusals that come from the requester's own limits, not from the
// suggested partner: a suggestion may meet them and still be actionable.
var requesterLimits = map[string]bool{"too_many_pending": true, "rate_limited": true}

// Every partner a demo member is suggested, reciprocal or one-sided, of every kind, can be asked
// for an introduction: 201, or a refusal by the requester's own limits. Each request is
// withdrawn at once so that it does not use up the partner's capacity. The counterpart and peer
// lists of the three demo members are not empty.
func TestEveryDemoSuggestionCanBeRequested(t *testing.T) {
	e, actors, tokens := demoEnv(t)
	requested, unclaimed, byKind := 0, 0, map[string]int{}
	for _, a := range actors {
		if a.Kind == "intermediary" {
			continue
		}
		for _, kind := range []string{"ai", "cci", "intermediary"} {
			r := e.call("GET", "/api/v1/actors/"+a.ID+"/matches?limit=50&kind="+kind+"&explain=false", nil, tokens[a.ID])
			if r.Status != http.StatusOK {
				t.Fatalf("%s matches: %d %s", a.Name, r.Status, r.Raw)
			}
			items := listOf(r.JSON["items"])
			byKind[a.Name+" "+kind] = len(items)
			for _, it := range listOf(r.JSON["not_on_crossover"]) { // apart, and truly nobody's
				id := it["actor"].(map[string]any)["id"].(string)
				if b, err := e.store.Actor(context.Background(), id); err != nil || b.OwnerID != nil || b.Claimed {
					t.Errorf("%s: %s listed as not on Crossover yet, but it has an owner (%v)", a.Name, it["actor"].(map[string]any)["name"], err)
				}
				unclaimed++
			}
			for _, it := range append(items, listOf(r.JSON["one_sided"])...) {
				to := it["actor"].(map[string]any)
				ir := e.call("POST", "/api/v1/introductions", map[string]any{"from_actor_id": a.ID, "to_actor_id": to["id"],
					"message": "We would like to explore a project together this spring."}, tokens[a.ID])
				switch {
				case ir.Status == http.StatusCreated:
					requested++
					if w := e.call("POST", "/api/v1/introductions/"+ir.JSON["id"].(string)+"/withdraw", nil, tokens[a.ID]); w.Status != http.StatusOK {
						t.Fatalf("withdraw: %d %s", w.Status, w.Raw)
					}
				case requesterLimits[ir.errCode()]:
				default:
					t.Errorf("%s → %s (suggested, kind %s): %d %s", a.Name, to["name"], kind, ir.Status, ir.Raw)
				}
			}
		}
	}
	t.Logf("%d suggestions requested; %d unclaimed directory intermediaries listed apart", requested, unclaimed)
	if unclaimed == 0 {
		t.Error("no unclaimed directory intermediary was listed apart: the directory should show in the intermediaries tab")
	}
	if requested < 100 {
		t.Errorf("only %d suggestions requested", requested)
	}
	for _, l := range seeds.DemoLogins[:3] {
		counterpart, peer := "ai", "cci"
		if l.Email == "startup@demo.crossover.eu" {
			counterpart, peer = "cci", "ai"
		}
		t.Logf("%s: %d %s partners, %d %s peers", l.Actor, byKind[l.Actor+" "+counterpart], counterpart, byKind[l.Actor+" "+peer], peer)
		if n := byKind[l.Actor+" "+counterpart]; n < 3 {
			t.Errorf("%s: %d reciprocal %s partners, want ≥ 3", l.Actor, n, counterpart)
		}
		if n := byKind[l.Actor+" "+peer]; n < 1 {
			t.Errorf("%s: no %s peers", l.Actor, peer)
		}
	}
}

func listOf(v any) []map[string]any {
	raw, _ := v.([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, x := range raw {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// A member whose needs nobody reciprocates gets one-sided partners, labelled apart from the
// reciprocal list, and advice that names what would widen the list; a long list gets neither
// unless asked; one_sided=false turns it off; bad values are 422 naming the field.
func TestShortListsAreExplained(t *testing.T) {
	e := newEnv(t)
	ana, bo, cy := e.register("Ana"), e.register("Bo"), e.register("Cy")
	m := museum()
	m["needs"] = []map[string]any{{"skill": "computer-vision", "importance": "must"}, {"skill": "robotics", "importance": "nice"}}
	museumID := e.createActor(ana.Access, m)
	s := startup()
	s["needs"] = []map[string]any{{"skill": "natural-language-processing", "importance": "must"}}
	s["collaboration_modes"] = []string{"commission"}
	startupID := e.createActor(bo.Access, s)
	fin := named(startup(), "Näkö Oy")
	fin["languages"] = []string{"fi"}
	e.createActor(cy.Access, fin)

	r := e.call("GET", "/api/v1/actors/"+museumID+"/matches?kind=ai", nil, ana.Access)
	if r.Status != 200 || len(listOf(r.JSON["items"])) != 0 {
		t.Fatalf("reciprocal: %d %s; want 200 and no item", r.Status, r.Raw)
	}
	one := listOf(r.JSON["one_sided"])
	if len(one) != 1 || one[0]["actor"].(map[string]any)["id"] != startupID || one[0]["backward"].(float64) != 0 {
		t.Fatalf("one_sided = %v; want the startup, backward 0", r.JSON["one_sided"])
	}
	adv, _ := r.JSON["advice"].(map[string]any)
	want := map[string]any{"reciprocal": 0.0, "visible": true, "language_blocked": 1.0, "filtered_out": 0.0, "no_needs": false}
	for k, v := range want {
		if adv[k] != v {
			t.Errorf("advice.%s = %v, want %v (%s)", k, adv[k], v, r.Raw)
		}
	}
	if fmt.Sprint(adv["uncovered_needs"]) != "[robotics]" || fmt.Sprint(adv["languages"]) != "[fi]" ||
		fmt.Sprint(adv["wanted_offers"]) != "[map[partners:1 skill:natural-language-processing]]" {
		t.Errorf("advice = %v", adv)
	}

	// Paused matching is named, and the mode filter narrows one-sided partners too.
	if p := e.call("PATCH", "/api/v1/me", map[string]any{"matching_paused": true}, ana.Access); p.Status != 200 {
		t.Fatalf("pause: %d %s", p.Status, p.Raw)
	}
	r = e.call("GET", "/api/v1/actors/"+museumID+"/matches?kind=ai&collaboration_modes=co-creation,research", nil, ana.Access)
	adv, _ = r.JSON["advice"].(map[string]any)
	if r.Status != 200 || adv["visible"] != false || adv["not_visible_because"] != "matching_paused" || len(listOf(r.JSON["one_sided"])) != 0 {
		t.Fatalf("paused, modes co-creation,research: %d %s", r.Status, r.Raw)
	}

	for _, tc := range []struct{ query, field string }{
		{"one_sided=maybe", "one_sided"}, {"collaboration_modes=co-creation,barter", "collaboration_modes"},
		{"collaboration_modes=,", "collaboration_modes"},
	} {
		r := e.call("GET", "/api/v1/actors/"+museumID+"/matches?"+tc.query, nil, ana.Access)
		if r.Status != http.StatusUnprocessableEntity || r.fields()[tc.field] == nil {
			t.Errorf("%s: %d %s; want 422 naming %s", tc.query, r.Status, r.Raw, tc.field)
		}
	}
	if r := e.call("GET", "/api/v1/actors/"+museumID+"/matches?one_sided=false", nil, ana.Access); r.Status != 200 || r.JSON["advice"] != nil || r.JSON["one_sided"] != nil {
		t.Errorf("one_sided=false: %d %s; want no advice and no one_sided", r.Status, r.Raw)
	}
	// Who may not see them: another member.
	if r := e.call("GET", "/api/v1/actors/"+museumID+"/matches?one_sided=true", nil, bo.Access); r.Status != http.StatusForbidden {
		t.Errorf("another member: %d; want 403", r.Status)
	}
}

// Every brokerage opportunity of the demo broker can be proposed (201), and a pair with a side
// nobody answers for (an unclaimed profile, a paused owner) is never offered.
func TestDemoBrokerageOpportunitiesCanBeProposed(t *testing.T) {
	e, actors, tokens := demoEnv(t)
	var hub *models.Actor
	for _, a := range actors {
		if a.Name == "Creative Hub Eindhoven" {
			hub = a
		}
	}
	ctx := context.Background()
	// An unclaimed directory profile in the hub's sectors, and a paused member's profile: neither may appear.
	orphan := &models.Actor{Kind: "ai", Name: "Unclaimed Games AI", OrgType: "startup", Country: "NL", Available: true, Capacity: 3,
		Source: "directory", Languages: []string{"en", "nl"}, Sectors: []string{"games"},
		Offers: []models.Offer{{Skill: "game-ai-programming", Level: 4}}, Needs: []models.Need{{Skill: "game-design", Importance: "must"}}, Modes: []string{}}
	if err := e.store.ImportActor(ctx, orphan, seeds.Codes{}); err != nil {
		t.Fatal(err)
	}
	pausedOwner := e.register("Paused")
	paused := e.createActor(pausedOwner.Access, with(named(startup(), "Paused Games AI"), "sectors", []string{"games"},
		"offers", []map[string]any{{"skill": "game-ai-programming", "level": 4}}, "needs", []map[string]any{{"skill": "game-design", "importance": "must"}}))
	if r := e.call("PATCH", "/api/v1/me", map[string]any{"matching_paused": true}, pausedOwner.Access); r.Status != 200 {
		t.Fatalf("pause: %d %s", r.Status, r.Raw)
	}

	r := e.call("GET", "/api/v1/brokerage/opportunities?actor="+hub.ID+"&limit=100", nil, tokens[hub.ID])
	if r.Status != http.StatusOK {
		t.Fatalf("opportunities: %d %s", r.Status, r.Raw)
	}
	items := listOf(r.JSON["items"])
	if len(items) < 5 {
		t.Fatalf("%d opportunities, want ≥ 5: %s", len(items), r.Raw)
	}
	for _, it := range items {
		a, b := it["a"].(map[string]any), it["b"].(map[string]any)
		for _, side := range []map[string]any{a, b} {
			if side["id"] == orphan.ID || side["id"] == paused {
				t.Errorf("opportunity with %s, who could not answer", side["name"])
			}
		}
		ir := e.call("POST", "/api/v1/introductions", map[string]any{"broker_actor_id": hub.ID, "actor_ids": []any{a["id"], b["id"]},
			"message": "You two work on the same questions from both sides: worth a call?"}, tokens[hub.ID])
		if ir.Status != http.StatusCreated {
			t.Errorf("propose %s + %s: %d %s", a["name"], b["name"], ir.Status, ir.Raw)
			continue
		}
		if w := e.call("POST", "/api/v1/introductions/"+ir.JSON["id"].(string)+"/withdraw", nil, tokens[hub.ID]); w.Status != http.StatusOK {
			t.Fatalf("withdraw: %d %s", w.Status, w.Raw)
		}
	}
}

// The collaboration_modes filter narrows the reciprocal list: partners open to at least one of the
// modes asked for, the rest left out (it used to be ignored).
func TestMatchesModesFilter(t *testing.T) {
	e := newEnv(t)
	ana, bo, cy := e.register("Ana"), e.register("Bo"), e.register("Cy")
	m := e.createActor(ana.Access, museum()) // co-creation
	cocreate := e.createActor(bo.Access, startup())
	paid := e.createActor(cy.Access, with(named(startup(), "Paid Vision"), "collaboration_modes", []string{"commission"}))
	ids := func(q string) map[string]bool {
		r := e.call("GET", "/api/v1/actors/"+m+"/matches?kind=ai"+q, nil, ana.Access)
		if r.Status != http.StatusOK {
			t.Fatalf("%s: %d %s", q, r.Status, r.Raw)
		}
		out := map[string]bool{}
		for _, it := range listOf(r.JSON["items"]) {
			out[it["actor"].(map[string]any)["id"].(string)] = true
		}
		return out
	}
	if got := ids(""); !got[cocreate] || !got[paid] {
		t.Fatalf("no filter: %v; want both", got)
	}
	if got := ids("&collaboration_modes=commission"); got[cocreate] || !got[paid] {
		t.Errorf("commission: %v; want Paid Vision alone", got)
	}
	if got := ids("&collaboration_modes=research,co-creation"); !got[cocreate] || got[paid] {
		t.Errorf("research,co-creation: %v; want the co-creating start-up alone", got)
	}
}

// Consortium suggestions name only partners who can be asked: no unclaimed directory entry in
// any suggested team, for any demo member and open call with teams.
func TestDemoConsortiumSuggestionsAreReachable(t *testing.T) {
	e, actors, tokens := demoEnv(t)
	ctx := context.Background()
	teams := 0
	for _, a := range actors {
		if a.Kind == "intermediary" {
			continue
		}
		r := e.call("GET", "/api/v1/actors/"+a.ID+"/funding?limit=50", nil, tokens[a.ID])
		if r.Status != http.StatusOK {
			t.Fatalf("funding for %s: %d %s", a.Name, r.Status, r.Raw)
		}
		for _, f := range listOf(r.JSON["items"]) {
			in := f["instrument"].(map[string]any)
			cr := e.call("GET", "/api/v1/funding/"+in["id"].(string)+"/consortium?actor="+a.ID, nil, tokens[a.ID])
			if cr.Status != http.StatusOK {
				continue // no consortium for this kind of call
			}
			for _, team := range listOf(cr.JSON["items"]) {
				teams++
				for _, mem := range listOf(team["members"]) {
					b, err := e.store.Actor(ctx, mem["id"].(string))
					if err != nil || b.OwnerID == nil {
						t.Errorf("%s / %s: suggested partner %s has no owner (%v)", a.Name, in["name"], mem["name"], err)
					}
				}
			}
		}
		if teams > 40 {
			break // enough teams looked at
		}
	}
	if teams == 0 {
		t.Fatal("no suggested team at all in the demo data")
	}
	t.Logf("%d suggested teams checked", teams)
}
