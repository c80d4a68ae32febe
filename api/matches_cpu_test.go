package api

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/crossover-cci/crossover/seeds"
)

// TestMatchesCPU measures the process CPU (user+sys, getrusage) and allocations per
// GET /api/v1/actors/:id/matches?limit=20 through NewServer, in process (no network, no client-side
// decoding), over 20 own profiles on a synthetic population. Opt-in, it takes a while:
//
//	CROSSOVER_MATCHES_CPU=5000 go test ./api -run TestMatchesCPU -count=1 -v
func TestMatchesCPU(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("CROSSOVER_MATCHES_CPU"))
	if n <= 0 {
		t.Skip("set CROSSOVER_MATCHES_CPU=<synthetic actors> to measure")
	}
	e := newEnv(t)
	ctx := context.Background()
	if _, err := seeds.ApplySynthetic(ctx, e.store, n, 1, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.matcher.rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	u := e.register("Bench")
	var own []string
	for i := range 20 {
		p := museum()
		if i%2 == 1 {
			p = startup()
		}
		own = append(own, e.createActor(u.Access, with(p, "name", fmt.Sprintf("Bench profile %d", i))))
	}
	path := func(i int) string { return "/api/v1/actors/" + own[i%len(own)] + "/matches?limit=20" }
	get := func(path string) {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Authorization", "Bearer "+u.Access)
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Fatalf("%s: %d %s", path, rec.Code, rec.Body.String())
		}
	}
	do := func(i int) { get(path(i)) }
	for i := range 200 { // warm up (and fill whatever caches there are)
		do(i)
	}
	cpu := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			t.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	const reqs = 3000
	var ms0, ms1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms0)
	c0, w0 := cpu(), time.Now()
	for i := range reqs {
		do(i)
	}
	c1, w1 := cpu(), time.Now()
	runtime.ReadMemStats(&ms1)
	perReq := float64(c1-c0) / float64(time.Millisecond) / reqs
	t.Logf("%d synthetic actors, %d requests: CPU %.3f ms/request, wall %.3f ms/request, %d allocs and %d KiB/request",
		n, reqs, perReq, float64(w1.Sub(w0))/float64(time.Millisecond)/reqs,
		(ms1.Mallocs-ms0.Mallocs)/reqs, (ms1.TotalAlloc-ms0.TotalAlloc)/1024/reqs)
	// The plain JSON endpoint through the same stack, for W2's ratio.
	c2 := cpu()
	for range reqs {
		get("/api/v1/info")
	}
	info := float64(cpu()-c2) / float64(time.Millisecond) / reqs
	t.Logf("GET /api/v1/info: CPU %.3f ms/request; matches/info CPU ratio %.2f (the throughput ratio is its inverse)", info, info/perReq)
}
