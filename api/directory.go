package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/crossover-cci/crossover/models"
)

type claimRequest struct {
	Message *string `json:"message"`
}

// claimActor: a signed-in user asks to take over an unclaimed directory entry; an admin decides.
func (s *Server) claimActor(c echo.Context) error {
	var req claimRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if req.Message == nil {
		return models.Invalid("message", "is required: say who you are and how you are linked to the organisation")
	}
	cl, err := s.store.ClaimActor(c.Request().Context(), c.Param("id"), userFrom(c).ID, *req.Message, c.RealIP())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, cl)
}

func (s *Server) listClaims(c echo.Context) error {
	status := c.QueryParam("status")
	switch status {
	case "", models.ClaimPending, models.ClaimApproved, models.ClaimRejected:
	default:
		return models.Invalid("status", "must be pending, approved or rejected")
	}
	limit, err := queryInt(c, "limit", 100, 1, 500)
	if err != nil {
		return err
	}
	claims, err := s.store.Claims(c.Request().Context(), status, limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": claims})
}

func (s *Server) approveClaim(c echo.Context) error { return s.decideClaim(c, true) }
func (s *Server) rejectClaim(c echo.Context) error  { return s.decideClaim(c, false) }

func (s *Server) decideClaim(c echo.Context, approve bool) error {
	cl, err := s.store.DecideClaim(c.Request().Context(), c.Param("id"), userFrom(c).ID, approve, c.RealIP())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cl)
}
