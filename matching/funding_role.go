package matching

import (
	"fmt"
	"slices"
	"time"
)

// Who may take which role in an application, whether a call is still open, and whether its amounts
// suit the actor's size. A consortium call has one lead (the coordinator) and partners; a
// single-applicant scheme has only the lead, who applies in its own name.

// Roles an actor may take in an application.
const (
	RoleLead    = "lead"    // applies in its own name, or coordinates a consortium
	RolePartner = "partner" // joins a consortium another member coordinates
)

// orgBudget is roughly the largest grant an organisation of each type can run (EUR): a scheme far
// above it is a poor fit for that actor as the applicant or coordinator. It is a rule of thumb, not
// a rule of any funder.
var orgBudget = map[string]int64{"freelancer": 100_000, "ngo": 500_000, "startup": 2_500_000, "sme": 5_000_000,
	"network": 2_000_000, "public_institution": 20_000_000, "university": 50_000_000, "research_lab": 20_000_000,
	"large_company": 100_000_000}

// orgFloor is below what is worth the paperwork for large organisations.
var orgFloor = map[string]int64{"large_company": 50_000, "university": 20_000, "public_institution": 10_000}

// CallStatus is a call's state on now's date: a deadline in the past closes an open call and a
// reference entry alike; without a deadline an open or reference entry stays as it is.
func CallStatus(status, deadline string, now time.Time) string {
	if status != StatusOpen && status != StatusReference {
		return StatusClosed
	}
	if deadline != "" {
		if d, err := time.Parse(time.DateOnly, deadline); err == nil && now.UTC().Format(time.DateOnly) > d.Format(time.DateOnly) {
			return StatusClosed
		}
	}
	return status
}

// memberCriteria are the rules every applicant (and every consortium member) must meet alone. With
// asPartner, the organisation types admitted as partners only meet the org_type rule too.
func memberCriteria(a Applicant, e Eligibility, p Places, asPartner bool) []Criterion {
	var out []Criterion
	if len(e.ApplicantKinds) > 0 {
		met := slices.Contains(e.ApplicantKinds, a.Kind)
		out = append(out, Criterion{Code: "applicant_kind", Met: met,
			Message: fmt.Sprintf("Open to %s actors; %s is %s", words(kindWords(e.ApplicantKinds), "and"), subject(a), kindWord(a.Kind))})
	}
	if len(e.OrgTypes) > 0 {
		met := slices.Contains(e.OrgTypes, a.OrgType)
		msg := fmt.Sprintf("Open to %s; %s is %s", words(orgWords(e.OrgTypes), "and"), subject(a), orNone(orgWord(a.OrgType)))
		if !met && asPartner && slices.Contains(e.PartnerOrgTypes, a.OrgType) {
			met = true
			msg = fmt.Sprintf("Led by %s; %s take part as partners, and %s is %s", words(orgWords(e.OrgTypes), "or"),
				words(orgWords(e.PartnerOrgTypes), "and"), subject(a), orgWord(a.OrgType))
		}
		out = append(out, Criterion{Code: "org_type", Met: met, Message: msg})
	}
	if len(e.Countries) > 0 {
		met := p.Allowed(e.Countries, a.Country)
		out = append(out, Criterion{Code: "country", Met: met,
			Message: fmt.Sprintf("Applicants established in %s; %s is in %s", p.describe(e.Countries), subject(a), orNone(a.Country))})
	}
	return out
}

// memberOK: a may be a member of a consortium for e (as a partner at least).
func memberOK(a Applicant, e Eligibility, p Places) bool {
	return allMet(memberCriteria(a, e, p, true))
}

// leadOK: a may apply alone or coordinate a consortium for e (sector rules aside).
func leadOK(a Applicant, e Eligibility, p Places) bool {
	return allMet(memberCriteria(a, e, p, false))
}

// canCoordinate: a's organisation type may lead a consortium for e.
func canCoordinate(a Applicant, e Eligibility) bool {
	return len(e.OrgTypes) == 0 || slices.Contains(e.OrgTypes, a.OrgType)
}

func allMet(cs []Criterion) bool {
	for _, c := range cs {
		if !c.Met {
			return false
		}
	}
	return true
}

