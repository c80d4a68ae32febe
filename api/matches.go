package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/crossover-cci/crossover/matching"
	"github.com/crossover-cci/crossover/models"
)

// matchView is one ranked partner: public fields only (never contact), the scores and the reasons.
// writeMatchItems encodes it: the actor first, then the other fields.
type matchView struct {
	Actor    any            `json:"-"` // a publicActor, or its JSON encoded once by the actor cache
	id       string         // the actor's id, for sorting
	Score    float64        `json:"score"`
	Forward  float64        `json:"forward"`
	Backward float64        `json:"backward"`
	Reasons  []reasonView   `json:"reasons"`
	Shared   sharedOverview `json:"shared"`
}

type sharedOverview struct {
	Languages []string `json:"languages"`
	Sectors   []string `json:"sectors"`
	Modes     []string `json:"collaboration_modes"`
}

type reasonView struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Direction string `json:"direction"`
	Need      string `json:"need,omitempty"`
	Offer     string `json:"offer,omitempty"`
	Via       string `json:"via,omitempty"`
	Level     int    `json:"level,omitempty"`
}

// publicActor is an actor without contact details or private settings.
type publicActor struct {
	ID        string          `json:"id"`
	Kind      string          `json:"kind"`
	Name      string          `json:"name"`
	OrgType   string          `json:"org_type"`
	Sectors   []string        `json:"sectors"`
	Country   string          `json:"country"`
	Region    string          `json:"region"`
	Languages []string        `json:"languages"`
	Offers    []models.Offer  `json:"offers"`
	Needs     []models.Need   `json:"needs"`
	Modes     []string        `json:"collaboration_modes"`
	Remote    bool            `json:"remote"`
	Available bool            `json:"available"`
	Capacity  int             `json:"capacity"`
	Bio       string          `json:"bio"`
	Website   string          `json:"website"`
	Focus     string          `json:"focus,omitempty"`
	UpdatedAt time.Time       `json:"updated_at"`
	Contact   *models.Contact `json:"contact,omitempty"`
}

func toPublic(a *models.Actor) publicActor {
	return publicActor{ID: a.ID, Kind: a.Kind, Name: a.Name, OrgType: a.OrgType, Sectors: a.Sectors, Country: a.Country,
		Region: a.Region, Languages: a.Languages, Offers: a.Offers, Needs: a.Needs, Modes: a.Modes, Remote: a.Remote,
		Available: a.Available, Capacity: a.Capacity, Bio: a.Bio, Website: a.Website, Focus: a.Focus, UpdatedAt: a.UpdatedAt}
}

func intersect(a, b []string) []string {
	out := []string{}
	for _, x := range a {
		for _, y := range b {
			if x == y {
				out = append(out, x)
				break
			}
		}
	}
	return out
}

