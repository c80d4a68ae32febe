package matching

import (
	"context"
	"fmt"
	"io"
	"reflect"
	"runtime"
	"slices"
	"time"
)

// Counterpart is the kind of partner a benchmark query looks for: AI for CCI, CCI for AI and
// for intermediaries.
func Counterpart(k Kind) Kind {
	if k == KindCCI {
		return KindAI
	}
	return KindCCI
}

// EngineBenchConfig configures RunEngineBench.
type EngineBenchConfig struct {
	Actors  int   // synthetic actors (default 100 000)
	Queries int   // queries (default 1 000)
	K       int   // list length (default 20)
	Seed    int64 // seed of Synthetic and of the query choice
	Skills  []Skill
	// SQLBaseline, when set, measures the SQL a team would naturally write over the same actors
	// and query actor IDs (each looking for Counterpart of its kind). main fills it from models.
	SQLBaseline func(ctx context.Context, actors []Actor, queries []string, k int) (p50, p99 time.Duration, err error)
	// SQLQueries caps how many of the queries the SQL baseline runs (0: all of them); at 1M actors
	// one reciprocal SQL query takes seconds, so 1,000 of them would take most of an hour.
	SQLQueries int
}

// EngineBenchReport is what RunEngineBench measured.
type EngineBenchReport struct {
	Actors, Queries, K   int
	Build                time.Duration
	BuildCPU             time.Duration // process CPU time of the build (Linux), GC included
	HeapPerActor         float64       // bytes of heap the index holds per actor
	EngineP50, EngineP99 time.Duration
	BruteP50, BruteP99   time.Duration
	SQLP50, SQLP99       time.Duration // zero without SQLBaseline
	SQLQueries           int           // how many queries the SQL baseline ran
	// CPU time of the querying thread (Linux): the same percentiles without the time spent
	// waiting for a core, which dominates wall-clock p99 on a shared machine. Zero elsewhere.
	EngineCPUP50, EngineCPUP99 time.Duration
	BruteCPUP50, BruteCPUP99   time.Duration
	Identical                  bool
	Mismatches                 int
}

