package api

import (
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/crossover-cci/crossover/models"
)

// Feedback: an actor's owner marks suggested partners "not interested", "met before" or "saved",
// with an optional reason in their own words, and takes a verdict back.

type feedbackRequest struct {
	TargetID string `json:"target_id"`
	Verdict  string `json:"verdict"`
	Reason   string `json:"reason"`
}

// feedbackView is one verdict with the partner's name, kind and country, so that a list of the
// partners marked "not interested" can be shown and restored without reading each profile. Target
// is null when the partner is hidden by moderation.
type feedbackView struct {
	models.Feedback
	Target *feedbackTarget `json:"target"`
}

type feedbackTarget struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Kind    string `json:"kind"`
	Country string `json:"country"`
}

// feedback records a verdict about a suggested partner.
func (s *Server) feedback(c echo.Context) error {
	var req feedbackRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	a, err := s.editableActor(c, c.Param("id"), "Only the owner of this profile gives feedback on its matches.")
	if err != nil {
		return err
	}
	if req.TargetID == "" {
		return models.Invalid("target_id", "is required")
	}
	f, err := s.store.SaveFeedbackReason(ctx, a.ID, req.TargetID, req.Verdict, req.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, f)
}

func (s *Server) listFeedback(c echo.Context) error {
	ctx := c.Request().Context()
	a, err := s.editableActor(c, c.Param("id"), "Only the owner of this profile sees its feedback.")
	if err != nil {
		return err
	}
	list, err := s.store.FeedbackOf(ctx, a.ID)
	if err != nil {
		return err
	}
	ids := make([]string, len(list))
	for i, f := range list {
		ids[i] = f.TargetID
	}
	targets, err := s.store.ActorsIn(ctx, ids)
	if err != nil {
		return err
	}
	items := make([]feedbackView, len(list))
	for i, f := range list {
		items[i] = feedbackView{Feedback: f}
		if t := targets[f.TargetID]; t != nil {
			items[i].Target = &feedbackTarget{ID: t.ID, Name: t.Name, Kind: t.Kind, Country: t.Country}
		}
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

func (s *Server) deleteFeedback(c echo.Context) error {
	ctx := c.Request().Context()
	a, err := s.editableActor(c, c.Param("id"), "Only the owner of this profile changes its feedback.")
	if err != nil {
		return err
	}
	verdict := c.QueryParam("verdict")
	if verdict == "" {
		verdict = "not_interested"
	}
	if !slices.Contains(models.Verdicts, verdict) {
		return models.Invalid("verdict", "must be not_interested, met_before or saved")
	}
	if err := s.store.DeleteFeedback(ctx, a.ID, c.Param("target"), verdict); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
