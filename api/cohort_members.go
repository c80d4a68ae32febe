package api

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/crossover-cci/crossover/models"
)

// Stored cohorts of an organiser: the cohort itself, its members by invitation, and its
// funnel. Only intermediaries and admins reach these routes (routes.go); a cohort is seen and
// changed by its owner or an admin only, and is not found for anyone else. The actors' owners answer
// invitations through /cohorts/:id/members/:actor_id/accept|decline and list them at
// /me/cohort-invitations. The draft and publishing are in cohorts.go.

// optString is a JSON field that may be absent, null (clear it) or a string.
type optString struct {
	Set   bool
	Value *string
}

func (o *optString) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Value = nil
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	o.Value = &s
	return nil
}

type cohortRequest struct {
	Name          optString `json:"name"`
	Description   optString `json:"description"`
	StartsOn      optString `json:"starts_on"`
	EndsOn        optString `json:"ends_on"`
	BrokerActorID optString `json:"broker_actor_id"`
	Version       *int      `json:"version"`
}

type actorIDsRequest struct {
	ActorIDs []string `json:"actor_ids"`
}

type cohortView struct {
	*models.Cohort
	Members int `json:"members"`
	Joined  int `json:"joined"`
	Pairs   int `json:"pairs"`
}

// validate checks a create (create=true: name required) or a patch and maps it onto a store patch.
func (s *Server) validateCohort(c echo.Context, r cohortRequest, create bool) (models.CohortPatch, error) {
	var p models.CohortPatch
	ve := &models.ValidationError{}
	if r.Name.Set || create {
		name := ""
		if r.Name.Value != nil {
			name = strings.TrimSpace(*r.Name.Value)
		}
		if n := len([]rune(name)); n == 0 || n > models.MaxCohortName {
			ve.Addf("name", "is required, at most %d characters", models.MaxCohortName)
		}
		p.Name = &name
	}
	if r.Description.Set {
		d := ""
		if r.Description.Value != nil {
			d = strings.TrimSpace(*r.Description.Value)
		}
		if len([]rune(d)) > models.MaxCohortDescription {
			ve.Addf("description", "must be at most %d characters", models.MaxCohortDescription)
		}
		p.Description = &d
	}
	date := func(field string, o optString) (*string, bool) {
		if !o.Set {
			return nil, false
		}
		if o.Value == nil || *o.Value == "" {
			return nil, true
		}
		if _, err := time.Parse("2006-01-02", *o.Value); err != nil {
			ve.Add(field, "must be a date as YYYY-MM-DD")
			return nil, false
		}
		return o.Value, false
	}
	p.StartsOn, p.ClearStartsOn = date("starts_on", r.StartsOn)
	p.EndsOn, p.ClearEndsOn = date("ends_on", r.EndsOn)
	if p.StartsOn != nil && p.EndsOn != nil && *p.EndsOn < *p.StartsOn {
		ve.Add("ends_on", "must not be before starts_on")
	}
	if r.BrokerActorID.Set {
		if r.BrokerActorID.Value == nil || *r.BrokerActorID.Value == "" {
			p.ClearBroker = true
		} else if _, err := s.brokerActor(c, *r.BrokerActorID.Value); err != nil {
			var fe *models.ValidationError
			if !errors.As(err, &fe) {
				return p, err
			}
			ve.Add("broker_actor_id", fe.Fields["broker_actor_id"])
		} else {
			p.BrokerActorID = r.BrokerActorID.Value
		}
	}
	return p, ve.Err()
}

func (s *Server) createCohort(c echo.Context) error {
	var req cohortRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	p, err := s.validateCohort(c, req, true)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	co := &models.Cohort{OwnerID: userFrom(c).ID, Name: *p.Name, StartsOn: p.StartsOn, EndsOn: p.EndsOn, BrokerActorID: p.BrokerActorID,
		CreatedAt: now, UpdatedAt: now}
	if p.Description != nil {
		co.Description = *p.Description
	}
	if err := s.store.CreateCohort(c.Request().Context(), co); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, cohortView{Cohort: co})
}

// ownCohort loads the cohort of the path for its owner or an admin; for anyone else it does not exist.
func (s *Server) ownCohort(c echo.Context) (*models.Cohort, error) {
	co, err := s.store.Cohort(c.Request().Context(), c.Param("id"))
	if err != nil {
		return nil, err
	}
	u := userFrom(c)
	if u == nil || (co.OwnerID != u.ID && u.Role != models.RoleAdmin) {
		return nil, models.ErrNotFound
	}
	return co, nil
}

