package models

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Introduction statuses. pending is the only open one; the others are final.
const (
	IntroPending   = "pending"
	IntroConnected = "connected"
	IntroDeclined  = "declined"
	IntroWithdrawn = "withdrawn"
	IntroExpired   = "expired"
)

// Party roles: a direct introduction has a requester and a recipient, a brokered one two parties
// (the broker is introductions.broker_actor_id, not a party).
const (
	RoleRequester = "requester"
	RoleRecipient = "recipient"
	RoleParty     = "party"
)

// Event types of the append-only introduction log.
const (
	EventRequested = "requested" // direct introduction created
	EventProposed  = "proposed"  // brokered introduction created
	EventAccepted  = "accepted"
	EventConnected = "connected"
	EventDeclined  = "declined"
	EventWithdrawn = "withdrawn"
	EventExpired   = "expired"
	EventOutcome   = "outcome"
)

// DeclineReasons is the short list a recipient picks from; the system uses unavailable and paused.
var DeclineReasons = []string{"not_relevant", "no_capacity", "timing", "other"}

// OutcomeAnswers are the answers to "what came of it?", from least to most.
var OutcomeAnswers = []string{"no_contact", "talking", "collaborating", "agreement"}

// Limits of introductions (anti-spam and fairness). IntroLimits holds the defaults.
type IntroLimits struct {
	MaxPending      int           // pending outgoing requests per actor
	MaxPerDay       int           // requests per actor per rolling 24 hours
	DeclineCooldown time.Duration // a declined pair cannot be asked again for this long
	CapacityWindow  time.Duration // connected introductions count against capacity for this long
	Expiry          time.Duration // a pending introduction expires after this long
}

// DefaultIntroLimits are the platform's anti-spam and fairness limits.
var DefaultIntroLimits = IntroLimits{MaxPending: 10, MaxPerDay: 20, DeclineCooldown: 90 * 24 * time.Hour,
	CapacityWindow: 90 * 24 * time.Hour, Expiry: 14 * 24 * time.Hour}

// Message and note lengths.
const (
	MinIntroMessage = 20
	MaxIntroMessage = 2000
	MaxDeclineNote  = 500
)

// Outcome stages: when after connecting each question is asked.
var outcomeStages = []struct {
	Stage string
	After time.Duration
}{{"30d", 30 * 24 * time.Hour}, {"6m", 182 * 24 * time.Hour}}

// Introduction is the cached state of one introduction; its history is in IntroEvent rows.
type Introduction struct {
	ID                     string `gorm:"primaryKey"`
	Kind                   string
	BrokerActorID          *string
	CreatedBy              *string
	Message                string
	Status                 string
	ShareContactWithBroker bool
	PairKey                string
	ExpiresAt              time.Time
	ConnectedAt            *time.Time
	Version                int
	CreatedAt              time.Time
	UpdatedAt              time.Time

	Parties []IntroParty `gorm:"-"`
	Events  []IntroEvent `gorm:"-"`
}

// IntroParty is one side of an introduction. ActorID is nil once the party erased its account.
type IntroParty struct {
	ID                     string `gorm:"primaryKey"`
	IntroductionID         string
	ActorID                *string
	Role                   string
	Response               string
	Note                   string
	ShareContactWithBroker bool
	RespondedAt            *time.Time
}

func (IntroParty) TableName() string { return "introduction_parties" }

// IntroEvent is one row of the append-only log; the status is a fold of it (DeriveStatus).
type IntroEvent struct {
	Seq            int64 `gorm:"primaryKey;column:seq"`
	IntroductionID string
	ActorID        *string
	Type           string
	Reason         string
	Detail         string
	CreatedAt      time.Time
}

func (IntroEvent) TableName() string { return "introduction_events" }

// IntroOutcome is one "what came of it?" question to one party.
type IntroOutcome struct {
	ID             string `gorm:"primaryKey"`
	IntroductionID string
	ActorID        *string
	DueAt          time.Time
	Stage          string
	Answer         *string
	AnsweredAt     *time.Time
	NotifiedAt     *time.Time
}

func (IntroOutcome) TableName() string { return "introduction_outcomes" }

// Party returns the party row of actorID, or nil.
func (in *Introduction) Party(actorID string) *IntroParty {
	for i := range in.Parties {
		if p := &in.Parties[i]; p.ActorID != nil && *p.ActorID == actorID {
			return p
		}
	}
	return nil
}

// Requester is the party that asked (direct introductions), or nil.
func (in *Introduction) Requester() *IntroParty {
	for i := range in.Parties {
		if in.Parties[i].Role == RoleRequester {
			return &in.Parties[i]
		}
	}
	return nil
}

func pairKey(a, b string) string {
	if a > b {
		a, b = b, a
	}
	return a + "|" + b
}

func ptr[T any](v T) *T { return &v }

// ---- The state machine: every transition of every introduction goes through next. ----

// Intro actions.
const (
	ActAccept   = "accept"
	ActDecline  = "decline"
	ActWithdraw = "withdraw"
	ActExpire   = "expire"
	ActLeave    = "leave" // a side or the broker leaves the platform (actor deleted, account erased)
)

