package api

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/crossover-cci/crossover/matching"
	"github.com/crossover-cci/crossover/models"
)

// Funding for an actor and consortium building: the handlers load actors and instruments, the
// matching package evaluates the eligibility rules (data) and builds the teams.

// countrySets is what the funding matcher needs of the code lists: the named country sets of
// eligibility rules. seeds.Codes provides it; without it a rule naming a set matches nobody.
type countrySets interface {
	CountrySet(name string) ([]string, bool)
	CountrySetNames() []string
}

// setLabels are the words for the named sets in reasons.
var setLabels = map[string]string{
	"EU27":                  "the EU",
	"EEA":                   "the EEA (the EU, Iceland, Liechtenstein and Norway)",
	"CREATIVE_EUROPE":       "the countries taking part in Creative Europe",
	"CREATIVE_EUROPE_MEDIA": "the countries taking part in Creative Europe MEDIA",
	"HORIZON_ASSOCIATED":    "the countries associated to Horizon Europe",
}

func (s *Server) places() matching.Places {
	p := matching.Places{Sets: map[string][]string{}, Labels: setLabels}
	if cs, ok := s.codes.(countrySets); ok {
		for _, n := range cs.CountrySetNames() {
			p.Sets[n], _ = cs.CountrySet(n)
		}
	}
	return p
}

type criterionView struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Met     bool   `json:"met"`
}

func criteriaView(cs []matching.Criterion) []criterionView {
	out := make([]criterionView, len(cs))
	for i, c := range cs {
		out[i] = criterionView{c.Code, c.Message, c.Met}
	}
	return out
}

// fundingMatch is one instrument ranked for an actor.
type fundingMatch struct {
	Instrument  instrumentView  `json:"instrument"`
	Score       float64         `json:"score"`
	Eligibility string          `json:"eligibility"` // eligible | with_partners | ineligible | closed
	Status      string          `json:"status"`      // open | closed | reference (closed once the deadline passed)
	EligibleAs  []string        `json:"eligible_as"` // lead, partner: the roles the rules allow now
	Role        string          `json:"role"`        // the suggested role; "" when none
	RoleReason  string          `json:"role_reason"`
	Size        string          `json:"size"`                     // fits | large | small | partner_share; "" when unknown
	Consortium  string          `json:"consortium_url,omitempty"` // the consortium suggestions for this actor
	Reasons     []criterionView `json:"reasons"`
	Missing     []string        `json:"missing"`
	Conditions  []string        `json:"conditions"` // rules a profile cannot show: the actor checks them
}

func toApplicant(a *models.Actor) matching.Applicant {
	out := matching.Applicant{ID: a.ID, Name: a.Name, Kind: a.Kind, OrgType: a.OrgType, Country: a.Country,
		Sectors: a.Sectors, Available: a.Available}
	for _, o := range a.Offers {
		out.Offers = append(out.Offers, matching.Offer{Skill: o.Skill, Level: o.Level})
	}
	for _, n := range a.Needs {
		out.Needs = append(out.Needs, matching.Need{Skill: n.Skill, Must: n.Importance == "must"})
	}
	return out
}

func toEngineInstrument(in *models.Instrument) matching.Instrument {
	e, err := matching.ParseEligibility(in.Eligibility)
	if err != nil {
		// Editors' rules are validated on write; an unreadable stored rule admits nobody.
		e = matching.Eligibility{OrgTypes: []string{"(unreadable rule)"}}
	}
	out := matching.Instrument{ID: in.ID, Name: in.Name, Status: in.Status, Deadline: in.Deadline, Channel: in.Channel,
		Eligibility: e, SkillsFocus: in.SkillsFocus, SectorsFocus: in.SectorsFocus}
	if in.AmountMinEUR != nil {
		out.AmountMin = *in.AmountMinEUR
	}
	if in.AmountMaxEUR != nil {
		out.AmountMax = *in.AmountMaxEUR
	}
	return out
}

// allInstruments reads the whole catalogue (tens of entries), page by page.
func (s *Server) allInstruments(ctx context.Context) ([]*models.Instrument, error) {
	var all []*models.Instrument
	cursor := ""
	for {
		page, next, err := s.store.ListInstruments(ctx, models.InstrumentFilter{Limit: 100, Cursor: cursor})
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if next == "" {
			return all, nil
		}
		cursor = next
	}
}

func queryBool(c echo.Context, name string) (bool, error) {
	v := c.QueryParam(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, models.Invalid(name, "must be true or false")
	}
	return b, nil
}

