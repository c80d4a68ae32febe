package seeds

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Instrument types.
const (
	TypeGrant     = "grant"
	TypeCascade   = "cascade" // financial support to third parties (FSTP)
	TypeEquity    = "equity"
	TypeGuarantee = "guarantee"
	TypeTax       = "tax"
	TypePrize     = "prize"
	TypeService   = "service"
)

// Instrument statuses. Reference instruments are shown as models (closed cascade
// programmes, programme-level entries, schemes whose current terms are unverified).
const (
	StatusOpen      = "open"
	StatusClosed    = "closed"
	StatusReference = "reference"
)

// How an actor gets at the money or service.
const (
	ChannelDirect       = "direct"                     // the actor (or its consortium) applies
	ChannelIntermediary = "via_financial_intermediary" // banks, guarantee institutions, funds apply; the actor borrows or raises from them
	ChannelHub          = "via_hub"                    // services delivered by hubs or facilities
	ChannelTaxReturn    = "tax_return"                 // claimed through the tax system
)

// Actor kinds and organisation types, as in the public contract.
var (
	ActorKinds = []string{"cci", "ai", "intermediary"}
	OrgTypes   = []string{"freelancer", "sme", "startup", "large_company", "public_institution", "university", "research_lab", "ngo", "network"}
	// InstrumentTypes, InstrumentStatuses and Channels list the allowed values.
	InstrumentTypes    = []string{TypeGrant, TypeCascade, TypeEquity, TypeGuarantee, TypeTax, TypePrize, TypeService}
	InstrumentStatuses = []string{StatusOpen, StatusClosed, StatusReference}
	Channels           = []string{ChannelDirect, ChannelIntermediary, ChannelHub, ChannelTaxReturn}
)

// DateChecked is the day the instrument facts were last checked against their sources.
const DateChecked = "2026-11-27"

// Date is a calendar day, written as "2006-01-02" in JSON.
type Date struct{ time.Time }

// ParseDate parses a "2006-01-02" day in UTC.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	return Date{t}, err
}

// String formats the day as "2006-01-02".
func (d Date) String() string { return d.Format(time.DateOnly) }

// MarshalJSON writes "2006-01-02".
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads "2006-01-02".
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	p, err := ParseDate(s)
	if err != nil {
		return fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	*d = p
	return nil
}

// Instrument is a funding instrument or support service. Amounts and rates are
// indicative (they change with every call) and nil where the sources give none.
type Instrument struct {
	Slug         string   `json:"slug"`
	Name         string   `json:"name"`
	ShortName    string   `json:"short_name,omitempty"`
	ManagingBody string   `json:"managing_body"`
	Programme    string   `json:"programme,omitempty"`
	Type         string   `json:"type"`                  // main type
	OtherTypes   []string `json:"other_types,omitempty"` // e.g. equity beside an EIC grant
	Channel      string   `json:"channel"`

	AmountMinEUR   *int64   `json:"amount_min_eur"`         // per project or beneficiary
	AmountMaxEUR   *int64   `json:"amount_max_eur"`         // per project or beneficiary
	FundingRatePct *float64 `json:"funding_rate_pct"`       // max share of eligible costs covered (tax: credit rate)
	BudgetEUR      *int64   `json:"budget_eur"`             // total behind the instrument, see BudgetScope
	BudgetScope    string   `json:"budget_scope,omitempty"` // programme | call | topic | fund
	Indicative     bool     `json:"indicative"`             // always true: amounts change per call
	AmountNote     string   `json:"amount_note,omitempty"`

	Eligibility  Eligibility `json:"eligibility"`
	SkillsFocus  []string    `json:"skills_focus"`  // taxonomy slugs the instrument rewards
	SectorsFocus []string    `json:"sectors_focus"` // sector slugs it targets (fit, not a rule)

	Deadline    *Date    `json:"deadline"` // nil: none known or continuous
	Opens       *Date    `json:"opens,omitempty"`
	Recurrence  string   `json:"recurrence,omitempty"` // annual | continuous | one-off | ...
	Status      string   `json:"status"`
	SourceURL   string   `json:"source_url"`
	Sources     []string `json:"sources"` // where each fact came from
	DateChecked Date     `json:"date_checked"`
	Notes       string   `json:"notes,omitempty"`
}

