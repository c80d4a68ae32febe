package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/crossover-cci/crossover/matching"
	"github.com/crossover-cci/crossover/models"
)

// Saved searches and their alerts. A search is re-run by a periodic check inside serve
// (savedSearchEvery); the items it finds that it never found before become one notification.

const (
	savedSearchEvery = 10 * time.Minute
	savedSearchBatch = 200 // searches per check
)

// savedQuery holds the parameters of both kinds; the kind says which apply.
type savedQuery struct {
	// partner
	Kind    string `json:"kind,omitempty"` // ai | cci | intermediary | "" (any)
	Country string `json:"country,omitempty"`
	Sector  string `json:"sector,omitempty"`
	// funding
	Eligibility   []string `json:"eligibility,omitempty"` // default eligible and with_partners
	Type          string   `json:"type,omitempty"`
	IncludeClosed bool     `json:"include_closed,omitempty"`
	// both
	MinScore float64 `json:"min_score"`
}

type savedSearchRequest struct {
	Kind  string          `json:"kind"`
	Name  string          `json:"name"`
	Query json.RawMessage `json:"query"`
}

// savedSearchPatch renames a saved search; its query stays (save a new search for a new query).
type savedSearchPatch struct {
	Name *string `json:"name"`
}

type savedSearchView struct {
	models.SavedSearch
	Query savedQuery `json:"query"`
	// NewHits counts the items found after the search was saved (in the list only).
	NewHits *int `json:"new_hits,omitempty"`
}

func viewSaved(ss models.SavedSearch) savedSearchView {
	var q savedQuery
	_ = json.Unmarshal([]byte(ss.Query), &q)
	return savedSearchView{SavedSearch: ss, Query: q}
}

// parseSavedQuery decodes and checks the query of a saved search of the given kind.
func (s *Server) parseSavedQuery(kind string, raw json.RawMessage) (savedQuery, error) {
	var q savedQuery
	if len(raw) > 0 && string(raw) != "null" {
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&q); err != nil {
			return q, models.Invalid("query", "must be an object with the search's parameters: "+strings.TrimPrefix(err.Error(), "json: "))
		}
	}
	ve := &models.ValidationError{}
	if q.MinScore < 0 || q.MinScore > 1 {
		ve.Add("query.min_score", "must be between 0 and 1")
	}
	switch kind {
	case models.SavedPartner:
		if q.Kind != "" {
			if _, ok := matching.ParseKind(q.Kind); !ok {
				ve.Add("query.kind", "must be ai, cci or intermediary")
			}
		}
		if q.Country != "" && !s.codes.ValidCountry(q.Country) {
			ve.Add("query.country", "must be an ISO 3166-1 alpha-2 code")
		}
		if len(q.Eligibility) > 0 || q.Type != "" || q.IncludeClosed {
			ve.Add("query", "eligibility, type and include_closed are funding parameters")
		}
	case models.SavedFunding:
		for _, e := range q.Eligibility {
			if e != matching.Eligible && e != matching.WithPartners && e != matching.Ineligible {
				ve.Add("query.eligibility", "lists eligible, with_partners or ineligible")
			}
		}
		if q.Type != "" && !slices.Contains(models.InstrumentTypes, q.Type) {
			ve.Add("query.type", "must be one of "+strings.Join(models.InstrumentTypes, ", "))
		}
		if q.Kind != "" || q.Country != "" || q.Sector != "" {
			ve.Add("query", "kind, country and sector are partner parameters")
		}
		if len(q.Eligibility) == 0 {
			q.Eligibility = []string{matching.Eligible, matching.WithPartners}
		}
	default:
		ve.Add("kind", "must be partner or funding")
	}
	return q, ve.Err()
}

