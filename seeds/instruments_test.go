package seeds

import (
	"slices"
	"strings"
	"testing"
)

func TestInstruments(t *testing.T) {
	ins, err := Instruments()
	if err != nil {
		t.Fatal(err)
	}
	if len(ins) < 27 {
		t.Errorf("%d instruments, want all 27 rows of the facts file", len(ins))
	}
	skills, _ := Taxonomy()
	sectors, _ := Sectors()
	ref := NewReferenceIndex(skills, sectors)
	types := map[string]bool{}
	bySlug := map[string]Instrument{}
	for _, in := range ins {
		bySlug[in.Slug] = in
		types[in.Type] = true
		if errs := ref.CheckInstrument(in); len(errs) > 0 {
			t.Errorf("%s: %v", in.Slug, errs)
		}
		if in.DateChecked.String() != DateChecked {
			t.Errorf("%s: date_checked %s", in.Slug, in.DateChecked)
		}
		if len(in.SkillsFocus) == 0 {
			t.Errorf("%s has no skills focus", in.Slug)
		}
	}
	for _, typ := range InstrumentTypes {
		if !types[typ] {
			t.Errorf("no instrument of type %s", typ)
		}
	}

	// Spot checks on facts the matching engine's tests lean on.
	coop := bySlug["crea-cult-coop-small"]
	if c := coop.Eligibility.Consortium; c == nil || c.MinEntities != 3 || c.MinCountries != 3 || coop.Eligibility.SingleApplicant {
		t.Errorf("COOP-1 consortium rules = %+v", c)
	}
	lab := bySlug["crea-cross-innovlab"].Eligibility.Consortium
	if lab == nil || lab.MinEntities != 3 || lab.MinCountries != 2 || len(lab.SectorMix) != 2 || !slices.Contains(lab.SectorMix[0].Sectors, "audiovisual") {
		t.Errorf("Innovation Lab consortium rules = %+v", lab)
	}
	dev := bySlug["crea-media-devvgim"]
	if !dev.Eligibility.SingleApplicant || !dev.Eligibility.CountryAllowed("FR") || *dev.AmountMaxEUR != 200000 {
		t.Errorf("DEVVGIM = %+v", dev)
	}
	fr, ie := bySlug["fr-credit-impot-jeux-video"].Eligibility, bySlug["ie-digital-games-tax-credit"].Eligibility
	if !fr.CountryAllowed("FR") || fr.CountryAllowed("IE") || ie.CountryAllowed("FR") || !ie.CountryAllowed("IE") {
		t.Error("national games tax credits must be limited to their country")
	}
	if bySlug["horizon-cl2-2025-heritage-04"].Eligibility.CountryAllowed("US") {
		t.Error("Horizon topic open to the US")
	}
	if !bySlug["horizon-cl2-2025-heritage-04"].Eligibility.CountryAllowed("NO") {
		t.Error("Horizon topic closed to Norway")
	}
}

func TestCheckInstrumentRejects(t *testing.T) {
	skills, _ := Taxonomy()
	sectors, _ := Sectors()
	ref := NewReferenceIndex(skills, sectors)
	ins, err := Instruments()
	if err != nil {
		t.Fatal(err)
	}
	var base Instrument
	for _, in := range ins {
		if in.Slug == "crea-cult-coop-small" {
			base = in
		}
	}
	tests := []struct {
		name  string
		edit  func(*Instrument)
		field string
	}{
		{"unknown type", func(in *Instrument) { in.Type = "loan" }, "type"},
		{"unknown skill", func(in *Instrument) { in.SkillsFocus = []string{"juggling"} }, "skills_focus[0]"},
		{"unknown country", func(in *Instrument) { in.Eligibility.Countries = []string{"EU"} }, "eligibility.countries[0]"},
		{"unknown org type", func(in *Instrument) { in.Eligibility.OrgTypes = []string{"bank"} }, "eligibility.org_types[0]"},
		{"unknown sector", func(in *Instrument) { in.Eligibility.Sectors = []string{"cooking"} }, "eligibility.sectors[0]"},
		{"more countries than entities", func(in *Instrument) {
			c := *in.Eligibility.Consortium
			c.MinCountries = 5
			in.Eligibility.Consortium = &c
		}, "eligibility.consortium.min_countries"},
		{"single applicant and consortium", func(in *Instrument) { in.Eligibility.SingleApplicant = true }, "eligibility.single_applicant"},
		{"min above max", func(in *Instrument) { v := int64(300000); in.AmountMinEUR = &v }, "amount_min_eur"},
		{"rate above 100", func(in *Instrument) { v := 120.0; in.FundingRatePct = &v }, "funding_rate_pct"},
		{"no source", func(in *Instrument) { in.SourceURL = "ftp://x" }, "source_url"},
		{"open but past deadline", func(in *Instrument) { d, _ := ParseDate("2020-01-01"); in.Status = StatusOpen; in.Deadline = &d }, "status"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := base
			in.Eligibility.Consortium = base.Eligibility.Consortium
			tt.edit(&in)
			errs := ref.CheckInstrument(in)
			for _, e := range errs {
				if e.Field == tt.field {
					return
				}
			}
			t.Fatalf("errors %v do not name %s", errs, tt.field)
		})
	}
	if errs := ref.CheckInstrument(base); len(errs) != 0 {
		t.Fatalf("base instrument rejected: %v", errs)
	}
	if base.Eligibility.Consortium.MinEntities != 3 {
		t.Fatal("a test case edited the shared consortium rules")
	}
	if !strings.Contains(base.Eligibility.Consortium.Note, "3") {
		t.Error("consortium note should state the rule")
	}
}
