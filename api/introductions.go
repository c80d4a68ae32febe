package api

import (
	"context"
	"errors"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/crossover-cci/crossover/models"
)

// introRequest is the body of POST /introductions: direct (from → to) or brokered (broker, two actors).
type introRequest struct {
	FromActorID   string            `json:"from_actor_id"`
	ToActorID     string            `json:"to_actor_id"`
	BrokerActorID string            `json:"broker_actor_id"`
	ActorIDs      []string          `json:"actor_ids"`
	Message       string            `json:"message"`
	Notes         map[string]string `json:"notes"`
}

type acceptRequest struct {
	ShareContactWithBroker bool `json:"share_contact_with_broker"`
}

type declineRequest struct {
	Reason string `json:"reason"`
	Note   string `json:"note"`
}

// partyView is one side of an introduction as a viewer may see it. Contact appears only once the
// introduction is connected, and only to the other side (or to the broker when both sides allowed it).
type partyView struct {
	ActorID                *string         `json:"actor_id"`
	Name                   string          `json:"name"`
	Kind                   string          `json:"kind,omitempty"`
	Country                string          `json:"country,omitempty"`
	Role                   string          `json:"role"`
	Response               string          `json:"response"`
	RespondedAt            *time.Time      `json:"responded_at"`
	Mine                   bool            `json:"mine"`
	Deleted                bool            `json:"deleted,omitempty"`
	Note                   string          `json:"note,omitempty"`
	ShareContactWithBroker bool            `json:"share_contact_with_broker"`
	Contact                *models.Contact `json:"contact,omitempty"`
}

type brokerView struct {
	ActorID *string `json:"actor_id"`
	Name    string  `json:"name"`
	Mine    bool    `json:"mine"`
}

type declineView struct {
	ActorID *string   `json:"actor_id"`
	Reason  string    `json:"reason"`
	Label   string    `json:"label"`
	Note    string    `json:"note,omitempty"`
	At      time.Time `json:"at"`
}

