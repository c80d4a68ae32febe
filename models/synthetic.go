package models

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// BulkInsertActors stores many complete, generated actors at once (the synthetic generator), with
// their child rows, a version snapshot and one change-feed row each, so that every replica's
// matching index picks them up. It checks that every referenced skill and sector exists, then
// writes everything in one transaction: COPY on PostgreSQL, multi-row INSERTs of batch rows on
// SQLite. Actors must carry their ID and timestamps; they are not validated one by one.
func (s *Store) BulkInsertActors(ctx context.Context, actors []*Actor, batch int) error {
	if len(actors) == 0 {
		return nil
	}
	if batch <= 0 {
		batch = 1000
	}
	if err := s.checkBulkRefs(ctx, actors); err != nil {
		return err
	}
	var err error
	if s.dialect == Postgres {
		err = s.copyActors(ctx, actors)
	} else {
		err = s.insertActorsInBatches(ctx, actors, batch)
	}
	if err == nil {
		s.committed()
	}
	return err
}

func (s *Store) checkBulkRefs(ctx context.Context, actors []*Actor) error {
	skills, sectors := map[string]bool{}, map[string]bool{}
	for _, a := range actors {
		for _, o := range a.Offers {
			skills[o.Skill] = true
		}
		for _, n := range a.Needs {
			skills[n.Skill] = true
		}
		for _, v := range a.Sectors {
			sectors[v] = true
		}
	}
	knownSk, err := s.knownSkills(ctx, keys(skills))
	if err != nil {
		return err
	}
	for k := range skills {
		if !knownSk[k] {
			return fmt.Errorf("bulk insert: skill %q is not in the taxonomy", k)
		}
	}
	knownSec, err := s.knownSectors(ctx, keys(sectors))
	if err != nil {
		return err
	}
	for k := range sectors {
		if !knownSec[k] {
			return fmt.Errorf("bulk insert: sector %q is not known", k)
		}
	}
	return nil
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func snapshotOf(a *Actor) string {
	snap, _ := json.Marshal(struct {
		Sectors   []string `json:"sectors"`
		Languages []string `json:"languages"`
		Offers    []Offer  `json:"offers"`
		Needs     []Need   `json:"needs"`
		OrgType   string   `json:"org_type"`
	}{a.Sectors, a.Languages, a.Offers, a.Needs, a.OrgType})
	return string(snap)
}

// bulkRows are the rows of every table a batch of actors writes to.
type bulkRows struct {
	actors, offers, needs, sectors, langs, modes, versions, changes [][]any
}

func rowsOf(actors []*Actor) bulkRows {
	var r bulkRows
	for _, a := range actors {
		r.actors = append(r.actors, []any{a.ID, a.OwnerID, a.Kind, a.Name, a.OrgType, a.Country, a.Region, a.Remote, a.Available,
			a.Capacity, a.Bio, a.Website, a.ContactEmail, a.ContactPhone, a.Focus, a.Managed, a.Source, a.Claimed, a.OpenData,
			a.RenewedAt, a.Version, a.CreatedAt, a.UpdatedAt})
		for i, o := range a.Offers {
			r.offers = append(r.offers, []any{a.ID, o.Skill, o.Level, i})
		}
		for i, n := range a.Needs {
			r.needs = append(r.needs, []any{a.ID, n.Skill, n.Importance, i})
		}
		for i, v := range a.Sectors {
			r.sectors = append(r.sectors, []any{a.ID, v, i})
		}
		for i, v := range a.Languages {
			r.langs = append(r.langs, []any{a.ID, v, i})
		}
		for _, v := range a.Modes {
			r.modes = append(r.modes, []any{a.ID, v})
		}
		r.versions = append(r.versions, []any{a.ID, a.Version, a.Kind, a.Country, snapshotOf(a), a.UpdatedAt})
		r.changes = append(r.changes, []any{a.ID, ChangeUpsert, "", a.UpdatedAt})
	}
	return r
}

var bulkTables = []struct {
	name string
	cols []string
	rows func(bulkRows) [][]any
}{
	{"actors", []string{"id", "owner_id", "kind", "name", "org_type", "country", "region", "remote", "available", "capacity", "bio",
		"website", "contact_email", "contact_phone", "focus", "managed", "source", "claimed", "open_data", "renewed_at", "version",
		"created_at", "updated_at"}, func(r bulkRows) [][]any { return r.actors }},
	{"actor_offers", []string{"actor_id", "skill_slug", "level", "position"}, func(r bulkRows) [][]any { return r.offers }},
	{"actor_needs", []string{"actor_id", "skill_slug", "importance", "position"}, func(r bulkRows) [][]any { return r.needs }},
	{"actor_sectors", []string{"actor_id", "sector_slug", "position"}, func(r bulkRows) [][]any { return r.sectors }},
	{"actor_languages", []string{"actor_id", "lang", "position"}, func(r bulkRows) [][]any { return r.langs }},
	{"actor_modes", []string{"actor_id", "mode"}, func(r bulkRows) [][]any { return r.modes }},
	{"actor_versions", []string{"actor_id", "version", "kind", "country", "snapshot", "created_at"}, func(r bulkRows) [][]any { return r.versions }},
	{"actor_changes", []string{"actor_id", "op", "other_id", "created_at"}, func(r bulkRows) [][]any { return r.changes }},
}

// copyActors streams every table with COPY on one connection, in one transaction.
func (s *Store) copyActors(ctx context.Context, actors []*Actor) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	rows := rowsOf(actors)
	return conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		tx, err := pc.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		for _, t := range bulkTables {
			t0 := time.Now()
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, pgx.CopyFromRows(t.rows(rows))); err != nil {
				return fmt.Errorf("copy %s: %w", t.name, err)
			}
			s.log.Debug("bulk copy", "table", t.name, "rows", len(t.rows(rows)), "took", time.Since(t0))
		}
		return tx.Commit(ctx)
	})
}

