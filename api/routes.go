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
	e.GET("/api/openapi.json", s.openapi())
	v1.GET("/info", s.info)
	v1.GET("/skills", s.listSkills)
	v1.GET("/sectors", s.listSectors)
	v1.GET("/funding", s.listFunding)
	v1.GET("/funding/:id", s.getFunding)
	v1.GET("/practices", s.listPractices)
	v1.GET("/practices/:id", s.getPractice)
	v1.POST("/auth/register", a.register)
	v1.POST("/auth/login", a.login)
	v1.POST("/auth/refresh", a.refresh)
	// The observatory: aggregated figures only, small cells suppressed.
	v1.GET("/stats/overview", s.cachedPublic(s.statsOverview))
	v1.GET("/stats/skills", s.cachedPublic(s.statsSkills))
	v1.GET("/stats/trends", s.cachedPublic(s.statsTrends))
	v1.GET("/stats/introductions", s.cachedPublic(s.statsIntroductions))
	// Open data (FAIR): opted-in profiles as JSON-LD, never contact; the taxonomy as SKOS.
	v1.GET("/open", s.openDataset)
	v1.GET("/open/actors", s.openActors)
	v1.GET("/open/actors/:id", s.openActorOne)
	v1.GET("/open/dump", s.openDump)
	v1.GET("/open/taxonomy", s.cachedPublic(s.openTaxonomy))

	// Signed in. Middleware sits on each route, not on a group: an echo group with middleware would
	// also catch unknown paths below it and answer 401 instead of 404.
	in := a.middleware()
	v1.POST("/auth/logout", a.logout, in)
	v1.POST("/auth/password", a.changePassword, in)
	v1.GET("/me", s.me, in)
	v1.PATCH("/me", s.patchMe, in)
	v1.GET("/me/export", s.exportMe, in)
	v1.DELETE("/me", s.deleteMe, in)
	v1.GET("/me/cohort-invitations", s.myCohortInvitations, in)

	v1.POST("/actors", s.createActor, in)
	v1.GET("/actors", s.listActors, in)
	v1.GET("/actors/:id", s.getActor, in)
	v1.PATCH("/actors/:id", s.patchActor, in)
	v1.DELETE("/actors/:id", s.deleteActor, in)
	v1.POST("/actors/:id/renew", s.renewActor, in)
	v1.GET("/actors/:id/matches", s.matches, in)
	v1.GET("/actors/:id/fit/:other", s.fit, in)
	v1.POST("/actors/:id/feedback", s.feedback, in)
	v1.GET("/actors/:id/feedback", s.listFeedback, in)
	v1.DELETE("/actors/:id/feedback/:target", s.deleteFeedback, in)
	v1.GET("/actors/:id/funding", s.actorFunding, in)
	v1.GET("/funding/:id/consortium", s.consortium, in)
	v1.POST("/actors/:id/saved-searches", s.createSavedSearch, in)
	v1.GET("/actors/:id/saved-searches", s.listSavedSearches, in)
	v1.PATCH("/actors/:id/saved-searches/:search", s.renameSavedSearch, in)
	v1.DELETE("/actors/:id/saved-searches/:search", s.deleteSavedSearch, in)

	v1.POST("/introductions", s.createIntroduction, in)
	v1.GET("/introductions", s.listIntroductions, in)
	v1.GET("/introductions/:id", s.getIntroduction, in)
	v1.POST("/introductions/:id/accept", s.acceptIntroduction, in)
	v1.POST("/introductions/:id/decline", s.declineIntroduction, in)
	v1.POST("/introductions/:id/withdraw", s.withdrawIntroduction, in)
	v1.POST("/introductions/:id/outcome", s.answerOutcome, in)
	v1.GET("/brokerage/dashboard", s.brokerDashboard, in)
	v1.GET("/brokerage/opportunities", s.brokerageOpportunities, in)
	v1.GET("/notifications", s.listNotifications, in)
	v1.POST("/notifications/read-all", s.readAllNotifications, in)
	v1.POST("/notifications/:id/read", s.readNotification, in)
	v1.POST("/actors/:id/claim", s.claimActor, in)
	// The owner of an invited actor answers (an admin may too); anyone else gets 404.
	v1.POST("/cohorts/:id/members/:actor/accept", s.acceptCohort, in)
	v1.POST("/cohorts/:id/members/:actor/decline", s.declineCohort, in)
	v1.POST("/practices", s.createPractice, in)
	v1.PATCH("/practices/:id", s.patchPractice, in)
	v1.DELETE("/practices/:id", s.deletePractice, in)
	v1.POST("/reports", s.createReport, in)
	v1.POST("/webhooks", s.createWebhook, in)
	v1.GET("/webhooks", s.listWebhooks, in)
	v1.DELETE("/webhooks/:id", s.deleteWebhook, in)
	v1.GET("/webhooks/:id/deliveries", s.webhookDeliveries, in)
	v1.POST("/webhooks/:id/ping", s.pingWebhook, in)

	// Intermediaries and admins edit the funding catalogue.
	editor := requireRole(models.RoleIntermediary, models.RoleAdmin)
	v1.POST("/funding", s.createFunding, in, editor)
	v1.PATCH("/funding/:id", s.patchFunding, in, editor)
	v1.POST("/imports/actors", s.importActors, in, editor)
	v1.GET("/imports", s.listImports, in, editor)
	v1.GET("/imports/:id", s.getImport, in, editor) // the owner or an admin; others get 404
	v1.POST("/imports/mappings", s.saveImportMapping, in, editor)
	v1.GET("/imports/mappings", s.listImportMappings, in, editor)
	v1.DELETE("/imports/mappings/:id", s.deleteImportMapping, in, editor)
	v1.POST("/cohorts/draft", s.draftCohort, in, editor)
	// Stored cohorts: the owner or an admin; for other intermediaries they do not exist (404).
	v1.POST("/cohorts", s.createCohort, in, editor)
	v1.GET("/cohorts", s.listCohorts, in, editor)
	v1.GET("/cohorts/:id", s.getCohort, in, editor)
	v1.PATCH("/cohorts/:id", s.patchCohort, in, editor)
	v1.DELETE("/cohorts/:id", s.deleteCohort, in, editor)
	v1.GET("/cohorts/:id/members", s.listCohortMembers, in, editor)
	v1.POST("/cohorts/:id/invitations", s.inviteToCohort, in, editor)
	v1.POST("/cohorts/:id/members", s.addCohortMembers, in, editor)
	v1.DELETE("/cohorts/:id/members/:actor", s.removeCohortMember, in, editor)
	v1.POST("/cohorts/:id/draft", s.runCohortDraft, in, editor)
	v1.GET("/cohorts/:id/draft", s.getCohortDraft, in, editor)
	v1.POST("/cohorts/:id/draft/pairs", s.addDraftPair, in, editor)
	v1.DELETE("/cohorts/:id/draft/pairs/:pair", s.deleteDraftPair, in, editor)
	v1.POST("/cohorts/:id/draft/publish", s.publishDraft, in, editor)
	v1.GET("/cohorts/:id/funnel", s.cohortFunnel, in, editor)

	// Admins.
	admin := requireRole(models.RoleAdmin)
	v1.PUT("/users/:id/role", s.setRole, in, admin)
	v1.GET("/claims", s.listClaims, in, admin)
	v1.POST("/claims/:id/approve", s.approveClaim, in, admin)
	v1.POST("/claims/:id/reject", s.rejectClaim, in, admin)
	v1.GET("/reports", s.listReports, in, admin)
	v1.POST("/reports/:id/resolve", s.resolveReport, in, admin)
	v1.POST("/actors/:id/hide", s.hideActor, in, admin)
	v1.POST("/actors/:id/restore", s.restoreActor, in, admin)

	// Unknown /api paths answer the JSON 404; everything else is the web UI.
	e.Any("/api/*", func(c echo.Context) error { return echo.ErrNotFound })
	e.Match([]string{http.MethodGet, http.MethodHead}, "/*", s.static())
}
