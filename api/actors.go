package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/crossover-cci/crossover/models"
)

// actorRequest is the body of POST and PATCH /actors. Server-set fields (id, owner_id, created_at,
// source…) have no place here, so a client cannot set them.
type actorRequest struct {
	Kind      *string         `json:"kind"`
	Name      *string         `json:"name"`
	OrgType   *string         `json:"org_type"`
	Sectors   *[]string       `json:"sectors"`
	Country   *string         `json:"country"`
	Region    *string         `json:"region"`
	Languages *[]string       `json:"languages"`
	Offers    *[]models.Offer `json:"offers"`
	Needs     *[]models.Need  `json:"needs"`
	Modes     *[]string       `json:"collaboration_modes"`
	Remote    *bool           `json:"remote"`
	Available *bool           `json:"available"`
	Capacity  *int            `json:"capacity"`
	Bio       *string         `json:"bio"`
	Website   *string         `json:"website"`
	Contact   *models.Contact `json:"contact"`
	Focus     *string         `json:"focus"`
	Managed   *bool           `json:"managed"`
	OpenData  *bool           `json:"open_data"`
	Version   *int            `json:"version"`
}

func (r actorRequest) input() models.ActorInput {
	return models.ActorInput{Kind: r.Kind, Name: r.Name, OrgType: r.OrgType, Sectors: r.Sectors, Country: r.Country,
		Region: r.Region, Languages: r.Languages, Offers: r.Offers, Needs: r.Needs, Modes: r.Modes, Remote: r.Remote,
		Available: r.Available, Capacity: r.Capacity, Bio: r.Bio, Website: r.Website, Contact: r.Contact,
		Focus: r.Focus, Managed: r.Managed, OpenData: r.OpenData}
}

// actorView is an actor as the API shows it: contact only to those the policy allows, completeness
// only to the owner.
type actorView struct {
	*models.Actor
	Contact      *models.Contact `json:"contact,omitempty"`
	Stale        bool            `json:"stale"`
	Completeness *completeness   `json:"completeness,omitempty"`
}

type completeness struct {
	Percent int      `json:"percent"`
	Missing []string `json:"missing"`
}

// completenessOf scores a profile and names what to add next, most useful first.
func completenessOf(a *models.Actor) *completeness {
	checks := []struct {
		ok     bool
		weight int
		what   string
	}{
		{len(a.Offers) > 0, 20, "offers"},
		{len(a.Needs) > 0, 20, "needs"},
		{len(a.Sectors) > 0, 10, "sectors"},
		{len([]rune(a.Bio)) >= 80, 15, "bio"},
		{len(a.Languages) > 0, 10, "languages"},
		{len(a.Modes) > 0, 10, "collaboration_modes"},
		{a.ContactEmail != "", 5, "contact.email"},
		{a.Website != "", 5, "website"},
		{a.Region != "", 5, "region"},
	}
	c := &completeness{Missing: []string{}}
	for _, ch := range checks {
		if ch.ok {
			c.Percent += ch.weight
		} else {
			c.Missing = append(c.Missing, ch.what)
		}
	}
	return c
}

func (s *Server) viewActor(c echo.Context, a *models.Actor) (actorView, error) {
	u := userFrom(c)
	v := actorView{Actor: a, Stale: a.Stale(s.now())}
	ok, err := s.canSeeContact(c.Request().Context(), u, a)
	if err != nil {
		return v, err
	}
	if ok {
		ct := a.ContactDetails()
		v.Contact = &ct
	}
	if u != nil && a.OwnedBy(u.ID) {
		v.Completeness = completenessOf(a)
	}
	return v, nil
}

func (s *Server) createActor(c echo.Context) error {
	var req actorRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	u := userFrom(c)
	if err := s.checkManaged(u, req.Managed); err != nil {
		return err
	}
	a, err := s.store.CreateActor(c.Request().Context(), u.ID, req.input(), s.codes)
	if err != nil {
		return err
	}
	v, err := s.viewActor(c, a)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, v)
}

// checkManaged: only intermediaries (and admins) keep profiles on behalf of others.
func (s *Server) checkManaged(u *models.User, managed *bool) error {
	if managed != nil && *managed && u.Role != models.RoleIntermediary && u.Role != models.RoleAdmin {
		return models.Invalid("managed", "only intermediaries manage profiles on behalf of others")
	}
	return nil
}

func (s *Server) getActor(c echo.Context) error {
	a, err := s.store.Actor(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	v, err := s.viewActor(c, a)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// patchActor applies a partial update based on a version, from the body or If-Match.
func (s *Server) patchActor(c echo.Context) error {
	var req actorRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	a, err := s.editableActor(c, c.Param("id"), "Only the owner of this profile may change it.")
	if err != nil {
		return err
	}
	version, err := versionOf(c, req.Version)
	if err != nil {
		return err
	}
	if err := s.checkManaged(userFrom(c), req.Managed); err != nil {
		return err
	}
	updated, err := s.store.UpdateActor(c.Request().Context(), a.ID, version, req.input(), s.codes, s.now())
	if err != nil {
		return err
	}
	v, err := s.viewActor(c, updated)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

func (s *Server) deleteActor(c echo.Context) error {
	ctx := c.Request().Context()
	a, err := s.editableActor(c, c.Param("id"), "Only the owner of this profile may delete it.")
	if err != nil {
		return err
	}
	if err := s.store.DeleteActor(ctx, a.ID); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) listActors(c echo.Context) error {
	limit, err := queryInt(c, "limit", 20, 1, 100)
	if err != nil {
		return err
	}
	f := models.ActorFilter{Kind: c.QueryParam("kind"), Sector: c.QueryParam("sector"), Country: c.QueryParam("country"),
		Language: c.QueryParam("language"), Q: c.QueryParam("q"), Limit: limit, Cursor: c.QueryParam("cursor")}
	if f.Kind != "" && f.Kind != "cci" && f.Kind != "ai" && f.Kind != "intermediary" {
		return models.Invalid("kind", "must be cci, ai or intermediary")
	}
	if len(f.Q) > 200 {
		return models.Invalid("q", "must be at most 200 characters")
	}
	if c.QueryParam("owner") == "me" {
		f.OwnerID = userFrom(c).ID
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
	page, next, err := s.store.ListActors(c.Request().Context(), f)
	if err != nil {
		return err
	}
	items := make([]actorView, len(page))
	for i, a := range page {
		if items[i], err = s.viewActor(c, a); err != nil {
			return err
		}
	}
	var nc *string
	if next != "" {
		nc = &next
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "next_cursor": nc})
}

// renewActor is the one-click renewal of a stale profile: the owner confirms it is still right.
func (s *Server) renewActor(c echo.Context) error {
	ctx := c.Request().Context()
	a, err := s.editableActor(c, c.Param("id"), "Only the owner of this profile may renew it.")
	if err != nil {
		return err
	}
	renewed, err := s.store.RenewActor(ctx, a.ID, s.now())
	if err != nil {
		return err
	}
	v, err := s.viewActor(c, renewed)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}
