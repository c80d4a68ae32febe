package api

import (
	"context"
	"testing"
	"time"
)

// TestFeedRowCommittedLate: a change-feed row whose transaction commits long after rows with higher
// sequence numbers (here: 11 s, past the per-sync wait) is still applied by the slower gap check,
// so the index does not keep a profile that was hidden meanwhile.
func TestFeedRowCommittedLate(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ana, bob := e.register("Ana"), e.register("Bob")
	mus := e.createActor(ana.Access, museum())
	e.createActor(bob.Access, startup())
	m := e.srv.matcher
	if err := m.sync(ctx); err != nil {
		t.Fatal(err)
	}
	before := m.index().Len()
	latest, err := e.store.LatestChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	insert := func(seq int64, actorID string) {
		t.Helper()
		if err := e.store.Exec(ctx, "INSERT INTO actor_changes (seq, actor_id, op, other_id, created_at) VALUES (?, ?, 'upsert', '', ?)",
			seq, actorID, time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
	}
	// A slow transaction hides the museum; its feed row (latest+1) is not visible yet, while a
	// later transaction's row (latest+2) is.
	if err := e.store.Exec(ctx, "UPDATE actors SET hidden_at = ? WHERE id = ?", time.Now().UTC(), mus); err != nil {
		t.Fatal(err)
	}
	insert(latest+2, "no-such-actor")
	if err := m.sync(ctx); err != nil {
		t.Fatal(err)
	}
	m.mu.Lock()
	_, waiting := m.gaps[latest+1]
	m.mu.Unlock()
	if !waiting {
		t.Fatalf("sequence %d is not tracked as a gap", latest+1)
	}
	start := time.Now()
	e.clock.Set(start.Add(lateCommit + time.Second))
	if err := m.sync(ctx); err != nil { // past the per-sync wait: only the slow check looks now
		t.Fatal(err)
	}
	insert(latest+1, mus) // the slow transaction commits
	e.clock.Set(start.Add(lateCommit + time.Second + slowGapCheck + time.Second))
	if err := m.sync(ctx); err != nil {
		t.Fatal(err)
	}
	if got := m.index().Len(); got != before-1 {
		t.Fatalf("index holds %d actors, want %d: the late row was not applied", got, before-1)
	}
	m.mu.Lock()
	left := len(m.gaps)
	m.mu.Unlock()
	if left != 0 {
		t.Fatalf("%d gaps still tracked after the late row arrived", left)
	}
}

// TestMatchesOfActorNotYetInIndex: a profile created through another replica is in the database
// before this replica's index has read its feed row; its matches are answered (the handler applies
// the feed at once) instead of 404 until the next poll.
func TestMatchesOfActorNotYetInIndex(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ana, bob := e.register("Ana"), e.register("Bob")
	e.createActor(bob.Access, startup())
	m := e.srv.matcher
	before, err := e.store.LatestChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mus := e.createActor(ana.Access, museum())
	if err := m.sync(ctx); err != nil {
		t.Fatal(err)
	}
	// Back to the state of a replica that has not polled since the museum was created.
	m.mu.Lock()
	m.seq = before
	m.index().Remove(mus)
	m.mu.Unlock()
	if r := e.call("GET", "/api/v1/actors/"+mus+"/matches?kind=ai", nil, ana.Access); r.Status != 200 || len(r.JSON["items"].([]any)) == 0 {
		t.Fatalf("matches of a profile this replica has not indexed yet: %d %s", r.Status, r.Raw)
	}
}
