package api

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func randomCohort(r *rand.Rand, nA, nB, maxCap int, density float64) ([]pairEdge, map[string]int) {
	capacity := map[string]int{}
	for i := range nA {
		capacity[fmt.Sprintf("a%d", i)] = 1 + r.IntN(maxCap)
	}
	for j := range nB {
		capacity[fmt.Sprintf("b%d", j)] = 1 + r.IntN(maxCap)
	}
	var edges []pairEdge
	for i := range nA {
		for j := range nB {
			if r.Float64() < density {
				edges = append(edges, pairEdge{fmt.Sprintf("a%d", i), fmt.Sprintf("b%d", j), math.Round(r.Float64()*1000) / 1000})
			}
		}
	}
	return edges, capacity
}

func withinCapacity(t *testing.T, pairs []pairEdge, capacity map[string]int) {
	t.Helper()
	used := map[string]int{}
	seen := map[string]bool{}
	for _, p := range pairs {
		used[p.A]++
		used[p.B]++
		if seen[p.A+"|"+p.B] {
			t.Fatalf("pair %v twice", p)
		}
		seen[p.A+"|"+p.B] = true
	}
	for id, n := range used {
		if n > capacity[id] {
			t.Fatalf("%s has %d introductions, capacity %d", id, n, capacity[id])
		}
	}
}

// TestOptimalAssignIsOptimal checks the flow against exhaustive search on small cohorts.
func TestOptimalAssignIsOptimal(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 60 {
		edges, capacity := randomCohort(r, 4, 4, 2, 0.7)
		if len(edges) > 14 {
			edges = edges[:14]
		}
		best := 0.0
		for mask := 0; mask < 1<<len(edges); mask++ {
			used := map[string]int{}
			total, ok := 0.0, true
			for i, e := range edges {
				if mask&(1<<i) != 0 {
					used[e.A]++
					used[e.B]++
					total += e.Score
					if used[e.A] > capacity[e.A] || used[e.B] > capacity[e.B] {
						ok = false
						break
					}
				}
			}
			if ok && total > best {
				best = total
			}
		}
		got := optimalAssign(edges, capacity)
		withinCapacity(t, got, capacity)
		if math.Abs(totalScore(got)-best) > 1e-9 {
			t.Fatalf("trial %d: flow total %.3f, exhaustive best %.3f", trial, totalScore(got), best)
		}
	}
}

// TestCohortOf200 is the measurement: a cohort of 200 (100 CCI, 100 AI, capacities 1–3):
// nobody over capacity, and the total is at least greedy's.
func TestCohortOf200(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		r := rand.New(rand.NewPCG(seed, 99))
		edges, capacity := randomCohort(r, 100, 100, 3, 0.3)
		opt, greedy := optimalAssign(edges, capacity), greedyAssign(edges, capacity)
		withinCapacity(t, opt, capacity)
		withinCapacity(t, greedy, capacity)
		to, tg := totalScore(opt), totalScore(greedy)
		if to+1e-9 < tg {
			t.Fatalf("seed %d: optimal %.3f < greedy %.3f", seed, to, tg)
		}
		t.Logf("seed %d: %d candidate pairs; optimal %d pairs, total %.3f; greedy %d pairs, total %.3f (+%.2f%%)",
			seed, len(edges), len(opt), to, len(greedy), tg, 100*(to-tg)/tg)
	}
}

func TestCohortDraftEndpoint(t *testing.T) {
	e := newEnv(t)
	broker, ana, bob := e.register("Broker"), e.register("Ana"), e.register("Bob")
	e.promote(&broker, "intermediary")
	var ids []string
	for i := range 3 {
		m := museum()
		m["name"], m["capacity"] = fmt.Sprintf("Museum %d", i), 1
		ids = append(ids, e.createActor(ana.Access, m))
	}
	for i := range 2 {
		s := startup()
		s["name"], s["capacity"] = fmt.Sprintf("Startup %d", i), 1
		ids = append(ids, e.createActor(bob.Access, s))
	}
	if r := e.call("POST", "/api/v1/cohorts/draft", map[string]any{"actor_ids": ids}, ana.Access); r.Status != 403 {
		t.Errorf("member: %d", r.Status)
	}
	if r := e.call("POST", "/api/v1/cohorts/draft", map[string]any{"actor_ids": []string{ids[0], "nope"}}, broker.Access); r.Status != 422 {
		t.Errorf("unknown actor: %d", r.Status)
	}
	r := e.call("POST", "/api/v1/cohorts/draft", map[string]any{"actor_ids": ids, "min_score": 0}, broker.Access)
	if r.Status != 200 {
		t.Fatalf("draft: %d %s", r.Status, r.Raw)
	}
	pairs := r.JSON["pairs"].([]any)
	// Capacity 1 each: at most two pairs (two startups), each startup and museum once.
	used := map[string]int{}
	for _, x := range pairs {
		p := x.(map[string]any)
		used[p["cci_actor_id"].(string)]++
		used[p["ai_actor_id"].(string)]++
	}
	for id, n := range used {
		if n > 1 {
			t.Errorf("%s paired %d times with capacity 1", id, n)
		}
	}
	if len(pairs) != 2 || r.JSON["total"].(float64) < r.JSON["greedy"].(map[string]any)["total"].(float64) {
		t.Errorf("draft = %s", r.Raw)
	}
}