// allowed is the transition table: from which status, which action, by whom. Only pending is open.
var allowed = map[string]map[string]func(in *Introduction, by string) bool{
	IntroPending: {
		// A party whose answer is still pending, and who did not ask (the requester has said yes by asking).
		ActAccept: func(in *Introduction, by string) bool {
			p := in.Party(by)
			return p != nil && p.Role != RoleRequester && p.Response == "pending"
		},
		ActDecline: func(in *Introduction, by string) bool {
			p := in.Party(by)
			return p != nil && p.Role != RoleRequester && p.Response == "pending"
		},
		// The requester of a direct introduction, the broker of a brokered one.
		ActWithdraw: func(in *Introduction, by string) bool {
			if in.Kind == "brokered" {
				return in.BrokerActorID != nil && *in.BrokerActorID == by
			}
			p := in.Party(by)
			return p != nil && p.Role == RoleRequester
		},
		ActExpire: func(in *Introduction, by string) bool { return by == "" },
		ActLeave: func(in *Introduction, by string) bool {
			return in.Party(by) != nil || (in.BrokerActorID != nil && *in.BrokerActorID == by)
		},
	},
}

// next checks an action against the table and returns the status it leads to, or a ConflictError
// carrying the current status. It does not write.
func next(in *Introduction, action, by string) (string, error) {
	check, ok := allowed[in.Status][action]
	if !ok || !check(in, by) {
		return "", illegal(in, action)
	}
	switch action {
	case ActAccept:
		for _, p := range in.Parties {
			if p.Role != RoleRequester && p.Response != "accepted" && (p.ActorID == nil || *p.ActorID != by) {
				return IntroPending, nil
			}
		}
		return IntroConnected, nil
	case ActDecline:
		return IntroDeclined, nil
	case ActWithdraw:
		return IntroWithdrawn, nil
	case ActExpire:
		return IntroExpired, nil
	case ActLeave: // the asking side leaving withdraws; an answering side leaving declines
		if p := in.Party(by); p != nil && p.Role != RoleRequester {
			return IntroDeclined, nil
		}
		return IntroWithdrawn, nil
	}
	return "", illegal(in, action)
}

func illegal(in *Introduction, action string) error {
	var msg string
	switch {
	case in.Status != IntroPending:
		msg = fmt.Sprintf("This introduction is %s: it can no longer be %s.", in.Status, actionPast(action))
	default:
		msg = fmt.Sprintf("You cannot %s this introduction (it is %s and it is not yours to %s).", action, in.Status, action)
	}
	return &ConflictError{Message: msg, State: in.Status, Current: in.Version}
}

func actionPast(action string) string {
	switch action {
	case ActAccept:
		return "accepted"
	case ActDecline:
		return "declined"
	case ActWithdraw:
		return "withdrawn"
	}
	return "expired"
}

// DeriveStatus folds an event log into a status: the cached introductions.status must always equal it.
func DeriveStatus(events []IntroEvent) string {
	status := ""
	for _, e := range events {
		switch e.Type {
		case EventRequested, EventProposed:
			status = IntroPending
		case EventConnected:
			status = IntroConnected
		case EventDeclined:
			status = IntroDeclined
		case EventWithdrawn:
			status = IntroWithdrawn
		case EventExpired:
			status = IntroExpired
		}
	}
	return status
}

// ---- Creating introductions ----

// NewIntroduction is a request to introduce: direct (From → To) or brokered (Broker proposes A ↔ B).
type NewIntroduction struct {
	UserID       string
	FromActorID  string // direct
	ToActorID    string // direct
	BrokerID     string // brokered
	ActorIDs     []string
	Message      string
	Notes        map[string]string // brokered: a note to each party, by actor id
	Now          time.Time
	Limits       IntroLimits
	IsAdmin      bool
	Intermediary bool
	// FromCohort: published from an organiser's cohort draft, between members who joined the cohort.
	// The sender's pending and per-day limits (there against unsolicited requests) do not apply and
	// such introductions do not count towards them; the pair rules and capacity still do.
	FromCohort bool
}

// LimitError is a refusal by an anti-spam or fairness rule. Code is stable; Message tells what to do.
type LimitError struct {
	Code       string // rate_limited, too_many_pending, recently_declined, at_capacity, not_available, already_open
	Message    string
	RetryAfter time.Duration // rate_limited
	Until      *time.Time    // recently_declined
}

func (e *LimitError) Error() string { return e.Message }

