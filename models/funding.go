package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Instrument is a funding instrument or support service, with every fact of the reference data.
// Amounts and rates are indicative. Eligibility is the JSON object the seeds package defines
// (applicant kinds, org types, countries, sectors, consortium rules), stored as it is.
type Instrument struct {
	ID             string          `json:"id"`
	Slug           string          `json:"slug"`
	Name           string          `json:"name"`
	ShortName      string          `json:"short_name,omitempty"`
	ManagingBody   string          `json:"managing_body"`
	Programme      string          `json:"programme,omitempty"`
	Type           string          `json:"type"`
	OtherTypes     []string        `json:"other_types"`
	Channel        string          `json:"channel"`
	Summary        string          `json:"summary"`
	AmountMinEUR   *int64          `json:"amount_min_eur"`
	AmountMaxEUR   *int64          `json:"amount_max_eur"`
	FundingRatePct *float64        `json:"funding_rate_pct"`
	BudgetEUR      *int64          `json:"budget_eur"`
	BudgetScope    string          `json:"budget_scope,omitempty"`
	Currency       string          `json:"currency"`
	Indicative     bool            `json:"indicative"`
	AmountNote     string          `json:"amount_note,omitempty"`
	Eligibility    json.RawMessage `json:"eligibility"`
	SkillsFocus    []string        `json:"skills_focus"`
	SectorsFocus   []string        `json:"sectors_focus"`
	Deadline       string          `json:"deadline"` // YYYY-MM-DD; "" none known or continuous
	Opens          string          `json:"opens,omitempty"`
	Recurrence     string          `json:"recurrence,omitempty"`
	Status         string          `json:"status"`
	SourceURL      string          `json:"source_url"`
	Sources        []string        `json:"sources"`
	DateChecked    string          `json:"date_checked"` // YYYY-MM-DD
	Notes          string          `json:"notes,omitempty"`
	CreatedBy      *string         `json:"created_by"`
	Version        int             `json:"version"`
	CreatedAt      time.Time       `json:"created_at"`
	UpdatedAt      time.Time       `json:"updated_at"`
}

// InstrumentTypes and InstrumentStatuses are the values the schema allows.
var (
	InstrumentTypes    = []string{"grant", "cascade", "equity", "guarantee", "tax", "prize", "service"}
	InstrumentStatuses = []string{"open", "closed", "reference"}
)

