package api

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/crossover-cci/crossover/matching"
	"github.com/crossover-cci/crossover/models"
)

// Batch matching for an organiser's cohort: one global assignment of CCI actors to AI actors that
// maximises the total score while nobody gets more introductions than their capacity. It is a
// max-weight bipartite b-matching, solved exactly as a min-cost flow (source → CCI actor, capacity =
// its capacity; CCI → AI, capacity 1, cost −score; AI → sink, capacity = its capacity) by successive
// shortest paths, stopping when the next path would no longer add score. Deferred acceptance would
// give stability instead of the best total; the organiser's goal here is the most value in one
// event, so the total is the objective. Greedy (best pair first) is kept as the baseline the draft
// reports beside it. POST /cohorts/draft computes a draft over any list of actors and stores nothing;
// a stored cohort (cohort_members.go) keeps its draft, which the organiser edits and publishes as
// brokered introductions (POST /cohorts/:id/draft/publish).

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

// pairRule applies the engine's hard rules to a candidate pair and says why it may not be matched
// ("" when it may): one CCI and one AI actor, both available, not excluded (not interested, met
// before, an introduction in progress), not two profiles of one member, a language in common.
func pairRule(ix *matching.Index, a, b *models.Actor) string {
	switch {
	case a.ID == b.ID:
		return "is the same actor twice"
	case !(a.Kind == "cci" && b.Kind == "ai") && !(a.Kind == "ai" && b.Kind == "cci"):
		return "a pair is one CCI actor and one AI actor"
	case !a.Available:
		return a.Name + " is not available for new collaborations"
	case !b.Available:
		return b.Name + " is not available for new collaborations"
	case !a.Requestable():
		return a.Name + " has not been claimed by anyone, so nobody could answer"
	case !b.Requestable():
		return b.Name + " has not been claimed by anyone, so nobody could answer"
	case ix.Excluded(a.ID, b.ID):
		return "these two are excluded from matching (not interested, met before, or an introduction in progress)"
	case a.OwnerID != nil && b.OwnerID != nil && *a.OwnerID == *b.OwnerID && !a.Managed && !b.Managed:
		return "both profiles belong to the same member"
	case len(a.Languages) > 0 && len(b.Languages) > 0 && len(intersect(a.Languages, b.Languages)) == 0:
		return "they have no language in common"
	}
	return ""
}

// batch is one batch matching over a set of actors.
type batch struct {
	edges        []pairEdge
	optimal      []pairEdge
	greedy       []pairEdge
	ccis, ais    int
	minScore     float64
	capacityLeft map[string]int
}

// runBatch scores every allowed CCI × AI pair of actors at or above minScore (skipping the pairs
// in skip) and assigns them within capacity: capacity[id] when given, else each actor's capacity.
func (s *Server) runBatch(ctx context.Context, actors map[string]*models.Actor, minScore float64, capacity map[string]int, skip map[string]bool) (*batch, error) {
	ix, err := s.liveIndex(ctx)
	if err != nil {
		return nil, err
	}
	b := &batch{minScore: minScore, capacityLeft: capacity}
	if capacity == nil {
		b.capacityLeft = map[string]int{}
		for _, a := range actors {
			b.capacityLeft[a.ID] = a.Capacity
		}
	}
	var ccis, ais []*models.Actor
	for _, a := range actors {
		switch a.Kind {
		case "cci":
			ccis = append(ccis, a)
		case "ai":
			ais = append(ais, a)
		}
	}
	b.ccis, b.ais = len(ccis), len(ais)
	for _, a := range ccis {
		for _, o := range ais {
			if skip[a.ID+"|"+o.ID] || pairRule(ix, a, o) != "" {
				continue
			}
			if score, _, _, ok := ix.PairScore(a.ID, o.ID); ok && score >= minScore && score > 0 {
				b.edges = append(b.edges, pairEdge{a.ID, o.ID, score})
			}
		}
	}
	sort.Slice(b.edges, func(i, j int) bool { return b.edges[i].A+b.edges[i].B < b.edges[j].A+b.edges[j].B }) // deterministic
	b.optimal, b.greedy = optimalAssign(b.edges, b.capacityLeft), greedyAssign(b.edges, b.capacityLeft)
	return b, nil
}