// rankFunding assesses every instrument for a and returns them best first, closed calls last and
// only when includeClosed.
func (s *Server) rankFunding(ctx context.Context, a *models.Actor, includeClosed bool) ([]fundingMatch, error) {
	list, err := s.allInstruments(ctx)
	if err != nil {
		return nil, err
	}
	app, places, now := toApplicant(a), s.places(), s.now()
	out := make([]fundingMatch, 0, len(list))
	for _, in := range list {
		f := matching.AssessFunding(app, toEngineInstrument(in), places, now)
		if f.Status == matching.StatusClosed && !includeClosed {
			continue
		}
		m := fundingMatch{Instrument: instrumentView{in, f.Status}, Score: f.Score, Eligibility: f.Eligibility, Status: f.Status,
			EligibleAs: f.EligibleAs, Role: f.Role, RoleReason: f.RoleReason, Size: f.Size,
			Reasons: criteriaView(f.Reasons), Missing: f.Missing, Conditions: f.Conditions}
		if slices.Contains(f.EligibleAs, matching.RolePartner) {
			m.Consortium = "/api/v1/funding/" + in.ID + "/consortium?actor=" + url.QueryEscape(a.ID)
		}
		out = append(out, m)
	}
	closedLast := func(m fundingMatch) int {
		if m.Status == matching.StatusClosed {
			return 1
		}
		return 0
	}
	slices.SortStableFunc(out, func(x, y fundingMatch) int {
		if c := cmp.Compare(closedLast(x), closedLast(y)); c != 0 {
			return c
		}
		if c := cmp.Compare(y.Score, x.Score); c != 0 {
			return c
		}
		return cmp.Compare(x.Instrument.Slug, y.Instrument.Slug)
	})
	return out, nil
}

