package matching

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func reasonOf(f FundingFit, code string) (Criterion, bool) {
	i := slices.IndexFunc(f.Reasons, func(c Criterion) bool { return c.Code == code })
	if i < 0 {
		return Criterion{}, false
	}
	return f.Reasons[i], true
}

// A call past its deadline is closed whatever its stored status, and never "eligible"; a scheme
// without a deadline stays open; the clock decides.
func TestFundingClosedCallIsNeverEligible(t *testing.T) {
	ins := seededInstruments(t)
	for _, tc := range []struct {
		name, instrument string
		actor            Applicant
		now              time.Time
		want, status     string
	}{
		{"2022 cascade call kept as a model", "ai4media-open-calls", freelancer(), fundingNow, Closed, StatusClosed},
		{"2022 cascade call before its deadline", "ai4media-open-calls", freelancer(), time.Date(2022, 11, 30, 23, 0, 0, 0, time.UTC), Eligible, StatusReference},
		{"open tax credit on its deadline day", "fr-credit-impot-jeux-video", gamesStudio(), time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC), Eligible, StatusOpen},
		{"open tax credit the day after", "fr-credit-impot-jeux-video", gamesStudio(), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), Closed, StatusClosed},
		{"rolling fund without a deadline", "ngi-zero-commons-fund", freelancer(), time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), Eligible, StatusOpen},
		{"closed consortium call for a partner", "horizon-cl2-2025-heritage-04", freelancer(), fundingNow, Closed, StatusClosed},
		{"ineligible stays ineligible when closed", "crea-media-devvgim", freelancer(), fundingNow, Ineligible, StatusClosed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := AssessFunding(tc.actor, ins[tc.instrument], testPlaces(), tc.now)
			if f.Eligibility != tc.want || f.Status != tc.status {
				t.Fatalf("eligibility %s, status %s; want %s, %s (%+v)", f.Eligibility, f.Status, tc.want, tc.status, f.Reasons)
			}
			if f.Status == StatusClosed {
				if len(f.EligibleAs) != 0 || f.Role != "" {
					t.Errorf("a closed call offers roles %v / %q", f.EligibleAs, f.Role)
				}
				r, _ := reasonOf(f, "status")
				if r.Met || (ins[tc.instrument].Deadline != "" && !strings.Contains(r.Message, ins[tc.instrument].Deadline)) {
					t.Errorf("status reason %+v: want unmet, with the date", r)
				}
			}
		})
	}
	if got := CallStatus("reference", "", fundingNow); got != StatusReference {
		t.Errorf("reference without deadline: %s", got)
	}
}

// Amounts are judged against the actor's size: €2.5M does not suit a freelancer applying alone,
// and large consortium calls suit a freelancer as a partner only.
func TestFundingAmountJudgedBySize(t *testing.T) {
	ins := openInJune(seededInstruments(t))
	june := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, instrument string
		actor            Applicant
		met              bool
		size             string
		says, never      string
	}{
		{"EIC Accelerator for a freelancer", "eic-accelerator", freelancer(), false, SizeLarge, "larger than a freelancer", "suits a freelancer"},
		{"EIC Accelerator for an SME", "eic-accelerator", designStudio(), true, SizeFits, "suits an SME", ""},
		{"Horizon project for a freelancer", "horizon-cl2-2026-heritage-03", freelancer(), true, SizePartnerShare, "too large for a freelancer to lead; as a partner", "suits a freelancer"},
		{"NGI grant for a freelancer", "ngi-zero-commons-fund", freelancer(), true, SizeFits, "suits a freelancer", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := AssessFunding(tc.actor, ins[tc.instrument], testPlaces(), june)
			r, ok := reasonOf(f, "amount")
			if !ok || r.Met != tc.met || !strings.Contains(r.Message, tc.says) || (tc.never != "" && strings.Contains(r.Message, tc.never)) {
				t.Errorf("amount reason %+v: want met=%v saying %q", r, tc.met, tc.says)
			}
			if f.Size != tc.size {
				t.Errorf("size %q, want %q", f.Size, tc.size)
			}
		})
	}
	// The size costs a freelancer score: the EIC Accelerator ranks below a grant of its size.
	eic := AssessFunding(freelancer(), ins["eic-accelerator"], testPlaces(), june)
	ngi := AssessFunding(freelancer(), ins["ngi-zero-commons-fund"], testPlaces(), june)
	if eic.Score >= ngi.Score {
		t.Errorf("EIC %.3f should rank below NGI %.3f for a freelancer", eic.Score, ngi.Score)
	}
}

