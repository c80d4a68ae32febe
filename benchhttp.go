package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/crossover-cci/crossover/deploy/loadtest"
)

// cmdBenchHTTP is `crossover bench http`: W2 and W3 against a running server on this machine.
func cmdBenchHTTP(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("bench http", stdout)
	url := fs.String("url", "http://127.0.0.1:8080", "the server (loopback addresses only)")
	workload := fs.String("workload", "w2", "w2: GET matches; w3: 90 % matches, 10 % PATCH edits with versions; info: the plain endpoint only")
	rates := fs.String("rates", "500,1000,2000,3000", "comma-separated request rates per second, each run in turn")
	duration := fs.Duration("duration", 10*time.Second, "length of each step")
	maxReq := fs.Int("max", 0, "requests per step at most (0: --duration only)")
	own := fs.Int("own", 50, "profiles of the benchmark account whose matches are asked for")
	populate := fs.Int("populate", 0, "background profiles to create through the API first (0: use what the server holds)")
	workers := fs.Int("workers", 8, "concurrent requests of the populate step")
	seed := fs.Uint64("rand-seed", 1, "seed of the generated profiles and account names")
	limit := fs.Int("limit", 20, "matches per query")
	p99 := fs.Float64("p99", 50, "latency target in milliseconds for the highest-rate summary")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg := loadtest.BenchConfig{URL: *url, Workload: *workload, Duration: *duration, Max: *maxReq, Own: *own,
		Populate: *populate, Workers: *workers, Seed: *seed, Limit: *limit, P99: *p99}
	for _, r := range strings.Split(*rates, ",") {
		f, err := strconv.ParseFloat(strings.TrimSpace(r), 64)
		if err != nil || f <= 0 {
			return fmt.Errorf("bench http: --rates: %q is not a positive number", r)
		}
		cfg.Rates = append(cfg.Rates, f)
	}
	return loadtest.RunBench(ctx, cfg, stdout)
}
