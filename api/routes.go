package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/crossover-cci/crossover/models"
)

// routes is the one route table: every method, path and middleware on one screen.
func (s *Server) routes(a *auth) {
	e := s.e

	// Operations: public, outside /api.
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", s.metrics.handler)

	v1 := e.Group("/api/v1")

	// Public.
	v1.GET("/info", s.info)
	v1.GET("/skills", s.listSkills)
	v1.GET("/sectors", s.listSectors)
	v1.POST("/auth/register", a.register)
	v1.POST("/auth/login", a.login)
	v1.POST("/auth/refresh", a.refresh)

	// Signed in.
	in := v1.Group("", a.middleware())
	in.POST("/auth/logout", a.logout)
	in.POST("/auth/password", a.changePassword)
	in.GET("/me", s.me)
	in.PATCH("/me", s.patchMe)
	in.GET("/me/export", s.exportMe)
	in.DELETE("/me", s.deleteMe)

	in.POST("/actors", s.createActor)
	in.GET("/actors", s.listActors)
	in.GET("/actors/:id", s.getActor)
	in.PATCH("/actors/:id", s.patchActor)
	in.DELETE("/actors/:id", s.deleteActor)

	// Admins.
	admin := in.Group("", requireRole(models.RoleAdmin))
	admin.PUT("/users/:id/role", s.setRole)

	// Unknown /api paths answer the JSON 404; everything else is the web UI.
	e.Any("/api/*", func(c echo.Context) error { return echo.ErrNotFound })
	e.Match([]string{http.MethodGet, http.MethodHead}, "/*", s.static())
}