// CreateIntroduction checks the rules and stores a new pending introduction with its first event,
// the change-feed exclusion of the pair and the notifications and e-mails, in one transaction.
func (s *Store) CreateIntroduction(ctx context.Context, r NewIntroduction) (*Introduction, error) {
	if r.Limits == (IntroLimits{}) {
		r.Limits = DefaultIntroLimits
	}
	if r.Limits.Expiry == 0 {
		r.Limits.Expiry = DefaultIntroLimits.Expiry
	}
	now := r.Now.UTC()
	msg := strings.TrimSpace(r.Message)
	ve := &ValidationError{}
	if n := len([]rune(msg)); n < MinIntroMessage || n > MaxIntroMessage {
		ve.Addf("message", "must be %d to %d characters", MinIntroMessage, MaxIntroMessage)
	}
	brokered := r.BrokerID != "" || len(r.ActorIDs) > 0
	var a, b, sender string
	if brokered {
		if r.BrokerID == "" {
			ve.Add("broker_actor_id", "is required with actor_ids")
		}
		if len(r.ActorIDs) != 2 {
			ve.Add("actor_ids", "must name exactly two actors")
		} else {
			a, b = r.ActorIDs[0], r.ActorIDs[1]
		}
		if r.FromActorID != "" || r.ToActorID != "" {
			ve.Add("from_actor_id", "is for direct introductions: send either from/to or broker/actor_ids")
		}
		for id, note := range r.Notes {
			if id != a && id != b {
				ve.Addf("notes."+id, "is not one of actor_ids")
			} else if len([]rune(note)) > MaxIntroMessage {
				ve.Addf("notes."+id, "must be at most %d characters", MaxIntroMessage)
			}
		}
		sender = r.BrokerID
	} else {
		a, b = r.FromActorID, r.ToActorID
		if a == "" {
			ve.Add("from_actor_id", "is required")
		}
		if b == "" {
			ve.Add("to_actor_id", "is required")
		}
		sender = a
	}
	if a != "" && a == b {
		ve.Add("to_actor_id", "must be another actor than the one introduced")
	}
	if err := ve.Err(); err != nil {
		return nil, err
	}
	in := &Introduction{ID: newID(), Kind: "direct", CreatedBy: &r.UserID, Message: msg, Status: IntroPending,
		PairKey: pairKey(a, b), ExpiresAt: now.Add(r.Limits.Expiry), Version: 1, CreatedAt: now, UpdatedAt: now}
	var savedFor string // set when the recipient is at capacity: the pair is saved for the sender
	err := s.InTx(ctx, func(ctx context.Context) error {
		from, err := s.Actor(ctx, sender)
		if err != nil {
			if brokered {
				return Invalid("broker_actor_id", "is not an actor")
			}
			return Invalid("from_actor_id", "is not an actor")
		}
		if !from.OwnedBy(r.UserID) && !r.IsAdmin {
			return ErrForbidden
		}
		if brokered && from.Kind != "intermediary" {
			return Invalid("broker_actor_id", "must be an intermediary actor: only intermediaries broker introductions")
		}
		ids := []string{a, b}
		targets := map[string]*Actor{}
		for i, id := range ids {
			t, err := s.Actor(ctx, id)
			if errors.Is(err, ErrNotFound) {
				field := "to_actor_id"
				if brokered {
					field = fmt.Sprintf("actor_ids[%d]", i)
				} else if i == 0 {
					field = "from_actor_id"
				}
				return Invalid(field, "is not an actor")
			}
			if err != nil {
				return err
			}
			targets[id] = t
		}
		if brokered && (from.ID == a || from.ID == b) {
			return Invalid("actor_ids", "a broker introduces two other actors, not itself")
		}
		// Counting and inserting must not interleave with another request of the same sender or to the
		// same recipient (limits, capacity): on PostgreSQL the actor rows are locked in id order; SQLite
		// transactions are serial already.
		if err := s.lockActors(ctx, from.ID, a, b); err != nil {
			return err
		}
		if err := s.checkLimits(ctx, from.ID, in.PairKey, r.Limits, now, r.FromCohort); err != nil {
			return err
		}
		// Every side that must answer has to be able to: claimed, available, not paused, with capacity.
		answerers := []string{b}
		if brokered {
			answerers = []string{a, b}
		}
		for _, id := range answerers {
			t := targets[id]
			if t.OwnerID != nil && *t.OwnerID == r.UserID && !brokered {
				return Invalid("to_actor_id", "is one of your own actors: introductions are between members")
			}
			if t.OwnerID == nil {
				return &LimitError{Code: "not_available", Message: fmt.Sprintf("%s has not been claimed by anyone yet, so nobody could answer: try again once it is claimed.", t.Name)}
			}
			owner, err := s.UserByID(ctx, *t.OwnerID)
			if err != nil {
				return err
			}
			if !t.Available || owner.MatchingPaused {
				return &LimitError{Code: "not_available", Message: fmt.Sprintf("%s is not taking introduction requests at the moment.", t.Name)}
			}
			busy, err := s.load(ctx, id, r.Limits.CapacityWindow, now)
			if err != nil {
				return err
			}
			if busy >= t.Capacity {
				if brokered {
					return &LimitError{Code: "at_capacity", Message: fmt.Sprintf("%s is at capacity (%d open or recent introductions): propose this introduction later.", t.Name, t.Capacity)}
				}
				savedFor = from.ID
				return &LimitError{Code: "at_capacity", Message: fmt.Sprintf("%s is at capacity (%d open or recent introductions): we saved them to your list so that you can ask later.", t.Name, t.Capacity)}
			}
		}
		if brokered {
			in.Kind, in.BrokerActorID = "brokered", &from.ID
		}
		if err := s.conn(ctx).Omit("Parties", "Events").Create(in).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return openPair()
			}
			return err
		}
		for i, id := range ids {
			p := IntroParty{ID: newID(), IntroductionID: in.ID, ActorID: ptr(id), Role: RoleParty, Response: "pending"}
			if brokered {
				p.Note = strings.TrimSpace(r.Notes[id])
			} else if i == 0 {
				p.Role, p.Response, p.RespondedAt = RoleRequester, "accepted", &now
			} else {
				p.Role = RoleRecipient
			}
			in.Parties = append(in.Parties, p)
		}
		if err := s.conn(ctx).Create(&in.Parties).Error; err != nil {
			return err
		}
		typ := EventRequested
		if brokered {
			typ = EventProposed
		}
		if err := s.appendEvent(ctx, in, IntroEvent{ActorID: &from.ID, Type: typ}, now); err != nil {
			return err
		}
		if err := s.recordChange(ctx, a, ChangeExclude, b); err != nil {
			return err
		}
		return s.notifyIntro(ctx, in, typ, from.ID, "", now)
	})
	if err != nil {
		if savedFor != "" {
			// The refusal stores nothing of the introduction; the pair is kept for the sender to come back to.
			if serr := s.SaveForLater(context.WithoutCancel(ctx), savedFor, b, now); serr != nil {
				s.log.Warn("save pair for later", "error", serr)
			}
		}
		return nil, err
	}
	s.committed()
	return in, nil
}

