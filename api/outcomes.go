package api

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/crossover-cci/crossover/models"
)

// "What came of it?": each side of a connected introduction answers for itself.

type outcomeRequest struct {
	Stage  string `json:"stage"`
	Answer string `json:"answer"`
}

// outcomeView is one of the caller's outcome questions on a connected introduction: when it is due
// (the notification is sent then), whether it may be answered now, and the caller's answer so far.
type outcomeView struct {
	Stage      string     `json:"stage"`
	ActorID    *string    `json:"actor_id"`
	DueAt      time.Time  `json:"due_at"`
	Due        bool       `json:"due"`
	Answerable bool       `json:"answerable"`
	Answer     *string    `json:"answer"`
	AnsweredAt *time.Time `json:"answered_at"`
	Answers    []string   `json:"answers"`
}

// attachOutcomes fills my_outcomes of the connected introductions among views, with one query.
func (s *Server) attachOutcomes(ctx context.Context, userID string, views ...*introView) error {
	var ids []string
	byID := map[string]*introView{}
	for _, v := range views {
		if v.Status == models.IntroConnected {
			ids = append(ids, v.ID)
			byID[v.ID] = v
		}
	}
	list, err := s.store.OutcomesOf(ctx, ids, userID)
	if err != nil {
		return err
	}
	now := s.now()
	for _, o := range list {
		v := byID[o.IntroductionID]
		v.MyOutcomes = append(v.MyOutcomes, outcomeView{Stage: o.Stage, ActorID: o.ActorID, DueAt: o.DueAt,
			Due: !now.Before(o.DueAt), Answerable: models.OutcomeAnswerable(o, now), Answer: o.Answer,
			AnsweredAt: o.AnsweredAt, Answers: models.OutcomeAnswers})
	}
	return nil
}

// answerOutcome records what came of a connected introduction, for one of the caller's parties.
func (s *Server) answerOutcome(c echo.Context) error {
	var req outcomeRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	in, err := s.store.Introduction(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	actors, err := s.introActors(ctx, in)
	if err != nil {
		return err
	}
	uid := userFrom(c).ID
	if len(introRoles(in, actors, uid)) == 0 {
		return models.ErrNotFound
	}
	party := ""
	for _, p := range in.Parties {
		if owns(actors, p.ActorID, uid) {
			party = *p.ActorID
			break
		}
	}
	if party == "" {
		return &models.ConflictError{Message: "Only the two sides of an introduction answer what came of it.", State: in.Status}
	}
	if err := s.store.AnswerOutcome(ctx, in.ID, party, req.Stage, req.Answer, s.now()); err != nil {
		return err
	}
	return s.respondIntro(c, http.StatusOK, in.ID)
}
