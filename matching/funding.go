package matching

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Funding eligibility and fit: which instruments an actor may apply for, criterion by criterion,
// and how well each suits it. The rules are data (the reference data's eligibility object); this
// file only evaluates them. The caller supplies the named country sets (Places), so the engine
// keeps no list of its own.

// Eligibility is who may apply, as the reference data writes it. Empty lists mean "no restriction".
type Eligibility struct {
	ApplicantKinds  []string         `json:"applicant_kinds"`
	OrgTypes        []string         `json:"org_types"`
	Countries       []string         `json:"countries"` // ISO alpha-2 codes and set names
	Sectors         []string         `json:"sectors"`   // the applicant (or one member of a consortium) is active in one
	SingleApplicant bool             `json:"single_applicant"`
	Consortium      *ConsortiumRules `json:"consortium"`
	// PartnerOrgTypes may join a consortium as partners but not lead it (OrgTypes may do both).
	PartnerOrgTypes   []string `json:"partner_org_types,omitempty"`
	MinYearsOperating int      `json:"min_years_operating,omitempty"`
	Conditions        []string `json:"conditions,omitempty"`
}

// ConsortiumRules are the composition rules of a consortium call.
type ConsortiumRules struct {
	MinEntities      int                 `json:"min_entities"`
	MinCountries     int                 `json:"min_countries"`
	SectorMix        []SectorRequirement `json:"sector_mix,omitempty"` // each met by distinct members
	NotOnlySectors   []string            `json:"not_only_sectors,omitempty"`
	RequiresAIAndCCI bool                `json:"requires_ai_and_cci"`
	Note             string              `json:"note,omitempty"`
}

// SectorRequirement asks for at least MinEntities members active in any of Sectors.
type SectorRequirement struct {
	Sectors     []string `json:"sectors"`
	MinEntities int      `json:"min_entities"`
	Description string   `json:"description"`
}

// ParseEligibility decodes an eligibility object; empty input means no restriction and a single
// applicant allowed.
func ParseEligibility(raw []byte) (Eligibility, error) {
	var e Eligibility
	if len(raw) == 0 || string(raw) == "null" {
		return Eligibility{SingleApplicant: true}, nil
	}
	if err := json.Unmarshal(raw, &e); err != nil {
		return Eligibility{}, err
	}
	return e, nil
}

// needsConsortium reports whether an applicant cannot apply alone.
func (e Eligibility) needsConsortium() bool {
	return e.Consortium != nil && (!e.SingleApplicant || e.Consortium.MinEntities > 1)
}

// Applicant is what eligibility and fit read of an actor.
type Applicant struct {
	ID        string
	Name      string
	Kind      string // cci | ai | intermediary
	OrgType   string
	Country   string
	Sectors   []string
	Offers    []Offer
	Needs     []Need
	Available bool
}

// Instrument is what eligibility and fit read of a funding instrument.
type Instrument struct {
	ID           string
	Name         string
	Status       string // open | closed | reference
	Deadline     string // YYYY-MM-DD, "" when none is known
	Channel      string // direct | via_financial_intermediary | via_hub | tax_return
	AmountMin    int64  // 0: not known
	AmountMax    int64  // 0: not known
	Eligibility  Eligibility
	SkillsFocus  []string
	SectorsFocus []string
}

// Places resolves the named country sets of eligibility rules (EU27, CREATIVE_EUROPE, …).
type Places struct {
	Sets   map[string][]string // set name → ISO codes
	Labels map[string]string   // set name → words for messages; the name itself when absent
}

// Allowed reports whether country is in the union of codes and sets; an empty list allows any.
func (p Places) Allowed(countries []string, country string) bool {
	if len(countries) == 0 {
		return true
	}
	for _, c := range countries {
		if c == country || slices.Contains(p.Sets[c], country) {
			return true
		}
	}
	return false
}