func openPair() error {
	return &LimitError{Code: "already_open", Message: "These two already have an open or connected introduction: see your introductions."}
}

// checkLimits applies the per-actor limits and the decline cool-down of a pair; fromCohort skips
// the sender's limits (see NewIntroduction.FromCohort).
func (s *Store) checkLimits(ctx context.Context, sender, pair string, l IntroLimits, now time.Time, fromCohort bool) error {
	db := s.conn(ctx)
	var open int64
	if err := db.Model(&Introduction{}).Where("pair_key = ? AND status IN ?", pair, []string{IntroPending, IntroConnected}).Count(&open).Error; err != nil {
		return err
	}
	if open > 0 {
		return openPair()
	}
	var last []Introduction
	if err := db.Where("pair_key = ? AND status = ?", pair, IntroDeclined).Order("updated_at DESC").Limit(1).Find(&last).Error; err != nil {
		return err
	}
	if len(last) == 1 && now.Before(last[0].UpdatedAt.Add(l.DeclineCooldown)) {
		at := last[0].UpdatedAt.UTC()
		until := at.Add(l.DeclineCooldown)
		return &LimitError{Code: "recently_declined", Until: &until,
			Message: fmt.Sprintf("An introduction between these two was declined on %s; it can be requested again from %s.", at.Format("2006-01-02"), until.Format("2006-01-02"))}
	}
	if fromCohort {
		return nil
	}
	sent := func() *gorm.DB {
		return s.conn(ctx).Model(&Introduction{}).Where("(broker_actor_id = ? OR (broker_actor_id IS NULL AND EXISTS (SELECT 1 FROM introduction_parties p WHERE p.introduction_id = introductions.id AND p.actor_id = ? AND p.role = ?)))", sender, sender, RoleRequester).
			Where("NOT EXISTS (SELECT 1 FROM cohort_pairs cp WHERE cp.introduction_id = introductions.id)")
	}
	var pending int64
	if err := sent().Where("status = ?", IntroPending).Count(&pending).Error; err != nil {
		return err
	}
	if int(pending) >= l.MaxPending {
		return &LimitError{Code: "too_many_pending", Message: fmt.Sprintf("This actor already has %d requests waiting for an answer (the limit is %d): wait for answers or withdraw one.", pending, l.MaxPending)}
	}
	var recent []time.Time
	if err := sent().Where("created_at > ?", now.Add(-24*time.Hour)).Order("created_at").Pluck("created_at", &recent).Error; err != nil {
		return err
	}
	if len(recent) >= l.MaxPerDay {
		wait := recent[0].Add(24 * time.Hour).Sub(now)
		if wait < time.Second {
			wait = time.Second
		}
		return &LimitError{Code: "rate_limited", RetryAfter: wait,
			Message: fmt.Sprintf("This actor sent %d requests in the last 24 hours (the limit is %d): try again after %s.", len(recent), l.MaxPerDay, now.Add(wait).UTC().Format(time.RFC3339))}
	}
	return nil
}

// load counts what occupies an actor's capacity: its pending introductions and those connected in the window.
func (s *Store) load(ctx context.Context, actorID string, window time.Duration, now time.Time) (int, error) {
	var n int64
	err := s.conn(ctx).Model(&Introduction{}).
		Where("EXISTS (SELECT 1 FROM introduction_parties p WHERE p.introduction_id = introductions.id AND p.actor_id = ?)", actorID).
		Where("status = ? OR (status = ? AND connected_at > ?)", IntroPending, IntroConnected, now.Add(-window)).
		Count(&n).Error
	return int(n), err
}

