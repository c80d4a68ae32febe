package matching

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// The reference instruments are read as data (the engine imports nothing of ours); the country
// sets are the ones the seeds package defines, restated for the rules these instruments use.
var testEU27 = []string{"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
	"IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"}

func testPlaces() Places {
	with := func(extra ...string) []string { return append(slices.Clone(testEU27), extra...) }
	return Places{Sets: map[string][]string{
		"EU27":                  testEU27,
		"EEA":                   with("IS", "LI", "NO"),
		"CREATIVE_EUROPE":       with("IS", "NO", "AL", "BA", "ME", "MK", "RS", "GE", "UA", "TN", "XK"),
		"CREATIVE_EUROPE_MEDIA": with("IS", "NO", "AL", "BA", "ME", "MK", "RS"),
		"HORIZON_ASSOCIATED":    {"AL", "AM", "BA", "CA", "FO", "GE", "GB", "IL", "IS", "KR", "MD", "ME", "MK", "NO", "NZ", "RS", "TN", "TR", "UA", "XK"},
	}, Labels: map[string]string{"EU27": "the EU"}}
}

func seededInstruments(t testing.TB) map[string]Instrument {
	t.Helper()
	raw, err := os.ReadFile("../seeds/data/instruments.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Instruments []struct {
			Slug, Name, Status, Channel string
			Deadline                    *string
			AmountMin                   *int64          `json:"amount_min_eur"`
			AmountMax                   *int64          `json:"amount_max_eur"`
			Eligibility                 json.RawMessage `json:"eligibility"`
			SkillsFocus                 []string        `json:"skills_focus"`
			SectorsFocus                []string        `json:"sectors_focus"`
		}
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	out := map[string]Instrument{}
	for _, in := range file.Instruments {
		e, err := ParseEligibility(in.Eligibility)
		if err != nil {
			t.Fatalf("%s: %v", in.Slug, err)
		}
		m := Instrument{ID: in.Slug, Name: in.Name, Status: in.Status, Channel: in.Channel, Eligibility: e,
			SkillsFocus: in.SkillsFocus, SectorsFocus: in.SectorsFocus}
		if in.Deadline != nil {
			m.Deadline = *in.Deadline
		}
		if in.AmountMin != nil {
			m.AmountMin = *in.AmountMin
		}
		if in.AmountMax != nil {
			m.AmountMax = *in.AmountMax
		}
		out[in.Slug] = m
	}
	return out
}

var fundingNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func gamesStudio() Applicant {
	return Applicant{ID: "studio", Name: "Pixel Forge", Kind: "cci", OrgType: "sme", Country: "FR", Sectors: []string{"games"},
		Offers: []Offer{{Skill: "game-design", Level: 4}, {Skill: "game-development", Level: 3}},
		Needs:  []Need{{Skill: "machine-learning", Must: true}}, Available: true}
}

func freelancer() Applicant {
	return Applicant{ID: "free", Name: "Ana", Kind: "cci", OrgType: "freelancer", Country: "PT", Sectors: []string{"visual-arts"},
		Offers: []Offer{{Skill: "digital-art", Level: 3}}, Available: true}
}

func designStudio() Applicant {
	return Applicant{ID: "design", Name: "Atelier Azul", Kind: "cci", OrgType: "sme", Country: "PT", Sectors: []string{"design"},
		Offers: []Offer{{Skill: "audience-development", Level: 3}}, Available: true}
}

// A cooperation call open to freelancers (as some national and cascade calls are): a freelancer
// alone qualifies with partners, and the missing ones are named.
func TestFreelancerWithPartners(t *testing.T) {
	in := Instrument{ID: "coop", Status: StatusOpen, Eligibility: Eligibility{OrgTypes: []string{"freelancer", "sme", "ngo"},
		Countries: []string{"EU27"}, Consortium: &ConsortiumRules{MinEntities: 3, MinCountries: 3, RequiresAIAndCCI: true,
			SectorMix: []SectorRequirement{{Sectors: []string{"audiovisual", "film"}, MinEntities: 1, Description: "an audiovisual organisation"}}}}}
	f := AssessFunding(freelancer(), in, testPlaces(), fundingNow)
	if f.Eligibility != WithPartners {
		t.Fatalf("eligibility %s, want with_partners (%+v)", f.Eligibility, f.Reasons)
	}
	want := []string{"needs ≥ 2 more partners from 2 other countries", "needs an audiovisual organisation", "needs an AI organisation"}
	if !slices.Equal(f.Missing, want) {
		t.Errorf("missing %q, want %q", f.Missing, want)
	}
}