type eventView struct {
	Type      string    `json:"type"`
	ActorID   *string   `json:"actor_id"`
	Reason    string    `json:"reason,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

type questionView struct {
	Stage   string    `json:"stage"`
	DueAt   time.Time `json:"due_at"`
	ActorID *string   `json:"actor_id"`
	Answers []string  `json:"answers"`
}

type introView struct {
	ID            string         `json:"id"`
	Kind          string         `json:"kind"`
	Status        string         `json:"status"`
	Message       string         `json:"message"`
	FromActorID   *string        `json:"from_actor_id,omitempty"`
	ToActorID     *string        `json:"to_actor_id,omitempty"`
	BrokerActorID *string        `json:"broker_actor_id,omitempty"`
	Broker        *brokerView    `json:"broker,omitempty"`
	ActorIDs      []*string      `json:"actor_ids"`
	Parties       []partyView    `json:"parties"`
	MyRoles       []string       `json:"my_roles"`
	Decline       *declineView   `json:"decline,omitempty"`
	Events        []eventView    `json:"events,omitempty"`
	Questions     []questionView `json:"outcome_questions,omitempty"`
	MyOutcomes    []outcomeView  `json:"my_outcomes"`
	ExpiresAt     time.Time      `json:"expires_at"`
	ConnectedAt   *time.Time     `json:"connected_at"`
	CreatedAt     time.Time      `json:"created_at"`
	UpdatedAt     time.Time      `json:"updated_at"`
	Version       int            `json:"version"`
}

// introActors loads the actors named by a page of introductions, with one query.
func (s *Server) introActors(ctx context.Context, list ...*models.Introduction) (map[string]*models.Actor, error) {
	var ids []string
	for _, in := range list {
		for _, p := range in.Parties {
			if p.ActorID != nil {
				ids = append(ids, *p.ActorID)
			}
		}
		if in.BrokerActorID != nil {
			ids = append(ids, *in.BrokerActorID)
		}
	}
	return s.store.ActorsByIDs(ctx, ids)
}

func owns(actors map[string]*models.Actor, id *string, userID string) bool {
	return id != nil && actors[*id] != nil && actors[*id].OwnedBy(userID)
}

// introRoles says how userID takes part: requester, recipient, party, broker. None: it may not know
// the introduction exists (404).
func introRoles(in *models.Introduction, actors map[string]*models.Actor, userID string) []string {
	roles := []string{}
	for _, p := range in.Parties {
		if owns(actors, p.ActorID, userID) && !slices.Contains(roles, p.Role) {
			roles = append(roles, p.Role)
		}
	}
	if owns(actors, in.BrokerActorID, userID) {
		roles = append(roles, "broker")
	}
	return roles
}

// viewIntro shapes an introduction for userID, applying the contact rules.
func viewIntro(in *models.Introduction, actors map[string]*models.Actor, userID string) introView {
	v := introView{ID: in.ID, Kind: in.Kind, Status: in.Status, Message: in.Message, BrokerActorID: in.BrokerActorID,
		ActorIDs: []*string{}, Parties: []partyView{}, MyOutcomes: []outcomeView{}, MyRoles: introRoles(in, actors, userID), ExpiresAt: in.ExpiresAt,
		ConnectedAt: in.ConnectedAt, CreatedAt: in.CreatedAt, UpdatedAt: in.UpdatedAt, Version: in.Version}
	isBroker := owns(actors, in.BrokerActorID, userID)
	ownsParty := false
	for _, p := range in.Parties {
		ownsParty = ownsParty || owns(actors, p.ActorID, userID)
	}
	connected := in.Status == models.IntroConnected
	for _, p := range in.Parties {
		pv := partyView{ActorID: p.ActorID, Role: p.Role, Response: p.Response, RespondedAt: p.RespondedAt,
			ShareContactWithBroker: p.ShareContactWithBroker}
		a := (*models.Actor)(nil)
		if p.ActorID != nil {
			a = actors[*p.ActorID]
		}
		if a == nil {
			pv.ActorID, pv.Name, pv.Deleted = nil, "deleted member", true
		} else {
			pv.Name, pv.Kind, pv.Country = a.Name, a.Kind, a.Country
			pv.Mine = a.OwnedBy(userID)
			if connected && !pv.Mine && (ownsParty || (isBroker && in.ShareContactWithBroker)) {
				ct := a.ContactDetails()
				pv.Contact = &ct
			}
		}
		if pv.Mine || isBroker { // the broker's note to each side is for that side
			pv.Note = p.Note
		}
		v.Parties = append(v.Parties, pv)
		v.ActorIDs = append(v.ActorIDs, pv.ActorID)
		switch p.Role {
		case models.RoleRequester:
			v.FromActorID = pv.ActorID
		case models.RoleRecipient:
			v.ToActorID = pv.ActorID
		}
	}
	if in.BrokerActorID != nil {
		b := &brokerView{ActorID: in.BrokerActorID, Name: "deleted member", Mine: isBroker}
		if a := actors[*in.BrokerActorID]; a != nil {
			b.Name = a.Name
		} else {
			b.ActorID = nil
		}
		v.Broker = b
	}
	for _, e := range in.Events {
		if e.Type == models.EventDeclined {
			v.Decline = &declineView{ActorID: e.ActorID, Reason: e.Reason, Label: models.DeclineLabel(e.Reason), Note: e.Detail, At: e.CreatedAt}
		}
	}
	return v
}

func (s *Server) createIntroduction(c echo.Context) error {
	var req introRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	u := userFrom(c)
	ctx := c.Request().Context()
	in, err := s.store.CreateIntroduction(ctx, models.NewIntroduction{UserID: u.ID, FromActorID: req.FromActorID,
		ToActorID: req.ToActorID, BrokerID: req.BrokerActorID, ActorIDs: req.ActorIDs, Message: req.Message,
		Notes: req.Notes, Now: s.now(), Limits: s.introLimits})
	if err != nil {
		return limitError(c, err)
	}
	return s.respondIntro(c, http.StatusCreated, in.ID)
}

// limitError turns a refusal by an anti-spam or fairness rule into its status: the daily limit is a
// 429 with Retry-After; the pending cap, capacity and availability are 422; the decline cool-down and
// an already open pair are 409. Each message says what to do.
func limitError(c echo.Context, err error) error {
	var le *models.LimitError
	if !errors.As(err, &le) {
		return err
	}
	status := http.StatusUnprocessableEntity
	switch le.Code {
	case "rate_limited":
		status = http.StatusTooManyRequests
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(le.RetryAfter.Seconds()))))
	case "recently_declined", "already_open":
		status = http.StatusConflict
	}
	ae := &apiError{Status: status, Code: le.Code, Message: le.Message}
	if le.Until != nil {
		ae.State = map[string]string{"until": le.Until.Format(time.RFC3339)}
	}
	return ae
}

// respondIntro answers with the introduction as the caller now sees it.
func (s *Server) respondIntro(c echo.Context, status int, id string) error {
	v, err := s.loadIntroView(c, id)
	if err != nil {
		return err
	}
	return c.JSON(status, v)
}

func (s *Server) loadIntroView(c echo.Context, id string) (*introView, error) {
	ctx := c.Request().Context()
	u := userFrom(c)
	in, err := s.store.Introduction(ctx, id)
	if err != nil {
		return nil, err
	}
	actors, err := s.introActors(ctx, in)
	if err != nil {
		return nil, err
	}
	if len(introRoles(in, actors, u.ID)) == 0 {
		return nil, models.ErrNotFound
	}
	v := viewIntro(in, actors, u.ID)
	for _, e := range in.Events {
		if e.Type == models.EventOutcome {
			continue // each side's answers are its own
		}
		v.Events = append(v.Events, eventView{Type: e.Type, ActorID: e.ActorID, Reason: e.Reason, CreatedAt: e.CreatedAt})
	}
	due, err := s.store.OutcomesDue(ctx, []string{in.ID}, u.ID, s.now())
	if err != nil {
		return nil, err
	}
	for _, o := range due {
		v.Questions = append(v.Questions, questionView{Stage: o.Stage, DueAt: o.DueAt, ActorID: o.ActorID, Answers: models.OutcomeAnswers})
	}
	if err := s.attachOutcomes(ctx, u.ID, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

func (s *Server) getIntroduction(c echo.Context) error {
	return s.respondIntro(c, http.StatusOK, c.Param("id"))
}

func (s *Server) listIntroductions(c echo.Context) error {
	limit, err := queryInt(c, "limit", 20, 1, 100)
	if err != nil {
		return err
	}
	box, status := c.QueryParam("box"), c.QueryParam("status")
	if box != "" && box != "received" && box != "sent" && box != "brokered" {
		return models.Invalid("box", "must be received, sent or brokered")
	}
	if status != "" && !slices.Contains([]string{models.IntroPending, models.IntroConnected, models.IntroDeclined, models.IntroWithdrawn, models.IntroExpired}, status) {
		return models.Invalid("status", "must be pending, connected, declined, withdrawn or expired")
	}
	u := userFrom(c)
	ctx := c.Request().Context()
	page, next, err := s.store.ListIntroductions(ctx, models.IntroFilter{UserID: u.ID, Box: box, Status: status, Limit: limit, Cursor: c.QueryParam("cursor")})
	if err != nil {
		return err
	}
	actors, err := s.introActors(ctx, page...)
	if err != nil {
		return err
	}
	items := make([]introView, len(page))
	ptrs := make([]*introView, len(page))
	for i, in := range page {
		items[i] = viewIntro(in, actors, u.ID)
		ptrs[i] = &items[i]
	}
	if err := s.attachOutcomes(ctx, u.ID, ptrs...); err != nil {
		return err
	}
	var nc *string
	if next != "" {
		nc = &next
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "next_cursor": nc})
}

// actingActor picks which of the caller's actors acts on an introduction: preferably one for which
// the action is allowed; otherwise any of theirs, so that the state machine answers 409 with the
// state. A caller with no actor in it gets 404.
func (s *Server) actingActor(c echo.Context, id, action string) (string, error) {
	ctx := c.Request().Context()
	in, err := s.store.Introduction(ctx, id)
	if err != nil {
		return "", err
	}
	actors, err := s.introActors(ctx, in)
	if err != nil {
		return "", err
	}
	uid := userFrom(c).ID
	var fallback string
	for _, p := range in.Parties {
		if !owns(actors, p.ActorID, uid) {
			continue
		}
		switch {
		case (action == models.ActAccept || action == models.ActDecline) && p.Role != models.RoleRequester && p.Response == "pending":
			return *p.ActorID, nil
		case action == models.ActWithdraw && in.Kind == "direct" && p.Role == models.RoleRequester:
			return *p.ActorID, nil
		}
		if fallback == "" {
			fallback = *p.ActorID
		}
	}
	if owns(actors, in.BrokerActorID, uid) {
		if action == models.ActWithdraw || fallback == "" {
			return *in.BrokerActorID, nil
		}
	}
	if fallback == "" {
		return "", models.ErrNotFound
	}
	return fallback, nil
}

// bindOptional reads a JSON body when there is one: accept and withdraw may come without a body.
func bindOptional(c echo.Context, dst any) error {
	if c.Request().ContentLength == 0 {
		return nil
	}
	return bindJSON(c, dst)
}

func (s *Server) act(c echo.Context, act models.IntroAction) error {
	by, err := s.actingActor(c, c.Param("id"), act.Action)
	if err != nil {
		return err
	}
	act.ByActor, act.Now = by, s.now()
	if _, err := s.store.Transition(c.Request().Context(), c.Param("id"), act); err != nil {
		return err
	}
	return s.respondIntro(c, http.StatusOK, c.Param("id"))
}

func (s *Server) acceptIntroduction(c echo.Context) error {
	var req acceptRequest
	if err := bindOptional(c, &req); err != nil {
		return err
	}
	return s.act(c, models.IntroAction{Action: models.ActAccept, ShareBroker: req.ShareContactWithBroker})
}

func (s *Server) declineIntroduction(c echo.Context) error {
	var req declineRequest
	if err := bindOptional(c, &req); err != nil {
		return err
	}
	ve := &models.ValidationError{}
	if req.Reason != "" && !slices.Contains(models.DeclineReasons, req.Reason) {
		ve.Add("reason", "must be one of "+strings.Join(models.DeclineReasons, ", "))
	}
	if len([]rune(req.Note)) > models.MaxDeclineNote {
		ve.Addf("note", "must be at most %d characters", models.MaxDeclineNote)
	}
	if err := ve.Err(); err != nil {
		return err
	}
	return s.act(c, models.IntroAction{Action: models.ActDecline, Reason: req.Reason, Note: req.Note})
}

func (s *Server) withdrawIntroduction(c echo.Context) error {
	var req struct{}
	if err := bindOptional(c, &req); err != nil {
		return err
	}
	return s.act(c, models.IntroAction{Action: models.ActWithdraw})
}

// brokerDashboard shows an intermediary's figures, folded from the event log.
func (s *Server) brokerDashboard(c echo.Context) error {
	id := c.QueryParam("actor")
	if id == "" {
		return models.Invalid("actor", "is required: the id of your intermediary actor")
	}
	ctx := c.Request().Context()
	a, err := s.store.Actor(ctx, id)
	if err != nil {
		return err
	}
	if !canEditActor(userFrom(c), a) {
		return errForbidden("Only the owner of this intermediary sees its dashboard.")
	}
	if a.Kind != "intermediary" {
		return models.Invalid("actor", "must be an intermediary actor")
	}
	st, err := s.store.BrokerDashboard(ctx, a.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"actor_id": a.ID, "name": a.Name, "figures": st})
}
