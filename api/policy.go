package api

import (
	"context"

	"github.com/labstack/echo/v4"

	"github.com/crossover-cci/crossover/models"
)

// The authorization policy, in one place: handlers ask these questions and never check roles or
// owners themselves.

// canEditActor: the owner, or an admin.
func canEditActor(u *models.User, a *models.Actor) bool {
	return u != nil && (a.OwnedBy(u.ID) || u.Role == models.RoleAdmin)
}

// canSeeMatches: the owner, an intermediary (brokering is their job) or an admin.
func canSeeMatches(u *models.User, a *models.Actor) bool {
	return u != nil && (a.OwnedBy(u.ID) || u.Role == models.RoleIntermediary || u.Role == models.RoleAdmin)
}

// canSeeContact: the owner, an admin, or the owner of an actor with a connected introduction to a.
func (s *Server) canSeeContact(ctx context.Context, u *models.User, a *models.Actor) (bool, error) {
	if u == nil {
		return false, nil
	}
	if a.OwnedBy(u.ID) || u.Role == models.RoleAdmin {
		return true, nil
	}
	return s.store.ConnectedWith(ctx, u.ID, a.ID)
}

// editableActor loads the actor named by id for a change by the caller: unknown → 404, not the
// owner (nor an admin) → 403 with the sentence given.
func (s *Server) editableActor(c echo.Context, id, forbidden string) (*models.Actor, error) {
	a, err := s.store.Actor(c.Request().Context(), id)
	if err != nil {
		return nil, err
	}
	if !canEditActor(userFrom(c), a) {
		return nil, errForbidden(forbidden)
	}
	return a, nil
}

// canSeeImport: the importing user, or an admin.
func canSeeImport(u *models.User, j *models.ImportJob) bool {
	return u != nil && (j.OwnerID == u.ID || u.Role == models.RoleAdmin)
}