func (p Places) describe(countries []string) string {
	parts := make([]string, len(countries))
	for i, c := range countries {
		if l, ok := p.Labels[c]; ok {
			parts[i] = l
		} else {
			parts[i] = c
		}
	}
	return words(parts, "or")
}

// Criterion is one checked rule or fit element: Met says whether the actor (or team) meets it.
type Criterion struct {
	Code    string
	Message string
	Met     bool
}

// Eligibility verdicts.
const (
	Eligible     = "eligible"
	WithPartners = "with_partners"
	Ineligible   = "ineligible"
	Closed       = "closed" // the call is closed: nobody can apply now, whatever the criteria say
)

// Call statuses as assessed (Closed also when an open call's deadline has passed).
const (
	StatusOpen      = "open"
	StatusClosed    = "closed"
	StatusReference = "reference"
)

// FundingFit is the assessment of one instrument for one actor.
type FundingFit struct {
	Eligibility string
	Status      string
	EligibleAs  []string // the roles the rules allow now (RoleLead, RolePartner); empty when closed or ineligible
	Role        string   // the role Crossover suggests among EligibleAs; "" when none
	RoleReason  string   // why, in one sentence; "" when no role
	Size        string   // SizeFits, SizeLarge, SizeSmall, SizePartnerShare; "" when amounts or org type are unknown
	Score       float64  // in [0,1]
	Reasons     []Criterion
	Missing     []string // what a consortium (or the actor) still lacks, in words
	Conditions  []string // rules a profile cannot show; the actor checks them
}

// Score weights: fit = skills, sectors and size; then a factor for the verdict and for the call's state.
const (
	fitSkills  = 0.5
	fitSectors = 0.3
	fitSize    = 0.2
)

var (
	eligibilityFactor = map[string]float64{Eligible: 1, WithPartners: 0.8, Ineligible: 0.25}
	statusFactor      = map[string]float64{StatusOpen: 1, StatusReference: 0.8, StatusClosed: 0.6}
)

// AssessFunding evaluates every eligibility criterion of in for a, its fit, and its score. now
// decides whether an open call's deadline has passed.
func AssessFunding(a Applicant, in Instrument, p Places, now time.Time) FundingFit {
	e := in.Eligibility
	out := FundingFit{Conditions: slices.Clone(e.Conditions)}
	if e.MinYearsOperating > 0 {
		out.Conditions = append(out.Conditions, fmt.Sprintf("The applicant must have operated for at least %d years.", e.MinYearsOperating))
	}
	add := func(code string, met bool, format string, args ...any) {
		out.Reasons = append(out.Reasons, Criterion{Code: code, Met: met, Message: fmt.Sprintf(format, args...)})
	}
	consortium := e.needsConsortium()
	for _, c := range memberCriteria(a, e, p, consortium) {
		out.Reasons = append(out.Reasons, c)
	}
	canLead, canPartner := leadOK(a, e, p), consortium && memberOK(a, e, p)
	if len(e.Sectors) > 0 {
		met := overlaps(a.Sectors, e.Sectors)
		switch {
		case met:
			add("sector", true, "Open to %s; you work in %s", sectorWords(e.Sectors), words(intersection(a.Sectors, e.Sectors), "and"))
		case consortium:
			add("sector", false, "A member must work in %s; you do not, a partner can", sectorWords(e.Sectors))
		default:
			add("sector", false, "Open to %s only; you work in %s", sectorWords(e.Sectors), orNone(words(a.Sectors, "and")))
			canLead = false
		}
	}

	switch {
	case !canLead && !canPartner:
		out.Eligibility = Ineligible
	case consortium:
		out.Eligibility = WithPartners
		var gaps []Criterion
		for _, c := range teamRules(e, []Applicant{a}, p) {
			if !c.Met {
				gaps = append(gaps, c)
			}
		}
		if len(gaps) == 0 { // the actor alone already meets the composition rules
			out.Eligibility = Eligible
		}
		r := e.Consortium
		add("consortium", len(gaps) == 0, "A consortium of at least %d organisations from %d countries applies%s", r.MinEntities, max(r.MinCountries, 1), noteOf(r))
		for _, g := range gaps {
			out.Missing = append(out.Missing, g.Message)
		}
	default:
		out.Eligibility = Eligible
		add("single_applicant", true, "You can apply on your own")
	}
	verdict := out.Eligibility

	out.Status = CallStatus(in.Status, in.Deadline, now)
	switch {
	case out.Eligibility == Ineligible:
	case out.Status == StatusClosed: // never "eligible" for a call nobody can apply to
		out.Eligibility = Closed
	default:
		out.EligibleAs, out.Role, out.RoleReason = roles(a, in, canLead, canPartner)
	}
	out.Reasons = append(out.Reasons, callReasons(in, out.Status)...)

	// Fit.
	skills, skillReason := skillFit(a, in.SkillsFocus)
	out.Reasons = append(out.Reasons, skillReason)
	sectors := 0.5
	if len(in.SectorsFocus) > 0 {
		common := intersection(a.Sectors, in.SectorsFocus)
		if len(common) > 0 {
			sectors = 1
			add("sectors_focus", true, "Its focus includes your sectors: %s", words(common, "and"))
		} else {
			sectors = 0
			add("sectors_focus", false, "Its focus is %s, not your sectors", sectorWords(in.SectorsFocus))
		}
	}
	var size float64
	var sizeReason Criterion
	size, sizeReason, out.Size = sizeFit(a.OrgType, in, consortium, out.Role == RolePartner || (!canLead && canPartner))
	if sizeReason.Message != "" {
		out.Reasons = append(out.Reasons, sizeReason)
	}
	fit := fitSkills*skills + fitSectors*sectors + fitSize*size
	out.Score = round3(min(1, max(0, fit*eligibilityFactor[verdict]*statusFactor[out.Status])))
	if out.Missing == nil {
		out.Missing = []string{}
	}
	if out.Conditions == nil {
		out.Conditions = []string{}
	}
	if out.EligibleAs == nil {
		out.EligibleAs = []string{}
	}
	return out
}