// SaveForLater stores a 'saved' verdict of actorID on targetID (idempotent).
func (s *Store) SaveForLater(ctx context.Context, actorID, targetID string, now time.Time) error {
	var n int64
	if err := s.conn(ctx).Model(&Feedback{}).Where("actor_id = ? AND target_id = ? AND verdict = ?", actorID, targetID, "saved").Count(&n).Error; err != nil || n > 0 {
		return err
	}
	return s.conn(ctx).Create(&Feedback{ID: newID(), ActorID: actorID, TargetID: targetID, Verdict: "saved", CreatedAt: now.UTC()}).Error
}

func (s *Store) appendEvent(ctx context.Context, in *Introduction, e IntroEvent, now time.Time) error {
	e.IntroductionID, e.CreatedAt = in.ID, now.UTC()
	if err := s.conn(ctx).Create(&e).Error; err != nil {
		return err
	}
	in.Events = append(in.Events, e)
	return nil
}

// ---- Answering ----

// IntroAction is one step asked of an introduction by the owner of ByActor ("" for the system).
type IntroAction struct {
	Action      string
	ByActor     string
	Reason      string // decline: one of DeclineReasons (or unavailable/paused from the system)
	Note        string // decline: free text
	ShareBroker bool   // accept: let the broker see my contact details once connected
	Now         time.Time
}

// Transition applies one action: it checks it against the table, writes the event, the cached status
// (guarded by version: of two concurrent writers exactly one wins), the party's answer, the change feed,
// outcome questions and the notifications, all in one transaction.
func (s *Store) Transition(ctx context.Context, id string, act IntroAction) (*Introduction, error) {
	var out *Introduction
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		err = s.InTx(ctx, func(ctx context.Context) error {
			var e error
			out, e = s.transition(ctx, id, act)
			return e
		})
		if !errors.Is(err, errStale) {
			break
		}
	}
	if errors.Is(err, errStale) {
		return nil, &ConflictError{Message: "This introduction is changing right now: reload it and try again."}
	}
	if err != nil {
		return nil, err
	}
	s.committed()
	return out, nil
}

var errStale = errors.New("introduction changed concurrently")

func (s *Store) transition(ctx context.Context, id string, act IntroAction) (*Introduction, error) {
	now := act.Now.UTC()
	in, err := s.Introduction(ctx, id)
	if err != nil {
		return nil, err
	}
	status, err := next(in, act.Action, act.ByActor)
	if err != nil {
		return nil, err
	}
	if act.Action == ActDecline && act.Reason == "" {
		act.Reason = "other"
	}
	updates := map[string]any{"status": status, "version": in.Version + 1, "updated_at": now}
	if status == IntroConnected {
		updates["connected_at"] = now
	}
	// Stale read: another writer moved the introduction on; the caller retries with a fresh read.
	res := s.conn(ctx).Model(&Introduction{}).Where("id = ? AND version = ?", in.ID, in.Version).Updates(updates)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, errStale
	}
	in.Status, in.Version, in.UpdatedAt = status, in.Version+1, now
	var by *string
	if act.ByActor != "" {
		by = &act.ByActor
	}
	switch act.Action {
	case ActAccept, ActDecline:
		resp := map[string]string{ActAccept: "accepted", ActDecline: "declined"}[act.Action]
		p := in.Party(act.ByActor)
		cols := map[string]any{"response": resp, "responded_at": now}
		if act.Action == ActAccept {
			cols["share_contact_with_broker"] = act.ShareBroker
			p.ShareContactWithBroker = act.ShareBroker
		}
		if err := s.conn(ctx).Model(&IntroParty{}).Where("id = ? AND response = ?", p.ID, "pending").Updates(cols).Error; err != nil {
			return nil, err
		}
		p.Response, p.RespondedAt = resp, &now
		evt := IntroEvent{ActorID: by, Type: EventAccepted}
		if act.Action == ActDecline {
			evt = IntroEvent{ActorID: by, Type: EventDeclined, Reason: act.Reason, Detail: strings.TrimSpace(act.Note)}
		}
		if err := s.appendEvent(ctx, in, evt, now); err != nil {
			return nil, err
		}
	case ActWithdraw:
		if err := s.appendEvent(ctx, in, IntroEvent{ActorID: by, Type: EventWithdrawn}, now); err != nil {
			return nil, err
		}
	case ActExpire:
		if err := s.appendEvent(ctx, in, IntroEvent{Type: EventExpired}, now); err != nil {
			return nil, err
		}
	case ActLeave:
		typ := map[string]string{IntroDeclined: EventDeclined, IntroWithdrawn: EventWithdrawn}[status]
		act.Reason = ReasonLeft
		if err := s.appendEvent(ctx, in, IntroEvent{ActorID: by, Type: typ, Reason: ReasonLeft}, now); err != nil {
			return nil, err
		}
	}
	event := map[string]string{IntroDeclined: EventDeclined, IntroWithdrawn: EventWithdrawn, IntroExpired: EventExpired,
		IntroConnected: EventConnected, IntroPending: EventAccepted}[status]
	if status == IntroConnected {
		if err := s.appendEvent(ctx, in, IntroEvent{Type: EventConnected}, now); err != nil {
			return nil, err
		}
		share := in.Kind == "brokered"
		for _, p := range in.Parties {
			share = share && p.ShareContactWithBroker
		}
		if share {
			if err := s.conn(ctx).Model(&Introduction{}).Where("id = ?", in.ID).Update("share_contact_with_broker", true).Error; err != nil {
				return nil, err
			}
			in.ShareContactWithBroker = true
		}
		for _, p := range in.Parties {
			if p.ActorID == nil {
				continue
			}
			for _, st := range outcomeStages {
				if err := s.conn(ctx).Create(&IntroOutcome{ID: newID(), IntroductionID: in.ID, ActorID: p.ActorID, DueAt: now.Add(st.After), Stage: st.Stage}).Error; err != nil {
					return nil, err
				}
			}
		}
		in.ConnectedAt = &now
	}
	if status == IntroDeclined || status == IntroWithdrawn || status == IntroExpired {
		ids := in.partyActorIDs()
		if len(ids) == 2 {
			if err := s.recordChange(ctx, ids[0], ChangeInclude, ids[1]); err != nil {
				return nil, err
			}
		}
	}
	if err := s.notifyIntro(ctx, in, event, act.ByActor, act.Reason, now); err != nil {
		return nil, err
	}
	return in, nil
}

