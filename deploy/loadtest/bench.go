package loadtest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// BenchConfig is one `crossover bench http` run.
type BenchConfig struct {
	URL      string
	Workload string    // w2 (matches), w3 (90 % matches, 10 % edits) or info (the plain endpoint only)
	Rates    []float64 // each rate is run in turn: the plain endpoint first, then the workload
	Duration time.Duration
	Max      int // requests per step at most (0: Duration only)
	Own      int // profiles of the benchmark account, the ones whose matches are asked for
	Populate int // background profiles to create through the API first (0: use what the server holds)
	Workers  int // concurrency of the populate step
	Seed     uint64
	Limit    int     // matches per query
	P99      float64 // the latency target in milliseconds that "highest rate" refers to
}

// Bench is what setup leaves for the steps.
type Bench struct {
	C       *Client
	Query   Account
	Actors  []string
	mu      sync.Mutex
	version map[string]int
}

// account signs in, or registers the first time (registrations are limited per hour and IP).
func account(ctx context.Context, c *Client, email, password, name string) (Account, error) {
	a, err := c.Login(ctx, email, password)
	if err == nil {
		return a, nil
	}
	return c.Register(ctx, email, password, name)
}

// SetupBench creates (or reuses) the accounts and profiles a benchmark needs.
func SetupBench(ctx context.Context, cfg BenchConfig, out io.Writer) (*Bench, error) {
	c, err := NewClient(cfg.URL, 1024)
	if err != nil {
		return nil, err
	}
	if err := c.WaitReady(ctx, 60*time.Second); err != nil {
		return nil, err
	}
	cat, err := c.LoadCatalog(ctx)
	if err != nil {
		return nil, err
	}
	pw := fmt.Sprintf("load test password %d", cfg.Seed)
	q, err := account(ctx, c, fmt.Sprintf("bench-query-%d@example.org", cfg.Seed), pw, "Bench query")
	if err != nil {
		return nil, err
	}
	if cfg.Populate > 0 {
		bg, err := account(ctx, c, fmt.Sprintf("bench-background-%d@example.org", cfg.Seed), pw, "Bench background")
		if err != nil {
			return nil, err
		}
		start := time.Now()
		fmt.Fprintf(out, "creating %d background profiles through the API (%d at a time)…\n", cfg.Populate, max(1, cfg.Workers))
		_, err = c.Populate(ctx, cat, bg.Access, cfg.Populate, cfg.Workers, cfg.Seed+1, func(done int) {
			if done%10000 == 0 {
				fmt.Fprintf(out, "  %d profiles, %.0f/s\n", done, float64(done)/time.Since(start).Seconds())
			}
		})
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(out, "created %d profiles in %s (%.0f/s)\n", cfg.Populate, time.Since(start).Round(time.Second), float64(cfg.Populate)/time.Since(start).Seconds())
	}
	b := &Bench{C: c, Query: q, version: map[string]int{}}
	own := max(1, cfg.Own)
	ids, err := c.Populate(ctx, cat, q.Access, own, 4, cfg.Seed+2, nil)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		b.Actors = append(b.Actors, id)
		b.version[id] = 1
	}
	return b, nil
}

// Matches is the W2 request: one owned profile's matches.
func (b *Bench) Matches(limit int) Op {
	return func(ctx context.Context, i int) Outcome {
		status, n, err := b.C.Get(ctx, "/api/v1/actors/"+url.PathEscape(b.Actors[i%len(b.Actors)])+"/matches?limit="+strconv.Itoa(limit), b.Query.Access)
		if err == nil && status == http.StatusOK && n < int64(len(`{"items":[]}`)) {
			err = fmt.Errorf("matches: a %d-byte answer", n)
		}
		return Outcome{Op: "matches", Status: status, Err: err}
	}
}

// Info is the plain JSON endpoint, the yardstick of the HTTP stack alone.
func (b *Bench) Info() Op {
	return func(ctx context.Context, i int) Outcome {
		status, _, err := b.C.Get(ctx, "/api/v1/info", "")
		return Outcome{Op: "info", Status: status, Err: err}
	}
}

// Mixed is W3: every tenth request edits a profile with its last known version (a 409 refreshes the
// version: another edit got there first), the others ask for matches.
func (b *Bench) Mixed(limit int) Op {
	matches := b.Matches(limit)
	return func(ctx context.Context, i int) Outcome {
		if i%10 != 9 {
			return matches(ctx, i)
		}
		id := b.Actors[(i/10)%len(b.Actors)]
		b.mu.Lock()
		v := b.version[id]
		b.mu.Unlock()
		r, err := b.C.PatchActor(ctx, b.Query.Access, id, v, map[string]any{"capacity": 1 + i%5, "bio": "edited by the load generator, request " + strconv.Itoa(i)})
		switch r.Status {
		case http.StatusOK:
			b.setVersion(id, IntOf(r.Body["version"]))
		case http.StatusConflict:
			if g, err := b.C.GetActor(ctx, b.Query.Access, id); err == nil && g.Status == http.StatusOK {
				b.setVersion(id, IntOf(g.Body["version"]))
			}
		}
		return Outcome{Op: "edit", Status: r.Status, Err: err}
	}
}

func (b *Bench) setVersion(id string, v int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if v > b.version[id] {
		b.version[id] = v
	}
}

