package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crossover-cci/crossover/deploy/loadtest"
	"github.com/crossover-cci/crossover/models/dbtest"
)

// The reliability suites run the real binary under load. They are heavy, so they run only when
// CROSSOVER_RELIABILITY is "short" (CI: bounded, about a minute) or "full" (`make reliability`);
// docs/RELIABILITY.md has the figures and the commands.

type relMode struct {
	name       string
	populate   int           // background profiles created through the API
	loadFor    time.Duration // the mixed-load suite
	loadRate   float64
	faultRate  float64
	editors    int // concurrent editors of the same profiles
	editRounds int
}

func reliabilityMode(t *testing.T) relMode {
	switch os.Getenv("CROSSOVER_RELIABILITY") {
	case "short":
		return relMode{name: "short", populate: 200, loadFor: 10 * time.Second, loadRate: 100, faultRate: 40, editors: 50, editRounds: 6}
	case "full":
		return relMode{name: "full", populate: 5000, loadFor: 60 * time.Second, loadRate: 300, faultRate: 100, editors: 50, editRounds: 40}
	}
	t.Skip("set CROSSOVER_RELIABILITY=short or full (make reliability) to run the reliability suites")
	return relMode{}
}

// relFixture is a server with accounts and profiles to load.
type relFixture struct {
	bin, dbURL string
	env        []string
	srv        *replica
	cat        *loadtest.Catalog
	owner      loadtest.Account // owns the profiles that are read, matched and edited
	other      loadtest.Account // owns the introduction targets and the background
	own        []string
	targets    []string
}

func newRelFixture(t *testing.T, bin string, m relMode, extraEnv ...string) *relFixture {
	t.Helper()
	ctx := context.Background()
	f := &relFixture{bin: bin, dbURL: dbtest.URL(t)}
	f.env = processEnv(t, f.dbURL, append([]string{"CROSSOVER_LOG_LEVEL=warn"}, extraEnv...)...)
	if f.dbURL != "" {
		runTool(t, f.bin, f.env, "migrate", "up")
		runTool(t, f.bin, f.env, "seed")
	}
	f.srv = startReplica(t, f.bin, f.env)
	c := f.srv.c
	var err error
	if f.cat, err = c.LoadCatalog(ctx); err != nil {
		t.Fatal(err)
	}
	if f.owner, err = c.Register(ctx, "rel-owner@example.org", "reliability owner password", "Reliability owner"); err != nil {
		t.Fatal(err)
	}
	if f.other, err = c.Register(ctx, "rel-other@example.org", "reliability other password", "Reliability other"); err != nil {
		t.Fatal(err)
	}
	if _, err = c.Populate(ctx, f.cat, f.other.Access, m.populate, 8, 11, nil); err != nil {
		t.Fatal(err)
	}
	if f.own, err = c.Populate(ctx, f.cat, f.owner.Access, 40, 4, 12, nil); err != nil {
		t.Fatal(err)
	}
	if f.targets, err = c.Populate(ctx, f.cat, f.other.Access, 40, 4, 13, nil); err != nil {
		t.Fatal(err)
	}
	return f
}

// ledger remembers every write the server acknowledged with a 2xx, to read them all back later.
type ledger struct {
	mu      sync.Mutex
	edits   map[string]ledgerEdit // actor → the last acknowledged edit
	created []string
	// an edit with no answer (transport error, 5xx) may or may not have been applied: the next edit
	// of that actor re-reads its version first.
	uncertain map[string]bool
	version   map[string]int
	locks     map[string]*sync.Mutex
	acked     int // edits answered 200
}

type ledgerEdit struct {
	version int
	bio     string
}

func newLedger(ids []string) *ledger {
	l := &ledger{edits: map[string]ledgerEdit{}, uncertain: map[string]bool{}, version: map[string]int{}, locks: map[string]*sync.Mutex{}}
	for _, id := range ids {
		l.version[id] = 1
		l.locks[id] = &sync.Mutex{}
	}
	return l
}