func (in *Introduction) partyActorIDs() []string {
	var out []string
	for _, p := range in.Parties {
		if p.ActorID != nil {
			out = append(out, *p.ActorID)
		}
	}
	return out
}

// ---- Reading ----

// Introduction loads one introduction with its parties and events.
func (s *Store) Introduction(ctx context.Context, id string) (*Introduction, error) {
	var in Introduction
	if err := s.conn(ctx).Where("id = ?", id).First(&in).Error; err != nil {
		return nil, notFound(err)
	}
	list := []*Introduction{&in}
	if err := s.loadIntroChildren(ctx, list, true); err != nil {
		return nil, err
	}
	return &in, nil
}

func (s *Store) loadIntroChildren(ctx context.Context, list []*Introduction, events bool) error {
	if len(list) == 0 {
		return nil
	}
	ids := make([]string, len(list))
	byID := map[string]*Introduction{}
	for i, in := range list {
		ids[i], byID[in.ID] = in.ID, in
		in.Parties, in.Events = []IntroParty{}, []IntroEvent{}
	}
	var parties []IntroParty
	if err := s.conn(ctx).Where("introduction_id IN ?", ids).Order("introduction_id, id").Find(&parties).Error; err != nil {
		return err
	}
	for _, p := range parties {
		byID[p.IntroductionID].Parties = append(byID[p.IntroductionID].Parties, p)
	}
	// Requester first, then recipient; brokered parties in the order the broker named them.
	for _, in := range list {
		sort.SliceStable(in.Parties, func(i, j int) bool { return roleRank(in.Parties[i].Role) < roleRank(in.Parties[j].Role) })
	}
	q := s.conn(ctx).Where("introduction_id IN ?", ids)
	if !events {
		q = q.Where("type IN ?", []string{EventDeclined})
	}
	var evs []IntroEvent
	if err := q.Order("seq").Find(&evs).Error; err != nil {
		return err
	}
	for _, e := range evs {
		byID[e.IntroductionID].Events = append(byID[e.IntroductionID].Events, e)
	}
	return nil
}

func roleRank(r string) int {
	switch r {
	case RoleRequester:
		return 0
	case RoleRecipient:
		return 1
	}
	return 2
}

// IntroFilter selects a page of the caller's introductions.
type IntroFilter struct {
	UserID string
	Box    string // received | sent | brokered | "" (all)
	Status string
	Limit  int
	Cursor string
}

// ListIntroductions returns a page of the user's introductions, newest first, and the next cursor.
func (s *Store) ListIntroductions(ctx context.Context, f IntroFilter) ([]*Introduction, string, error) {
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 20
	}
	mine := "SELECT id FROM actors WHERE owner_id = ?"
	received := "EXISTS (SELECT 1 FROM introduction_parties p WHERE p.introduction_id = introductions.id AND p.role IN ('recipient', 'party') AND p.actor_id IN (" + mine + "))"
	sent := "EXISTS (SELECT 1 FROM introduction_parties p WHERE p.introduction_id = introductions.id AND p.role = 'requester' AND p.actor_id IN (" + mine + "))"
	brokered := "broker_actor_id IN (" + mine + ")"
	q := s.conn(ctx).Model(&Introduction{})
	switch f.Box {
	case "received":
		q = q.Where(received, f.UserID)
	case "sent":
		q = q.Where(sent, f.UserID)
	case "brokered":
		q = q.Where(brokered, f.UserID)
	default:
		q = q.Where("("+received+" OR "+sent+" OR "+brokered+")", f.UserID, f.UserID, f.UserID)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.Cursor != "" {
		q = q.Where("id < ?", f.Cursor)
	}
	var page []*Introduction
	if err := q.Order("id DESC").Limit(f.Limit + 1).Find(&page).Error; err != nil {
		return nil, "", err
	}
	nextCursor := ""
	if len(page) > f.Limit {
		page = page[:f.Limit]
		nextCursor = page[len(page)-1].ID
	}
	return page, nextCursor, s.loadIntroChildren(ctx, page, false)
}