// ServerRSS reads the server's resident memory from its own /metrics (process collector).
func (c *Client) ServerRSS(ctx context.Context) (int64, int64, error) {
	m, err := c.serverMetrics(ctx, "process_resident_memory_bytes", "crossover_matching_index_actors")
	if err != nil {
		return 0, 0, err
	}
	rss, ok := m["process_resident_memory_bytes"]
	if !ok {
		return 0, 0, errors.New("the server's /metrics has no process_resident_memory_bytes")
	}
	actors, ok := m["crossover_matching_index_actors"]
	if !ok {
		actors = -1
	}
	return int64(rss), int64(actors), nil
}

// ServerCPU is the CPU time the server has used, from its /metrics (process collector).
func (c *Client) ServerCPU(ctx context.Context) (time.Duration, error) {
	m, err := c.serverMetrics(ctx, "process_cpu_seconds_total")
	if err != nil {
		return 0, err
	}
	v, ok := m["process_cpu_seconds_total"]
	if !ok {
		return 0, errors.New("the server's /metrics has no process_cpu_seconds_total")
	}
	return time.Duration(v * float64(time.Second)), nil
}

// serverMetrics reads the named unlabelled samples of the server's /metrics.
func (c *Client) serverMetrics(ctx context.Context, names ...string) (map[string]float64, error) {
	r, err := c.Do(ctx, "GET", "/metrics", "", nil)
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(string(r.Raw)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		for _, n := range names {
			if v, ok := strings.CutPrefix(sc.Text(), n+" "); ok {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					out[n] = f
				}
			}
		}
	}
	return out, nil
}

// RunBench sets up, then runs the plain endpoint and the workload at each rate, and prints the
// highest rate that kept p99 within the target with no errors.
func RunBench(ctx context.Context, cfg BenchConfig, out io.Writer) error {
	if len(cfg.Rates) == 0 || (cfg.Duration <= 0 && cfg.Max <= 0) {
		return errors.New("bench http: give --rates and --duration (or --max)")
	}
	if cfg.Limit == 0 {
		cfg.Limit = 20
	}
	if cfg.P99 == 0 {
		cfg.P99 = 50
	}
	b, err := SetupBench(ctx, cfg, out)
	if err != nil {
		return err
	}
	if rss, n, err := b.C.ServerRSS(ctx); err == nil {
		fmt.Fprintf(out, "server: %d actors in the matching index, RSS %.0f MiB\n", n, float64(rss)/(1<<20))
	}
	// Warm-up: connections, caches, the index's first queries.
	Run(ctx, Plan{Rate: 200, Duration: time.Second}, b.Matches(cfg.Limit))
	best := map[string]float64{}
	p99s := map[string]map[float64]time.Duration{}
	step := func(name string, rate float64, op Op) {
		srv0, srvErr := b.C.ServerCPU(ctx)
		gen0 := ownCPU()
		rep := Run(ctx, Plan{Rate: rate, Duration: cfg.Duration, Max: cfg.Max}, op)
		gen := ownCPU() - gen0
		rep.Print(out, fmt.Sprintf("%s @ %.0f/s", name, rate))
		if srv1, err := b.C.ServerCPU(ctx); err == nil && srvErr == nil && rep.Sent > 0 {
			// Both share this machine's cores: what each request cost them, whatever the latency.
			srv := srv1 - srv0
			fmt.Fprintf(out, "  cpu        server %.3f ms/request, generator %.3f ms/request (%.2f + %.2f cores over %s)\n",
				ms(srv)/float64(rep.Sent), ms(gen)/float64(rep.Sent), srv.Seconds()/rep.Elapsed.Seconds(),
				gen.Seconds()/rep.Elapsed.Seconds(), rep.Elapsed.Round(time.Millisecond))
		}
		worst := time.Duration(0)
		for _, s := range rep.Ops {
			worst = max(worst, s.Percentile(0.99))
			if p99s[name] == nil {
				p99s[name] = map[float64]time.Duration{}
			}
		}
		p99s[name][rate] = worst
		if rep.Errors() == 0 && worst <= time.Duration(cfg.P99*float64(time.Millisecond)) && rep.Achieved() >= 0.95*rate && rate > best[name] {
			best[name] = rate
		}
	}
	for _, rate := range cfg.Rates {
		if ctx.Err() != nil {
			break
		}
		step("info", rate, b.Info())
		switch cfg.Workload {
		case "w2":
			step("w2", rate, b.Matches(cfg.Limit))
		case "w3":
			step("w2", rate, b.Matches(cfg.Limit))
			step("w3", rate, b.Mixed(cfg.Limit))
		case "info":
		default:
			return fmt.Errorf("bench http: unknown workload %q (w2, w3 or info)", cfg.Workload)
		}
	}
	fmt.Fprintf(out, "highest rate with p99 ≤ %.0f ms, no errors and ≥ 95 %% of the target achieved: info %.0f/s", cfg.P99, best["info"])
	for _, w := range []string{"w2", "w3"} {
		if _, ok := p99s[w]; ok {
			fmt.Fprintf(out, ", %s %.0f/s", w, best[w])
		}
	}
	fmt.Fprintln(out)
	if best["info"] > 0 && cfg.Workload != "info" {
		fmt.Fprintf(out, "ratio w2/info of those rates: %.2f (the highest rate tried was %.0f/s: a ratio of 1 means w2 kept up with every rate tried)\n",
			best["w2"]/best["info"], cfg.Rates[len(cfg.Rates)-1])
	}
	if rss, n, err := b.C.ServerRSS(ctx); err == nil {
		fmt.Fprintf(out, "server after the run: %d actors in the index, RSS %.0f MiB\n", n, float64(rss)/(1<<20))
	}
	return nil
}

// Pick returns a deterministic random generator for a run.
func Pick(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
