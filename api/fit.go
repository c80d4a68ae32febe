package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/crossover-cci/crossover/models"
)

// fitView is how one other actor fits an actor, in both directions, whatever the ranking rules say
// (already asked, at capacity, marked not interested): the person deciding on a request sees why.
// Forward is what the other brings to the actor's needs, backward what the actor brings to theirs.
type fitView struct {
	ActorID  string         `json:"actor_id"`
	OtherID  string         `json:"other_id"`
	Score    float64        `json:"score"`
	Forward  float64        `json:"forward"`
	Backward float64        `json:"backward"`
	Reasons  []reasonView   `json:"reasons"`
	Shared   sharedOverview `json:"shared"`
}

// fit explains one pair: GET /actors/:id/fit/:other. Whoever may see the matches of :id may ask,
// about any visible actor.
func (s *Server) fit(c echo.Context) error {
	ctx := c.Request().Context()
	a, caughtUp, err := s.matchesActor(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	if !canSeeMatches(userFrom(c), a) {
		return errForbidden("Only the owner of this profile, intermediaries and admins see how others fit it.")
	}
	if c.Param("other") == a.ID {
		return models.Invalid("other", "must be another actor")
	}
	b, err := s.store.Actor(ctx, c.Param("other"))
	if err != nil {
		return err // unknown or hidden: 404
	}
	ix := s.matcher.index()
	if ix == nil {
		return errIndexLoading()
	}
	if !caughtUp {
		if err := s.matcher.catchUp(ctx); err != nil {
			return err
		}
	}
	r, ok := ix.ExplainPair(a.ID, b.ID)
	if !ok {
		// Written through another replica since this one's last poll: apply the feed now.
		if err := s.matcher.syncNow(ctx); err != nil {
			return err
		}
		if r, ok = s.matcher.index().ExplainPair(a.ID, b.ID); !ok {
			return models.ErrNotFound // left the index (deleted or hidden) since it was read
		}
	}
	v := fitView{ActorID: a.ID, OtherID: b.ID, Score: r.Score, Forward: r.Forward, Backward: r.Backward,
		Reasons: make([]reasonView, len(r.Reasons)),
		Shared:  sharedOverview{intersect(a.Languages, b.Languages), intersect(a.Sectors, b.Sectors), intersect(a.Modes, b.Modes)}}
	for i, re := range r.Reasons {
		v.Reasons[i] = reasonView(re)
	}
	return c.JSON(http.StatusOK, v)
}