func (s *Server) listCohorts(c echo.Context) error {
	list, err := s.store.CohortsByOwner(c.Request().Context(), userFrom(c).ID)
	if err != nil {
		return err
	}
	items := make([]cohortView, len(list))
	for i := range list {
		items[i] = cohortView{Cohort: &list[i].Cohort, Members: list[i].Members, Joined: list[i].Joined, Pairs: list[i].Pairs}
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

func (s *Server) getCohort(c echo.Context) error {
	co, err := s.ownCohort(c)
	if err != nil {
		return err
	}
	return s.respondCohort(c, co, http.StatusOK)
}

func (s *Server) respondCohort(c echo.Context, co *models.Cohort, status int) error {
	members, err := s.store.CohortMembers(c.Request().Context(), co.ID)
	if err != nil {
		return err
	}
	pairs, _, err := s.store.CohortPairs(c.Request().Context(), co.ID)
	if err != nil {
		return err
	}
	v := cohortView{Cohort: co, Members: len(members), Pairs: len(pairs)}
	for _, m := range members {
		if m.Status == models.MemberJoined {
			v.Joined++
		}
	}
	c.Response().Header().Set("ETag", `"`+strconv.Itoa(co.Version)+`"`)
	return c.JSON(status, v)
}

func (s *Server) patchCohort(c echo.Context) error {
	co, err := s.ownCohort(c)
	if err != nil {
		return err
	}
	var req cohortRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	version, err := versionOf(c, req.Version)
	if err != nil {
		return err
	}
	p, err := s.validateCohort(c, req, false)
	if err != nil {
		return err
	}
	co, err = s.store.UpdateCohort(c.Request().Context(), co.ID, version, p, s.now())
	if err != nil {
		return err
	}
	return s.respondCohort(c, co, http.StatusOK)
}

func (s *Server) deleteCohort(c echo.Context) error {
	co, err := s.ownCohort(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteCohort(c.Request().Context(), co.ID); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// ---- Members ----

type cohortMemberView struct {
	models.CohortMember
	Name         string `json:"name"`
	Kind         string `json:"kind"`
	Country      string `json:"country"`
	Capacity     int    `json:"capacity"`
	Managed      bool   `json:"managed_by_organiser"`
	Completeness int    `json:"completeness"`
	Deleted      bool   `json:"hidden,omitempty"`
}

func (s *Server) listCohortMembers(c echo.Context) error {
	co, err := s.ownCohort(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	members, err := s.store.CohortMembers(ctx, co.ID)
	if err != nil {
		return err
	}
	ids := make([]string, len(members))
	for i, m := range members {
		ids[i] = m.ActorID
	}
	actors, err := s.store.ActorsIn(ctx, ids)
	if err != nil {
		return err
	}
	items := make([]cohortMemberView, len(members))
	for i, m := range members {
		v := cohortMemberView{CohortMember: m, Name: "hidden profile", Deleted: true}
		if a := actors[m.ActorID]; a != nil {
			v = cohortMemberView{CohortMember: m, Name: a.Name, Kind: a.Kind, Country: a.Country, Capacity: a.Capacity,
				Managed: a.OwnedBy(co.OwnerID), Completeness: completenessOf(a).Percent}
		}
		items[i] = v
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

// memberActors checks a list of actor ids for a cohort: 1 to 500, no repeats, visible CCI or AI
// actors with an owner who can answer (manage=true: owned by the cohort's owner).
func (s *Server) memberActors(c echo.Context, co *models.Cohort, ids []string, manage bool) ([]*models.Actor, error) {
	if len(ids) == 0 || len(ids) > models.MaxCohortMembers {
		return nil, models.Invalid("actor_ids", "must list 1 to 500 actors")
	}
	found, err := s.store.ActorsIn(c.Request().Context(), ids)
	if err != nil {
		return nil, err
	}
	ve := &models.ValidationError{}
	seen := map[string]bool{}
	out := make([]*models.Actor, 0, len(ids))
	for i, id := range ids {
		field := "actor_ids[" + itoa(i) + "]"
		a := found[id]
		switch {
		case seen[id]:
			ve.Add(field, "is listed twice")
		case a == nil:
			ve.Add(field, "is not a visible actor")
		case a.Kind != "cci" && a.Kind != "ai":
			ve.Add(field, "must be a CCI or AI actor: cohorts match CCI with AI")
		case a.OwnerID == nil:
			ve.Add(field, "has not been claimed by anyone, so nobody could answer the invitation")
		case manage && !a.OwnedBy(co.OwnerID):
			ve.Add(field, "is not an actor the organiser manages: invite it instead")
		}
		seen[id] = true
		out = append(out, a)
	}
	if err := ve.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// inviteToCohort invites actors; those the organiser manages join at once.
func (s *Server) inviteToCohort(c echo.Context) error {
	return s.addMembers(c, false)
}

// addCohortMembers adds actors the organiser manages (created or imported by them) as joined.
func (s *Server) addCohortMembers(c echo.Context) error {
	return s.addMembers(c, true)
}

func (s *Server) addMembers(c echo.Context, manage bool) error {
	co, err := s.ownCohort(c)
	if err != nil {
		return err
	}
	var req actorIDsRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	actors, err := s.memberActors(c, co, req.ActorIDs, manage)
	if err != nil {
		return err
	}
	var invite, join []*models.Actor
	for _, a := range actors {
		if a.OwnedBy(co.OwnerID) {
			join = append(join, a)
		} else {
			invite = append(invite, a)
		}
	}
	ctx := c.Request().Context()
	organiser := userFrom(c).DisplayName
	if owner, err := s.store.UserByID(ctx, co.OwnerID); err == nil {
		organiser = owner.DisplayName
	}
	out := map[string][]string{"invited": {}, "joined": {}, "skipped": {}}
	// Two steps in one transaction would be nicer; the member limit is checked by each, and a
	// failure of the second leaves the first in place, which a retry skips (idempotent).
	for _, step := range []struct {
		list   []*models.Actor
		joined bool
		key    string
	}{{join, true, "joined"}, {invite, false, "invited"}} {
		if len(step.list) == 0 {
			continue
		}
		added, skipped, err := s.store.AddCohortMembers(ctx, co, step.list, step.joined, organiser, s.now())
		if err != nil {
			return err
		}
		out[step.key] = append(out[step.key], added...)
		out["skipped"] = append(out["skipped"], skipped...)
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) removeCohortMember(c echo.Context) error {
	co, err := s.ownCohort(c)
	if err != nil {
		return err
	}
	if err := s.store.RemoveCohortMember(c.Request().Context(), co.ID, c.Param("actor")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// respondToCohort is the actor owner's answer to an invitation. Anyone else, and an actor that is
// not in the cohort, gets 404.
func (s *Server) respondToCohort(c echo.Context, accept bool) error {
	ctx := c.Request().Context()
	a, err := s.store.Actor(ctx, c.Param("actor"))
	if err != nil {
		return err
	}
	if !canEditActor(userFrom(c), a) {
		return models.ErrNotFound
	}
	co, err := s.store.Cohort(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	m, err := s.store.RespondToCohort(ctx, co, a, accept, s.now())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"cohort_id": co.ID, "cohort_name": co.Name, "actor_id": a.ID, "actor_name": a.Name,
		"status": m.Status, "invited_at": m.InvitedAt, "responded_at": m.RespondedAt})
}

func (s *Server) acceptCohort(c echo.Context) error  { return s.respondToCohort(c, true) }
func (s *Server) declineCohort(c echo.Context) error { return s.respondToCohort(c, false) }

// myCohortInvitations lists the cohorts the caller's actors are invited to or members of.
func (s *Server) myCohortInvitations(c echo.Context) error {
	list, err := s.store.CohortInvitationsFor(c.Request().Context(), userFrom(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": list})
}

// ---- Funnel ----

type funnelView struct {
	*models.CohortFunnel
	CohortID         string `json:"cohort_id"`
	ProfilesComplete int    `json:"profiles_complete"`
	CompletenessMean int    `json:"completeness_mean"`
}

// funnelRows is the funnel as stage,count rows, in the order of the CSV.
func (f funnelView) rows() [][2]string {
	r := [][2]string{
		{"invited", strconv.Itoa(f.Invited)}, {"joined", strconv.Itoa(f.Joined)}, {"declined", strconv.Itoa(f.Declined)},
		{"invitations_pending", strconv.Itoa(f.Pending)}, {"profiles_complete", strconv.Itoa(f.ProfilesComplete)},
		{"introductions_requested", strconv.Itoa(f.Introductions)},
	}
	for _, st := range []string{models.IntroPending, models.IntroConnected, models.IntroDeclined, models.IntroWithdrawn, models.IntroExpired} {
		r = append(r, [2]string{"introductions_" + st, strconv.Itoa(f.Status[st])})
	}
	r = append(r, [2]string{"connected", strconv.Itoa(f.Connected)})
	for _, a := range append([]string{"none"}, models.OutcomeAnswers...) {
		r = append(r, [2]string{"outcome_" + a, strconv.Itoa(f.Outcomes[a])})
	}
	return r
}

// cohortFunnel counts each stage: invited, joined, profiles complete (joined members whose profile
// has everything completenessOf asks for), introductions requested from the draft and their states,
// connected, and the outcomes answered. ?format=csv answers the same as stage,count rows.
func (s *Server) cohortFunnel(c echo.Context) error {
	co, err := s.ownCohort(c)
	if err != nil {
		return err
	}
	format, err := statsFormat(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	f, err := s.store.CohortFunnelOf(ctx, co.ID)
	if err != nil {
		return err
	}
	joined, err := s.joinedActors(ctx, co.ID)
	if err != nil {
		return err
	}
	v := funnelView{CohortFunnel: f, CohortID: co.ID}
	sum := 0
	for _, a := range joined {
		p := completenessOf(a).Percent
		sum += p
		if p == 100 {
			v.ProfilesComplete++
		}
	}
	if len(joined) > 0 {
		v.CompletenessMean = sum / len(joined)
	}
	if format == "csv" {
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		_ = w.Write([]string{"stage", "count"})
		for _, r := range v.rows() {
			_ = w.Write(r[:])
		}
		w.Flush()
		c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="crossover-cohort-`+co.ID+`-funnel.csv"`)
		return c.Blob(http.StatusOK, "text/csv; charset=utf-8", b.Bytes())
	}
	return c.JSON(http.StatusOK, v)
}
