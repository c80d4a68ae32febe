package models_test

import (
	"context"
	"testing"
	"time"

	"github.com/crossover-cci/crossover/models"
	"github.com/crossover-cci/crossover/models/dbtest"
)

// TestCachedUserByID: writes through this store are seen at once (the cache is dropped when they
// commit); a write made elsewhere (another replica, here plain SQL) is seen within the TTL.
func TestCachedUserByID(t *testing.T) {
	s := dbtest.New(t)
	s.SetHashParams(models.HashParams{MemoryKiB: 64, Time: 1, Threads: 1})
	ctx := context.Background()
	yes := true
	u, err := s.Register(ctx, models.Registration{Email: "cache@example.org", Password: "a long enough passphrase 42", DisplayName: "Cache", AcceptTerms: &yes})
	if err != nil {
		t.Fatal(err)
	}
	role := func() string {
		t.Helper()
		got, err := s.CachedUserByID(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.Role
	}
	if r := role(); r != models.RoleMember {
		t.Fatalf("role %q", r)
	}
	// Through the store: visible on the next read.
	if _, err := s.SetRole(ctx, nil, u.ID, models.RoleIntermediary, ""); err != nil {
		t.Fatal(err)
	}
	if r := role(); r != models.RoleIntermediary {
		t.Fatalf("after SetRole the cache says %q", r)
	}
	// Elsewhere: the cached row may be served until the TTL, never after.
	changed := time.Now()
	if err := s.Exec(ctx, "UPDATE users SET role = ? WHERE id = ?", models.RoleAdmin, u.ID); err != nil {
		t.Fatal(err)
	}
	for role() != models.RoleAdmin {
		if time.Since(changed) > 1100*time.Millisecond {
			t.Fatal("a change made elsewhere is still not seen after the 1 s TTL")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Sessions revoked through the store: the new tokens_valid_after is seen at once.
	before, _ := s.CachedUserByID(ctx, u.ID)
	time.Sleep(2 * time.Millisecond)
	if err := s.RevokeAllSessions(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	after, err := s.CachedUserByID(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !after.TokensValidAfter.After(before.TokensValidAfter) {
		t.Fatalf("tokens_valid_after %v not after %v", after.TokensValidAfter, before.TokensValidAfter)
	}
	// Erased: not found at once.
	if err := s.EraseUser(ctx, u.ID, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CachedUserByID(ctx, u.ID); err != models.ErrNotFound {
		t.Fatalf("erased user: %v", err)
	}
}
