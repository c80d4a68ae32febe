package api

import (
	"math"
	"net/http"
	"sort"

	"github.com/labstack/echo/v4"

	"github.com/crossover-cci/crossover/models"
)

// Batch matching for an organiser's cohort: one global assignment of CCI actors to AI actors that
// maximises the total score while nobody gets more introductions than their capacity. It is a
// max-weight bipartite b-matching, solved exactly as a min-cost flow (source → CCI actor, capacity =
// its capacity; CCI → AI, capacity 1, cost −score; AI → sink, capacity = its capacity) by successive
// shortest paths, stopping when the next path would no longer add score. Deferred acceptance would
// give stability instead of the best total; the organiser's goal here is the most value in one
// event, so the total is the objective. Greedy (best pair first) is kept as the baseline the draft
// reports beside it. The draft is not stored: the organiser reviews and edits it, then publishes the
// pairs as brokered introductions (POST /introductions with broker_actor_id).

// pairEdge is a candidate pair with its score.
type pairEdge struct {
	A, B  string // A: the CCI actor, B: the AI actor
	Score float64
}

// greedyAssign takes pairs best first while both sides have capacity left.
func greedyAssign(edges []pairEdge, capacity map[string]int) []pairEdge {
	sorted := append([]pairEdge(nil), edges...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Score > sorted[j].Score })
	left := map[string]int{}
	for k, v := range capacity {
		left[k] = v
	}
	var out []pairEdge
	for _, e := range sorted {
		if e.Score > 0 && left[e.A] > 0 && left[e.B] > 0 {
			out = append(out, e)
			left[e.A]--
			left[e.B]--
		}
	}
	return out
}

// optimalAssign returns a maximum-total-score set of pairs with every actor within its capacity.
func optimalAssign(edges []pairEdge, capacity map[string]int) []pairEdge {
	type arc struct {
		to, rev, cap int
		cost         float64
		pair         int // index into edges, -1 for source/sink arcs
	}
	node := map[string]int{}
	var names []string
	id := func(kind, name string) int {
		k := kind + name
		if n, ok := node[k]; ok {
			return n
		}
		node[k] = len(names) + 2
		names = append(names, k)
		return node[k]
	}
	const src, sink = 0, 1
	for _, e := range edges {
		id("a", e.A)
		id("b", e.B)
	}
	g := make([][]arc, len(names)+2)
	add := func(u, v, c int, cost float64, pair int) {
		g[u] = append(g[u], arc{v, len(g[v]), c, cost, pair})
		g[v] = append(g[v], arc{u, len(g[u]) - 1, 0, -cost, -1})
	}
	seen := map[int]bool{}
	for i, e := range edges {
		if e.Score <= 0 {
			continue
		}
		a, b := id("a", e.A), id("b", e.B)
		if !seen[a] {
			add(src, a, capacity[e.A], 0, -1)
			seen[a] = true
		}
		if !seen[b] {
			add(b, sink, capacity[e.B], 0, -1)
			seen[b] = true
		}
		add(a, b, 1, -e.Score, i)
	}
	n := len(g)
	for {
		// Bellman-Ford (queue-based) on the residual graph: costs may be negative, cycles are not.
		dist := make([]float64, n)
		prevNode, prevArc := make([]int, n), make([]int, n)
		inQueue := make([]bool, n)
		for i := range dist {
			dist[i], prevNode[i] = math.Inf(1), -1
		}
		dist[src] = 0
		queue := []int{src}
		inQueue[src] = true
		for len(queue) > 0 {
			u := queue[0]
			queue = queue[1:]
			inQueue[u] = false
			for i, a := range g[u] {
				if a.cap > 0 && dist[u]+a.cost < dist[a.to]-1e-12 {
					dist[a.to] = dist[u] + a.cost
					prevNode[a.to], prevArc[a.to] = u, i
					if !inQueue[a.to] {
						queue = append(queue, a.to)
						inQueue[a.to] = true
					}
				}
			}
		}
		if math.IsInf(dist[sink], 1) || dist[sink] >= -1e-12 {
			break // no path left that adds score
		}
		flow := math.MaxInt
		for v := sink; v != src; v = prevNode[v] {
			flow = min(flow, g[prevNode[v]][prevArc[v]].cap)
		}
		for v := sink; v != src; v = prevNode[v] {
			a := &g[prevNode[v]][prevArc[v]]
			a.cap -= flow
			g[v][a.rev].cap += flow
		}
	}
	var out []pairEdge
	for u := range g {
		for _, a := range g[u] {
			if a.pair >= 0 && a.cap == 0 {
				out = append(out, edges[a.pair])
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].A+out[i].B < out[j].A+out[j].B
	})
	return out
}