type cohortDraftRequest struct {
	ActorIDs []string `json:"actor_ids"`
	MinScore *float64 `json:"min_score"`
}

// minScoreOf reads the optional min_score of a draft request (0.2 when absent).
func minScoreOf(v *float64) (float64, error) {
	if v == nil {
		return 0.2, nil
	}
	if *v < 0 || *v > 1 {
		return 0, models.Invalid("min_score", "must be from 0 to 1")
	}
	return *v, nil
}

const batchMethod = "max-weight bipartite b-matching (min-cost flow), CCI × AI, capacities respected"

// draftCohort proposes the batch assignment for a list of actors (intermediaries and admins); it
// stores nothing.
func (s *Server) draftCohort(c echo.Context) error {
	var req cohortDraftRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if len(req.ActorIDs) < 2 || len(req.ActorIDs) > 500 {
		return models.Invalid("actor_ids", "must list 2 to 500 actors")
	}
	minScore, err := minScoreOf(req.MinScore)
	if err != nil {
		return err
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
	b, err := s.runBatch(ctx, found, minScore, nil, nil)
	if err != nil {
		return err
	}
	view := func(ps []pairEdge) []map[string]any {
		out := make([]map[string]any, len(ps))
		for i, p := range ps {
			out[i] = map[string]any{"cci_actor_id": p.A, "cci_name": found[p.A].Name, "ai_actor_id": p.B, "ai_name": found[p.B].Name, "score": p.Score}
		}
		return out
	}
	return c.JSON(http.StatusOK, map[string]any{
		"method":     batchMethod,
		"pairs":      view(b.optimal),
		"total":      totalScore(b.optimal),
		"greedy":     map[string]any{"pairs": len(b.greedy), "total": totalScore(b.greedy)},
		"candidates": len(b.edges), "cci": b.ccis, "ai": b.ais, "min_score": minScore,
	})
}

// ---- The stored draft of a cohort ----

type storedDraftRequest struct {
	MinScore *float64 `json:"min_score"`
}

type pairRequest struct {
	CCIActorID string `json:"cci_actor_id"`
	AIActorID  string `json:"ai_actor_id"`
}

type publishRequest struct {
	BrokerActorID string `json:"broker_actor_id"`
	Message       string `json:"message"`
}

type draftPairView struct {
	ID                 string     `json:"id"`
	CCIActorID         string     `json:"cci_actor_id"`
	CCIName            string     `json:"cci_name"`
	AIActorID          string     `json:"ai_actor_id"`
	AIName             string     `json:"ai_name"`
	Score              float64    `json:"score"`
	Source             string     `json:"source"`
	IntroductionID     *string    `json:"introduction_id"`
	IntroductionStatus *string    `json:"introduction_status"`
	PublishedAt        *time.Time `json:"published_at"`
}

type draftView struct {
	CohortID     string          `json:"cohort_id"`
	Method       string          `json:"method"`
	DraftedAt    *time.Time      `json:"drafted_at"`
	MinScore     *float64        `json:"min_score"`
	Total        *float64        `json:"total"`
	Greedy       *greedyView     `json:"greedy"`
	Candidates   *int            `json:"candidates"`
	CurrentTotal float64         `json:"current_total"`
	Published    int             `json:"published"`
	Unpublished  int             `json:"unpublished"`
	Pairs        []draftPairView `json:"pairs"`
}

type greedyView struct {
	Pairs int     `json:"pairs"`
	Total float64 `json:"total"`
}

// joinedActors loads the cohort's joined members that are still visible.
func (s *Server) joinedActors(ctx context.Context, cohortID string) (map[string]*models.Actor, error) {
	members, err := s.store.CohortMembers(ctx, cohortID)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, m := range members {
		if m.Status == models.MemberJoined {
			ids = append(ids, m.ActorID)
		}
	}
	return s.store.ActorsIn(ctx, ids)
}

// runCohortDraft matches the cohort's joined members and stores the result as its draft: pairs
// published already stay and are not proposed again; each actor's capacity is what its open and
// recent introductions leave of it.
func (s *Server) runCohortDraft(c echo.Context) error {
	co, err := s.ownCohort(c)
	if err != nil {
		return err
	}
	var req storedDraftRequest
	if err := bindOptional(c, &req); err != nil {
		return err
	}
	minScore, err := minScoreOf(req.MinScore)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	actors, err := s.joinedActors(ctx, co.ID)
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(actors))
	for id := range actors {
		ids = append(ids, id)
	}
	loads, err := s.store.IntroLoads(ctx, ids, s.introLimits.CapacityWindow, s.now())
	if err != nil {
		return err
	}
	left := map[string]int{}
	for id, a := range actors {
		left[id] = max(0, a.Capacity-loads[id])
	}
	existing, _, err := s.store.CohortPairs(ctx, co.ID)
	if err != nil {
		return err
	}
	skip := map[string]bool{}
	for _, p := range existing {
		if p.IntroductionID != nil {
			skip[p.CCIActorID+"|"+p.AIActorID] = true
		}
	}
	b, err := s.runBatch(ctx, actors, minScore, left, skip)
	if err != nil {
		return err
	}
	pairs := make([]models.CohortPair, len(b.optimal))
	for i, p := range b.optimal {
		pairs[i] = models.CohortPair{CCIActorID: p.A, AIActorID: p.B, Score: p.Score, Source: models.PairOptimal}
	}
	if err := s.store.ReplaceCohortDraft(ctx, co.ID, pairs, models.DraftMeta{MinScore: minScore, Total: totalScore(b.optimal),
		GreedyTotal: totalScore(b.greedy), GreedyPairs: len(b.greedy), Candidates: len(b.edges)}, s.now()); err != nil {
		return err
	}
	return s.respondDraft(c, co.ID, http.StatusOK)
}