// callReasons say whether the call is open and how its money is reached.
func callReasons(in Instrument, status string) []Criterion {
	var out []Criterion
	add := func(code string, met bool, format string, args ...any) {
		out = append(out, Criterion{Code: code, Met: met, Message: fmt.Sprintf(format, args...)})
	}
	switch status {
	case StatusOpen:
		if in.Deadline != "" {
			add("status", true, "Open: the deadline is %s", in.Deadline)
		} else {
			add("status", true, "Open, with no fixed deadline known (continuous or recurring)")
		}
	case StatusReference:
		add("status", true, "Shown as a model: a reference scheme or past call; check the next call's terms")
	default:
		if in.Deadline != "" {
			add("status", false, "Closed: the deadline was %s; nobody can apply to this call any more", in.Deadline)
		} else {
			add("status", false, "Closed: nobody can apply to this call any more")
		}
	}
	switch in.Channel {
	case "via_financial_intermediary":
		add("channel", true, "Banks, guarantee institutions or funds apply; you borrow or raise from them")
	case "via_hub":
		add("channel", true, "Delivered through hubs: you ask a hub for its services")
	case "tax_return":
		add("channel", true, "Claimed through the tax system")
	}
	return out
}

func subject(a Applicant) string {
	if a.Name != "" {
		return a.Name
	}
	return "the applicant"
}

