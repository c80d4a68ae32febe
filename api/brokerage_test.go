package api

import (
	"net/http"
	"testing"
)

func broker(name, country, region string, sectors, langs []string, offers ...string) map[string]any {
	p := profile(name, "intermediary", "network", country, sectors, offers...)
	p["region"], p["languages"], p["remote"] = region, langs, true
	return p
}

// itemIndex returns the position of each actor id in a matches answer.
func itemIndex(t *testing.T, r resp) (map[string]int, []map[string]any) {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	pos := map[string]int{}
	var items []map[string]any
	for i, it := range r.JSON["items"].([]any) {
		m := it.(map[string]any)
		items = append(items, m)
		pos[m["actor"].(map[string]any)["id"].(string)] = i
	}
	return pos, items
}

func hasReason(item map[string]any, code string) bool {
	for _, r := range item["reasons"].([]any) {
		if r.(map[string]any)["code"] == code {
			return true
		}
	}
	return false
}

func TestIntermediaryMatches(t *testing.T) {
	e := newEnv(t)
	owner, brokers, bob, carol := e.register("Owner"), e.register("Brokers"), e.register("Bob"), e.register("Carol")
	m := e.createActor(owner.Access, museum()) // NL, Utrecht; needs computer-vision (must), metadata-cataloguing (nice)
	near := e.createActor(brokers.Access, broker("Utrecht Heritage Lab", "NL", "Utrecht", []string{"museums"}, []string{"nl", "en"}, "computer-vision", "metadata-cataloguing"))
	far := e.createActor(brokers.Access, broker("Lisbon Music Hub", "PT", "Lisboa", []string{"music"}, []string{"pt", "en"}, "computer-vision"))
	games := e.createActor(brokers.Access, broker("Games Guild", "DE", "", []string{"games"}, []string{"en"}, "game-design"))
	french := e.createActor(brokers.Access, broker("Musées Numériques", "FR", "", []string{"museums"}, []string{"fr"}, "computer-vision"))
	// Two brokers alike but for their track record.
	tracked := e.createActor(brokers.Access, broker("Brussels Bridge A", "BE", "", []string{"heritage"}, []string{"en"}, "computer-vision"))
	untracked := e.createActor(brokers.Access, broker("Brussels Bridge B", "BE", "", []string{"heritage"}, []string{"en"}, "computer-vision"))
	x := e.createActor(bob.Access, startup())
	y := e.createActor(carol.Access, named(museum(), "Museum of Sound"))
	r := e.call("POST", "/api/v1/introductions", map[string]any{"broker_actor_id": tracked, "actor_ids": []string{x, y}, "message": introMsg}, brokers.Access)
	if r.Status != http.StatusCreated {
		t.Fatalf("propose: %d %s", r.Status, r.Raw)
	}
	id := r.JSON["id"].(string)
	for _, tok := range []string{bob.Access, carol.Access} {
		if r := e.call("POST", "/api/v1/introductions/"+id+"/accept", nil, tok); r.Status != 200 {
			t.Fatalf("accept: %d %s", r.Status, r.Raw)
		}
	}

	pos, items := itemIndex(t, e.call("GET", "/api/v1/actors/"+m+"/matches?kind=intermediary&limit=50", nil, owner.Access))
	for _, it := range items {
		a := it["actor"].(map[string]any)
		if a["kind"] != "intermediary" {
			t.Errorf("a %v in the brokers", a["kind"])
		}
		if _, ok := a["contact"]; ok {
			t.Errorf("contact details in a match")
		}
		if s := it["score"].(float64); s < 0 || s > 1 {
			t.Errorf("score %v", s)
		}
	}
	for name, id := range map[string]string{"near": near, "far": far, "tracked": tracked, "untracked": untracked} {
		if _, ok := pos[id]; !ok {
			t.Fatalf("%s broker missing: %v", name, items)
		}
	}
	if _, ok := pos[games]; ok {
		t.Errorf("a broker covering no need and in none of the sectors is listed")
	}
	if _, ok := pos[french]; ok {
		t.Errorf("a broker with no language in common is listed")
	}
	if pos[near] > pos[far] {
		t.Errorf("the broker in the museum's region and sector ranks below a distant one")
	}
	if !hasReason(items[pos[near]], "broker_covers") || !hasReason(items[pos[near]], "broker_region") || !hasReason(items[pos[near]], "broker_sector") {
		t.Errorf("reasons of the near broker: %v", items[pos[near]]["reasons"])
	}
	if pos[tracked] > pos[untracked] || items[pos[tracked]]["score"].(float64) <= items[pos[untracked]]["score"].(float64) {
		t.Errorf("track record does not count: %v vs %v", items[pos[tracked]]["score"], items[pos[untracked]]["score"])
	}
	if !hasReason(items[pos[tracked]], "track_record") {
		t.Errorf("no track record reason: %v", items[pos[tracked]]["reasons"])
	}
	// Filters still apply.
	pos, _ = itemIndex(t, e.call("GET", "/api/v1/actors/"+m+"/matches?kind=intermediary&country=PT", nil, owner.Access))
	if _, ok := pos[near]; ok || len(pos) == 0 {
		t.Errorf("country filter: %v", pos)
	}
}