// ActorsByIDs loads actors (without child rows) by id, hidden ones included: introductions name them.
func (s *Store) ActorsByIDs(ctx context.Context, ids []string) (map[string]*Actor, error) {
	out := map[string]*Actor{}
	if len(ids) == 0 {
		return out, nil
	}
	var list []*Actor
	if err := s.conn(ctx).Where("id IN ?", ids).Find(&list).Error; err != nil {
		return nil, err
	}
	for _, a := range list {
		out[a.ID] = a
	}
	return out, nil
}

// ---- Broker dashboard ----

// BrokerStats are a broker's figures, folded from the event log of the introductions it proposed.
type BrokerStats struct {
	Proposed   int            `json:"proposed"`
	Pending    int            `json:"pending"`
	Connected  int            `json:"connected"`
	Declined   int            `json:"declined"`
	Withdrawn  int            `json:"withdrawn"`
	Expired    int            `json:"expired"`
	Successful int            `json:"successful"` // connected, and a party answered collaborating or agreement
	Outcomes   map[string]int `json:"outcomes"`   // latest answer of each party, by answer
}

// BrokerDashboard folds the events of every introduction brokered by actorID.
func (s *Store) BrokerDashboard(ctx context.Context, actorID string) (*BrokerStats, error) {
	var evs []IntroEvent
	err := s.conn(ctx).Where("introduction_id IN (SELECT id FROM introductions WHERE broker_actor_id = ?)", actorID).
		Order("seq").Find(&evs).Error
	if err != nil {
		return nil, err
	}
	byIntro := map[string][]IntroEvent{}
	var order []string
	for _, e := range evs {
		if _, ok := byIntro[e.IntroductionID]; !ok {
			order = append(order, e.IntroductionID)
		}
		byIntro[e.IntroductionID] = append(byIntro[e.IntroductionID], e)
	}
	st := &BrokerStats{Outcomes: map[string]int{}}
	for _, a := range OutcomeAnswers {
		st.Outcomes[a] = 0
	}
	for _, id := range order {
		list := byIntro[id]
		switch DeriveStatus(list) {
		case IntroPending:
			st.Pending++
		case IntroConnected:
			st.Connected++
		case IntroDeclined:
			st.Declined++
		case IntroWithdrawn:
			st.Withdrawn++
		case IntroExpired:
			st.Expired++
		}
		latest := map[string]string{} // party → latest answer
		for _, e := range list {
			if e.Type == EventProposed {
				st.Proposed++
			}
			if e.Type == EventOutcome && e.ActorID != nil {
				latest[*e.ActorID] = e.Detail
			}
		}
		success := false
		for _, ans := range latest {
			st.Outcomes[ans]++
			success = success || ans == "collaborating" || ans == "agreement"
		}
		if success {
			st.Successful++
		}
	}
	return st, nil
}

// ---- Sweeps ----

