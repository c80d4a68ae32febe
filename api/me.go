package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/crossover-cci/crossover/models"
)

func (s *Server) me(c echo.Context) error {
	u := userFrom(c)
	consents, err := s.store.Consents(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"user": viewUser(u), "consents": consents})
}

type settingsRequest struct {
	DisplayName    *string `json:"display_name"`
	MatchingPaused *bool   `json:"matching_paused"`
	DigestOptOut   *bool   `json:"digest_opt_out"`
	OpenData       *bool   `json:"open_data"`
}

// patchMe changes the caller's own settings: name, pausing matching, digest, open-data consent.
func (s *Server) patchMe(c echo.Context) error {
	var req settingsRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	u, err := s.store.UpdateSettings(c.Request().Context(), userFrom(c).ID, models.UserSettings{
		DisplayName: req.DisplayName, MatchingPaused: req.MatchingPaused, DigestOptOut: req.DigestOptOut, OpenData: req.OpenData})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"user": viewUser(u)})
}

// exportMe returns everything stored about the caller, as one JSON document (GDPR Art. 15 and 20).
func (s *Server) exportMe(c echo.Context) error {
	u := userFrom(c)
	ctx := c.Request().Context()
	data, err := s.store.Export(ctx, u.ID)
	if err != nil {
		return err
	}
	actors := make([]actorView, len(data.Actors))
	for i, a := range data.Actors {
		ct := a.ContactDetails()
		actors[i] = actorView{Actor: a, Contact: &ct, Stale: a.Stale(s.now()), Completeness: completenessOf(a)}
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="crossover-export.json"`)
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, map[string]any{
		"exported_at":   s.now().UTC().Format(time.RFC3339),
		"account":       viewUser(u),
		"consents":      data.Consents,
		"actors":        actors,
		"introductions": data.Introductions,
		"notifications": data.Notifications,
		"feedback":      data.Feedback,
		"audit_log":     data.Audit,
		"practices":     data.Practices,
		"claims":        data.Claims,
		"cohorts":       map[string]any{"organised": data.Cohorts, "members": data.Members, "memberships": data.Memberships},
	})
}

// deleteMe erases the account and everything it owns.
func (s *Server) deleteMe(c echo.Context) error {
	if err := s.store.EraseUser(c.Request().Context(), userFrom(c).ID, c.RealIP()); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type roleRequest struct {
	Role string `json:"role"`
}

// setRole lets an admin grant or take the intermediary role. Admin itself is granted only on the
// command line (crossover user promote).
func (s *Server) setRole(c echo.Context) error {
	var req roleRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if req.Role != models.RoleMember && req.Role != models.RoleIntermediary {
		return models.Invalid("role", "must be member or intermediary (admin is granted on the command line)")
	}
	admin := userFrom(c)
	target, err := s.store.UserByID(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	if target.Role == models.RoleAdmin {
		return errForbidden("An admin's role is changed on the command line only.")
	}
	u, err := s.store.SetRole(c.Request().Context(), &admin.ID, target.ID, req.Role, c.RealIP())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"user": viewUser(u)})
}
