package api

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/crossover-cci/crossover/models"
)

// practiceRequest is the body of POST and PATCH /practices; owner and version are the server's.
type practiceRequest struct {
	Title    *string   `json:"title"`
	Sector   *string   `json:"sector"`
	Summary  *string   `json:"summary"`
	Skills   *[]string `json:"skills"`
	ActorIDs *[]string `json:"actor_ids"`
	Outcome  *string   `json:"outcome"`
	Links    *[]string `json:"links"`
	Licence  *string   `json:"licence"`
	Country  *string   `json:"country"`
	Version  *int      `json:"version"`
}

func (r practiceRequest) input() models.PracticeInput {
	return models.PracticeInput{Title: r.Title, Sector: r.Sector, Summary: r.Summary, Outcome: r.Outcome, Licence: r.Licence,
		Country: r.Country, Skills: r.Skills, ActorIDs: r.ActorIDs, Links: r.Links}
}

// canEditPractice: the owner, or an admin.
func canEditPractice(u *models.User, p *models.Practice) bool {
	return u != nil && (p.OwnedBy(u.ID) || u.Role == models.RoleAdmin)
}

func (s *Server) createPractice(c echo.Context) error {
	var req practiceRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	p, err := s.store.CreatePractice(c.Request().Context(), userFrom(c).ID, req.input(), s.codes)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, p)
}

func (s *Server) getPractice(c echo.Context) error {
	p, err := s.store.Practice(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

func (s *Server) patchPractice(c echo.Context) error {
	var req practiceRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	p, err := s.store.Practice(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	if !canEditPractice(userFrom(c), p) {
		return errForbidden("Only the owner of this practice may change it.")
	}
	version, err := versionOf(c, req.Version)
	if err != nil {
		return err
	}
	updated, err := s.store.UpdatePractice(ctx, p.ID, version, req.input(), s.codes, s.now())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, updated)
}

func (s *Server) deletePractice(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.store.Practice(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	if !canEditPractice(userFrom(c), p) {
		return errForbidden("Only the owner of this practice may delete it.")
	}
	if err := s.store.DeletePractice(ctx, p.ID); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// listPractices filters like the actors list: sector, skill (with the skills below it), country,
// actor, q over title, summary and outcome; cursor pagination in a stable order.
func (s *Server) listPractices(c echo.Context) error {
	limit, err := queryInt(c, "limit", 20, 1, 100)
	if err != nil {
		return err
	}
	f := models.PracticeFilter{Sector: c.QueryParam("sector"), Country: c.QueryParam("country"), Q: c.QueryParam("q"),
		ActorID: c.QueryParam("actor"), Limit: limit, Cursor: c.QueryParam("cursor")}
	if len(f.Q) > 200 {
		return models.Invalid("q", "must be at most 200 characters")
	}
	if f.Country != "" && !s.codes.ValidCountry(strings.ToUpper(f.Country)) {
		return models.Invalid("country", "must be an ISO 3166-1 alpha-2 code such as NL")
	}
	if sk := c.QueryParam("skill"); sk != "" {
		tax, err := s.taxonomy.get(c.Request().Context())
		if err != nil {
			return err
		}
		if f.Skills = tax.subtree(sk); f.Skills == nil {
			return models.Invalid("skill", "is not a skill of the taxonomy")
		}
	}
	page, next, err := s.store.ListPractices(c.Request().Context(), f)
	if err != nil {
		return err
	}
	var nc *string
	if next != "" {
		nc = &next
	}
	return c.JSON(http.StatusOK, map[string]any{"items": page, "next_cursor": nc})
}
