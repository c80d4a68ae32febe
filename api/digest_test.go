package api

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crossover-cci/crossover/models"
	"github.com/crossover-cci/crossover/seeds"
)

// digests returns the weekly digests in the user's inbox, newest first.
func (e *env) digests(a account) []map[string]any {
	e.t.Helper()
	r := e.call("GET", "/api/v1/notifications?limit=100", nil, a.Access)
	if r.Status != 200 {
		e.t.Fatalf("inbox: %d %s", r.Status, r.Raw)
	}
	var out []map[string]any
	for _, it := range r.JSON["items"].([]any) {
		if m := it.(map[string]any); m["type"] == models.NoteDigest {
			out = append(out, m)
		}
	}
	return out
}

// TestWeeklyDigest: one digest per user and week, none for a user who opted out, names and counts
// only (no contact details), saved-search hits included; on both databases.
func TestWeeklyDigest(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	alice, bob, carol := e.register("Alice"), e.register("Bob"), e.register("Carol")
	if r := e.call("PATCH", "/api/v1/me", map[string]any{"digest_opt_out": true}, carol.Access); r.Status != 200 {
		t.Fatalf("opt out: %d %s", r.Status, r.Raw)
	}
	m := e.createActor(alice.Access, museum())
	s := e.createActor(bob.Access, startup())
	e.createActor(carol.Access, named(startup(), "Optical Minds"))
	// Neither a paused owner's actor nor one Alice marked "not interested" is news to her.
	dave, erin := e.register("Dave"), e.register("Erin")
	e.createActor(dave.Access, named(startup(), "Paused Vision"))
	if r := e.call("PATCH", "/api/v1/me", map[string]any{"matching_paused": true}, dave.Access); r.Status != 200 {
		t.Fatalf("pause: %d %s", r.Status, r.Raw)
	}
	ni := e.createActor(erin.Access, named(startup(), "Unwanted Vision"))
	if _, err := e.store.SaveFeedback(ctx, m, ni, "not_interested"); err != nil {
		t.Fatal(err)
	}

	// A saved search of Alice's museum that finds the startup after it was saved.
	now := time.Now()
	ss := &models.SavedSearch{ActorID: m, Kind: models.SavedPartner, Name: "vision partners", Query: "{}"}
	if err := e.store.CreateSavedSearch(ctx, ss, nil, now); err != nil {
		t.Fatal(err)
	}
	alert := func([]string) (string, string, string) { return "Saved search", "new results", "/matches" }
	if _, err := e.store.RecordSavedSearchRun(ctx, *ss, []string{s}, alert, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}

	at := now.Add(6 * 24 * time.Hour)
	w := &models.Workers{Store: e.store, Mailer: &fakeMailer{}, Now: func() time.Time { return at }}
	if err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(e.digests(alice)); n != 0 {
		t.Fatalf("a digest before the first week is over: %d", n)
	}
	at = now.Add(8 * 24 * time.Hour)
	for range 2 { // twice in the same week: still one digest each
		if err := w.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	da, db := e.digests(alice), e.digests(bob)
	if len(da) != 1 || len(db) != 1 {
		t.Fatalf("digests after a week: alice %d, bob %d", len(da), len(db))
	}
	if n := len(e.digests(carol)); n != 0 {
		t.Fatalf("carol opted out and got %d digests", n)
	}
	body := da[0]["body"].(string)
	// Carol opted out of the digest, not of matching: her actor is news to Alice.
	for _, want := range []string{"Seeing Machines (2 shared skills)", "Optical Minds (2 shared skills)", `"vision partners": 1 new result`} {
		if !strings.Contains(body, want) {
			t.Fatalf("alice's digest lacks %q:\n%s", want, body)
		}
	}
	for _, not := range []string{"Museum of Light", "Paused Vision", "Unwanted Vision"} {
		if strings.Contains(body, not) {
			t.Fatalf("alice's digest names %q:\n%s", not, body)
		}
	}
	if !strings.Contains(db[0]["body"].(string), "Museum of Light") {
		t.Fatalf("bob's digest: %s", db[0]["body"])
	}

	// Week two: only what changed since the last digest.
	if _, err := e.store.UpdateActor(ctx, s, 1, models.ActorInput{Bio: new("Now with depth cameras.")}, seeds.Codes{}, now); err != nil {
		t.Fatal(err)
	}
	// The store stamps updated_at with the wall clock; move it to day 10, after the first digest.
	if err := e.store.Exec(ctx, "UPDATE actors SET updated_at = ? WHERE id = ?", now.Add(10*24*time.Hour).UTC(), s); err != nil {
		t.Fatal(err)
	}
	at = now.Add(12 * 24 * time.Hour)
	if err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(e.digests(alice)); n != 1 {
		t.Fatalf("a second digest within the week: %d", n)
	}
	at = now.Add(16 * 24 * time.Hour)
	if err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if da = e.digests(alice); len(da) != 2 || !strings.Contains(da[0]["body"].(string), "Seeing Machines") ||
		strings.Contains(da[0]["body"].(string), "Optical Minds") || strings.Contains(da[0]["body"].(string), "vision partners") {
		t.Fatalf("alice's second week: %v", da)
	}
	if n := len(e.digests(bob)); n != 1 {
		t.Fatalf("bob had nothing new but got %d digests", n)
	}

	// No contact details anywhere in the digests or their e-mails.
	out, err := e.store.OutboxMessages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, o := range out {
		if strings.Contains(o.Subject, "digest") {
			texts = append(texts, o.Subject+"\n"+o.Body)
		}
	}
	if len(texts) != 3 {
		t.Fatalf("digest e-mails: %d", len(texts))
	}
	for _, a := range []account{alice, bob} {
		for _, d := range e.digests(a) {
			texts = append(texts, d["title"].(string)+"\n"+d["body"].(string))
		}
	}
	for _, txt := range texts {
		for _, secret := range []string{"curator@light", "+31 30", "founders@seeing", "@example.org", "light.example.org", "@"} {
			if strings.Contains(txt, secret) {
				t.Fatalf("digest leaks %q:\n%s", secret, txt)
			}
		}
	}
}

// TestDigestFollowsMatchingRules: the digest never names a partner matching would not suggest —
// one with no language in common, one at capacity, an unclaimed directory entry — while a partner
// the rules allow is named; on both databases.
func TestDigestFollowsMatchingRules(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	alice, bob, cy, dan := e.register("Alice"), e.register("Bob"), e.register("Cy"), e.register("Dan")
	e.createActor(alice.Access, museum())
	e.createActor(bob.Access, startup())
	e.createActor(cy.Access, with(named(startup(), "Finnish Vision"), "languages", []string{"fi"}))
	e.createActor(dan.Access, with(named(startup(), "Busy Vision"), "capacity", 1))
	busy, _ := e.store.ActorsByOwner(ctx, dan.ID)
	eve := e.register("Eve")
	asker := e.createActor(eve.Access, named(museum(), "Another Museum"))
	if r := e.introduce(eve.Access, asker, busy[0].ID); r.Status != 201 {
		t.Fatalf("fill Busy Vision's capacity: %d %s", r.Status, r.Raw)
	}
	orphan := &models.Actor{Kind: "ai", Name: "Unclaimed Vision", OrgType: "startup", Country: "NL", Available: true, Capacity: 3,
		Source: "directory", Languages: []string{"en"}, Sectors: []string{}, Offers: []models.Offer{{Skill: "computer-vision", Level: 4}},
		Needs: []models.Need{}, Modes: []string{}}
	if err := e.store.ImportActor(ctx, orphan, seeds.Codes{}); err != nil {
		t.Fatal(err)
	}
	e.call("GET", "/api/v1/actors/"+busy[0].ID+"/matches", nil, dan.Access) // the index catches up with the feed

	at := time.Now().Add(8 * 24 * time.Hour)
	w := &models.Workers{Store: e.store, Mailer: &fakeMailer{}, Now: func() time.Time { return at }, DigestRule: e.srv.DigestRule()}
	if err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	d := e.digests(alice)
	if len(d) != 1 {
		t.Fatalf("alice has %d digests, want 1", len(d))
	}
	body := d[0]["body"].(string)
	if !strings.Contains(body, "Seeing Machines") {
		t.Errorf("the allowed partner is missing:\n%s", body)
	}
	for _, not := range []string{"Finnish Vision", "Busy Vision", "Unclaimed Vision"} {
		if strings.Contains(body, not) {
			t.Errorf("the digest names %q, whom matching would never suggest:\n%s", not, body)
		}
	}
}