// actorFunding: GET /actors/:id/funding?limit=&include_closed=&eligibility=&role= — instruments
// ranked for the actor.
func (s *Server) actorFunding(c echo.Context) error {
	ctx := c.Request().Context()
	a, err := s.store.Actor(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	if !canSeeMatches(userFrom(c), a) {
		return errForbidden("Only the owner of this profile, intermediaries and admins see its funding suggestions.")
	}
	limit, err := queryInt(c, "limit", 20, 1, 100)
	if err != nil {
		return err
	}
	includeClosed, err := queryBool(c, "include_closed")
	if err != nil {
		return err
	}
	verdict, role := c.QueryParam("eligibility"), c.QueryParam("role")
	if verdict != "" && !slices.Contains(fundingVerdicts, verdict) {
		return models.Invalid("eligibility", "must be eligible, with_partners, ineligible or closed")
	}
	if role != "" && role != matching.RoleLead && role != matching.RolePartner {
		return models.Invalid("role", "must be lead or partner")
	}
	items, err := s.rankFunding(ctx, a, includeClosed || verdict == matching.Closed)
	if err != nil {
		return err
	}
	items = slices.DeleteFunc(items, func(m fundingMatch) bool {
		return (verdict != "" && m.Eligibility != verdict) || (role != "" && !slices.Contains(m.EligibleAs, role))
	})
	if len(items) > limit {
		items = items[:limit]
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

var fundingVerdicts = []string{matching.Eligible, matching.WithPartners, matching.Ineligible, matching.Closed}

// ---- consortium ----

// maxPartners bounds `with`; maxPool the candidates the search considers.
const (
	maxPartners = 20
	maxPool     = 400
)

type memberView struct {
	ID      string      `json:"id"`
	Name    string      `json:"name"`
	Role    string      `json:"role"` // lead | chosen | suggested
	Kind    string      `json:"kind"`
	Country string      `json:"country"`
	Actor   publicActor `json:"actor"`
	Covers  []string    `json:"covers"` // required skills this member brings
	Fills   []string    `json:"fills"`  // composition rules it helps meet
}

type teamView struct {
	Members        []memberView    `json:"members"`
	SatisfiesRules bool            `json:"satisfies_rules"`
	Rules          []criterionView `json:"rules"`
	Coverage       float64         `json:"coverage"`
	Cohesion       float64         `json:"cohesion"` // mean match score between members
	Covered        []string        `json:"covered"`
	Uncovered      []string        `json:"uncovered"`
	Gaps           []string        `json:"gaps"`
}

func toTeamView(t matching.Team, actors map[string]*models.Actor) teamView {
	v := teamView{SatisfiesRules: t.Valid, Rules: criteriaView(t.Rules), Coverage: t.Coverage, Cohesion: t.Cohesion,
		Covered: t.Covered, Uncovered: t.Uncovered, Gaps: t.Gaps, Members: []memberView{}}
	for _, m := range t.Members {
		a := actors[m.ID]
		if a == nil {
			continue
		}
		v.Members = append(v.Members, memberView{ID: m.ID, Name: a.Name, Role: m.Role, Kind: a.Kind, Country: a.Country,
			Actor: toPublic(a), Covers: m.Covers, Fills: m.Fills})
	}
	return v
}

// consortium: GET /funding/:id/consortium?actor=:id[&with=:id,:id] — gap analysis of the lead and
// chosen partners against the instrument's rules, and up to five suggested teams.
func (s *Server) consortium(c echo.Context) error {
	ctx := c.Request().Context()
	in, err := s.store.Instrument(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	leadID := strings.TrimSpace(c.QueryParam("actor"))
	if leadID == "" {
		return models.Invalid("actor", "is required: the id of the actor who leads the consortium")
	}
	lead, err := s.store.Actor(ctx, leadID)
	if err == models.ErrNotFound {
		return models.Invalid("actor", "is not a known actor")
	} else if err != nil {
		return err
	}
	if !canSeeMatches(userFrom(c), lead) {
		return errForbidden("Only the owner of this profile, intermediaries and admins build consortia for it.")
	}
	var with []string
	if w := strings.TrimSpace(c.QueryParam("with")); w != "" {
		seen := map[string]bool{}
		for _, id := range strings.Split(w, ",") {
			id = strings.TrimSpace(id)
			switch {
			case id == "":
				return models.Invalid("with", "lists an empty actor id")
			case id == lead.ID:
				return models.Invalid("with", "lists the lead itself: partners are the other members")
			case seen[id]:
				return models.Invalid("with", "lists actor "+id+" twice")
			}
			seen[id] = true
			with = append(with, id)
		}
		if len(with) > maxPartners {
			return models.Invalid("with", "lists more than 20 partners")
		}
	}
	chosen, err := s.store.ActorsIn(ctx, with)
	if err != nil {
		return err
	}
	for _, id := range with {
		if chosen[id] == nil {
			return models.Invalid("with", "lists "+id+", which is not a known actor")
		}
	}
	engineIn := toEngineInstrument(in)
	pool, err := s.consortiumPool(ctx, lead, engineIn)
	if err != nil {
		return err
	}
	q := matching.ConsortiumQuery{Instrument: engineIn, Lead: toApplicant(lead), Places: s.places()}
	actors := map[string]*models.Actor{lead.ID: lead}
	for _, id := range with {
		q.Chosen = append(q.Chosen, toApplicant(chosen[id]))
		actors[id] = chosen[id]
	}
	for _, a := range pool {
		if actors[a.ID] == nil && a.Requestable() { // a suggested partner must be someone who can answer
			actors[a.ID] = a
			q.Pool = append(q.Pool, toApplicant(a))
		}
	}
	if ix := s.matcher.index(); ix != nil {
		q.Pair = func(a, b string) float64 {
			sc, _, _, _ := ix.PairScore(a, b)
			return sc
		}
		q.Sim = ix.SkillSim
	}
	rep := matching.SuggestConsortium(q)
	items := make([]teamView, 0, len(rep.Suggestions))
	for _, t := range rep.Suggestions {
		items = append(items, toTeamView(t, actors))
	}
	return c.JSON(http.StatusOK, map[string]any{
		"instrument": map[string]any{"id": in.ID, "slug": in.Slug, "name": in.Name, "deadline": in.Deadline,
			"current_status": matching.CallStatus(in.Status, in.Deadline, s.now())},
		"actor_id":        lead.ID,
		"required_skills": nonNil(rep.Required),
		"current":         toTeamView(rep.Current, actors),
		"method":          rep.Method,
		"pool_size":       rep.PoolSize,
		"items":           items,
	})
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// consortiumPool gathers candidates: actors offering or needing the skills in play, actors in the
// sectors the rules ask for, of the kinds they ask for, and the lead's best matches; at most maxPool.
func (s *Server) consortiumPool(ctx context.Context, lead *models.Actor, in matching.Instrument) ([]*models.Actor, error) {
	seen := map[string]bool{lead.ID: true}
	var out []*models.Actor
	add := func(f models.ActorFilter) error {
		if len(out) >= maxPool {
			return nil
		}
		f.Limit = 100
		page, _, err := s.store.ListActors(ctx, f)
		if err != nil {
			return err
		}
		for _, a := range page {
			if !seen[a.ID] && len(out) < maxPool {
				seen[a.ID] = true
				out = append(out, a)
			}
		}
		return nil
	}
	// The lead's best matches first: they make the cohesive teams.
	if ix := s.matcher.index(); ix != nil {
		if res, err := ix.MatchExact(matching.Query{ActorID: lead.ID, Limit: 100, Now: s.now()}); err == nil {
			ids := make([]string, len(res))
			for i, r := range res {
				ids[i] = r.ActorID
			}
			found, err := s.store.ActorsIn(ctx, ids)
			if err != nil {
				return nil, err
			}
			for _, id := range ids {
				if a := found[id]; a != nil && !seen[id] {
					seen[id] = true
					out = append(out, a)
				}
			}
		}
	}
	skills := slices.Clone(in.SkillsFocus)
	for _, n := range lead.Needs {
		skills = append(skills, n.Skill)
	}
	if len(skills) > 0 {
		if err := add(models.ActorFilter{Skills: skills}); err != nil {
			return nil, err
		}
	}
	if r := in.Eligibility.Consortium; r != nil {
		for _, req := range r.SectorMix {
			for _, sec := range req.Sectors[:min(len(req.Sectors), 4)] {
				if err := add(models.ActorFilter{Sector: sec}); err != nil {
					return nil, err
				}
			}
		}
		if r.RequiresAIAndCCI {
			for _, k := range []string{"ai", "cci"} {
				if err := add(models.ActorFilter{Kind: k}); err != nil {
					return nil, err
				}
			}
		}
	}
	for _, sec := range in.Eligibility.Sectors[:min(len(in.Eligibility.Sectors), 4)] {
		if err := add(models.ActorFilter{Sector: sec}); err != nil {
			return nil, err
		}
	}
	// Anyone else, for the country rules.
	if err := add(models.ActorFilter{}); err != nil {
		return nil, err
	}
	return out, nil
}
