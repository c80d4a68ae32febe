package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crossover-cci/crossover/deploy/loadtest"
	"github.com/crossover-cci/crossover/models"
	"github.com/crossover-cci/crossover/models/dbtest"
)

// TestScaleOut runs two `crossover serve` processes on one PostgreSQL database, as replicas behind
// a load balancer would: an edit through replica 1 is in the matches replica 2 serves within 1 s, and
// the background jobs (introduction expiry, e-mail outbox) do each piece of work exactly once with
// both replicas up, and go on on replica 2 after replica 1 is killed.
func TestScaleOut(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary twice")
	}
	dbURL := dbtest.URL(t)
	if dbURL == "" {
		t.Skip("PostgreSQL only: replicas share a PostgreSQL database (set TEST_DATABASE_URL)")
	}
	ctx := context.Background()
	bin := buildBinary(t)
	env := processEnv(t, dbURL, "CROSSOVER_INTRO_EXPIRY=3s", "CROSSOVER_WORKER_INTERVAL=250ms")
	runTool(t, bin, env, "migrate", "up")
	runTool(t, bin, env, "seed")
	r1 := startReplica(t, bin, env)
	r2 := startReplica(t, bin, env)

	cat, err := r1.c.LoadCatalog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a, err := r1.c.Register(ctx, "replica-a@example.org", "replica test password a", "Replica A")
	if err != nil {
		t.Fatal(err)
	}
	b, err := r1.c.Register(ctx, "replica-b@example.org", "replica test password b", "Replica B")
	if err != nil {
		t.Fatal(err)
	}
	// X (CCI, owned by A) needs the AI skill every one of B's AI profiles offers, and offers what they need.
	r := rand.New(rand.NewPCG(7, 7))
	x := cat.Profile(r, 0)
	x["offers"] = []map[string]any{{"skill": cat.CCISkills[0], "level": 4}}
	x["needs"] = []map[string]any{{"skill": cat.AISkills[0], "importance": "must"}}
	xID, _, err := r1.c.CreateActor(ctx, a.Access, x)
	if err != nil {
		t.Fatal(err)
	}
	var ys []string
	for i := range 10 {
		y := cat.Profile(r, 2*i+1)
		y["offers"] = []map[string]any{{"skill": cat.AISkills[0], "level": 3 + i%2}}
		y["needs"] = []map[string]any{{"skill": cat.CCISkills[0], "importance": "must"}}
		y["capacity"] = 5
		id, _, err := r1.c.CreateActor(ctx, b.Access, y)
		if err != nil {
			t.Fatal(err)
		}
		ys = append(ys, id)
	}

	t.Run("edit through replica 1 visible in matches from replica 2", func(t *testing.T) {
		var delays []time.Duration
		for i := range 10 {
			id := ys[i]
			g, err := r1.c.GetActor(ctx, b.Access, id)
			if err != nil || g.Status != http.StatusOK {
				t.Fatalf("get: %v %d", err, g.Status)
			}
			name := fmt.Sprintf("Renamed through replica 1, edit %d", i)
			p, err := r1.c.PatchActor(ctx, b.Access, id, loadtest.IntOf(g.Body["version"]), map[string]any{"name": name})
			if err != nil || p.Status != http.StatusOK {
				t.Fatalf("patch: %v %d %s", err, p.Status, p.Raw)
			}
			acked := time.Now()
			for {
				m, err := r2.c.Matches(ctx, a.Access, xID, 50)
				if err != nil || m.Status != http.StatusOK {
					t.Fatalf("matches on replica 2: %v %d %s", err, m.Status, m.Raw)
				}
				if strings.Contains(string(m.Raw), name) {
					delays = append(delays, time.Since(acked))
					break
				}
				if time.Since(acked) > 5*time.Second {
					t.Fatalf("edit %d not visible on replica 2 after 5 s", i)
				}
				time.Sleep(5 * time.Millisecond)
			}
		}
		slices.Sort(delays)
		t.Logf("edit (replica 1) → visible in matches (replica 2): median %s, max %s over %d edits",
			delays[len(delays)/2], delays[len(delays)-1], len(delays))
		if delays[len(delays)-1] > time.Second {
			t.Fatalf("an edit took %s to be visible on the other replica (limit 1 s)", delays[len(delays)-1])
		}
	})

	store, err := models.Open(ctx, models.DBConfig{URL: dbURL, MaxOpenConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	db, _ := store.SQLDB()

	introduce := func(c *loadtest.Client, to string) string {
		t.Helper()
		res, err := c.Do(ctx, "POST", "/api/v1/introductions", a.Access, map[string]any{"from_actor_id": xID, "to_actor_id": to,
			"message": "We would like to explore a collaboration on this together."})
		if err != nil || res.Status != http.StatusCreated {
			t.Fatalf("introduction: %v %d %s", err, res.Status, res.Raw)
		}
		return res.Body["id"].(string)
	}
	waitExpired := func(c *loadtest.Client, ids []string) time.Duration {
		t.Helper()
		start := time.Now()
		for _, id := range ids {
			for {
				res, err := c.Do(ctx, "GET", "/api/v1/introductions/"+id, a.Access, nil)
				if err == nil && res.Status == http.StatusOK && res.Body["status"] == "expired" {
					break
				}
				if time.Since(start) > 30*time.Second {
					t.Fatalf("introduction %s never expired: %d %s\nreplica 1:\n%s\nreplica 2:\n%s", id, res.Status, res.Raw, tail(r1.logs.String()), tail(r2.logs.String()))
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
		return time.Since(start)
	}

	t.Run("background jobs: each piece of work once, then handed over when a replica dies", func(t *testing.T) {
		var first []string
		for i := range 4 {
			c := r1.c
			if i%2 == 1 {
				c = r2.c
			}
			first = append(first, introduce(c, ys[i]))
		}
		waitExpired(r2.c, first)
		checkExactlyOnce(t, db, first)
		exp1, exp2 := expiredLogged(r1.logs.String()), expiredLogged(r2.logs.String())
		if exp1+exp2 != len(first) {
			t.Fatalf("replicas logged %d + %d expiries for %d introductions", exp1, exp2, len(first))
		}
		t.Logf("with both replicas up: replica 1 expired %d, replica 2 expired %d of %d introductions", exp1, exp2, len(first))
		waitOutboxSent(t, db)

		// Kill the replica that did the expiring (SIGKILL: no shutdown), keep on with the other.
		dead, alive, before := r1, r2, exp2
		if exp2 > exp1 {
			dead, alive, before = r2, r1, exp1
		}
		dead.kill()
		var second []string
		for i := 4; i < 8; i++ {
			second = append(second, introduce(alive.c, ys[i]))
		}
		took := waitExpired(alive.c, second)
		checkExactlyOnce(t, db, append(first, second...))
		if got := expiredLogged(alive.logs.String()); got != before+len(second) {
			t.Fatalf("after the other replica was killed, the survivor logged %d expiries, want %d", got, before+len(second))
		}
		sent := waitOutboxSent(t, db)
		t.Logf("the replica that expired them killed (SIGKILL): the survivor expired the next %d introductions (all expired %s after creation, expiry 3 s) and delivered the outbox (%d e-mails in all, each once)",
			len(second), took.Round(100*time.Millisecond), sent)
		checkMessageIDsOnce(t, r1.logs.String()+r2.logs.String(), sent)
	})
}

func tail(s string) string {
	if len(s) > 3000 {
		return "…" + s[len(s)-3000:]
	}
	return s
}

// checkExactlyOnce: every introduction is expired by exactly one expiry event.
func checkExactlyOnce(t *testing.T, db *sql.DB, ids []string) {
	t.Helper()
	for _, id := range ids {
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM introduction_events WHERE introduction_id = $1 AND type = 'expired'", id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Fatalf("introduction %s has %d expiry events, want exactly 1", id, n)
		}
	}
}

// waitOutboxSent waits until the outbox is empty and checks that no e-mail took more than one attempt.
func waitOutboxSent(t *testing.T, db *sql.DB) int {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var total, sent, extra int
		if err := db.QueryRow("SELECT COUNT(*), COUNT(sent_at), COALESCE(SUM(CASE WHEN attempts > 1 THEN 1 ELSE 0 END), 0) FROM outbox").Scan(&total, &sent, &extra); err != nil {
			t.Fatal(err)
		}
		if extra > 0 {
			t.Fatalf("%d e-mails were attempted more than once", extra)
		}
		if total > 0 && sent == total {
			return sent
		}
		if time.Now().After(deadline) {
			t.Fatalf("outbox: %d of %d sent after 30 s", sent, total)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// expiredLogged sums the counts of the "introductions expired" log lines.
func expiredLogged(logs string) int {
	n := 0
	for _, line := range strings.Split(logs, "\n") {
		var rec struct {
			Msg   string `json:"msg"`
			Count int    `json:"count"`
		}
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "introductions expired" {
			n += rec.Count
		}
	}
	return n
}

// checkMessageIDsOnce: across both replicas' logs, each e-mail was handed to the mailer once.
func checkMessageIDsOnce(t *testing.T, logs string, want int) {
	t.Helper()
	seen := map[string]int{}
	for _, line := range strings.Split(logs, "\n") {
		var rec struct {
			Msg       string `json:"msg"`
			MessageID string `json:"message_id"`
		}
		if json.Unmarshal([]byte(line), &rec) == nil && strings.HasPrefix(rec.Msg, "would send e-mail") {
			seen[rec.MessageID]++
		}
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("e-mail %s was sent %d times", id, n)
		}
	}
	if len(seen) != want {
		t.Fatalf("the mailers saw %d e-mails, the outbox says %d were sent", len(seen), want)
	}
}
