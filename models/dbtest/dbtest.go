// Package dbtest gives each test a fresh, migrated database: a unique SQLite file by default, a
// fresh PostgreSQL schema when TEST_DATABASE_URL is set (CI sets it).
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/crossover-cci/crossover/models"
)

// New returns a migrated Store on a database nobody else uses; it is dropped when the test ends.
func New(tb testing.TB) *models.Store {
	tb.Helper()
	s := Empty(tb)
	if _, err := s.MigrateUp(context.Background()); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	return s
}

// Empty is New without migrations.
func Empty(tb testing.TB) *models.Store {
	tb.Helper()
	ctx := context.Background()
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		s, err := models.Open(ctx, models.DBConfig{DataDir: tb.TempDir()})
		if err != nil {
			tb.Fatalf("open sqlite: %v", err)
		}
		tb.Cleanup(func() { s.Close() })
		return s
	}
	s, err := models.Open(ctx, models.DBConfig{URL: URL(tb), MaxOpenConns: 8})
	if err != nil {
		tb.Fatalf("open schema: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// URL returns a DATABASE_URL for a fresh database nobody else uses, for tests that start the binary.
// It is "" (the embedded SQLite default) when TEST_DATABASE_URL is unset.
func URL(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		return ""
	}
	ctx := context.Background()
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := models.Open(ctx, models.DBConfig{URL: base, MaxOpenConns: 1})
	if err != nil {
		tb.Fatalf("open TEST_DATABASE_URL: %v", err)
	}
	if err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	u, _ := url.Parse(base)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
