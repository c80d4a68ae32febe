package seeds

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/crossover-cci/crossover/models"
)

// InstrumentModel maps a reference instrument to the store's shape, fact for fact.
func InstrumentModel(in Instrument) models.Instrument {
	elig, _ := json.Marshal(in.Eligibility)
	m := models.Instrument{Slug: in.Slug, Name: in.Name, ShortName: in.ShortName, ManagingBody: in.ManagingBody,
		Programme: in.Programme, Type: in.Type, OtherTypes: in.OtherTypes, Channel: in.Channel,
		AmountMinEUR: in.AmountMinEUR, AmountMaxEUR: in.AmountMaxEUR, FundingRatePct: in.FundingRatePct,
		BudgetEUR: in.BudgetEUR, BudgetScope: in.BudgetScope, Currency: "EUR", Indicative: in.Indicative,
		AmountNote: in.AmountNote, Eligibility: elig, SkillsFocus: in.SkillsFocus, SectorsFocus: in.SectorsFocus,
		Recurrence: in.Recurrence, Status: in.Status, SourceURL: in.SourceURL, Sources: in.Sources,
		DateChecked: in.DateChecked.String(), Notes: in.Notes}
	if in.Deadline != nil {
		m.Deadline = in.Deadline.String()
	}
	if in.Opens != nil {
		m.Opens = in.Opens.String()
	}
	return m
}

// instrumentFromModel is the reverse of InstrumentModel; the eligibility object is decoded strictly
// (an unknown field is an error naming it), dates must be YYYY-MM-DD.
func instrumentFromModel(m models.Instrument) (Instrument, *models.ValidationError) {
	ve := &models.ValidationError{}
	in := Instrument{Slug: m.Slug, Name: m.Name, ShortName: m.ShortName, ManagingBody: m.ManagingBody,
		Programme: m.Programme, Type: m.Type, OtherTypes: m.OtherTypes, Channel: m.Channel,
		AmountMinEUR: m.AmountMinEUR, AmountMaxEUR: m.AmountMaxEUR, FundingRatePct: m.FundingRatePct,
		BudgetEUR: m.BudgetEUR, BudgetScope: m.BudgetScope, Indicative: m.Indicative, AmountNote: m.AmountNote,
		SkillsFocus: m.SkillsFocus, SectorsFocus: m.SectorsFocus, Recurrence: m.Recurrence, Status: m.Status,
		SourceURL: m.SourceURL, Sources: m.Sources, Notes: m.Notes}
	day := func(field, s string) *Date {
		if s == "" {
			return nil
		}
		d, err := ParseDate(s)
		if err != nil {
			ve.Add(field, "must be a day written YYYY-MM-DD")
			return nil
		}
		return &d
	}
	in.Deadline = day("deadline", m.Deadline)
	in.Opens = day("opens", m.Opens)
	if d := day("date_checked", m.DateChecked); d != nil {
		in.DateChecked = *d
	}
	if len(m.Eligibility) > 0 && string(m.Eligibility) != "null" {
		dec := json.NewDecoder(bytes.NewReader(m.Eligibility))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in.Eligibility); err != nil {
			ve.Add("eligibility", eligibilityProblem(err))
		} else if dec.Decode(&struct{}{}) != io.EOF {
			ve.Add("eligibility", "must be one JSON object")
		}
	}
	return in, ve
}

func eligibilityProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("%s must be of type %s", te.Field, te.Type.String())
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return "has an unknown field " + f + " (known: applicant_kinds, org_types, countries, sectors, single_applicant, consortium, min_years_operating, conditions)"
	}
	return "is not a valid eligibility object: " + msg
}

// InstrumentRules checks instruments written by editors with the rules the reference data passes
// (CheckInstrument), against the skills and sectors the store holds now. The api package reaches it
// through an interface, so that it need not import seeds.
type InstrumentRules struct{}

// CheckInstrument returns a *models.ValidationError naming every broken rule by its JSON path, nil
// when the instrument is well-formed. A rule that cannot be evaluated (an unknown country set,
// min_countries above min_entities, an unknown sector) is such an error too, saying why.
func (InstrumentRules) CheckInstrument(m models.Instrument, skillKnown, sectorKnown func(string) bool) error {
	in, ve := instrumentFromModel(m)
	ref := ReferenceIndex{skills: map[string]bool{}, sectors: map[string]bool{}}
	for _, s := range in.SkillsFocus {
		ref.skills[s] = skillKnown(s)
	}
	sectors := append([]string{}, in.SectorsFocus...)
	sectors = append(sectors, in.Eligibility.Sectors...)
	if c := in.Eligibility.Consortium; c != nil {
		for _, req := range c.SectorMix {
			sectors = append(sectors, req.Sectors...)
		}
		sectors = append(sectors, c.NotOnlySectors...)
	}
	for _, s := range sectors {
		ref.sectors[s] = sectorKnown(s)
	}
	for _, fe := range ref.CheckInstrument(in) {
		ve.Add(fe.Field, fe.Message)
	}
	if m.Currency != "" && m.Currency != "EUR" {
		ve.Add("currency", "must be EUR (amounts are compared across instruments)")
	}
	if len([]rune(m.Summary)) > 5000 {
		ve.Add("summary", "must be at most 5000 characters")
	}
	if len([]rune(m.Name)) > 300 {
		ve.Add("name", "must be at most 300 characters")
	}
	return ve.Err()
}

// loadInstruments stores the reference instruments (idempotent by slug).
func loadInstruments(ctx context.Context, store *models.Store) error {
	list, err := Instruments()
	if err != nil {
		return fmt.Errorf("instruments: %w", err)
	}
	rows := make([]models.Instrument, len(list))
	for i, in := range list {
		rows[i] = InstrumentModel(in)
	}
	if _, _, err := store.UpsertReferenceInstruments(ctx, rows); err != nil {
		return fmt.Errorf("store instruments: %w", err)
	}
	return nil
}