// openInJune reopens the 2026 Horizon call, as it was before its deadline (the seeds record it closed).
func openInJune(ins map[string]Instrument) map[string]Instrument {
	h := ins["horizon-cl2-2026-heritage-03"]
	h.Status = StatusOpen
	ins[h.ID] = h
	return ins
}

// Who may lead and who may join: a freelancer joins Horizon and Creative Europe consortia as a
// partner; an NGO may lead a Horizon project on paper but its size makes it a partner; an SME leads.
func TestFundingRoles(t *testing.T) {
	ins := openInJune(seededInstruments(t))
	june := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	ngo := Applicant{ID: "ngo", Name: "Culture Action", Kind: "cci", OrgType: "ngo", Country: "BE", Sectors: []string{"heritage"}, Available: true}
	sme := designStudio()
	for _, tc := range []struct {
		name, instrument string
		actor            Applicant
		eligibility      string
		as               []string
		role, says       string
	}{
		{"freelancer, Horizon", "horizon-cl2-2026-heritage-03", freelancer(), WithPartners, []string{RolePartner}, RolePartner, "freelancers join the consortium as partners"},
		{"freelancer, Creative Europe cooperation", "crea-cult-coop-small", freelancer(), WithPartners, []string{RolePartner}, RolePartner, "as partners"},
		{"NGO, Horizon", "horizon-cl2-2026-heritage-03", ngo, WithPartners, []string{RoleLead, RolePartner}, RolePartner, "large for an NGO to coordinate"},
		{"SME, Horizon", "horizon-cl2-2026-heritage-03", sme, WithPartners, []string{RoleLead, RolePartner}, RoleLead, "coordinate"},
		{"freelancer, single-applicant scheme", "ngi-zero-commons-fund", freelancer(), Eligible, []string{RoleLead}, RoleLead, "own name"},
		{"freelancer, MEDIA scheme closed to freelancers", "crea-media-devvgim", freelancer(), Ineligible, []string{}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := AssessFunding(tc.actor, ins[tc.instrument], testPlaces(), june)
			if f.Eligibility != tc.eligibility || !slices.Equal(f.EligibleAs, tc.as) || f.Role != tc.role || !strings.Contains(f.RoleReason, tc.says) {
				t.Errorf("got %s as %v role %q (%q); want %s as %v role %q saying %q", f.Eligibility, f.EligibleAs, f.Role, f.RoleReason,
					tc.eligibility, tc.as, tc.role, tc.says)
			}
		})
	}
	// The freelancer's org_type criterion is met as a partner, and the missing coordinator is named.
	f := AssessFunding(freelancer(), ins["horizon-cl2-2026-heritage-03"], testPlaces(), june)
	if r, _ := reasonOf(f, "org_type"); !r.Met || !strings.Contains(r.Message, "take part as partners") {
		t.Errorf("org_type reason %+v", r)
	}
	if !slices.ContainsFunc(f.Missing, func(m string) bool { return strings.HasPrefix(m, "needs a coordinator") }) {
		t.Errorf("missing %q: want the coordinator", f.Missing)
	}
}

// A freelancer asking for a consortium is a partner in every suggested team, which includes an
// organisation that may coordinate.
func TestConsortiumForAPartnerOnlyActor(t *testing.T) {
	in := seededInstruments(t)["horizon-cl2-2026-heritage-03"]
	pool := []Applicant{
		{ID: "f2", Name: "Bo", Kind: "cci", OrgType: "freelancer", Country: "DE", Available: true},
		{ID: "f3", Name: "Cy", Kind: "cci", OrgType: "freelancer", Country: "FR", Available: true},
		{ID: "lab", Name: "Lab", Kind: "ai", OrgType: "research_lab", Country: "NL", Available: true},
	}
	rep := SuggestConsortium(ConsortiumQuery{Instrument: in, Lead: freelancer(), Pool: pool, Places: testPlaces()})
	if len(rep.Suggestions) == 0 {
		t.Fatalf("no team: %+v", rep.Current)
	}
	if !slices.ContainsFunc(rep.Current.Gaps, func(g string) bool { return strings.HasPrefix(g, "needs a coordinator") }) {
		t.Errorf("current gaps %q: want the coordinator", rep.Current.Gaps)
	}
	for _, team := range rep.Suggestions {
		if team.Members[0].Role != RolePartner {
			t.Errorf("the freelancer's role is %s", team.Members[0].Role)
		}
		if !slices.ContainsFunc(team.Members, func(m TeamMember) bool { return m.ID == "lab" && slices.Contains(m.Fills, "the coordinator") }) {
			t.Errorf("team without its coordinator: %+v", team.Members)
		}
	}
}