// instrumentRow is the stored shape: the facts that are queried are columns, the rest is details.
type instrumentRow struct {
	ID             string
	Slug           string
	Name           string
	ManagingBody   string
	Type           string
	Summary        string
	AmountMin      *int64
	AmountMax      *int64
	RatePercent    *int
	FundingRatePct *float64
	Currency       string
	Indicative     bool
	Eligibility    string
	Deadline       *time.Time
	Status         string
	SourceURL      string
	CheckedOn      *time.Time
	Channel        string
	Details        string
	EditedAt       *time.Time
	CreatedBy      *string
	Version        int
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (instrumentRow) TableName() string { return "funding_instruments" }

// instrumentDetails are the descriptive facts kept in the details JSON column.
type instrumentDetails struct {
	ShortName   string   `json:"short_name,omitempty"`
	Programme   string   `json:"programme,omitempty"`
	OtherTypes  []string `json:"other_types,omitempty"`
	BudgetEUR   *int64   `json:"budget_eur,omitempty"`
	BudgetScope string   `json:"budget_scope,omitempty"`
	AmountNote  string   `json:"amount_note,omitempty"`
	Opens       string   `json:"opens,omitempty"`
	Recurrence  string   `json:"recurrence,omitempty"`
	Sources     []string `json:"sources,omitempty"`
	Notes       string   `json:"notes,omitempty"`
}

type instrumentSkill struct {
	InstrumentID string
	SkillSlug    string
}

func (instrumentSkill) TableName() string { return "instrument_skills" }

type instrumentSector struct {
	InstrumentID string
	SectorSlug   string
}

func (instrumentSector) TableName() string { return "instrument_sectors" }

func parseDay(s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

func formatDay(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

func (in *Instrument) row() (instrumentRow, error) {
	deadline, err := parseDay(in.Deadline)
	if err != nil {
		return instrumentRow{}, Invalid("deadline", "must be a day written YYYY-MM-DD")
	}
	checked, err := parseDay(in.DateChecked)
	if err != nil {
		return instrumentRow{}, Invalid("date_checked", "must be a day written YYYY-MM-DD")
	}
	details, _ := json.Marshal(instrumentDetails{ShortName: in.ShortName, Programme: in.Programme, OtherTypes: in.OtherTypes,
		BudgetEUR: in.BudgetEUR, BudgetScope: in.BudgetScope, AmountNote: in.AmountNote, Opens: in.Opens,
		Recurrence: in.Recurrence, Sources: in.Sources, Notes: in.Notes})
	elig := string(in.Eligibility)
	if elig == "" || elig == "null" {
		elig = "{}"
	}
	r := instrumentRow{ID: in.ID, Slug: in.Slug, Name: in.Name, ManagingBody: in.ManagingBody, Type: in.Type,
		Summary: in.Summary, AmountMin: in.AmountMinEUR, AmountMax: in.AmountMaxEUR, FundingRatePct: in.FundingRatePct,
		Currency: in.Currency, Indicative: in.Indicative, Eligibility: elig, Deadline: deadline, Status: in.Status,
		SourceURL: in.SourceURL, CheckedOn: checked, Channel: in.Channel, Details: string(details), CreatedBy: in.CreatedBy,
		Version: in.Version, CreatedAt: in.CreatedAt, UpdatedAt: in.UpdatedAt}
	if r.Currency == "" {
		r.Currency = "EUR"
	}
	if in.FundingRatePct != nil {
		p := int(*in.FundingRatePct + 0.5)
		r.RatePercent = &p
	}
	return r, nil
}

func (r instrumentRow) instrument() *Instrument {
	var d instrumentDetails
	_ = json.Unmarshal([]byte(r.Details), &d)
	in := &Instrument{ID: r.ID, Slug: r.Slug, Name: r.Name, ShortName: d.ShortName, ManagingBody: r.ManagingBody,
		Programme: d.Programme, Type: r.Type, OtherTypes: d.OtherTypes, Channel: r.Channel, Summary: r.Summary,
		AmountMinEUR: r.AmountMin, AmountMaxEUR: r.AmountMax, FundingRatePct: r.FundingRatePct, BudgetEUR: d.BudgetEUR,
		BudgetScope: d.BudgetScope, Currency: r.Currency, Indicative: r.Indicative, AmountNote: d.AmountNote,
		Eligibility: json.RawMessage(r.Eligibility), Deadline: formatDay(r.Deadline), Opens: d.Opens,
		Recurrence: d.Recurrence, Status: r.Status, SourceURL: r.SourceURL, Sources: d.Sources,
		DateChecked: formatDay(r.CheckedOn), Notes: d.Notes, CreatedBy: r.CreatedBy, Version: r.Version,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	if in.FundingRatePct == nil && r.RatePercent != nil {
		p := float64(*r.RatePercent)
		in.FundingRatePct = &p
	}
	if in.OtherTypes == nil {
		in.OtherTypes = []string{}
	}
	if in.Sources == nil {
		in.Sources = []string{}
	}
	in.SkillsFocus, in.SectorsFocus = []string{}, []string{}
	return in
}

// contentKey is the instrument's content without identity and bookkeeping, to tell whether a
// reference reload changes anything.
func (in Instrument) contentKey() string {
	in.ID, in.CreatedBy, in.Version, in.CreatedAt, in.UpdatedAt = "", nil, 0, time.Time{}, time.Time{}
	if len(in.Eligibility) > 0 {
		var v any
		if json.Unmarshal(in.Eligibility, &v) == nil {
			in.Eligibility, _ = json.Marshal(v)
		}
	}
	if in.Currency == "" {
		in.Currency = "EUR"
	}
	for _, l := range []*[]string{&in.OtherTypes, &in.Sources, &in.SkillsFocus, &in.SectorsFocus} {
		if *l == nil {
			*l = []string{}
		}
	}
	b, _ := json.Marshal(in)
	return string(b)
}

func (s *Store) writeInstrumentLinks(ctx context.Context, in *Instrument) error {
	db := s.conn(ctx)
	if err := db.Where("instrument_id = ?", in.ID).Delete(&instrumentSkill{}).Error; err != nil {
		return err
	}
	if err := db.Where("instrument_id = ?", in.ID).Delete(&instrumentSector{}).Error; err != nil {
		return err
	}
	var sk []instrumentSkill
	for _, v := range uniq(in.SkillsFocus) {
		sk = append(sk, instrumentSkill{in.ID, v})
	}
	if len(sk) > 0 {
		if err := db.Create(&sk).Error; err != nil {
			return err
		}
	}
	var sec []instrumentSector
	for _, v := range uniq(in.SectorsFocus) {
		sec = append(sec, instrumentSector{in.ID, v})
	}
	if len(sec) > 0 {
		if err := db.Create(&sec).Error; err != nil {
			return err
		}
	}
	return nil
}

func uniq(in []string) []string {
	seen := map[string]bool{}
	out := make([]string, 0, len(in))
	for _, v := range in {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// loadInstrumentLinks fills skills and sectors focus of a page of instruments, one query per table.
func (s *Store) loadInstrumentLinks(ctx context.Context, list []*Instrument) error {
	if len(list) == 0 {
		return nil
	}
	byID := map[string]*Instrument{}
	ids := make([]string, len(list))
	for i, in := range list {
		byID[in.ID], ids[i] = in, in.ID
	}
	var sk []instrumentSkill
	if err := s.conn(ctx).Where("instrument_id IN ?", ids).Order("instrument_id, skill_slug").Find(&sk).Error; err != nil {
		return err
	}
	for _, v := range sk {
		byID[v.InstrumentID].SkillsFocus = append(byID[v.InstrumentID].SkillsFocus, v.SkillSlug)
	}
	var sec []instrumentSector
	if err := s.conn(ctx).Where("instrument_id IN ?", ids).Order("instrument_id, sector_slug").Find(&sec).Error; err != nil {
		return err
	}
	for _, v := range sec {
		byID[v.InstrumentID].SectorsFocus = append(byID[v.InstrumentID].SectorsFocus, v.SectorSlug)
	}
	return nil
}

// sortedFocus orders focus lists as they are read back (by slug), so that stored and given compare equal.
func sortedFocus(in *Instrument) {
	in.SkillsFocus = uniq(in.SkillsFocus)
	in.SectorsFocus = uniq(in.SectorsFocus)
	slices.Sort(in.SkillsFocus)
	slices.Sort(in.SectorsFocus)
}

// Instrument loads one instrument by id or slug.
func (s *Store) Instrument(ctx context.Context, idOrSlug string) (*Instrument, error) {
	var r instrumentRow
	if err := s.conn(ctx).Where("id = ? OR slug = ?", idOrSlug, idOrSlug).First(&r).Error; err != nil {
		return nil, notFound(err)
	}
	in := r.instrument()
	if err := s.loadInstrumentLinks(ctx, []*Instrument{in}); err != nil {
		return nil, err
	}
	return in, nil
}

// InstrumentFilter selects instruments in a list.
type InstrumentFilter struct {
	Status, Type, Q string
	// Today, when set, makes Status the state on that day: a deadline before it closes an open
	// call and a reference entry alike.
	Today  *time.Time
	Limit  int
	Cursor string // the slug of the last instrument of the previous page
}

// startOfDay is midnight UTC of t's date, as deadlines are stored.
func startOfDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ListInstruments returns a page of instruments ordered by slug and the next cursor.
func (s *Store) ListInstruments(ctx context.Context, f InstrumentFilter) ([]*Instrument, string, error) {
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 20
	}
	q := s.conn(ctx).Model(&instrumentRow{})
	switch {
	case f.Status == "":
	case f.Today == nil:
		q = q.Where("status = ?", f.Status)
	case f.Status == "closed":
		q = q.Where("(status = ? OR (status IN ? AND deadline < ?))", "closed", []string{"open", "reference"}, startOfDay(*f.Today))
	default:
		q = q.Where("status = ? AND (deadline IS NULL OR deadline >= ?)", f.Status, startOfDay(*f.Today))
	}
	if f.Type != "" {
		q = q.Where("type = ?", f.Type)
	}
	if t := strings.TrimSpace(f.Q); t != "" {
		like := "%" + escapeLike(strings.ToLower(t)) + "%"
		q = q.Where("(LOWER(name) LIKE ? ESCAPE '\\' OR LOWER(managing_body) LIKE ? ESCAPE '\\' OR LOWER(summary) LIKE ? ESCAPE '\\' OR LOWER(details) LIKE ? ESCAPE '\\')", like, like, like, like)
	}
	if f.Cursor != "" {
		q = q.Where("slug > ?", f.Cursor)
	}
	var rows []instrumentRow
	if err := q.Order("slug").Limit(f.Limit + 1).Find(&rows).Error; err != nil {
		return nil, "", err
	}
	next := ""
	if len(rows) > f.Limit {
		rows = rows[:f.Limit]
		next = rows[len(rows)-1].Slug
	}
	out := make([]*Instrument, len(rows))
	for i, r := range rows {
		out[i] = r.instrument()
	}
	return out, next, s.loadInstrumentLinks(ctx, out)
}

// CreateInstrument stores a new instrument made by userID (already validated by the caller's rules).
func (s *Store) CreateInstrument(ctx context.Context, userID *string, in *Instrument) error {
	now := time.Now().UTC()
	in.ID, in.CreatedBy, in.Version, in.CreatedAt, in.UpdatedAt = newID(), userID, 1, now, now
	sortedFocus(in)
	row, err := in.row()
	if err != nil {
		return err
	}
	if userID != nil {
		row.EditedAt = &now
	}
	err = s.InTx(ctx, func(ctx context.Context) error {
		if err := s.conn(ctx).Create(&row).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return Invalid("slug", "is already used by another instrument")
			}
			return err
		}
		return s.writeInstrumentLinks(ctx, in)
	})
	return err
}

// UpdateInstrument stores in (merged and validated by the caller) over the stored instrument with
// the given version; a stale version is a ConflictError naming the current one.
func (s *Store) UpdateInstrument(ctx context.Context, version int, in *Instrument, now time.Time) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		cur, err := s.Instrument(ctx, in.ID)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return &ConflictError{Message: fmt.Sprintf("The instrument changed since you loaded it (version %d is current, you sent %d): reload and reapply your edit.", cur.Version, version), Current: cur.Version}
		}
		sortedFocus(in)
		in.Version, in.UpdatedAt, in.CreatedAt, in.CreatedBy = version+1, now.UTC(), cur.CreatedAt, cur.CreatedBy
		row, err := in.row()
		if err != nil {
			return err
		}
		edited := now.UTC()
		row.EditedAt = &edited
		res := s.conn(ctx).Model(&instrumentRow{}).Where("id = ? AND version = ?", in.ID, version).
			Select("slug", "name", "managing_body", "type", "summary", "amount_min", "amount_max", "rate_percent",
				"funding_rate_pct", "currency", "indicative", "eligibility", "deadline", "status", "source_url", "checked_on",
				"channel", "details", "edited_at", "version", "updated_at").
			Updates(&row)
		if res.Error != nil {
			if errors.Is(res.Error, gorm.ErrDuplicatedKey) {
				return Invalid("slug", "is already used by another instrument")
			}
			return res.Error
		}
		if res.RowsAffected == 0 {
			return &ConflictError{Message: "The instrument changed while you saved it: reload and reapply your edit.", Current: version + 1}
		}
		return s.writeInstrumentLinks(ctx, in)
	})
}