func totalScore(pairs []pairEdge) float64 {
	t := 0.0
	for _, p := range pairs {
		t += p.Score
	}
	return t
}

type cohortDraftRequest struct {
	ActorIDs []string `json:"actor_ids"`
	MinScore *float64 `json:"min_score"`
}

// draftCohort proposes the batch assignment for a cohort of actors (intermediaries and admins).
func (s *Server) draftCohort(c echo.Context) error {
	var req cohortDraftRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if len(req.ActorIDs) < 2 || len(req.ActorIDs) > 500 {
		return models.Invalid("actor_ids", "must list 2 to 500 actors")
	}
	minScore := 0.2
	if req.MinScore != nil {
		if *req.MinScore < 0 || *req.MinScore > 1 {
			return models.Invalid("min_score", "must be from 0 to 1")
		}
		minScore = *req.MinScore
	}
	ctx := c.Request().Context()
	found, err := s.store.ActorsIn(ctx, req.ActorIDs)
	if err != nil {
		return err
	}
	ve := &models.ValidationError{}
	for i, id := range req.ActorIDs {
		if found[id] == nil {
			ve.Addf("actor_ids["+itoa(i)+"]", "is not a visible actor")
		}
	}
	if err := ve.Err(); err != nil {
		return err
	}
	ix := s.matcher.index()
	if ix == nil {
		return &apiError{Status: http.StatusServiceUnavailable, Code: "index_loading", Message: "The matching index is still loading: try again in a moment."}
	}
	if err := s.matcher.catchUp(ctx); err != nil {
		return err
	}
	var ccis, ais []*models.Actor
	capacity := map[string]int{}
	for _, a := range found {
		capacity[a.ID] = a.Capacity
		switch a.Kind {
		case "cci":
			ccis = append(ccis, a)
		case "ai":
			ais = append(ais, a)
		}
	}
	var edges []pairEdge
	for _, a := range ccis {
		for _, b := range ais {
			if ix.Excluded(a.ID, b.ID) || (a.OwnerID != nil && b.OwnerID != nil && *a.OwnerID == *b.OwnerID) {
				continue
			}
			if score, _, _, ok := ix.PairScore(a.ID, b.ID); ok && score >= minScore {
				edges = append(edges, pairEdge{a.ID, b.ID, score})
			}
		}
	}
	sort.Slice(edges, func(i, j int) bool { return edges[i].A+edges[i].B < edges[j].A+edges[j].B }) // deterministic
	opt, greedy := optimalAssign(edges, capacity), greedyAssign(edges, capacity)
	view := func(ps []pairEdge) []map[string]any {
		out := make([]map[string]any, len(ps))
		for i, p := range ps {
			out[i] = map[string]any{"cci_actor_id": p.A, "cci_name": found[p.A].Name, "ai_actor_id": p.B, "ai_name": found[p.B].Name, "score": p.Score}
		}
		return out
	}
	return c.JSON(http.StatusOK, map[string]any{
		"method":     "max-weight bipartite b-matching (min-cost flow), CCI × AI, capacities respected",
		"pairs":      view(opt),
		"total":      totalScore(opt),
		"greedy":     map[string]any{"pairs": len(greedy), "total": totalScore(greedy)},
		"candidates": len(edges), "cci": len(ccis), "ai": len(ais), "min_score": minScore,
	})
}
