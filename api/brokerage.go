package api

import (
	"cmp"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/crossover-cci/crossover/matching"
	"github.com/crossover-cci/crossover/models"
)

// Brokers for an actor (matches?kind=intermediary) and, for a broker, the pairs worth introducing.

// Weights of the broker score; docs/FUNDING.md ("Intermediaries") explains them.
const (
	brokerCoverage = 0.5 // the actor's needs covered by the skills the broker brokers (its offers)
	brokerSector   = 0.2 // the broker works in the actor's sectors
	brokerPlace    = 0.2 // same country (region), or both remote
	brokerTrack    = 0.1 // introductions it brokered that connected
	maxBrokers     = 500 // intermediaries read from the engine's ranking per request
)

// intermediaryMatches ranks intermediaries for actor a. The people engine's reciprocal score fits
// peers poorly here: a broker needs nothing from the actor, so it would always get the flat
// "no needs" backward coverage, and its track record would not count. Coverage still comes from
// the engine (same taxonomy and levels); the hard rules are the engine's too (available, language
// in common, not the same member, not excluded).
func (s *Server) intermediaryMatches(c echo.Context, a *models.Actor, q matching.Query, ix *matching.Index) error {
	ctx := c.Request().Context()
	brokers, err := s.brokerCandidates(c, a, q, ix)
	if err != nil {
		return err
	}
	ids := make([]string, len(brokers))
	for i, b := range brokers {
		ids[i] = b.ID
	}
	track, err := s.store.BrokeredConnected(ctx, ids)
	if err != nil {
		return err
	}
	// Members who broker come in items; directory entries nobody has claimed yet, which could not
	// answer a request, come apart in not_on_crossover: the person can reach them outside (their
	// website) or ask to claim the entry.
	var items, unclaimed []matchView
	now := s.now()
	for _, b := range brokers {
		reachable := ix.Suggestible(b.ID)
		if b.ID == a.ID || ix.Excluded(a.ID, b.ID) || (!reachable && (b.OwnerID != nil || !b.Available || b.Stale(now))) {
			continue
		}
		v, ok := scoreBroker(a, b, q, ix, track[b.ID])
		if !ok {
			continue
		}
		if reachable {
			items = append(items, v)
		} else {
			unclaimed = append(unclaimed, v)
		}
	}
	return writeMatchItems(c, bestBrokers(items, q.Limit), &widened{NotOnCrossover: bestBrokers(unclaimed, q.Limit)})
}

// bestBrokers sorts broker views best first (ties by id) and keeps limit (20 when 0).
func bestBrokers(items []matchView, limit int) []matchView {
	slices.SortFunc(items, func(x, y matchView) int {
		if c := cmp.Compare(y.Score, x.Score); c != 0 {
			return c
		}
		return cmp.Compare(x.id, y.id)
	})
	if limit <= 0 {
		limit = 20
	}
	if len(items) > limit {
		items = items[:limit]
	}
	if items == nil {
		items = []matchView{}
	}
	return items
}