func TestBrokerageOpportunities(t *testing.T) {
	e := newEnv(t)
	brokers, alice, bob, stranger, admin := e.register("Brokers"), e.register("Alice"), e.register("Bob"), e.register("Stranger"), e.register("Admin")
	e.promote(&admin, "admin")
	hub := e.createActor(brokers.Access, broker("Museum Link", "NL", "", []string{"museums"}, []string{"en"}, "co-creation-facilitation"))
	m := e.createActor(alice.Access, museum()) // museums, needs computer-vision
	s := e.createActor(bob.Access, startup())  // museums, offers computer-vision, needs heritage-conservation
	outside := e.createActor(bob.Access, with(named(startup(), "Music AI"), "sectors", []string{"music"}))
	base := "/api/v1/brokerage/opportunities?actor="

	r := e.call("GET", base+hub, nil, brokers.Access)
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	items := r.JSON["items"].([]any)
	found := false
	for _, it := range items {
		o := it.(map[string]any)
		a, b := o["a"].(map[string]any)["id"], o["b"].(map[string]any)["id"]
		if a == outside || b == outside {
			t.Errorf("an actor outside the broker's focus is in a pair")
		}
		if (a == m && b == s) || (a == s && b == m) {
			found = true
			if o["cross"] != true || o["score"].(float64) <= 0 {
				t.Errorf("pair %v", o)
			}
		}
	}
	if !found {
		t.Fatalf("museum and start-up not proposed: %s", r.Raw)
	}
	// Once introduced, the pair is no longer an opportunity.
	if r := e.call("POST", "/api/v1/introductions", map[string]any{"broker_actor_id": hub, "actor_ids": []string{m, s}, "message": introMsg}, brokers.Access); r.Status != 201 {
		t.Fatalf("propose: %d %s", r.Status, r.Raw)
	}
	for _, it := range e.call("GET", base+hub, nil, brokers.Access).JSON["items"].([]any) {
		o := it.(map[string]any)
		a, b := o["a"].(map[string]any)["id"], o["b"].(map[string]any)["id"]
		if (a == m && b == s) || (a == s && b == m) {
			t.Errorf("an introduced pair is still proposed")
		}
	}
	for _, tc := range []struct {
		name, path, token string
		want              int
	}{
		{"admin", base + hub, admin.Access, 200},
		{"another member", base + hub, stranger.Access, 403},
		{"not an intermediary", base + m, alice.Access, 422},
		{"no actor", "/api/v1/brokerage/opportunities", brokers.Access, 422},
		{"unknown actor", base + "nope", brokers.Access, 404},
		{"signed out", base + hub, "", 401},
		{"bad limit", base + hub + "&limit=500", brokers.Access, 422},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := e.call("GET", tc.path, nil, tc.token); r.Status != tc.want {
				t.Errorf("%d, want %d: %s", r.Status, tc.want, r.Raw)
			}
		})
	}
}