// roles lists the roles the rules allow and suggests one: the lead of a single-applicant scheme;
// in a consortium, the coordinator when the actor may lead and the amounts suit its size, else a
// partner.
func roles(a Applicant, in Instrument, canLead, canPartner bool) ([]string, string, string) {
	if !in.Eligibility.needsConsortium() {
		if !canLead {
			return nil, "", ""
		}
		return []string{RoleLead}, RoleLead, "You apply in your own name."
	}
	var as []string
	if canLead {
		as = append(as, RoleLead)
	}
	if canPartner {
		as = append(as, RolePartner)
	}
	who := orgWords([]string{a.OrgType})[0]
	switch {
	case canLead && !tooLargeToLead(a.OrgType, in):
		return as, RoleLead, "You can coordinate the consortium, or join one another member leads as a partner."
	case canLead:
		return as, RolePartner, fmt.Sprintf("You may lead, but projects of %s are large for %s to coordinate: joining as a partner suits you better.",
			amountWords(in), orgWord(a.OrgType))
	case canPartner:
		return as, RolePartner, fmt.Sprintf("This call is led by %s; %s join the consortium as partners.",
			words(orgWords(in.Eligibility.OrgTypes), "or"), who)
	}
	return nil, "", ""
}

// tooLargeToLead: the smallest project the call funds (its minimum, else its maximum) is beyond
// what an organisation of this type can run.
func tooLargeToLead(orgType string, in Instrument) bool {
	budget, ok := orgBudget[orgType]
	if !ok {
		return false
	}
	size := in.AmountMin
	if size == 0 {
		size = in.AmountMax
	}
	return size > budget
}

func amountWords(in Instrument) string {
	switch {
	case in.AmountMin > 0 && in.AmountMax > in.AmountMin:
		return fmt.Sprintf("€%s–€%s", money(in.AmountMin), money(in.AmountMax))
	case in.AmountMin > 0:
		return "€" + money(in.AmountMin)
	}
	return "up to €" + money(in.AmountMax)
}

// Size verdicts: how the call's amounts compare with what the actor can run.
const (
	SizeFits         = "fits"          // a size that suits the actor
	SizeLarge        = "large"         // beyond what it usually runs as applicant or coordinator
	SizeSmall        = "small"         // below what is worth the paperwork for a large organisation
	SizePartnerShare = "partner_share" // too large to lead, but a partner takes a share
)

// sizeFit judges the call's amounts against what an organisation of the actor's type can run. A
// partner takes a share of a consortium's grant, so large calls suit a small partner; an applicant
// or coordinator runs the whole project.
func sizeFit(orgType string, in Instrument, consortium, asPartner bool) (float64, Criterion, string) {
	if in.AmountMin == 0 && in.AmountMax == 0 {
		return 0.7, Criterion{}, ""
	}
	budget, ok := orgBudget[orgType]
	if !ok {
		return 0.7, Criterion{}, ""
	}
	who, around := orgWord(orgType), money(budget)
	amount := amountWords(in)
	upper := in.AmountMin
	if in.AmountMax > 0 {
		upper = in.AmountMax
	}
	switch {
	case consortium && asPartner && upper > budget:
		return 0.7, Criterion{Code: "amount", Met: true, Message: fmt.Sprintf("Projects of %s per consortium: too large for %s to lead; as a partner you take a share", amount, who)}, SizePartnerShare
	case consortium && asPartner:
		return 1, Criterion{Code: "amount", Met: true, Message: fmt.Sprintf("Projects of %s per consortium: a partner's share suits %s", amount, who)}, SizeFits
	case in.AmountMin > budget && consortium:
		return 0.5, Criterion{Code: "amount", Met: false, Message: fmt.Sprintf("From €%s per project: large for %s to coordinate (it usually runs up to about €%s)", money(in.AmountMin), who, around)}, SizeLarge
	case in.AmountMin > budget:
		return 0.2, Criterion{Code: "amount", Met: false, Message: fmt.Sprintf("From €%s per project: beyond what %s usually runs alone (up to about €%s)", money(in.AmountMin), who, around)}, SizeLarge
	case in.AmountMax > budget && in.AmountMin > 0:
		return 0.8, Criterion{Code: "amount", Met: true, Message: fmt.Sprintf("%s: the lower part of the range suits %s; the top is sized for larger organisations", amount, who)}, SizeFits
	case in.AmountMax > budget:
		return 0.4, Criterion{Code: "amount", Met: false, Message: fmt.Sprintf("Up to €%s: sized for organisations larger than %s, which usually runs up to about €%s; a smaller request may be possible", money(in.AmountMax), who, around)}, SizeLarge
	}
	if floor := orgFloor[orgType]; in.AmountMax > 0 && in.AmountMax < floor {
		return 0.5, Criterion{Code: "amount", Met: false, Message: fmt.Sprintf("Up to €%s: small for %s", money(in.AmountMax), who)}, SizeSmall
	}
	if in.AmountMax > 0 {
		return 1, Criterion{Code: "amount", Met: true, Message: fmt.Sprintf("Up to €%s, a size that suits %s", money(in.AmountMax), who)}, SizeFits
	}
	return 1, Criterion{Code: "amount", Met: true, Message: fmt.Sprintf("From €%s, a size that suits %s", money(in.AmountMin), who)}, SizeFits
}