// scoreBroker scores intermediary b for actor a with its reasons; ok is false when the hard rules
// (same member, no language in common), the query's filters, or a fit of nothing keep it out.
func scoreBroker(a, b *models.Actor, q matching.Query, ix *matching.Index, track int) (matchView, bool) {
	if a.OwnerID != nil && b.OwnerID != nil && *a.OwnerID == *b.OwnerID && !a.Managed && !b.Managed {
		return matchView{}, false
	}
	langs := intersect(a.Languages, b.Languages)
	if len(a.Languages) > 0 && len(b.Languages) > 0 && len(langs) == 0 {
		return matchView{}, false
	}
	if (q.Country != "" && b.Country != q.Country) || (q.Sector != "" && !slices.Contains(b.Sectors, q.Sector)) ||
		(q.Remote != nil && b.Remote != *q.Remote) || (len(q.Modes) > 0 && len(intersect(q.Modes, b.Modes)) == 0) {
		return matchView{}, false
	}
	_, fw, bw, ok := ix.PairScore(a.ID, b.ID)
	if !ok {
		return matchView{}, false
	}
	sectors := intersect(a.Sectors, b.Sectors)
	if fw == 0 && len(sectors) == 0 {
		return matchView{}, false // covers no need and works in none of the actor's sectors
	}
	v := matchView{Actor: toPublic(b), id: b.ID, Forward: round3(fw), Backward: round3(bw), Reasons: []reasonView{},
		Shared: sharedOverview{langs, sectors, intersect(a.Modes, b.Modes)}}
	sec := 0.0
	switch {
	case len(sectors) > 0:
		sec = 1
		v.Reasons = append(v.Reasons, reasonView{Code: "broker_sector", Direction: matching.TheyBring,
			Message: "Works with your sectors: " + strings.Join(sectors, ", ")})
	case len(b.Sectors) == 0:
		sec = 0.5
	}
	place := 0.0
	switch {
	case a.Country != "" && a.Country == b.Country && a.Region != "" && strings.EqualFold(a.Region, b.Region):
		place = 1
		v.Reasons = append(v.Reasons, reasonView{Code: "broker_region", Direction: matching.Both, Message: "Based in your region, " + b.Region})
	case a.Country != "" && a.Country == b.Country:
		place = 0.8
		v.Reasons = append(v.Reasons, reasonView{Code: "broker_country", Direction: matching.Both, Message: "Based in your country, " + b.Country})
	case a.Remote && b.Remote:
		place = 0.4
		v.Reasons = append(v.Reasons, reasonView{Code: "broker_remote", Direction: matching.Both, Message: "Works remotely, as you do"})
	}
	if len(langs) > 0 {
		v.Reasons = append(v.Reasons, reasonView{Code: "shared_language", Direction: matching.Both, Message: "Speaks " + strings.Join(langs, ", ")})
	}
	v.Reasons = append(v.Reasons, brokerCovers(a, b, ix)...)
	tr := min(1, math.Log1p(float64(track))/math.Log(11))
	if track > 0 {
		v.Reasons = append(v.Reasons, reasonView{Code: "track_record", Direction: matching.TheyBring,
			Message: fmt.Sprintf("Brokered %d introduction%s that connected", track, map[bool]string{true: "", false: "s"}[track == 1])})
	}
	cov := fw
	if len(a.Needs) == 0 {
		cov = matching.NoNeedsCoverage
	}
	v.Score = round3(brokerCoverage*cov + brokerSector*sec + brokerPlace*place + brokerTrack*tr)
	return v, true
}

// brokerCovers says which of a's needs b brokers, by the taxonomy's similarity.
func brokerCovers(a, b *models.Actor, ix *matching.Index) []reasonView {
	var out []reasonView
	for _, n := range a.Needs {
		best, via := 0.0, ""
		for _, o := range b.Offers {
			if sim := ix.SkillSim(n.Skill, o.Skill); sim > best {
				best, via = sim, o.Skill
			}
		}
		if best >= 0.3 {
			msg := "Brokers " + label(via) + " for your need " + label(n.Skill)
			if via == n.Skill {
				msg = "Brokers " + label(via) + ", which you need"
			}
			out = append(out, reasonView{Code: "broker_covers", Direction: matching.TheyBring, Need: n.Skill, Offer: via, Message: msg})
		}
	}
	return out
}