// Eligibility says who may apply, as data. Empty lists mean "no restriction recorded".
type Eligibility struct {
	ApplicantKinds []string `json:"applicant_kinds"` // cci | ai | intermediary
	OrgTypes       []string `json:"org_types"`       // for indirect channels: the final beneficiaries
	// PartnerOrgTypes may join a consortium as partners but not lead it (OrgTypes may do both).
	PartnerOrgTypes []string `json:"partner_org_types,omitempty"`
	// Countries holds ISO 3166-1 alpha-2 codes and set names (see CountrySet); the
	// applicant must be established in their union.
	Countries []string `json:"countries"`
	// Sectors: the applicant (or, for consortia, at least one member) is active in one.
	Sectors           []string         `json:"sectors"`
	SingleApplicant   bool             `json:"single_applicant"` // one organisation may apply alone
	Consortium        *ConsortiumRules `json:"consortium"`       // nil: no consortium required
	MinYearsOperating int              `json:"min_years_operating,omitempty"`
	// Conditions are further rules that cannot be checked from a profile; shown to users as they are.
	Conditions []string `json:"conditions,omitempty"`
}

// ConsortiumRules are the composition rules of a consortium call.
type ConsortiumRules struct {
	MinEntities  int `json:"min_entities"`
	MinCountries int `json:"min_countries"`
	// SectorMix: every requirement must be met by distinct members.
	SectorMix []SectorRequirement `json:"sector_mix,omitempty"`
	// NotOnlySectors: the consortium may not consist only of organisations from these sectors.
	NotOnlySectors   []string `json:"not_only_sectors,omitempty"`
	RequiresAIAndCCI bool     `json:"requires_ai_and_cci"` // at least one ai and one cci actor
	Note             string   `json:"note,omitempty"`
}

// SectorRequirement asks for at least MinEntities members active in any of Sectors.
type SectorRequirement struct {
	Sectors     []string `json:"sectors"`
	MinEntities int      `json:"min_entities"`
	Description string   `json:"description"` // e.g. "an audiovisual organisation"
}

// CountryAllowed reports whether an actor established in country (ISO alpha-2) meets
// the country rule.
func (e Eligibility) CountryAllowed(country string) bool {
	if len(e.Countries) == 0 {
		return true
	}
	for _, c := range e.Countries {
		if c == country {
			return true
		}
		if set, ok := countrySets[c]; ok && slices.Contains(set, country) {
			return true
		}
	}
	return false
}

// Instruments returns the funding instruments, each checked (see CheckInstrument)
// against the taxonomy and the sectors.
func Instruments() ([]Instrument, error) {
	var file struct {
		Source      string       `json:"_source"`
		Instruments []Instrument `json:"instruments"`
	}
	if err := decodeData("data/instruments.json", &file); err != nil {
		return nil, err
	}
	skills, err := Taxonomy()
	if err != nil {
		return nil, err
	}
	sectors, err := Sectors()
	if err != nil {
		return nil, err
	}
	ref := NewReferenceIndex(skills, sectors)
	seen := map[string]bool{}
	for _, in := range file.Instruments {
		if seen[in.Slug] {
			return nil, fmt.Errorf("data/instruments.json: duplicate instrument %q", in.Slug)
		}
		seen[in.Slug] = true
		if errs := ref.CheckInstrument(in); len(errs) > 0 {
			return nil, fmt.Errorf("data/instruments.json: instrument %s: %w", in.Slug, errs[0])
		}
	}
	return file.Instruments, nil
}

// ReferenceIndex knows the valid skill and sector slugs, to check data that refers to them.
type ReferenceIndex struct {
	skills  map[string]bool
	sectors map[string]bool
}