// runSaved returns the ids of what the search finds now (instruments or actors) and their names.
func (s *Server) runSaved(ctx context.Context, a *models.Actor, kind string, q savedQuery) ([]string, map[string]string, error) {
	names := map[string]string{}
	var ids []string
	if kind == models.SavedFunding {
		items, err := s.rankFunding(ctx, a, q.IncludeClosed)
		if err != nil {
			return nil, nil, err
		}
		for _, m := range items {
			if slices.Contains(q.Eligibility, m.Eligibility) && m.Score >= q.MinScore && (q.Type == "" || m.Instrument.Type == q.Type) {
				ids = append(ids, m.Instrument.ID)
				names[m.Instrument.ID] = m.Instrument.Name
			}
		}
		return ids, names, nil
	}
	ix, err := s.liveIndex(ctx)
	if err != nil {
		return nil, nil, err
	}
	mq := matching.Query{ActorID: a.ID, Country: q.Country, Sector: q.Sector, Limit: 50, Now: s.now()}
	mq.Kind, _ = matching.ParseKind(q.Kind)
	res, err := ix.MatchExact(mq)
	if err != nil {
		return nil, names, nil // the actor is not matchable now (hidden or unavailable): nothing found
	}
	for _, r := range res {
		if r.Score >= q.MinScore {
			ids = append(ids, r.ActorID)
		}
	}
	found, err := s.store.ActorsIn(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	for id, b := range found {
		names[id] = b.Name
	}
	return ids, names, nil
}

func (s *Server) savedActor(c echo.Context) (*models.Actor, error) {
	a, err := s.store.Actor(c.Request().Context(), c.Param("id"))
	if err != nil {
		return nil, err
	}
	if !canEditActor(userFrom(c), a) {
		return nil, errForbidden("Only the owner of this profile and admins manage its saved searches.")
	}
	return a, nil
}

// createSavedSearch: POST /actors/:id/saved-searches {kind, name, query} — what the search finds now
// is recorded as seen; later alerts name only new items.
func (s *Server) createSavedSearch(c echo.Context) error {
	var req savedSearchRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	a, err := s.savedActor(c)
	if err != nil {
		return err
	}
	q, err := s.parseSavedQuery(req.Kind, req.Query)
	if err != nil {
		return err
	}
	req.Name = strings.TrimSpace(req.Name)
	if n := len([]rune(req.Name)); n > 100 {
		return models.Invalid("name", "must be at most 100 characters")
	}
	if req.Name == "" {
		req.Name = map[string]string{models.SavedPartner: "Partners for " + a.Name, models.SavedFunding: "Funding for " + a.Name}[req.Kind]
	}
	ctx := c.Request().Context()
	ids, _, err := s.runSaved(ctx, a, req.Kind, q)
	if err != nil {
		return err
	}
	stored, _ := json.Marshal(q)
	ss := &models.SavedSearch{ActorID: a.ID, Kind: req.Kind, Name: req.Name, Query: string(stored)}
	if err := s.store.CreateSavedSearch(ctx, ss, ids, s.now()); err != nil {
		return err
	}
	v := viewSaved(*ss)
	return c.JSON(http.StatusCreated, map[string]any{"saved_search": v, "current": len(ids)})
}

func (s *Server) listSavedSearches(c echo.Context) error {
	a, err := s.savedActor(c)
	if err != nil {
		return err
	}
	list, err := s.store.SavedSearches(c.Request().Context(), a.ID)
	if err != nil {
		return err
	}
	hits, err := s.store.SavedSearchNewHits(c.Request().Context(), a.ID)
	if err != nil {
		return err
	}
	items := make([]savedSearchView, len(list))
	for i, ss := range list {
		items[i] = viewSaved(ss)
		n := hits[ss.ID]
		items[i].NewHits = &n
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

// renameSavedSearch: PATCH /actors/:id/saved-searches/:search {name}.
func (s *Server) renameSavedSearch(c echo.Context) error {
	var req savedSearchPatch
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	a, err := s.savedActor(c)
	if err != nil {
		return err
	}
	if req.Name == nil {
		return models.Invalid("name", "is required: the new name of the saved search")
	}
	name := strings.TrimSpace(*req.Name)
	switch n := len([]rune(name)); {
	case n == 0:
		return models.Invalid("name", "must not be empty")
	case n > 100:
		return models.Invalid("name", "must be at most 100 characters")
	}
	ss, err := s.store.RenameSavedSearch(c.Request().Context(), a.ID, c.Param("search"), name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, viewSaved(*ss))
}

func (s *Server) deleteSavedSearch(c echo.Context) error {
	a, err := s.savedActor(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteSavedSearch(c.Request().Context(), a.ID, c.Param("search")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// checkSavedSearches re-runs the least recently run saved searches and notifies the owners of what
// is new. It returns how many alerts it sent.
func (s *Server) checkSavedSearches(ctx context.Context) (int, error) {
	due, err := s.store.SavedSearchesDue(ctx, savedSearchBatch)
	if err != nil {
		return 0, err
	}
	alerts := 0
	for _, ss := range due {
		a, err := s.store.Actor(ctx, ss.ActorID)
		if err != nil {
			continue // deleted or hidden since
		}
		v := viewSaved(ss)
		q := v.Query
		if ss.Kind == models.SavedFunding && len(q.Eligibility) == 0 {
			q.Eligibility = []string{matching.Eligible, matching.WithPartners}
		}
		ids, names, err := s.runSaved(ctx, a, ss.Kind, q)
		if err != nil {
			return alerts, err
		}
		alert := func(fresh []string) (string, string, string) {
			what, link := "partners", "/matches"
			if ss.Kind == models.SavedFunding {
				what, link = "funding instruments", "/funding"
			}
			list := make([]string, 0, 3)
			for _, id := range fresh[:min(3, len(fresh))] {
				list = append(list, names[id])
			}
			more := ""
			if len(fresh) > 3 {
				more = fmt.Sprintf(" and %d more", len(fresh)-3)
			}
			title := fmt.Sprintf("%d new %s for %s", len(fresh), what, a.Name)
			if len(fresh) == 1 {
				title = fmt.Sprintf("New %s for %s: %s", strings.TrimSuffix(what, "s"), a.Name, names[fresh[0]])
			}
			return title, fmt.Sprintf("Your saved search %q finds %s%s.", ss.Name, strings.Join(list, ", "), more), link
		}
		n, err := s.store.RecordSavedSearchRun(ctx, ss, ids, alert, s.now())
		if err != nil {
			return alerts, err
		}
		if n > 0 {
			alerts++
		}
	}
	return alerts, nil
}

// runSavedSearches is the periodic check: every savedSearchEvery, until ctx ends.
func (s *Server) runSavedSearches(ctx context.Context) {
	t := time.NewTicker(savedSearchEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if n, err := s.checkSavedSearches(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("saved searches check failed", "error", err)
		} else if n > 0 {
			s.log.Info("saved search alerts sent", "alerts", n)
		}
	}
}