// edit makes one versioned edit of id; edits of one actor never overlap, so a 409 is a bug here.
func (l *ledger) edit(ctx context.Context, c *loadtest.Client, token, id string, n int) loadtest.Outcome {
	lock := l.locks[id]
	lock.Lock()
	defer lock.Unlock()
	l.mu.Lock()
	v, unsure := l.version[id], l.uncertain[id]
	l.mu.Unlock()
	if unsure {
		g, err := c.GetActor(ctx, token, id)
		if err != nil || g.Status != http.StatusOK {
			return loadtest.Outcome{Op: "reread", Status: g.Status, Err: err}
		}
		v = loadtest.IntOf(g.Body["version"])
	}
	bio := fmt.Sprintf("ledger edit %d", n)
	r, err := c.PatchActor(ctx, token, id, v, map[string]any{"bio": bio, "capacity": 1 + n%5})
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case r.Status == http.StatusOK:
		nv := loadtest.IntOf(r.Body["version"])
		l.version[id], l.uncertain[id] = nv, false
		l.edits[id] = ledgerEdit{version: nv, bio: bio}
		l.acked++
	case r.Status == 0 || r.Status >= 500:
		l.uncertain[id] = true
	}
	return loadtest.Outcome{Op: "edit", Status: r.Status, Err: err}
}

// verify reads every acknowledged write back: created profiles exist; each edited profile is at
// least at its last acknowledged version (each version is one edit, so every earlier acknowledged
// edit is in it too), and holds exactly that edit when no later, unanswered edit went through.
// It returns a one-line summary and the number of writes missing.
func (l *ledger) verify(t *testing.T, c *loadtest.Client, token string) (string, int) {
	t.Helper()
	ctx := context.Background()
	l.mu.Lock()
	defer l.mu.Unlock()
	lost := 0
	for _, id := range l.created {
		g, err := c.GetActor(ctx, token, id)
		if err != nil || g.Status != http.StatusOK {
			t.Errorf("acknowledged profile %s is missing: %v %d", id, err, g.Status)
			lost++
		}
	}
	for id, e := range l.edits {
		g, err := c.GetActor(ctx, token, id)
		if err != nil || g.Status != http.StatusOK {
			t.Errorf("read back %s: %v %d", id, err, g.Status)
			lost++
			continue
		}
		v := loadtest.IntOf(g.Body["version"])
		switch {
		case v < e.version:
			t.Errorf("profile %s is at version %d, but version %d was acknowledged: a write was lost", id, v, e.version)
			lost++
		case v == e.version && g.Body["bio"] != e.bio:
			t.Errorf("profile %s at the acknowledged version %d holds %q, not the acknowledged %q", id, v, g.Body["bio"], e.bio)
			lost++
		}
	}
	return fmt.Sprintf("acknowledged writes: %d creates + %d edits on %d profiles; read back: %d missing", len(l.created), l.acked, len(l.edits), lost), lost
}

func TestReliability(t *testing.T) {
	m := reliabilityMode(t)
	if testing.Short() {
		t.Skip("-short")
	}
	t.Logf("mode %s on %s", m.name, map[bool]string{true: "PostgreSQL", false: "the embedded SQLite"}[os.Getenv("TEST_DATABASE_URL") != ""])
	bin := buildBinary(t)
	t.Run("load", func(t *testing.T) { relLoad(t, bin, m) })
	t.Run("concurrent-edits", func(t *testing.T) { relConcurrentEdits(t, bin, m) })
	t.Run("graceful-shutdown", func(t *testing.T) { relShutdown(t, bin, m) })
	t.Run("postgres-restart", func(t *testing.T) { relPostgresRestart(t, bin, m) })
}