// NewReferenceIndex indexes skills and sectors.
func NewReferenceIndex(skills []Skill, sectors []Sector) ReferenceIndex {
	r := ReferenceIndex{skills: map[string]bool{}, sectors: map[string]bool{}}
	for _, s := range skills {
		r.skills[s.Slug] = true
	}
	for _, s := range sectors {
		r.sectors[s.Slug] = true
	}
	return r
}

// FieldError names the offending field by JSON path, for API validation messages.
type FieldError struct {
	Field   string
	Message string
}

func (e FieldError) Error() string { return e.Field + ": " + e.Message }

// CheckInstrument returns every rule the instrument breaks (nil when it is well-formed):
// enums, slugs, references to skills, sectors and countries, amount ordering, rates,
// and consortium rules that can be evaluated. Editors' input goes through the same check.
func (r ReferenceIndex) CheckInstrument(in Instrument) []FieldError {
	var errs []FieldError
	bad := func(field, format string, a ...any) {
		errs = append(errs, FieldError{field, fmt.Sprintf(format, a...)})
	}
	if !ValidSlug(in.Slug) {
		bad("slug", "%q is not kebab-case", in.Slug)
	}
	if strings.TrimSpace(in.Name) == "" {
		bad("name", "required")
	}
	if strings.TrimSpace(in.ManagingBody) == "" {
		bad("managing_body", "required")
	}
	if !slices.Contains(InstrumentTypes, in.Type) {
		bad("type", "%q is not one of %v", in.Type, InstrumentTypes)
	}
	for i, t := range in.OtherTypes {
		if !slices.Contains(InstrumentTypes, t) || t == in.Type {
			bad(fmt.Sprintf("other_types[%d]", i), "%q is not another instrument type", t)
		}
	}
	if !slices.Contains(Channels, in.Channel) {
		bad("channel", "%q is not one of %v", in.Channel, Channels)
	}
	if !slices.Contains(InstrumentStatuses, in.Status) {
		bad("status", "%q is not one of %v", in.Status, InstrumentStatuses)
	}
	for name, v := range map[string]*int64{"amount_min_eur": in.AmountMinEUR, "amount_max_eur": in.AmountMaxEUR, "budget_eur": in.BudgetEUR} {
		if v != nil && *v <= 0 {
			bad(name, "must be positive when set")
		}
	}
	if in.AmountMinEUR != nil && in.AmountMaxEUR != nil && *in.AmountMinEUR > *in.AmountMaxEUR {
		bad("amount_min_eur", "greater than amount_max_eur")
	}
	if in.FundingRatePct != nil && (*in.FundingRatePct <= 0 || *in.FundingRatePct > 100) {
		bad("funding_rate_pct", "must be in (0, 100]")
	}
	if in.BudgetEUR != nil && !slices.Contains([]string{"programme", "call", "topic", "fund"}, in.BudgetScope) {
		bad("budget_scope", "%q: say whether the budget is the programme's, call's, topic's or fund's", in.BudgetScope)
	}
	if !in.Indicative {
		bad("indicative", "amounts are always indicative")
	}
	if u, err := url.Parse(in.SourceURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		bad("source_url", "%q is not an http(s) URL", in.SourceURL)
	}
	if len(in.Sources) == 0 {
		bad("sources", "name at least one source")
	}
	if in.DateChecked.IsZero() {
		bad("date_checked", "required")
	}
	if in.Status == StatusOpen && in.Deadline != nil && in.Deadline.Before(in.DateChecked.Time) {
		bad("status", "open, but the deadline %s is before the date checked %s", in.Deadline, in.DateChecked)
	}
	if in.Opens != nil && in.Deadline != nil && in.Opens.After(in.Deadline.Time) {
		bad("opens", "after the deadline")
	}
	for i, s := range in.SkillsFocus {
		if !r.skills[s] {
			bad(fmt.Sprintf("skills_focus[%d]", i), "unknown skill %q", s)
		}
	}
	for i, s := range in.SectorsFocus {
		if !r.sectors[s] {
			bad(fmt.Sprintf("sectors_focus[%d]", i), "unknown sector %q", s)
		}
	}
	errs = append(errs, r.checkEligibility(in.Eligibility)...)
	return errs
}

