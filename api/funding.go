package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/crossover-cci/crossover/matching"
	"github.com/crossover-cci/crossover/models"
)

// InstrumentChecker holds the rules an instrument must pass (the reference data's own rules, which
// live in seeds; main injects them so that api need not import seeds). skillKnown and sectorKnown
// say whether a slug is in the stored taxonomy and sectors. It returns a *models.ValidationError.
type InstrumentChecker interface {
	CheckInstrument(in models.Instrument, skillKnown, sectorKnown func(string) bool) error
}

// instrumentRequest is the body of POST and PATCH /funding; in a PATCH, an absent field keeps its value.
type instrumentRequest struct {
	Slug           *string          `json:"slug"`
	Name           *string          `json:"name"`
	ShortName      *string          `json:"short_name"`
	ManagingBody   *string          `json:"managing_body"`
	Programme      *string          `json:"programme"`
	Type           *string          `json:"type"`
	OtherTypes     *[]string        `json:"other_types"`
	Channel        *string          `json:"channel"`
	Summary        *string          `json:"summary"`
	AmountMinEUR   *int64           `json:"amount_min_eur"`
	AmountMaxEUR   *int64           `json:"amount_max_eur"`
	FundingRatePct *float64         `json:"funding_rate_pct"`
	BudgetEUR      *int64           `json:"budget_eur"`
	BudgetScope    *string          `json:"budget_scope"`
	Currency       *string          `json:"currency"`
	Indicative     *bool            `json:"indicative"`
	AmountNote     *string          `json:"amount_note"`
	Eligibility    *json.RawMessage `json:"eligibility"`
	SkillsFocus    *[]string        `json:"skills_focus"`
	SectorsFocus   *[]string        `json:"sectors_focus"`
	Deadline       *string          `json:"deadline"`
	Opens          *string          `json:"opens"`
	Recurrence     *string          `json:"recurrence"`
	Status         *string          `json:"status"`
	SourceURL      *string          `json:"source_url"`
	Sources        *[]string        `json:"sources"`
	DateChecked    *string          `json:"date_checked"`
	Notes          *string          `json:"notes"`
	Version        *int             `json:"version"`
}

