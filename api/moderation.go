package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/crossover-cci/crossover/models"
)

type reportRequest struct {
	TargetType string `json:"target_type"`
	TargetID   string `json:"target_id"`
	Reason     string `json:"reason"`
	Note       string `json:"note"`
}

type resolveRequest struct {
	Action string `json:"action"`
}

type hideRequest struct {
	Reason string `json:"reason"`
}

// createReport files a report about a profile the caller can see, or an introduction the caller is in
// (its message). Anything else is 404, as if it did not exist.
func (s *Server) createReport(c echo.Context) error {
	var req reportRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	in := models.NewReport{ReporterID: userFrom(c).ID, TargetType: req.TargetType, TargetID: req.TargetID, Reason: req.Reason, Note: req.Note, IP: c.RealIP()}
	if err := models.ValidateReport(in); err != nil {
		return err
	}
	ctx := c.Request().Context()
	u := userFrom(c)
	switch req.TargetType {
	case "actor":
		a, err := s.store.Actor(ctx, req.TargetID)
		if err != nil {
			return err
		}
		if a.OwnedBy(u.ID) {
			return models.Invalid("target_id", "is your own profile")
		}
	case "introduction":
		intro, err := s.store.Introduction(ctx, req.TargetID)
		if err != nil {
			return err
		}
		actors, err := s.introActors(ctx, intro)
		if err != nil {
			return err
		}
		if len(introRoles(intro, actors, u.ID)) == 0 {
			return models.ErrNotFound
		}
	}
	rep, err := s.store.CreateReport(ctx, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, rep)
}

// listReports is the admins' queue, oldest first.
func (s *Server) listReports(c echo.Context) error {
	limit, err := queryInt(c, "limit", 50, 1, 100)
	if err != nil {
		return err
	}
	status := c.QueryParam("status")
	if status == "" {
		status = "open"
	}
	if status != "open" && status != "resolved" && status != "all" {
		return models.Invalid("status", "must be open, resolved or all")
	}
	if status == "all" {
		status = ""
	}
	page, next, err := s.store.Reports(c.Request().Context(), models.ReportFilter{Status: status, Limit: limit, Cursor: c.QueryParam("cursor")})
	if err != nil {
		return err
	}
	var nc *string
	if next != "" {
		nc = &next
	}
	if page == nil {
		page = []models.Report{}
	}
	return c.JSON(http.StatusOK, map[string]any{"items": page, "next_cursor": nc})
}

// resolveReport hides the reported actor (for an introduction: the author of its message, the
// requester of a direct one or the broker of a brokered one) or dismisses the report.
func (s *Server) resolveReport(c echo.Context) error {
	var req resolveRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if req.Action != "hide" && req.Action != "dismiss" {
		return models.Invalid("action", "must be hide or dismiss")
	}
	ctx := c.Request().Context()
	rep, err := s.store.Report(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	hide := ""
	if req.Action == "hide" {
		switch rep.TargetType {
		case "actor":
			hide = rep.TargetID
		case "introduction":
			intro, err := s.store.Introduction(ctx, rep.TargetID)
			if err != nil && err != models.ErrNotFound {
				return err
			}
			if intro != nil {
				hide = messageAuthor(intro)
			}
		}
	}
	out, err := s.store.ResolveReport(ctx, userFrom(c).ID, rep.ID, req.Action, hide, c.RealIP())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// messageAuthor is the actor who wrote an introduction's message.
func messageAuthor(in *models.Introduction) string {
	if in.Kind == "brokered" {
		if in.BrokerActorID != nil {
			return *in.BrokerActorID
		}
		return ""
	}
	for _, p := range in.Parties {
		if p.Role == models.RoleRequester && p.ActorID != nil {
			return *p.ActorID
		}
	}
	return ""
}

func (s *Server) hideActor(c echo.Context) error    { return s.setActorHidden(c, true) }
func (s *Server) restoreActor(c echo.Context) error { return s.setActorHidden(c, false) }

func (s *Server) setActorHidden(c echo.Context, hide bool) error {
	var req hideRequest
	if err := bindOptional(c, &req); err != nil {
		return err
	}
	if len([]rune(req.Reason)) > models.MaxReportNote {
		return models.Invalid("reason", "must be at most 1000 characters")
	}
	ctx := c.Request().Context()
	id := c.Param("id")
	var err error
	if hide {
		err = s.store.HideActor(ctx, userFrom(c).ID, id, req.Reason, c.RealIP())
	} else {
		err = s.store.RestoreActor(ctx, userFrom(c).ID, id, req.Reason, c.RealIP())
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"id": id, "hidden": hide})
}