func (r ReferenceIndex) checkEligibility(e Eligibility) []FieldError {
	var errs []FieldError
	bad := func(field, format string, a ...any) {
		errs = append(errs, FieldError{"eligibility." + field, fmt.Sprintf(format, a...)})
	}
	for i, k := range e.ApplicantKinds {
		if !slices.Contains(ActorKinds, k) {
			bad(fmt.Sprintf("applicant_kinds[%d]", i), "%q is not one of %v", k, ActorKinds)
		}
	}
	for i, o := range e.OrgTypes {
		if !slices.Contains(OrgTypes, o) {
			bad(fmt.Sprintf("org_types[%d]", i), "%q is not one of %v", o, OrgTypes)
		}
	}
	for i, o := range e.PartnerOrgTypes {
		switch {
		case !slices.Contains(OrgTypes, o):
			bad(fmt.Sprintf("partner_org_types[%d]", i), "%q is not one of %v", o, OrgTypes)
		case slices.Contains(e.OrgTypes, o):
			bad(fmt.Sprintf("partner_org_types[%d]", i), "%q is already in org_types, which may lead and be partners", o)
		case len(e.OrgTypes) == 0:
			bad(fmt.Sprintf("partner_org_types[%d]", i), "needs org_types: the organisations that may lead")
		}
	}
	if len(e.PartnerOrgTypes) > 0 && e.Consortium == nil {
		bad("partner_org_types", "applies to consortium calls only")
	}
	for i, c := range e.Countries {
		if _, isSet := countrySets[c]; !isSet && !ValidCountry(c) {
			bad(fmt.Sprintf("countries[%d]", i), "%q is neither an ISO 3166-1 alpha-2 code nor one of %v", c, CountrySetNames())
		}
	}
	for i, s := range e.Sectors {
		if !r.sectors[s] {
			bad(fmt.Sprintf("sectors[%d]", i), "unknown sector %q", s)
		}
	}
	if e.MinYearsOperating < 0 {
		bad("min_years_operating", "negative")
	}
	c := e.Consortium
	if c == nil {
		if !e.SingleApplicant {
			bad("single_applicant", "an instrument without consortium rules must accept single applicants")
		}
		return errs
	}
	if c.MinEntities < 1 {
		bad("consortium.min_entities", "must be at least 1")
	}
	if c.MinCountries < 0 || c.MinCountries > c.MinEntities {
		bad("consortium.min_countries", "%d cannot be met by %d entities", c.MinCountries, c.MinEntities)
	}
	if e.SingleApplicant && c.MinEntities > 1 {
		bad("single_applicant", "contradicts a consortium of at least %d entities", c.MinEntities)
	}
	for i, req := range c.SectorMix {
		if req.MinEntities < 1 || len(req.Sectors) == 0 || strings.TrimSpace(req.Description) == "" {
			bad(fmt.Sprintf("consortium.sector_mix[%d]", i), "needs sectors, min_entities >= 1 and a description")
		}
		for j, s := range req.Sectors {
			if !r.sectors[s] {
				bad(fmt.Sprintf("consortium.sector_mix[%d].sectors[%d]", i, j), "unknown sector %q", s)
			}
		}
	}
	for i, s := range c.NotOnlySectors {
		if !r.sectors[s] {
			bad(fmt.Sprintf("consortium.not_only_sectors[%d]", i), "unknown sector %q", s)
		}
	}
	if c.RequiresAIAndCCI && c.MinEntities < 2 {
		bad("consortium.min_entities", "an AI and a CCI actor make at least two entities")
	}
	return errs
}
