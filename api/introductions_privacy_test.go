package api

import (
	"context"
	"strings"
	"testing"
)

// TestContactDetailsOnlyOnceConnected walks every endpoint that returns actors or introductions and
// proves that an unconnected party's contact details appear nowhere — not in responses, not in the
// inbox, not in exports, not copied into any other row of the database — and that once connected
// they appear to the counterpart only.
func TestContactDetailsOnlyOnceConnected(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol, broker := e.register("Alice"), e.register("Bob"), e.register("Carol"), e.register("Broker")
	m := e.createActor(alice.Access, museum())
	s := e.createActor(bob.Access, startup())
	c := e.createActor(carol.Access, with(startup(), "name", "Third Eye", "contact", map[string]any{"email": "eye@third.example.org", "phone": "+32 2 000 0000"}))
	hub := e.createActor(broker.Access, map[string]any{"kind": "intermediary", "name": "Creative Hub", "org_type": "network",
		"country": "DE", "languages": []string{"en"}, "contact": map[string]any{"email": "hub@hub.example.org"}})
	secrets := map[string][]string{ // by actor: what must not leak
		m: {"curator@light.example.org", "+31 30 000 0000"},
		s: {"founders@seeing.example.org"},
		c: {"eye@third.example.org", "+32 2 000 0000"},
	}
	ctx := context.Background()

	// A direct request Alice → Bob and a brokered proposal Carol ↔ Alice, both pending.
	direct := e.mustIntroduce(alice.Access, m, s)
	r := e.call("POST", "/api/v1/introductions", map[string]any{"broker_actor_id": hub, "actor_ids": []string{c, m},
		"message": "You two should meet: vision meets heritage."}, broker.Access)
	if r.Status != 201 {
		t.Fatalf("propose: %d %s", r.Status, r.Raw)
	}
	brokered := r.JSON["id"].(string)
	e.call("POST", "/api/v1/introductions/"+brokered+"/accept", nil, carol.Access)

	// walk returns everything the user can read about actors and introductions.
	walk := func(who account, own string) string {
		t.Helper()
		var b strings.Builder
		paths := []string{
			"/api/v1/actors?limit=100", "/api/v1/actors?q=seeing", "/api/v1/actors?q=light", "/api/v1/actors?q=third",
			"/api/v1/actors/" + m, "/api/v1/actors/" + s, "/api/v1/actors/" + c, "/api/v1/actors/" + hub,
			"/api/v1/introductions", "/api/v1/introductions?box=sent", "/api/v1/introductions?box=received", "/api/v1/introductions?box=brokered",
			"/api/v1/introductions/" + direct, "/api/v1/introductions/" + brokered,
			"/api/v1/notifications?limit=100", "/api/v1/me/export",
		}
		if own != "" {
			paths = append(paths, "/api/v1/actors/"+own+"/matches?limit=50")
		}
		for _, p := range paths {
			r := e.call("GET", p, nil, who.Access)
			if r.Status >= 500 {
				t.Fatalf("%s: %d %s", p, r.Status, r.Raw)
			}
			b.WriteString(r.Raw)
		}
		return b.String()
	}
	mustNotSee := func(label, seen string, actors ...string) {
		t.Helper()
		for _, a := range actors {
			for _, secret := range secrets[a] {
				if strings.Contains(seen, secret) {
					t.Errorf("%s sees %q", label, secret)
				}
			}
		}
	}
	mustSee := func(label, seen string, actors ...string) {
		t.Helper()
		for _, a := range actors {
			for _, secret := range secrets[a] {
				if !strings.Contains(seen, secret) {
					t.Errorf("%s does not see %q", label, secret)
				}
			}
		}
	}
	// Nothing is copied out of the actor's own row: not into notifications, e-mails, events or snapshots.
	stored := func() {
		t.Helper()
		for a, list := range secrets {
			for _, secret := range list {
				n, err := e.store.CountRowsContaining(ctx, secret)
				if err != nil {
					t.Fatal(err)
				}
				if n != 1 {
					t.Errorf("%q (of %s) is in %d rows, want only its actor's", secret, a, n)
				}
			}
		}
	}

	mustNotSee("alice while pending", walk(alice, m), s, c)
	mustNotSee("bob while pending", walk(bob, s), m, c)
	mustNotSee("carol while pending", walk(carol, c), m, s)
	mustNotSee("broker while pending", walk(broker, ""), m, s, c)
	stored()

	// Bob accepts: Alice and Bob see each other, and only each other.
	if r := e.call("POST", "/api/v1/introductions/"+direct+"/accept", nil, bob.Access); r.JSON["status"] != "connected" {
		t.Fatalf("accept: %s", r.Raw)
	}
	a := walk(alice, m)
	mustSee("alice once connected", a, s)
	mustNotSee("alice once connected", a, c)
	b := walk(bob, s)
	mustSee("bob once connected", b, m)
	mustNotSee("bob once connected", b, c)
	mustNotSee("carol after their connection", walk(carol, c), m, s)
	mustNotSee("broker after their connection", walk(broker, ""), m, s, c)
	stored()
	// In a list, only the counterpart's contact is shown, and only on the connected introduction.
	r = e.call("GET", "/api/v1/actors/"+s, nil, alice.Access)
	if ct, _ := r.JSON["contact"].(map[string]any); ct == nil || ct["email"] != "founders@seeing.example.org" {
		t.Fatalf("alice's view of bob's actor: %s", r.Raw)
	}
	r = e.call("GET", "/api/v1/introductions/"+brokered, nil, alice.Access)
	if strings.Contains(r.Raw, "eye@third") {
		t.Fatalf("pending brokered view leaks: %s", r.Raw)
	}

	// Bob erases his account: Alice's introduction keeps her side and shows a deleted member.
	if r := e.call("DELETE", "/api/v1/me", nil, bob.Access); r.Status != 204 {
		t.Fatalf("erase: %d %s", r.Status, r.Raw)
	}
	r = e.call("GET", "/api/v1/introductions/"+direct, nil, alice.Access)
	if r.Status != 200 || !strings.Contains(r.Raw, `"name":"deleted member"`) || strings.Contains(r.Raw, "founders@seeing") || strings.Contains(r.Raw, "Seeing Machines") {
		t.Fatalf("after erasure: %d %s", r.Status, r.Raw)
	}
}