func (r instrumentRequest) apply(in *models.Instrument) {
	str := func(dst *string, src *string) {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	list := func(dst *[]string, src *[]string) {
		if src != nil {
			*dst = append([]string{}, (*src)...)
		}
	}
	str(&in.Slug, r.Slug)
	str(&in.Name, r.Name)
	str(&in.ShortName, r.ShortName)
	str(&in.ManagingBody, r.ManagingBody)
	str(&in.Programme, r.Programme)
	str(&in.Type, r.Type)
	list(&in.OtherTypes, r.OtherTypes)
	str(&in.Channel, r.Channel)
	str(&in.Summary, r.Summary)
	if r.AmountMinEUR != nil {
		in.AmountMinEUR = r.AmountMinEUR
	}
	if r.AmountMaxEUR != nil {
		in.AmountMaxEUR = r.AmountMaxEUR
	}
	if r.FundingRatePct != nil {
		in.FundingRatePct = r.FundingRatePct
	}
	if r.BudgetEUR != nil {
		in.BudgetEUR = r.BudgetEUR
	}
	str(&in.BudgetScope, r.BudgetScope)
	str(&in.Currency, r.Currency)
	if r.Indicative != nil {
		in.Indicative = *r.Indicative
	}
	str(&in.AmountNote, r.AmountNote)
	if r.Eligibility != nil {
		in.Eligibility = append(json.RawMessage{}, (*r.Eligibility)...)
	}
	list(&in.SkillsFocus, r.SkillsFocus)
	list(&in.SectorsFocus, r.SectorsFocus)
	str(&in.Deadline, r.Deadline)
	str(&in.Opens, r.Opens)
	str(&in.Recurrence, r.Recurrence)
	str(&in.Status, r.Status)
	str(&in.SourceURL, r.SourceURL)
	list(&in.Sources, r.Sources)
	str(&in.DateChecked, r.DateChecked)
	str(&in.Notes, r.Notes)
}

// checkInstrument runs the injected rules against the taxonomy and sectors stored now.
func (s *Server) checkInstrument(c echo.Context, in *models.Instrument) error {
	if s.instruments == nil {
		return errForbidden("Editing funding instruments is not enabled on this server.")
	}
	ctx := c.Request().Context()
	tax, err := s.taxonomy.get(ctx)
	if err != nil {
		return err
	}
	sectors, err := s.store.Sectors(ctx)
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, sec := range sectors {
		known[sec.Slug] = true
	}
	return s.instruments.CheckInstrument(*in, tax.has, func(slug string) bool { return known[slug] })
}

// has reports whether slug is a skill of the taxonomy.
func (t *taxonomy) has(slug string) bool {
	t.mu.RLock()
	defer t.mu.RUnlock()
	_, ok := t.bySlug[slug]
	return ok
}

// instrumentView is an instrument with its state on the server's date: current_status is closed
// once the deadline has passed, whatever the stored status says.
type instrumentView struct {
	*models.Instrument
	CurrentStatus string `json:"current_status"` // open | closed | reference
}

func (s *Server) viewInstrument(in *models.Instrument) instrumentView {
	return instrumentView{in, matching.CallStatus(in.Status, in.Deadline, s.now())}
}

// listFunding: GET /funding — the catalogue; status filters on the state today (current_status).
func (s *Server) listFunding(c echo.Context) error {
	limit, err := queryInt(c, "limit", 20, 1, 100)
	if err != nil {
		return err
	}
	today := s.now()
	f := models.InstrumentFilter{Status: c.QueryParam("status"), Type: c.QueryParam("type"), Q: c.QueryParam("q"),
		Limit: limit, Cursor: c.QueryParam("cursor"), Today: &today}
	if f.Status != "" && !slices.Contains(models.InstrumentStatuses, f.Status) {
		return models.Invalid("status", "must be one of "+strings.Join(models.InstrumentStatuses, ", "))
	}
	if f.Type != "" && !slices.Contains(models.InstrumentTypes, f.Type) {
		return models.Invalid("type", "must be one of "+strings.Join(models.InstrumentTypes, ", "))
	}
	if len(f.Q) > 200 {
		return models.Invalid("q", "must be at most 200 characters")
	}
	page, next, err := s.store.ListInstruments(c.Request().Context(), f)
	if err != nil {
		return err
	}
	var nc *string
	if next != "" {
		nc = &next
	}
	items := make([]instrumentView, len(page))
	for i, in := range page {
		items[i] = s.viewInstrument(in)
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "next_cursor": nc})
}

func (s *Server) getFunding(c echo.Context) error {
	in, err := s.store.Instrument(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.viewInstrument(in))
}

// createFunding: intermediaries and admins add instruments; amounts are always indicative.
func (s *Server) createFunding(c echo.Context) error {
	var req instrumentRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	in := &models.Instrument{Channel: "direct", Currency: "EUR", Indicative: true, Status: "open",
		Eligibility: json.RawMessage(`{"single_applicant": true}`), DateChecked: s.now().UTC().Format("2006-01-02")}
	req.apply(in)
	if len(in.Sources) == 0 && in.SourceURL != "" {
		in.Sources = []string{in.SourceURL}
	}
	if err := s.checkInstrument(c, in); err != nil {
		return err
	}
	u := userFrom(c)
	if err := s.store.CreateInstrument(c.Request().Context(), &u.ID, in); err != nil {
		return err
	}
	stored, err := s.store.Instrument(c.Request().Context(), in.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, s.viewInstrument(stored))
}

// patchFunding applies a partial update based on a version, from the body or If-Match.
func (s *Server) patchFunding(c echo.Context) error {
	var req instrumentRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	in, err := s.store.Instrument(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	version, err := versionOf(c, req.Version)
	if err != nil {
		return err
	}
	req.apply(in)
	if err := s.checkInstrument(c, in); err != nil {
		return err
	}
	if err := s.store.UpdateInstrument(ctx, version, in, s.now()); err != nil {
		return err
	}
	stored, err := s.store.Instrument(ctx, in.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.viewInstrument(stored))
}