func (s *Server) getCohortDraft(c echo.Context) error {
	co, err := s.ownCohort(c)
	if err != nil {
		return err
	}
	return s.respondDraft(c, co.ID, http.StatusOK)
}

// respondDraft answers with the stored draft as it is now.
func (s *Server) respondDraft(c echo.Context, cohortID string, status int) error {
	ctx := c.Request().Context()
	co, err := s.store.Cohort(ctx, cohortID)
	if err != nil {
		return err
	}
	pairs, intro, err := s.store.CohortPairs(ctx, co.ID)
	if err != nil {
		return err
	}
	var ids []string
	for _, p := range pairs {
		ids = append(ids, p.CCIActorID, p.AIActorID)
	}
	names, err := s.store.ActorsByIDs(ctx, ids)
	if err != nil {
		return err
	}
	name := func(id string) string {
		if a := names[id]; a != nil {
			return a.Name
		}
		return "deleted member"
	}
	v := draftView{CohortID: co.ID, Method: batchMethod, DraftedAt: co.DraftedAt, MinScore: co.DraftMinScore, Total: co.DraftTotal,
		Candidates: co.DraftCandidates, Pairs: make([]draftPairView, len(pairs))}
	if co.DraftGreedyTotal != nil && co.DraftGreedyPairs != nil {
		v.Greedy = &greedyView{Pairs: *co.DraftGreedyPairs, Total: *co.DraftGreedyTotal}
	}
	for i, p := range pairs {
		pv := draftPairView{ID: p.ID, CCIActorID: p.CCIActorID, CCIName: name(p.CCIActorID), AIActorID: p.AIActorID, AIName: name(p.AIActorID),
			Score: p.Score, Source: p.Source, IntroductionID: p.IntroductionID, PublishedAt: p.PublishedAt}
		if p.IntroductionID != nil {
			st := intro[*p.IntroductionID]
			pv.IntroductionStatus = &st
			v.Published++
		} else {
			v.Unpublished++
		}
		v.CurrentTotal += p.Score
		v.Pairs[i] = pv
	}
	return c.JSON(status, v)
}