// insertActorsInBatches writes multi-row INSERTs of batch rows in one transaction (SQLite).
func (s *Store) insertActorsInBatches(ctx context.Context, actors []*Actor, batch int) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		// Straight to the driver: gorm's statement building costs more than SQLite's insert here.
		pool := s.conn(ctx).Statement.ConnPool
		for from := 0; from < len(actors); from += batch {
			rows := rowsOf(actors[from:min(from+batch, len(actors))])
			for _, t := range bulkTables {
				list := t.rows(rows)
				// Stay under SQLite's limit of bound variables per statement.
				per := max(1, 30000/len(t.cols))
				for chunk := range slices.Chunk(list, per) {
					sql, args := multiInsert(t.name, t.cols, chunk)
					if _, err := pool.ExecContext(ctx, sql, args...); err != nil {
						return fmt.Errorf("insert %s: %w", t.name, err)
					}
				}
			}
		}
		return nil
	})
}

func multiInsert(table string, cols []string, rows [][]any) (string, []any) {
	b := make([]byte, 0, 64+len(rows)*(len(cols)*2+3))
	b = append(b, "INSERT INTO "+table+" ("...)
	for i, c := range cols {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, c...)
	}
	b = append(b, ") VALUES "...)
	args := make([]any, 0, len(rows)*len(cols))
	for i, r := range rows {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '(')
		for j := range cols {
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, '?')
		}
		b = append(b, ')')
		args = append(args, r...)
	}
	return string(b), args
}

// ActorsBySource loads every visible actor of one source with its child rows, ordered by id.
func (s *Store) ActorsBySource(ctx context.Context, source string) ([]*Actor, error) {
	var out []*Actor
	if err := s.conn(ctx).Where("source = ? AND hidden_at IS NULL", source).Order("id").Find(&out).Error; err != nil {
		return nil, err
	}
	return out, s.loadChildren(ctx, out)
}

// CountActorsBySource counts the actors of one source.
func (s *Store) CountActorsBySource(ctx context.Context, source string) (int64, error) {
	var n int64
	err := s.conn(ctx).Model(&Actor{}).Where("source = ?", source).Count(&n).Error
	return n, err
}

// ActorIDsBySource returns the ids of the actors of one source (generators use it to stay idempotent).
func (s *Store) ActorIDsBySource(ctx context.Context, source string) (map[string]bool, error) {
	var ids []string
	if err := s.conn(ctx).Model(&Actor{}).Where("source = ?", source).Pluck("id", &ids).Error; err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}