// AutoDeclineReceived declines every pending introduction that actorIDs still have to answer, with a
// reason the sender can read (unavailable, paused). It joins the caller's transaction.
func (s *Store) AutoDeclineReceived(ctx context.Context, actorIDs []string, reason string, now time.Time) (int, error) {
	if len(actorIDs) == 0 {
		return 0, nil
	}
	type row struct{ IntroductionID, ActorID string }
	var rows []row
	err := s.conn(ctx).Table("introduction_parties p").Select("p.introduction_id, p.actor_id").
		Joins("JOIN introductions i ON i.id = p.introduction_id").
		Where("p.actor_id IN ? AND p.role <> ? AND p.response = ? AND i.status = ?", actorIDs, RoleRequester, "pending", IntroPending).
		Order("p.introduction_id").Scan(&rows).Error
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range rows {
		err := s.InTx(ctx, func(ctx context.Context) error {
			_, err := s.transition(ctx, r.IntroductionID, IntroAction{Action: ActDecline, ByActor: r.ActorID, Reason: reason, Now: now})
			return err
		})
		var ce *ConflictError
		if errors.As(err, &ce) || errors.Is(err, errStale) {
			continue
		}
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// ExpireDue moves pending introductions past their expiry date to expired; it returns how many.
func (s *Store) ExpireDue(ctx context.Context, now time.Time, limit int) (int, error) {
	var ids []string
	if err := s.conn(ctx).Model(&Introduction{}).Where("status = ? AND expires_at <= ?", IntroPending, now.UTC()).
		Order("expires_at").Limit(limit).Pluck("id", &ids).Error; err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		_, err := s.Transition(ctx, id, IntroAction{Action: ActExpire, Now: now})
		var ce *ConflictError
		if errors.As(err, &ce) {
			continue // answered or withdrawn meanwhile, or another replica expired it
		}
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// VerifyIntroduction checks that the cached status equals the fold of the event log (tests, audits).
func (s *Store) VerifyIntroduction(ctx context.Context, id string) error {
	in, err := s.Introduction(ctx, id)
	if err != nil {
		return err
	}
	if d := DeriveStatus(in.Events); d != in.Status {
		return fmt.Errorf("introduction %s: cached status %s, event log says %s", id, in.Status, d)
	}
	return nil
}

// autoDeclineOwner declines the open received requests of every actor of a user who paused matching.
func (s *Store) autoDeclineOwner(ctx context.Context, userID string, now time.Time) error {
	var ids []string
	if err := s.conn(ctx).Model(&Actor{}).Where("owner_id = ?", userID).Pluck("id", &ids).Error; err != nil {
		return err
	}
	_, err := s.AutoDeclineReceived(ctx, ids, "paused", now)
	return err
}

// Responsiveness is how an actor answers the requests it receives: the bounded signal that lets
// matching sink actors who never answer (it says nothing about with whom they collaborate).
type Responsiveness struct {
	Received int // requests it had to answer that are no longer pending
	Answered int // of which it accepted or declined itself
	Expired  int // of which it let expire
}

// ResponsivenessSince counts, per actor, the answers to requests created since the given time.
func (s *Store) ResponsivenessSince(ctx context.Context, since time.Time) (map[string]Responsiveness, error) {
	return s.responsivenessOf(ctx, since, nil)
}

// responsivenessOf is ResponsivenessSince for the given actors only (all when ids is nil).
func (s *Store) responsivenessOf(ctx context.Context, since time.Time, ids []string) (map[string]Responsiveness, error) {
	type row struct {
		ActorID  string
		Response string
		Status   string
		N        int
	}
	var rows []row
	q := s.conn(ctx).Table("introduction_parties p").
		Select("p.actor_id, p.response, i.status, COUNT(*) AS n").
		Joins("JOIN introductions i ON i.id = p.introduction_id").
		Where("p.actor_id IS NOT NULL AND p.role <> ? AND i.status <> ? AND i.created_at >= ?", RoleRequester, IntroPending, since.UTC())
	if ids != nil {
		q = q.Where("p.actor_id IN ?", ids)
	}
	err := q.Group("p.actor_id, p.response, i.status").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := map[string]Responsiveness{}
	for _, r := range rows {
		x := out[r.ActorID]
		if r.Response == "pending" && r.Status == IntroWithdrawn {
			continue // the sender changed its mind: nothing to hold against the recipient
		}
		x.Received += r.N
		switch {
		case r.Response != "pending":
			x.Answered += r.N
		case r.Status == IntroExpired:
			x.Expired += r.N
		}
		out[r.ActorID] = x
	}
	return out, nil
}

// lockActors takes row locks on the given actors, in id order so that two transactions cannot deadlock.
func (s *Store) lockActors(ctx context.Context, ids ...string) error {
	if s.dialect != Postgres {
		return nil
	}
	var got []string
	return s.conn(ctx).Raw("SELECT id FROM actors WHERE id IN ? ORDER BY id FOR UPDATE", ids).Scan(&got).Error
}

// ReasonLeft is the reason of introductions closed because a side or the broker left the platform.
const ReasonLeft = "left"

// closeForDeparture closes the pending introductions of actors that are being deleted, in the
// caller's transaction, so that nobody waits for an answer that cannot come. The notices name
// nobody: the departing member's name is not copied into anyone's inbox.
func (s *Store) closeForDeparture(ctx context.Context, actorIDs []string, now time.Time) error {
	if len(actorIDs) == 0 {
		return nil
	}
	type row struct{ ID, ActorID string }
	var rows []row
	err := s.conn(ctx).Raw(`SELECT i.id, p.actor_id FROM introductions i JOIN introduction_parties p ON p.introduction_id = i.id
		WHERE i.status = ? AND p.actor_id IN ?
		UNION SELECT i.id, i.broker_actor_id FROM introductions i WHERE i.status = ? AND i.broker_actor_id IN ?`,
		IntroPending, actorIDs, IntroPending, actorIDs).Scan(&rows).Error
	if err != nil {
		return err
	}
	done := map[string]bool{}
	for _, r := range rows {
		if done[r.ID] {
			continue
		}
		done[r.ID] = true
		if _, err := s.transition(ctx, r.ID, IntroAction{Action: ActLeave, ByActor: r.ActorID, Now: now}); err != nil {
			var ce *ConflictError
			if errors.As(err, &ce) || errors.Is(err, errStale) {
				continue
			}
			return err
		}
	}
	return nil
}