// addDraftPair adds a pair of two joined members to the draft: the engine scores it and its hard
// rules may refuse it; neither side may go beyond the capacity its introductions and the draft leave.
func (s *Server) addDraftPair(c echo.Context) error {
	co, err := s.ownCohort(c)
	if err != nil {
		return err
	}
	var req pairRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	ve := &models.ValidationError{}
	if req.CCIActorID == "" {
		ve.Add("cci_actor_id", "is required")
	}
	if req.AIActorID == "" {
		ve.Add("ai_actor_id", "is required")
	}
	if err := ve.Err(); err != nil {
		return err
	}
	ctx := c.Request().Context()
	actors, err := s.joinedActors(ctx, co.ID)
	if err != nil {
		return err
	}
	a, b := actors[req.CCIActorID], actors[req.AIActorID]
	if a == nil {
		ve.Add("cci_actor_id", "is not a joined member of this cohort")
	} else if a.Kind != "cci" {
		ve.Add("cci_actor_id", "must be a CCI actor")
	}
	if b == nil {
		ve.Add("ai_actor_id", "is not a joined member of this cohort")
	} else if b.Kind != "ai" {
		ve.Add("ai_actor_id", "must be an AI actor")
	}
	if err := ve.Err(); err != nil {
		return err
	}
	ix, err := s.liveIndex(ctx)
	if err != nil {
		return err
	}
	if why := pairRule(ix, a, b); why != "" {
		return models.Invalid("ai_actor_id", "cannot be paired with "+a.Name+": "+why)
	}
	score, _, _, ok := ix.PairScore(a.ID, b.ID)
	if !ok {
		return models.Invalid("ai_actor_id", "is not in the matching index yet: try again in a moment")
	}
	if score <= 0 {
		return models.Invalid("ai_actor_id", "the engine finds nothing either side needs from the other (score 0)")
	}
	pairs, _, err := s.store.CohortPairs(ctx, co.ID)
	if err != nil {
		return err
	}
	loads, err := s.store.IntroLoads(ctx, []string{a.ID, b.ID}, s.introLimits.CapacityWindow, s.now())
	if err != nil {
		return err
	}
	for _, p := range pairs {
		if p.CCIActorID == a.ID && p.AIActorID == b.ID {
			return &models.ConflictError{Message: "This pair is in the draft already."}
		}
		if p.IntroductionID == nil { // published pairs are in the loads already
			loads[p.CCIActorID]++
			loads[p.AIActorID]++
		}
	}
	for field, x := range map[string]*models.Actor{"cci_actor_id": a, "ai_actor_id": b} {
		if loads[x.ID] >= x.Capacity {
			ve.Addf(field, "%s is at capacity (%d of %d with its introductions and this draft): remove one of its pairs first", x.Name, loads[x.ID], x.Capacity)
		}
	}
	if err := ve.Err(); err != nil {
		return err
	}
	p := &models.CohortPair{CohortID: co.ID, CCIActorID: a.ID, AIActorID: b.ID, Score: score}
	if err := s.store.AddCohortPair(ctx, p, s.now()); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, draftPairView{ID: p.ID, CCIActorID: a.ID, CCIName: a.Name, AIActorID: b.ID, AIName: b.Name, Score: score, Source: p.Source})
}

