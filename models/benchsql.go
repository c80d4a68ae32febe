package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// BenchActor is the minimum of an actor the SQL baseline needs: integer ids, kind and skills.
type BenchActor struct {
	Kind   int16
	Offers []string
	Needs  []string
}

// SQLBaseline loads actors into three unlogged tables (bench_actor, bench_offer, bench_need, with
// the btree indexes a team would add) and times the query a team would naturally write: rank the
// partners of the wanted kind by (needs of mine they offer) × (needs of theirs I offer). It returns
// p50 and p99 over the queries (actor positions in actors) and each query's top-k positions.
func (s *Store) SQLBaseline(ctx context.Context, actors []BenchActor, queries []int, wanted []int16, k int) (p50, p99 time.Duration, tops [][]int, err error) {
	if s.dialect != Postgres {
		return 0, 0, nil, errors.New("the SQL baseline runs on PostgreSQL only")
	}
	sqlDB, err := s.db.DB()
	if err != nil {
		return 0, 0, nil, err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return 0, 0, nil, err
	}
	defer conn.Close()
	skillID := map[string]int32{}
	id := func(slug string) int32 {
		if v, ok := skillID[slug]; ok {
			return v
		}
		v := int32(len(skillID) + 1)
		skillID[slug] = v
		return v
	}
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		for _, q := range []string{
			"DROP TABLE IF EXISTS bench_actor, bench_offer, bench_need",
			"CREATE UNLOGGED TABLE bench_actor (id INTEGER PRIMARY KEY, kind SMALLINT NOT NULL)",
			"CREATE UNLOGGED TABLE bench_offer (actor INTEGER NOT NULL, skill INTEGER NOT NULL)",
			"CREATE UNLOGGED TABLE bench_need (actor INTEGER NOT NULL, skill INTEGER NOT NULL)",
		} {
			if _, err := pc.Exec(ctx, q); err != nil {
				return err
			}
		}
		var offers, needs [][]any
		rows := make([][]any, len(actors))
		for i, a := range actors {
			rows[i] = []any{int32(i), a.Kind}
			for _, o := range a.Offers {
				offers = append(offers, []any{int32(i), id(o)})
			}
			for _, n := range a.Needs {
				needs = append(needs, []any{int32(i), id(n)})
			}
		}
		for _, t := range []struct {
			name string
			cols []string
			rows [][]any
		}{{"bench_actor", []string{"id", "kind"}, rows}, {"bench_offer", []string{"actor", "skill"}, offers}, {"bench_need", []string{"actor", "skill"}, needs}} {
			if _, err := pc.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, pgx.CopyFromRows(t.rows)); err != nil {
				return fmt.Errorf("copy %s: %w", t.name, err)
			}
		}
		for _, q := range []string{
			"CREATE INDEX ON bench_offer (skill, actor)", "CREATE INDEX ON bench_need (skill, actor)",
			"CREATE INDEX ON bench_offer (actor)", "CREATE INDEX ON bench_need (actor)", "ANALYZE",
		} {
			if _, err := pc.Exec(ctx, q); err != nil {
				return err
			}
		}
		const query = `
WITH mine_n AS (SELECT skill FROM bench_need WHERE actor = $1),
     mine_o AS (SELECT skill FROM bench_offer WHERE actor = $1),
     fwd AS (SELECT o.actor, COUNT(*) AS c FROM bench_offer o JOIN mine_n USING (skill) GROUP BY o.actor),
     bwd AS (SELECT n.actor, COUNT(*) AS c FROM bench_need n JOIN mine_o USING (skill) GROUP BY n.actor)
SELECT a.id FROM bench_actor a JOIN fwd ON fwd.actor = a.id JOIN bwd ON bwd.actor = a.id
WHERE a.kind = $2 AND a.id <> $1
ORDER BY fwd.c * bwd.c DESC, a.id LIMIT $3`
		durs := make([]time.Duration, 0, len(queries))
		for i, q := range queries {
			start := time.Now()
			r, err := pc.Query(ctx, query, int32(q), wanted[i], k)
			if err != nil {
				return err
			}
			var top []int
			for r.Next() {
				var v int32
				if err := r.Scan(&v); err != nil {
					r.Close()
					return err
				}
				top = append(top, int(v))
			}
			r.Close()
			if err := r.Err(); err != nil {
				return err
			}
			durs = append(durs, time.Since(start))
			tops = append(tops, top)
		}
		slices.Sort(durs)
		if len(durs) > 0 {
			p50 = durs[len(durs)/2]
			p99 = durs[min(len(durs)-1, len(durs)*99/100)]
		}
		_, err := pc.Exec(ctx, "DROP TABLE IF EXISTS bench_actor, bench_offer, bench_need")
		return err
	})
	return p50, p99, tops, err
}