// relLoad: the mixed workload at a constant arrival rate: matches, profile reads, versioned edits,
// lists and introduction requests. No 5xx, no transport error.
func relLoad(t *testing.T, bin string, m relMode) {
	f := newRelFixture(t, bin, m)
	c := f.srv.c
	l := newLedger(f.own)
	var sentIntros atomic.Int64
	rep := loadtest.Run(context.Background(), loadtest.Plan{Rate: m.loadRate, Duration: m.loadFor}, func(ctx context.Context, i int) loadtest.Outcome {
		id := f.own[i%len(f.own)]
		switch k := i % 20; {
		case k < 12:
			r, err := c.Matches(ctx, f.owner.Access, id, 20)
			return loadtest.Outcome{Op: "matches", Status: r.Status, Err: err}
		case k < 15:
			r, err := c.GetActor(ctx, f.owner.Access, f.targets[i%len(f.targets)])
			return loadtest.Outcome{Op: "read", Status: r.Status, Err: err}
		case k < 18:
			return l.edit(ctx, c, f.owner.Access, id, i)
		case k < 19:
			r, err := c.Do(ctx, "GET", "/api/v1/actors?limit=20&kind=ai", f.owner.Access, nil)
			return loadtest.Outcome{Op: "list", Status: r.Status, Err: err}
		default:
			sentIntros.Add(1)
			r, err := c.Do(ctx, "POST", "/api/v1/introductions", f.owner.Access, map[string]any{"from_actor_id": id,
				"to_actor_id": f.targets[i%len(f.targets)], "message": "Load test: we would like to explore a collaboration."})
			return loadtest.Outcome{Op: "introduce", Status: r.Status, Err: err}
		}
	})
	var b strings.Builder
	rep.Print(&b, "mixed load")
	t.Log("\n" + b.String())
	if rep.Errors() > 0 {
		t.Errorf("%d transport errors or 5xx under load", rep.Errors())
	}
	for op, s := range rep.Ops {
		for st, n := range s.ByStatus {
			// Introductions run into their limits (10 pending, 20 a day, one open per pair): 409, 422, 429 are answers.
			if st >= 400 && !(op == "introduce" && (st == 409 || st == 422 || st == 429)) {
				t.Errorf("%s: %d × status %d", op, n, st)
			}
		}
	}
	summary, _ := l.verify(t, c, f.owner.Access)
	t.Log(summary)
}

// relConcurrentEdits: m.editors clients edit the same 5 profiles with versions. Every answer is 200
// or 409, and each profile's final version is 1 + its number of 200s: no edit was lost.
func relConcurrentEdits(t *testing.T, bin string, m relMode) {
	f := newRelFixture(t, bin, relMode{populate: 0})
	c := f.srv.c
	ctx := context.Background()
	targets := f.own[:5]
	var mu sync.Mutex
	ok := map[string]int{}
	statuses := map[int]int{}
	lastBio := map[string]struct {
		v   int
		bio string
	}{}
	var wg sync.WaitGroup
	start := time.Now()
	for e := 0; e < m.editors; e++ {
		wg.Add(1)
		go func(e int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(e), 3))
			for k := 0; k < m.editRounds; k++ {
				id := targets[r.IntN(len(targets))]
				g, err := c.GetActor(ctx, f.owner.Access, id)
				if err != nil || g.Status != http.StatusOK {
					t.Errorf("read: %v %d", err, g.Status)
					return
				}
				bio := fmt.Sprintf("editor %d round %d", e, k)
				p, err := c.PatchActor(ctx, f.owner.Access, id, loadtest.IntOf(g.Body["version"]), map[string]any{"bio": bio})
				if err != nil {
					t.Errorf("patch: %v", err)
					return
				}
				mu.Lock()
				statuses[p.Status]++
				if p.Status == http.StatusOK {
					ok[id]++
					if v := loadtest.IntOf(p.Body["version"]); v > lastBio[id].v {
						lastBio[id] = struct {
							v   int
							bio string
						}{v, bio}
					}
				}
				mu.Unlock()
			}
		}(e)
	}
	wg.Wait()
	took := time.Since(start)
	for st, n := range statuses {
		if st != http.StatusOK && st != http.StatusConflict {
			t.Errorf("%d × status %d: concurrent edits must answer 200 or 409 only", n, st)
		}
	}
	total := 0
	for _, id := range targets {
		g, _ := c.GetActor(ctx, f.owner.Access, id)
		v := loadtest.IntOf(g.Body["version"])
		if v != 1+ok[id] {
			t.Errorf("profile %s: version %d after %d acknowledged edits from version 1: an update was lost", id, v, ok[id])
		}
		if g.Body["bio"] != lastBio[id].bio {
			t.Errorf("profile %s holds %q, the last acknowledged edit wrote %q", id, g.Body["bio"], lastBio[id].bio)
		}
		total += ok[id]
	}
	t.Logf("%d editors × %d rounds on %d profiles in %s: %d × 200, %d × 409, other %d; final versions = 1 + acknowledged edits on every profile",
		m.editors, m.editRounds, len(targets), took.Round(time.Millisecond), statuses[200], statuses[409], len(statuses)-min(len(statuses), 2))
	if total == 0 || statuses[http.StatusConflict] == 0 {
		t.Errorf("the run proves nothing: %d edits went through, %d conflicts", total, statuses[http.StatusConflict])
	}
}