// UpsertReferenceInstruments loads the reference instruments by slug: missing ones are added,
// unchanged ones are left alone, changed ones are updated (version + 1) unless an editor changed them
// through the API, whose edit wins. It returns how many it added and updated.
func (s *Store) UpsertReferenceInstruments(ctx context.Context, list []Instrument) (added, updated int, err error) {
	err = s.InTx(ctx, func(ctx context.Context) error {
		var rows []instrumentRow
		if err := s.conn(ctx).Find(&rows).Error; err != nil {
			return err
		}
		stored := map[string]*Instrument{}
		edited := map[string]bool{}
		var all []*Instrument
		for _, r := range rows {
			in := r.instrument()
			stored[r.Slug] = in
			edited[r.Slug] = r.EditedAt != nil
			all = append(all, in)
		}
		if err := s.loadInstrumentLinks(ctx, all); err != nil {
			return err
		}
		now := time.Now().UTC()
		for i := range list {
			in := list[i]
			sortedFocus(&in)
			cur, ok := stored[in.Slug]
			if !ok {
				if err := s.CreateInstrument(ctx, nil, &in); err != nil {
					return fmt.Errorf("instrument %s: %w", in.Slug, err)
				}
				added++
				continue
			}
			if edited[in.Slug] || in.contentKey() == cur.contentKey() {
				continue
			}
			in.ID, in.Version, in.CreatedAt, in.CreatedBy, in.UpdatedAt = cur.ID, cur.Version+1, cur.CreatedAt, cur.CreatedBy, now
			row, err := in.row()
			if err != nil {
				return err
			}
			if err := s.conn(ctx).Model(&instrumentRow{}).Where("id = ?", cur.ID).
				Select("name", "managing_body", "type", "summary", "amount_min", "amount_max", "rate_percent", "funding_rate_pct",
					"currency", "indicative", "eligibility", "deadline", "status", "source_url", "checked_on", "channel",
					"details", "version", "updated_at").Updates(&row).Error; err != nil {
				return err
			}
			if err := s.writeInstrumentLinks(ctx, &in); err != nil {
				return err
			}
			updated++
		}
		return nil
	})
	return added, updated, err
}

// InstrumentCount is the number of stored instruments.
func (s *Store) InstrumentCount(ctx context.Context) (int64, error) {
	var n int64
	err := s.conn(ctx).Model(&instrumentRow{}).Count(&n).Error
	return n, err
}
