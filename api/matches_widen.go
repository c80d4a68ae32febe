package api

import (
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/crossover-cci/crossover/matching"
	"github.com/crossover-cci/crossover/models"
)

// A short list of partners is never left unexplained: the matches answer then also lists
// one-sided partners (they cover your needs, you cover none of theirs) apart from the reciprocal
// ones, and advice on what would widen the list.

// widenMode is the one_sided query parameter: auto (the default) widens short lists only.
type widenMode int

const (
	widenAuto widenMode = iota
	widenAlways
	widenNever
)

func queryWiden(c echo.Context) (widenMode, error) {
	switch c.QueryParam("one_sided") {
	case "":
		return widenAuto, nil
	case "true":
		return widenAlways, nil
	case "false":
		return widenNever, nil
	}
	return 0, models.Invalid("one_sided", "must be true or false (leave it out to add one-sided partners to short lists only)")
}

// queryModes reads collaboration_modes, a comma-separated list of the known modes.
func queryModes(c echo.Context) ([]string, error) {
	v := strings.TrimSpace(c.QueryParam("collaboration_modes"))
	if v == "" {
		return nil, nil
	}
	var out []string
	for _, m := range strings.Split(v, ",") {
		m = strings.TrimSpace(m)
		if !slices.Contains(models.CollaborationModes, m) {
			return nil, models.Invalid("collaboration_modes", "must list modes among "+strings.Join(models.CollaborationModes, ", ")+", separated by commas")
		}
		out = append(out, m)
	}
	return out, nil
}

// widened is what an answer adds beside items: for a short list the one-sided partners and the
// advice; for intermediaries, those of the directory not on Crossover yet. Nil parts are left out.
type widened struct {
	OneSided       []matchView
	NotOnCrossover []matchView
	Advice         *adviceView
}

// adviceView says why a list is short and what would widen it; docs/MATCHING.md explains each field.
type adviceView struct {
	Reciprocal        int              `json:"reciprocal"`
	Candidates        int              `json:"candidates"`
	Visible           bool             `json:"visible"`
	NotVisibleBecause string           `json:"not_visible_because,omitempty"`
	NoNeeds           bool             `json:"no_needs"`
	NoOffers          bool             `json:"no_offers"`
	UncoveredNeeds    []string         `json:"uncovered_needs"`
	WantedOffers      []skillCountView `json:"wanted_offers"`
	LanguageBlocked   int              `json:"language_blocked"`
	Languages         []string         `json:"languages"`
	FilteredOut       int              `json:"filtered_out"`
}

type skillCountView struct {
	Skill    string `json:"skill"`
	Partners int    `json:"partners"`
}

// Why a profile is not suggested to others now (adviceView.NotVisibleBecause).
const (
	hiddenPaused      = "matching_paused"
	hiddenUnavailable = "unavailable"
	hiddenStale       = "stale"
	hiddenUnclaimed   = "unclaimed"
	hiddenAtCapacity  = "at_capacity"
)

// widenMatches ranks one-sided partners and advises, for a list of n reciprocal partners.
func (s *Server) widenMatches(c echo.Context, a *models.Actor, q matching.Query, ix *matching.Index, n int) (*widened, error) {
	ctx := c.Request().Context()
	oneSided, adv, err := ix.Widen(q)
	if err != nil {
		return nil, models.ErrNotFound // left the index since it was read
	}
	items, err := s.matchViews(ctx, a, oneSided)
	if err != nil {
		return nil, err
	}
	out := &widened{OneSided: items, Advice: &adviceView{Reciprocal: n, Candidates: adv.Candidates,
		NoNeeds: len(a.Needs) == 0, NoOffers: len(a.Offers) == 0, UncoveredNeeds: adv.UncoveredNeeds,
		WantedOffers: make([]skillCountView, len(adv.WantedOffers)), LanguageBlocked: adv.LanguageBlocked,
		Languages: adv.Languages, FilteredOut: adv.FilteredOut}}
	if out.Advice.UncoveredNeeds == nil {
		out.Advice.UncoveredNeeds = []string{}
	}
	if out.Advice.Languages == nil {
		out.Advice.Languages = []string{}
	}
	for i, w := range adv.WantedOffers {
		out.Advice.WantedOffers[i] = skillCountView{w.Skill, w.Count}
	}
	out.Advice.NotVisibleBecause, err = s.whyHidden(c, a, ix)
	out.Advice.Visible = out.Advice.NotVisibleBecause == ""
	return out, err
}

// whyHidden says why others are not suggested actor a now, or "" when they are.
func (s *Server) whyHidden(c echo.Context, a *models.Actor, ix *matching.Index) (string, error) {
	if ix.Suggestible(a.ID) {
		return "", nil
	}
	switch {
	case a.OwnerID == nil:
		return hiddenUnclaimed, nil
	case !a.Available:
		return hiddenUnavailable, nil
	case a.Stale(s.now()):
		return hiddenStale, nil
	}
	owner := userFrom(c)
	if !a.OwnedBy(owner.ID) {
		var err error
		if owner, err = s.store.UserByID(c.Request().Context(), *a.OwnerID); err != nil {
			return "", err
		}
	}
	if owner.MatchingPaused {
		return hiddenPaused, nil
	}
	return hiddenAtCapacity, nil
}