// EngineBench builds Actors synthetic actors, runs Queries queries with MatchExact and with
// BruteForce, and compares them.
func EngineBench(ctx context.Context, cfg EngineBenchConfig) (EngineBenchReport, error) {
	if cfg.Actors <= 0 {
		cfg.Actors = 100_000
	}
	if cfg.Queries <= 0 {
		cfg.Queries = 1000
	}
	if cfg.K <= 0 {
		cfg.K = 20
	}
	rep := EngineBenchReport{Actors: cfg.Actors, Queries: cfg.Queries, K: cfg.K, Identical: true}
	skills := cfg.Skills
	if skills == nil {
		skills = SyntheticTaxonomy(cfg.Seed)
	}
	tax, err := NewTaxonomy(skills)
	if err != nil {
		return rep, err
	}
	actors := Synthetic(cfg.Actors, cfg.Seed, skills)
	for i := range actors { // IDs as the platform issues them (UUIDs), kept in 16 bytes by the index
		actors[i].ID = SyntheticUUID(i + 1)
	}

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	cpu0 := processCPU()
	start := time.Now()
	ix := NewIndex(tax, Options{})
	ix.UpsertMany(actors)
	rep.Build = time.Since(start)
	if cpu0 >= 0 {
		rep.BuildCPU = processCPU() - cpu0
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	rep.HeapPerActor = (float64(after.HeapAlloc) - float64(before.HeapAlloc)) / float64(cfg.Actors)

	// Queries: CCI and AI actors spread evenly over the whole set (repeating if there are few).
	var pool []int
	for i := range actors {
		if actors[i].Kind != KindIntermediary {
			pool = append(pool, i)
		}
	}
	if len(pool) == 0 {
		return rep, fmt.Errorf("engine bench: no CCI or AI actor among %d", cfg.Actors)
	}
	var queries []Query
	var ids []string
	step := max(1, len(pool)/cfg.Queries)
	off := int(uint64(cfg.Seed) % uint64(step))
	for j := range cfg.Queries {
		a := &actors[pool[(off+j*step)%len(pool)]]
		queries = append(queries, Query{ActorID: a.ID, Kind: Counterpart(a.Kind), Limit: cfg.K})
		ids = append(ids, a.ID)
	}

	// Each method answers every query in turn (as a serving process would), then the lists are
	// compared.
	runtime.LockOSThread() // so that the thread's CPU clock is this goroutine's
	defer runtime.UnlockOSThread()
	run := func(f func(Query) ([]Result, error)) (lists [][]Result, wall, cpu []time.Duration, err error) {
		for _, q := range queries {
			if err := ctx.Err(); err != nil {
				return nil, nil, nil, err
			}
			c := threadCPU()
			t := time.Now()
			res, err := f(q)
			wall = append(wall, time.Since(t))
			if c >= 0 {
				cpu = append(cpu, threadCPU()-c)
			}
			if err != nil {
				return nil, nil, nil, err
			}
			lists = append(lists, res)
		}
		return lists, wall, cpu, nil
	}
	got, eng, engCPU, err := run(ix.MatchExact)
	if err != nil {
		return rep, err
	}
	want, brute, bruteCPU, err := run(ix.BruteForce)
	if err != nil {
		return rep, err
	}
	for i := range got {
		if !reflect.DeepEqual(got[i], want[i]) {
			rep.Identical = false
			rep.Mismatches++
		}
	}
	rep.EngineP50, rep.EngineP99 = percentiles(eng)
	rep.BruteP50, rep.BruteP99 = percentiles(brute)
	rep.EngineCPUP50, rep.EngineCPUP99 = percentiles(engCPU)
	rep.BruteCPUP50, rep.BruteCPUP99 = percentiles(bruteCPU)
	if cfg.SQLBaseline != nil {
		sqlIDs := ids
		if cfg.SQLQueries > 0 && cfg.SQLQueries < len(ids) {
			sqlIDs = ids[:cfg.SQLQueries]
		}
		rep.SQLQueries = len(sqlIDs)
		rep.SQLP50, rep.SQLP99, err = cfg.SQLBaseline(ctx, actors, sqlIDs, cfg.K)
		if err != nil {
			return rep, fmt.Errorf("sql baseline: %w", err)
		}
	}
	runtime.KeepAlive(ix)
	return rep, nil
}

func percentiles(d []time.Duration) (p50, p99 time.Duration) {
	if len(d) == 0 {
		return 0, 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[(len(s)-1)*50/100], s[(len(s)-1)*99/100]
}

// RunEngineBench runs EngineBench and prints a table ending with the line
// "results identical to brute force: yes|no".
func RunEngineBench(ctx context.Context, cfg EngineBenchConfig, w io.Writer) error {
	rep, err := EngineBench(ctx, cfg)
	if err != nil {
		return err
	}
	return rep.Print(w)
}

// Print writes the report as a table.
func (r EngineBenchReport) Print(w io.Writer) error {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.3f ms", float64(d)/1e6) }
	ratio := func(a, b time.Duration) string {
		if a <= 0 || b <= 0 {
			return "-"
		}
		return fmt.Sprintf("%.1fx", float64(b)/float64(a))
	}
	yes := "no"
	if r.Identical {
		yes = "yes"
	}
	var err error
	p := func(format string, args ...any) {
		if err == nil {
			_, err = fmt.Fprintf(w, format, args...)
		}
	}
	p("engine bench: %d actors, %d queries, k=%d\n", r.Actors, r.Queries, r.K)
	p("%-26s %s\n", "index build", fmt.Sprintf("%.2f s", r.Build.Seconds()))
	if r.BuildCPU > 0 {
		p("%-26s %s\n", "index build, CPU time", fmt.Sprintf("%.2f s", r.BuildCPU.Seconds()))
	}
	p("%-26s %.0f B\n", "heap per actor", r.HeapPerActor)
	p("%-26s %14s %14s\n", "", "p50", "p99")
	p("%-26s %14s %14s\n", "engine (exact top-k)", ms(r.EngineP50), ms(r.EngineP99))
	p("%-26s %14s %14s\n", "brute force, same scoring", ms(r.BruteP50), ms(r.BruteP99))
	if r.SQLP50 > 0 {
		p("%-26s %14s %14s\n", fmt.Sprintf("sql baseline (%d queries)", r.SQLQueries), ms(r.SQLP50), ms(r.SQLP99))
	}
	p("%-26s %14s %14s\n", "speed-up vs brute force", ratio(r.EngineP50, r.BruteP50), ratio(r.EngineP99, r.BruteP99))
	if r.EngineCPUP50 > 0 {
		p("%-26s %14s %14s\n", "engine, thread CPU time", ms(r.EngineCPUP50), ms(r.EngineCPUP99))
		p("%-26s %14s %14s\n", "brute force, thread CPU", ms(r.BruteCPUP50), ms(r.BruteCPUP99))
		p("%-26s %14s %14s\n", "speed-up in CPU time", ratio(r.EngineCPUP50, r.BruteCPUP50), ratio(r.EngineCPUP99, r.BruteCPUP99))
	}
	if r.SQLP50 > 0 {
		p("%-26s %14s %14s\n", "speed-up vs sql", ratio(r.EngineP50, r.SQLP50), ratio(r.EngineP99, r.SQLP99))
	}
	p("results identical to brute force: %s\n", yes)
	return err
}
