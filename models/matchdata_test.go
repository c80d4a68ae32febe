package models_test

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/crossover-cci/crossover/models/dbtest"
	"github.com/crossover-cci/crossover/seeds"
)

// TestMatchActorCount: the count the index build reserves room for is what the pages then
// return: hidden actors left out of both.
func TestMatchActorCount(t *testing.T) {
	s := dbtest.New(t)
	ctx := context.Background()
	if err := seeds.ApplyReference(ctx, s); err != nil {
		t.Fatal(err)
	}
	if _, err := seeds.ApplySynthetic(ctx, s, 30, 1, io.Discard); err != nil {
		t.Fatal(err)
	}
	before, err := s.MatchActorCount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Exec(ctx, "UPDATE actors SET hidden_at = ? WHERE id IN (SELECT id FROM actors ORDER BY id LIMIT 3)", time.Now()); err != nil {
		t.Fatal(err)
	}
	n, err := s.MatchActorCount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	paged, after := 0, ""
	for {
		page, err := s.MatchActorsPage(ctx, after, 7)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		paged += len(page)
		after = page[len(page)-1].ID
	}
	if before < 30 || n != before-3 || int64(paged) != n {
		t.Fatalf("count %d before hiding 3, %d after; the pages hold %d", before, n, paged)
	}
}