func (s *Server) deleteDraftPair(c echo.Context) error {
	co, err := s.ownCohort(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteCohortPair(c.Request().Context(), co.ID, c.Param("pair")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type publishFailure struct {
	PairID  string `json:"pair_id"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

type publishCreated struct {
	PairID         string `json:"pair_id"`
	IntroductionID string `json:"introduction_id"`
}

// publishDraft turns every unpublished pair into a brokered introduction, best pair first, through
// the same rules and limits as POST /introductions with broker_actor_id. A pair that is refused is
// reported with the rule's code and stays in the draft; the others go through. Published pairs are
// skipped, so publishing again creates nothing new.
func (s *Server) publishDraft(c echo.Context) error {
	co, err := s.ownCohort(c)
	if err != nil {
		return err
	}
	var req publishRequest
	if err := bindOptional(c, &req); err != nil {
		return err
	}
	u := userFrom(c)
	ctx := c.Request().Context()
	brokerID := req.BrokerActorID
	if brokerID == "" && co.BrokerActorID != nil {
		brokerID = *co.BrokerActorID
	}
	broker, err := s.brokerActor(c, brokerID)
	if err != nil {
		return err
	}
	msg := strings.TrimSpace(req.Message)
	if msg == "" {
		msg = fmt.Sprintf("%s proposes this introduction as part of %s: the matching found that what each of you offers fits what the other needs.", broker.Name, co.Name)
	} else if n := len([]rune(msg)); n < models.MinIntroMessage || n > models.MaxIntroMessage {
		return models.Invalid("message", fmt.Sprintf("must be %d to %d characters", models.MinIntroMessage, models.MaxIntroMessage))
	}
	pairs, _, err := s.store.CohortPairs(ctx, co.ID)
	if err != nil {
		return err
	}
	out := struct {
		Created   []publishCreated `json:"created"`
		Already   int              `json:"already_published"`
		Failed    []publishFailure `json:"failed"`
		BrokerID  string           `json:"broker_actor_id"`
		Attempted int              `json:"attempted"`
	}{Created: []publishCreated{}, Failed: []publishFailure{}, BrokerID: broker.ID}
	for _, p := range pairs {
		if p.IntroductionID != nil {
			out.Already++
			continue
		}
		out.Attempted++
		in, err := s.store.PublishCohortPair(ctx, p.ID, models.NewIntroduction{UserID: u.ID, BrokerID: broker.ID, Message: msg,
			Now: s.now(), Limits: s.introLimits, IsAdmin: u.Role == models.RoleAdmin, FromCohort: true})
		var le *models.LimitError
		var ve *models.ValidationError
		switch {
		case err == nil:
			out.Created = append(out.Created, publishCreated{PairID: p.ID, IntroductionID: in.ID})
		case errors.Is(err, models.ErrPublished):
			out.Already++
		case errors.Is(err, models.ErrNotFound):
			// removed meanwhile (a member left): nothing to publish
		case errors.As(err, &le):
			out.Failed = append(out.Failed, publishFailure{PairID: p.ID, Code: le.Code, Message: le.Message})
		case errors.As(err, &ve):
			out.Failed = append(out.Failed, publishFailure{PairID: p.ID, Code: "validation_failed", Message: ve.Error()})
		default:
			return err
		}
	}
	return c.JSON(http.StatusOK, out)
}

// brokerActor checks the intermediary actor introductions are brokered as: the caller's own (an
// admin may use any), of kind intermediary.
func (s *Server) brokerActor(c echo.Context, id string) (*models.Actor, error) {
	if id == "" {
		return nil, models.Invalid("broker_actor_id", "is required: the intermediary actor that proposes the introductions (set it on the cohort or send it)")
	}
	a, err := s.store.Actor(c.Request().Context(), id)
	if errors.Is(err, models.ErrNotFound) {
		return nil, models.Invalid("broker_actor_id", "is not an actor")
	}
	if err != nil {
		return nil, err
	}
	if !canEditActor(userFrom(c), a) {
		return nil, models.Invalid("broker_actor_id", "is not an actor of yours")
	}
	if a.Kind != "intermediary" {
		return nil, models.Invalid("broker_actor_id", "must be an intermediary actor: only intermediaries broker introductions")
	}
	return a, nil
}