func TestEligibilityOnSeededInstruments(t *testing.T) {
	ins := seededInstruments(t)
	museum := Applicant{ID: "museum", Name: "Museum of Light", Kind: "cci", OrgType: "public_institution", Country: "NL",
		Sectors: []string{"museums", "heritage"}, Available: true}
	aiStartup := Applicant{ID: "ai", Kind: "ai", OrgType: "startup", Country: "DE", Sectors: []string{"news-media"},
		Offers: []Offer{{Skill: "machine-learning", Level: 4}}, Available: true}
	swissStudio := gamesStudio()
	swissStudio.Country = "CH"
	for _, tc := range []struct {
		name       string
		actor      Applicant
		instrument string
		want       string
		missing    []string // substrings, each in some missing entry
		unmet      []string // criterion codes not met
	}{
		{"French studio: Creative Europe video games, closed", gamesStudio(), "crea-media-devvgim", Closed, nil, []string{"status"}},
		{"French studio: French games tax credit", gamesStudio(), "fr-credit-impot-jeux-video", Eligible, nil, nil},
		{"French studio: not the Irish tax credit", gamesStudio(), "ie-digital-games-tax-credit", Ineligible, nil, []string{"country"}},
		{"French studio: not Section 481 (film)", gamesStudio(), "ie-section-481", Ineligible, nil, []string{"country", "sector"}},
		{"Swiss studio: not a MEDIA country", swissStudio, "crea-media-devvgim", Ineligible, nil, []string{"country", "status"}},
		// Creative Europe consortia are led by organisations; a freelancer joins one as a partner.
		{"freelancer: a partner in a Creative Europe cooperation", freelancer(), "crea-cult-coop-small", WithPartners,
			[]string{"needs a coordinator"}, nil},
		{"small design studio alone: cooperation project needs partners", designStudio(), "crea-cult-coop-small", WithPartners,
			[]string{"needs ≥ 2 more partners from 2 other countries"}, nil},
		{"freelancer: not an org type of the MEDIA scheme", freelancer(), "crea-media-devvgim", Ineligible, nil, []string{"org_type", "sector", "status"}},
		{"museum: innovation lab needs an audiovisual organisation", museum, "crea-cross-innovlab", WithPartners,
			[]string{"needs ≥ 2 more partners from 1 other country", "needs an audiovisual organisation"}, nil},
		{"museum: EDIH services", museum, "digital-europe-edih", Eligible, nil, nil},
		{"studio alone: purely audiovisual consortium is not allowed", gamesStudio(), "crea-cult-coop-small", WithPartners,
			[]string{"needs a partner outside audiovisual", "needs a member working in"}, []string{"sector"}},
		{"AI start-up: TEF is for AI providers", aiStartup, "digital-europe-ai-tefs", Eligible, nil, nil},
		{"museum: TEF is for AI providers only", museum, "digital-europe-ai-tefs", Ineligible, nil, []string{"applicant_kind", "org_type"}},
		{"anyone: STARTS prize", museum, "starts-prize", Eligible, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, ok := ins[tc.instrument]
			if !ok {
				t.Fatalf("no instrument %s in the seeds", tc.instrument)
			}
			f := AssessFunding(tc.actor, in, testPlaces(), fundingNow)
			if f.Eligibility != tc.want {
				t.Errorf("eligibility %s, want %s; reasons %+v; missing %v", f.Eligibility, tc.want, f.Reasons, f.Missing)
			}
			for _, m := range tc.missing {
				if !slices.ContainsFunc(f.Missing, func(s string) bool { return strings.Contains(s, m) }) {
					t.Errorf("missing %q not in %q", m, f.Missing)
				}
			}
			var unmet []string
			for _, r := range f.Reasons {
				if !r.Met && r.Code != "skills_focus" && r.Code != "sectors_focus" && r.Code != "amount" && r.Code != "consortium" {
					unmet = append(unmet, r.Code)
				}
				if r.Message == "" {
					t.Errorf("reason %s without a message", r.Code)
				}
			}
			if !slices.Equal(unmet, tc.unmet) {
				t.Errorf("unmet criteria %v, want %v (%+v)", unmet, tc.unmet, f.Reasons)
			}
			if f.Score < 0 || f.Score > 1 {
				t.Errorf("score %v out of [0,1]", f.Score)
			}
		})
	}
}

func TestFundingStatusAndScore(t *testing.T) {
	ins := seededInstruments(t)
	studio := gamesStudio()
	if f := AssessFunding(studio, ins["crea-media-devvgim"], testPlaces(), fundingNow); f.Status != StatusClosed {
		t.Errorf("a call whose deadline passed is closed, got %s", f.Status)
	}
	// An open call past its deadline counts as closed.
	tax := ins["fr-credit-impot-jeux-video"]
	if f := AssessFunding(studio, tax, testPlaces(), time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC)); f.Status != StatusClosed {
		t.Errorf("open call after its deadline: %s, want closed", f.Status)
	}
	if f := AssessFunding(studio, ins["horizon-cl2-2027-heritage-09"], testPlaces(), fundingNow); f.Status != StatusReference {
		t.Errorf("reference status: %s", f.Status)
	}
	// The tax credit (games focus, skills offered, open) outranks the EIC Accelerator for the studio.
	a := AssessFunding(studio, tax, testPlaces(), fundingNow)
	b := AssessFunding(studio, ins["eic-accelerator"], testPlaces(), fundingNow)
	if a.Score <= b.Score {
		t.Errorf("games tax credit %.3f should beat the EIC Accelerator %.3f for a games studio", a.Score, b.Score)
	}
	// Ineligible instruments rank low whatever their fit.
	c := AssessFunding(studio, ins["ie-digital-games-tax-credit"], testPlaces(), fundingNow)
	if c.Score >= a.Score {
		t.Errorf("ineligible Irish credit %.3f should rank below the French one %.3f", c.Score, a.Score)
	}
	// Conditions a profile cannot show are passed on.
	if f := AssessFunding(freelancer(), ins["crea-cult-coop-small"], testPlaces(), fundingNow); len(f.Conditions) < 2 {
		t.Errorf("conditions %v: want the call's condition and the 2-year rule", f.Conditions)
	}
}

func TestParseEligibilityEmpty(t *testing.T) {
	e, err := ParseEligibility(nil)
	if err != nil || !e.SingleApplicant {
		t.Fatalf("%+v %v", e, err)
	}
	f := AssessFunding(freelancer(), Instrument{Status: "open", Eligibility: e}, Places{}, fundingNow)
	if f.Eligibility != Eligible {
		t.Errorf("no rules: %s", f.Eligibility)
	}
}