// relShutdown: SIGTERM in the middle of a constant load. The requests in flight complete, none
// answers 5xx, the process exits 0 within the shutdown deadline; after the signal new connections
// are refused (the load balancer's readiness check takes the replica out before that).
func relShutdown(t *testing.T, bin string, m relMode) {
	f := newRelFixture(t, bin, relMode{populate: 100})
	c := f.srv.c
	l := newLedger(f.own)
	var signalled atomic.Int64 // unix nanos of the SIGTERM
	var stopErr error
	var stopTook time.Duration
	var afterSignalOK atomic.Int64
	done := make(chan struct{})
	go func() {
		time.Sleep(1500 * time.Millisecond)
		signalled.Store(time.Now().UnixNano())
		stopErr, stopTook = f.srv.stop(30 * time.Second)
		close(done)
	}()
	rep := loadtest.Run(context.Background(), loadtest.Plan{Rate: 200, Duration: 3 * time.Second}, func(ctx context.Context, i int) loadtest.Outcome {
		var o loadtest.Outcome
		if i%5 == 4 {
			o = l.edit(ctx, c, f.owner.Access, f.own[i%len(f.own)], i)
		} else {
			r, err := c.Matches(ctx, f.owner.Access, f.own[i%len(f.own)], 20)
			o = loadtest.Outcome{Op: "matches", Status: r.Status, Err: err}
		}
		if s := signalled.Load(); s != 0 && o.Status >= 200 && o.Status < 300 && time.Now().UnixNano() > s {
			afterSignalOK.Add(1)
		}
		return o
	})
	<-done
	var b strings.Builder
	rep.Print(&b, "load across SIGTERM")
	t.Log("\n" + b.String())
	fiveXX := 0
	for _, s := range rep.Ops {
		fiveXX += s.Count5xx()
	}
	if fiveXX > 0 {
		t.Errorf("%d answers were 5xx during the shutdown", fiveXX)
	}
	if stopErr != nil {
		t.Errorf("exit after SIGTERM: %v (took %s)\n%s", stopErr, stopTook, tail(f.srv.logs.String()))
	}
	t.Logf("SIGTERM → exit 0 in %s; %d requests answered 2xx after the signal (in flight or on open connections); 5xx: %d; refused after the listener closed: %d",
		stopTook.Round(time.Millisecond), afterSignalOK.Load(), fiveXX, rep.Ops["matches"].Transport+transport(rep, "edit"))
	// Every acknowledged edit survived the shutdown: read them back on a fresh process.
	again := startReplica(t, f.bin, f.env)
	summary, _ := l.verify(t, again.c, f.owner.Access)
	t.Log("after a restart: " + summary)
}

func transport(rep *loadtest.Report, op string) int {
	if s := rep.Ops[op]; s != nil {
		return s.Transport
	}
	return 0
}