// matches ranks partners of one kind for an actor and explains every result in both directions.
func (s *Server) matches(c echo.Context) error {
	ctx := c.Request().Context()
	a, caughtUp, err := s.matchesActor(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	if !canSeeMatches(userFrom(c), a) {
		return errForbidden("Only the owner of this profile, intermediaries and admins see its matches.")
	}
	q := matching.Query{ActorID: a.ID, Explain: c.QueryParam("explain") != "false", Now: s.now(),
		Country: c.QueryParam("country"), Sector: c.QueryParam("sector")}
	if k := c.QueryParam("kind"); k != "" {
		kind, ok := matching.ParseKind(k)
		if !ok {
			return models.Invalid("kind", "must be ai, cci or intermediary")
		}
		q.Kind = kind
	}
	if q.Limit, err = queryInt(c, "limit", 20, 1, 50); err != nil {
		return err
	}
	if r := c.QueryParam("remote"); r != "" {
		b, err := strconv.ParseBool(r)
		if err != nil {
			return models.Invalid("remote", "must be true or false")
		}
		q.Remote = &b
	}
	if e := c.QueryParam("explain"); e != "" && e != "true" && e != "false" {
		return models.Invalid("explain", "must be true or false")
	}
	if q.Modes, err = queryModes(c); err != nil {
		return err
	}
	widen, err := queryWiden(c)
	if err != nil {
		return err
	}
	ix := s.matcher.index()
	if ix == nil {
		return errIndexLoading()
	}
	if !caughtUp { // the index finished loading after the actor was read
		if err := s.matcher.catchUp(ctx); err != nil {
			return err
		}
	}
	if q.Kind == matching.KindIntermediary {
		return s.intermediaryMatches(c, a, q, ix) // brokers are ranked by their own rules (api/brokerage.go)
	}
	start := time.Now()
	results, err := ix.Match(q)
	if errors.Is(err, matching.ErrUnknownActor) {
		// Read from the database but not in this replica's index yet: created (or shown again)
		// through another replica since this one's last poll. Apply the feed now rather than
		// answer 404 for up to pollEvery.
		if err := s.matcher.syncNow(ctx); err != nil {
			return err
		}
		ix = s.matcher.index()
		results, err = ix.Match(q)
	}
	s.matcher.metrics.queries.Observe(time.Since(start).Seconds())
	if err != nil {
		return models.ErrNotFound // the actor left the index (deleted or hidden) since it was read
	}
	items, err := s.matchViews(ctx, a, results)
	if err != nil {
		return err
	}
	if widen == widenNever || (widen == widenAuto && len(results) >= matching.FewResults) {
		return writeMatchItems(c, items, nil)
	}
	more, err := s.widenMatches(c, a, q, ix, len(results))
	if err != nil {
		return err
	}
	return writeMatchItems(c, items, more)
}

// matchViews turns ranked results into views of the partners, read through the actor cache;
// partners gone since the ranking are left out.
func (s *Server) matchViews(ctx context.Context, a *models.Actor, results []matching.Result) ([]matchView, error) {
	ids := make([]string, len(results))
	for i, r := range results {
		ids[i] = r.ActorID
	}
	found, err := s.matcher.actorsIn(ctx, ids)
	if err != nil {
		return nil, err
	}
	items := make([]matchView, 0, len(results))
	for _, r := range results {
		b, ok := found[r.ActorID]
		if !ok {
			continue
		}
		v := matchView{Actor: s.matcher.cache.public(b), id: b.ID, Score: r.Score, Forward: r.Forward, Backward: r.Backward,
			Reasons: make([]reasonView, len(r.Reasons)),
			Shared:  sharedOverview{intersect(a.Languages, b.Languages), intersect(a.Sectors, b.Sectors), intersect(a.Modes, b.Modes)}}
		for i, re := range r.Reasons {
			v.Reasons[i] = reasonView(re)
		}
		items = append(items, v)
	}
	return items, nil
}

// writeMatchItems answers {"items":[…]} in one write with a Content-Length. The actor snapshot
// cache's JSON of each actor is copied as it is: encoding/json would check and compact every
// json.RawMessage again (a tenth of a W2 request's CPU), and an answer of some 40 KB streamed
// through net/http's 4 KB buffer goes out chunked, a system call per chunk.
// more, when not nil, adds the lists and advice it holds.
func writeMatchItems(c echo.Context, items []matchView, more *widened) error {
	body := bodyPool.Get().(*bytes.Buffer)
	defer func() {
		if body.Cap() <= 1<<20 {
			body.Reset()
			bodyPool.Put(body)
		}
	}()
	enc := json.NewEncoder(body)
	body.WriteString(`{"items":`)
	if err := appendMatchItems(body, enc, items); err != nil {
		return err
	}
	if more != nil {
		for _, l := range []struct {
			name  string
			items []matchView
		}{{"one_sided", more.OneSided}, {"not_on_crossover", more.NotOnCrossover}} {
			if l.items == nil {
				continue
			}
			body.WriteString(`,"` + l.name + `":`)
			if err := appendMatchItems(body, enc, l.items); err != nil {
				return err
			}
		}
		if more.Advice != nil {
			body.WriteString(`,"advice":`)
			if err := enc.Encode(more.Advice); err != nil {
				return err
			}
			body.Truncate(body.Len() - 1)
		}
	}
	body.WriteString("}\n")
	out := body.Bytes()
	if c.QueryParams().Has("pretty") { // as echo's c.JSON does
		var indented bytes.Buffer
		if err := json.Indent(&indented, out, "", "  "); err != nil {
			return err
		}
		out = indented.Bytes()
	}
	c.Response().Header().Set(echo.HeaderContentLength, strconv.Itoa(len(out)))
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, out)
}

// appendMatchItems writes the JSON array of items.
func appendMatchItems(body *bytes.Buffer, enc *json.Encoder, items []matchView) error {
	body.WriteByte('[')
	for i := range items {
		if i > 0 {
			body.WriteByte(',')
		}
		body.WriteString(`{"actor":`)
		if raw, ok := items[i].Actor.(json.RawMessage); ok {
			body.Write(raw)
		} else if err := enc.Encode(items[i].Actor); err != nil {
			return err
		} else {
			body.Truncate(body.Len() - 1) // Encode's newline
		}
		// The other fields as {"score":…}\n, whose brace becomes the comma after the actor.
		at := body.Len()
		if err := enc.Encode(&items[i]); err != nil {
			return err
		}
		body.Bytes()[at] = ','
		body.Truncate(body.Len() - 1)
	}
	body.WriteByte(']')
	return nil
}

var bodyPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// matchesActor reads the querying actor for matches. Once the index is loaded it first catches the
// index (and with it the actor snapshot cache) up with the change feed, then reads through the cache:
// every write committed before this request, hiding and deletion included, is seen. Before that it
// reads the database directly. Hidden or missing actors are ErrNotFound either way.
// caughtUp reports whether catchUp ran.
func (s *Server) matchesActor(ctx context.Context, id string) (a *models.Actor, caughtUp bool, err error) {
	if s.matcher.index() == nil {
		a, err = s.store.Actor(ctx, id)
		return a, false, err
	}
	if err := s.matcher.catchUp(ctx); err != nil {
		return nil, false, err
	}
	found, err := s.matcher.actorsIn(ctx, []string{id})
	if err != nil {
		return nil, true, err
	}
	a, ok := found[id]
	if !ok {
		return nil, true, models.ErrNotFound
	}
	return a, true, nil
}