// brokerCandidates gathers the intermediaries worth scoring without reading them all: the engine's
// best intermediaries for the actor (they cover its needs), and those in its sectors and country.
func (s *Server) brokerCandidates(c echo.Context, a *models.Actor, q matching.Query, ix *matching.Index) ([]*models.Actor, error) {
	ctx := c.Request().Context()
	seen := map[string]bool{}
	var ids []string
	eq := q
	eq.Limit, eq.Explain = maxBrokers, false
	if res, err := ix.MatchExact(eq); err == nil {
		for _, r := range res {
			if !seen[r.ActorID] {
				seen[r.ActorID] = true
				ids = append(ids, r.ActorID)
			}
		}
	}
	byID, err := s.store.ActorsIn(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*models.Actor, 0, len(ids))
	for _, id := range ids {
		if b := byID[id]; b != nil {
			out = append(out, b)
		}
	}
	filters := []models.ActorFilter{{Kind: "intermediary", Country: a.Country}}
	for _, sec := range a.Sectors {
		filters = append(filters, models.ActorFilter{Kind: "intermediary", Sector: sec})
	}
	for _, f := range filters {
		f.Limit = 100
		page, _, err := s.store.ListActors(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, b := range page {
			if !seen[b.ID] {
				seen[b.ID] = true
				out = append(out, b)
			}
		}
	}
	return out, nil
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

func label(slug string) string { return strings.ReplaceAll(slug, "-", " ") }

// opportunity is a pair a broker could introduce.
type opportunity struct {
	A        publicActor  `json:"a"`
	B        publicActor  `json:"b"`
	Score    float64      `json:"score"`
	Forward  float64      `json:"forward"`  // how well B meets A's needs
	Backward float64      `json:"backward"` // how well A meets B's needs
	Cross    bool         `json:"cross"`    // an AI and a CCI actor: the divide the platform bridges
	Reasons  []reasonView `json:"reasons"`
}

const (
	maxFocusActors   = 300
	matchesPerActor  = 30
	maxFocusPerQuery = 100
)

// brokerageOpportunities: GET /brokerage/opportunities?actor=:intermediaryId&limit= — the most
// promising pairs among the actors in the broker's focus (its sectors, or its country when it names
// none) that were never introduced and are not excluded, by the people engine's score.
func (s *Server) brokerageOpportunities(c echo.Context) error {
	ctx := c.Request().Context()
	id := strings.TrimSpace(c.QueryParam("actor"))
	if id == "" {
		return models.Invalid("actor", "is required: the id of your intermediary profile")
	}
	broker, err := s.store.Actor(ctx, id)
	if err != nil {
		return err
	}
	u := userFrom(c)
	if !broker.OwnedBy(u.ID) && u.Role != models.RoleAdmin {
		return errForbidden("Only the owner of this intermediary profile and admins see its brokerage opportunities.")
	}
	if broker.Kind != "intermediary" {
		return models.Invalid("actor", "is not an intermediary profile")
	}
	limit, err := queryInt(c, "limit", 20, 1, 100)
	if err != nil {
		return err
	}
	ix, err := s.liveIndex(ctx)
	if err != nil {
		return err
	}
	// The actors in focus.
	focus := map[string]*models.Actor{}
	var order []string
	add := func(f models.ActorFilter) error {
		f.Limit = maxFocusPerQuery
		page, _, err := s.store.ListActors(ctx, f)
		if err != nil {
			return err
		}
		for _, a := range page {
			if a.Kind != "intermediary" && focus[a.ID] == nil && len(order) < maxFocusActors {
				focus[a.ID] = a
				order = append(order, a.ID)
			}
		}
		return nil
	}
	if len(broker.Sectors) > 0 {
		for _, sec := range broker.Sectors {
			if err := add(models.ActorFilter{Sector: sec}); err != nil {
				return err
			}
		}
	} else if broker.Country != "" {
		if err := add(models.ActorFilter{Country: broker.Country}); err != nil {
			return err
		}
	}
	// Each actor's best partners (the engine's hard rules apply), kept when both are in focus.
	type pair struct {
		a, b string
		r    matching.Result
	}
	best := map[[2]string]pair{}
	for _, x := range order {
		res, err := ix.MatchExact(matching.Query{ActorID: x, Limit: matchesPerActor, Explain: true, Now: s.now()})
		if err != nil {
			continue // not in the index (unavailable since, or hidden)
		}
		if !ix.Suggestible(x) {
			continue // nobody could answer for it now: a brokered introduction needs both sides
		}
		for _, r := range res {
			if focus[r.ActorID] == nil || r.ActorID == broker.ID {
				continue
			}
			k := [2]string{min(x, r.ActorID), max(x, r.ActorID)}
			if p, ok := best[k]; !ok || r.Score > p.r.Score {
				best[k] = pair{x, r.ActorID, r}
			}
		}
	}
	keys := make([][2]string, 0, len(best))
	for k := range best {
		keys = append(keys, k)
	}
	done, err := s.store.IntroducedPairs(ctx, keys)
	if err != nil {
		return err
	}
	items := []opportunity{}
	for k, p := range best {
		if done[k] {
			continue
		}
		a, b := focus[p.a], focus[p.b]
		o := opportunity{A: toPublic(a), B: toPublic(b), Score: p.r.Score, Forward: p.r.Forward, Backward: p.r.Backward,
			Cross: a.Kind != b.Kind, Reasons: []reasonView{}}
		for _, re := range p.r.Reasons {
			o.Reasons = append(o.Reasons, reasonView(re))
		}
		items = append(items, o)
	}
	slices.SortFunc(items, func(x, y opportunity) int {
		if c := cmp.Compare(y.Score, x.Score); c != 0 {
			return c
		}
		if c := cmp.Compare(x.A.ID, y.A.ID); c != 0 {
			return c
		}
		return cmp.Compare(x.B.ID, y.B.ID)
	})
	if len(items) > limit {
		items = items[:limit]
	}
	return c.JSON(http.StatusOK, map[string]any{"broker_actor_id": broker.ID, "focus_actors": len(order), "items": items})
}