// relPostgresRestart: PostgreSQL restarts (pg_ctlcluster --mode immediate restart: a crash-like
// stop, then a start with WAL recovery) in the middle of a write load.
// /readyz says not ready while it is away and ready again within 5 s of its return, and every write
// that was acknowledged with a 2xx is in the database afterwards.
func relPostgresRestart(t *testing.T, bin string, m relMode) {
	if os.Getenv("TEST_DATABASE_URL") == "" {
		t.Skip("PostgreSQL only (set TEST_DATABASE_URL)")
	}
	vers, _ := filepath.Glob("/etc/postgresql/*/main")
	if len(vers) == 0 {
		t.Skip("no local PostgreSQL cluster under /etc/postgresql to restart")
	}
	sort.Strings(vers)
	version := filepath.Base(filepath.Dir(vers[len(vers)-1]))
	if _, err := exec.LookPath("pg_ctlcluster"); err != nil {
		t.Skip("pg_ctlcluster not found")
	}
	f := newRelFixture(t, bin, relMode{populate: 100})
	c := f.srv.c
	l := newLedger(f.own)
	var createdMu sync.Mutex

	// Readiness, sampled every 25 ms for the whole run.
	type sample struct {
		at    time.Time
		ready bool
	}
	var samplesMu sync.Mutex
	var samples []sample
	stopSampling := make(chan struct{})
	var sampler sync.WaitGroup
	sampler.Add(1)
	go func() {
		defer sampler.Done()
		for {
			select {
			case <-stopSampling:
				return
			case <-time.After(25 * time.Millisecond):
			}
			ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
			r, err := c.Do(ctx, "GET", "/readyz", "", nil)
			cancel()
			samplesMu.Lock()
			samples = append(samples, sample{time.Now(), err == nil && r.Status == http.StatusOK})
			samplesMu.Unlock()
		}
	}()

	// The restart runs while the load goes on; the load ends 5 s after PostgreSQL is back.
	var stopped, started time.Time
	var ctlErr error
	loadCtx, endLoad := context.WithCancel(context.Background())
	restarted := make(chan struct{})
	go func() {
		defer close(restarted)
		defer func() { time.AfterFunc(5*time.Second, endLoad) }()
		time.Sleep(3 * time.Second)
		stopped = time.Now()
		// Immediate mode: PostgreSQL stops like a crash (no shutdown checkpoint, which on a busy disk
		// took 10 to 35 s here) and replays its WAL on start; acknowledged commits must survive that.
		out, err := exec.Command("pg_ctlcluster", "--skip-systemctl-redirect", "--mode", "immediate", version, "main", "restart").CombinedOutput()
		if err != nil {
			ctlErr = fmt.Errorf("pg_ctlcluster --mode immediate %s main restart: %v: %s", version, err, out)
		}
		for i := 0; i < 200 && exec.Command("pg_isready", "-h", "127.0.0.1", "-q").Run() != nil; i++ {
			time.Sleep(50 * time.Millisecond)
		}
		started = time.Now()
	}()
	t.Cleanup(func() { // never leave the machine without its database
		<-restarted
		if exec.Command("pg_isready", "-h", "127.0.0.1", "-q").Run() != nil {
			exec.Command("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start").Run()
		}
	})
	rep := loadtest.Run(loadCtx, loadtest.Plan{Rate: m.faultRate, Duration: 2 * time.Minute, MaxInFlight: 256}, func(ctx context.Context, i int) loadtest.Outcome {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if i%5 == 0 {
			id, _, err := c.CreateActor(ctx, f.owner.Access, f.cat.Profile(rand.New(rand.NewPCG(99, uint64(i))), i))
			if err == nil {
				createdMu.Lock()
				l.created = append(l.created, id)
				createdMu.Unlock()
				return loadtest.Outcome{Op: "create", Status: http.StatusCreated}
			}
			if se, ok := err.(*loadtest.StatusError); ok {
				return loadtest.Outcome{Op: "create", Status: se.Status, Err: err}
			}
			return loadtest.Outcome{Op: "create", Err: err}
		}
		return l.edit(ctx, c, f.owner.Access, f.own[i%len(f.own)], i)
	})
	<-restarted
	close(stopSampling)
	sampler.Wait()
	if ctlErr != nil {
		t.Fatal(ctlErr)
	}
	var b strings.Builder
	rep.Print(&b, "writes across a PostgreSQL restart")
	t.Log("\n" + b.String())

	notReady, recovered := false, time.Time{}
	for _, s := range samples {
		if s.at.After(stopped) && s.at.Before(started) && !s.ready {
			notReady = true
		}
		if s.at.After(started) && s.ready && recovered.IsZero() {
			recovered = s.at
		}
	}
	if !notReady {
		t.Error("/readyz never said not ready while PostgreSQL was stopped")
	}
	if recovered.IsZero() {
		t.Fatalf("/readyz did not recover after PostgreSQL came back\n%s", tail(f.srv.logs.String()))
	}
	back := recovered.Sub(started)
	if back > 5*time.Second {
		t.Errorf("/readyz recovered %s after PostgreSQL accepted connections again (limit 5 s)", back)
	}
	// Writes succeed again without a restart of crossover.
	if o := l.edit(context.Background(), c, f.owner.Access, f.own[0], 1_000_000); o.Status != http.StatusOK {
		t.Errorf("an edit after the recovery: %d %v", o.Status, o.Err)
	}
	summary, _ := l.verify(t, c, f.owner.Access)
	t.Logf("PostgreSQL away %s (pg_ctlcluster --mode immediate restart until pg_isready); /readyz not ready while down: %v; ready again %s after PostgreSQL accepted connections; %s",
		started.Sub(stopped).Round(10*time.Millisecond), notReady, back.Round(time.Millisecond), summary)
}