// skillFit: the share of the instrument's skills focus the actor offers (full credit) or needs (the
// money could pay for it: 0.6), against at most three skills, since nobody covers a long list.
func skillFit(a Applicant, focus []string) (float64, Criterion) {
	if len(focus) == 0 {
		return 0.5, Criterion{Code: "skills_focus", Met: true, Message: "No particular skills focus"}
	}
	var offered, needed []string
	for _, s := range focus {
		switch {
		case slices.ContainsFunc(a.Offers, func(o Offer) bool { return o.Skill == s }):
			offered = append(offered, s)
		case slices.ContainsFunc(a.Needs, func(n Need) bool { return n.Skill == s }):
			needed = append(needed, s)
		}
	}
	v := min(1, (float64(len(offered))+0.6*float64(len(needed)))/float64(min(len(focus), 3)))
	switch {
	case len(offered) > 0 && len(needed) > 0:
		return v, Criterion{Code: "skills_focus", Met: true, Message: fmt.Sprintf("In its focus, you offer %s and need %s", skillWords(offered), skillWords(needed))}
	case len(offered) > 0:
		return v, Criterion{Code: "skills_focus", Met: true, Message: "In its focus, you offer " + skillWords(offered)}
	case len(needed) > 0:
		return v, Criterion{Code: "skills_focus", Met: true, Message: "It funds work on " + skillWords(needed) + ", which you need"}
	}
	return 0, Criterion{Code: "skills_focus", Met: false, Message: "Its focus (" + skillWords(focus) + ") is not in your offers or needs"}
}

func noteOf(r *ConsortiumRules) string {
	if r.Note == "" {
		return ""
	}
	return " (" + strings.TrimSuffix(r.Note, ".") + ")"
}

// ---- words ----

func words(list []string, conj string) string {
	switch len(list) {
	case 0:
		return ""
	case 1:
		return list[0]
	}
	return strings.Join(list[:len(list)-1], ", ") + " " + conj + " " + list[len(list)-1]
}

func orNone(s string) string {
	if s == "" {
		return "none given"
	}
	return s
}

// sectorWords names at most four sectors, then counts the rest.
func sectorWords(list []string) string {
	if len(list) <= 4 {
		return words(list, "or")
	}
	return fmt.Sprintf("%s and %d other sectors", strings.Join(list[:3], ", "), len(list)-3)
}

func skillWords(list []string) string {
	l := make([]string, len(list))
	for i, s := range list {
		l[i] = label(s)
	}
	if len(l) > 5 {
		return fmt.Sprintf("%s and %d more", strings.Join(l[:4], ", "), len(l)-4)
	}
	return words(l, "and")
}

var kindNames = map[string]string{"cci": "cultural and creative", "ai": "AI", "intermediary": "intermediary"}

var kindSingular = map[string]string{"cci": "a cultural and creative actor", "ai": "an AI actor", "intermediary": "an intermediary"}

func kindWord(k string) string {
	if w, ok := kindSingular[k]; ok {
		return w
	}
	return "of no known kind"
}

func kindWords(ks []string) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		if w, ok := kindNames[k]; ok {
			out[i] = w
		} else {
			out[i] = k
		}
	}
	return out
}

var orgNames = map[string]string{"freelancer": "freelancers", "sme": "SMEs", "startup": "start-ups", "large_company": "large companies",
	"public_institution": "public institutions", "university": "universities", "research_lab": "research labs", "ngo": "NGOs", "network": "networks"}

var orgSingular = map[string]string{"freelancer": "a freelancer", "sme": "an SME", "startup": "a start-up", "large_company": "a large company",
	"public_institution": "a public institution", "university": "a university", "research_lab": "a research lab", "ngo": "an NGO", "network": "a network"}

func orgWord(o string) string {
	if w, ok := orgSingular[o]; ok {
		return w
	}
	return o
}

func orgWordsSingular(os []string) []string {
	out := make([]string, len(os))
	for i, o := range os {
		out[i] = orgWord(o)
	}
	return out
}

func orgWords(os []string) []string {
	out := make([]string, len(os))
	for i, o := range os {
		if w, ok := orgNames[o]; ok {
			out[i] = w
		} else {
			out[i] = o
		}
	}
	return out
}

func money(v int64) string {
	s := fmt.Sprint(v)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func round3(x float64) float64 { return float64(int(x*1000+0.5)) / 1000 }

func overlaps(a, b []string) bool {
	return slices.ContainsFunc(a, func(x string) bool { return slices.Contains(b, x) })
}

func intersection(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.Contains(b, x) && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}
