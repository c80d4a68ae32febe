package models

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Notification types.
const (
	NoteIntroRequested = "introduction_requested"
	NoteIntroProposed  = "introduction_proposed"
	NoteIntroAccepted  = "introduction_accepted"
	NoteIntroConnected = "introduction_connected"
	NoteIntroDeclined  = "introduction_declined"
	NoteIntroWithdrawn = "introduction_withdrawn"
	NoteIntroExpired   = "introduction_expired"
	NoteOutcomeDue     = "outcome_due"
	NoteIntroClosed    = "introduction_closed"
)

// declineLabels are the readable forms of decline reasons, the system's included.
var declineLabels = map[string]string{
	"not_relevant": "not relevant right now",
	"no_capacity":  "no capacity at the moment",
	"timing":       "the timing is not right",
	"other":        "another reason",
	"unavailable":  "the profile is no longer available for new collaborations",
	"paused":       "its owner paused matching",
	ReasonLeft:     "the member left Crossover",
}

// DeclineLabel is the readable form of a decline reason.
func DeclineLabel(reason string) string {
	if l, ok := declineLabels[reason]; ok {
		return l
	}
	return reason
}

// notice is one notification to one user; it becomes an inbox row and an outbox e-mail.
type notice struct {
	userID, typ, title, body, link string
}

// notifyIntro writes the inbox rows and e-mails that one introduction event causes, inside the
// caller's transaction. Texts name actors and never carry contact details: those are shown only in
// the introduction itself, to those allowed to see them.
func (s *Store) notifyIntro(ctx context.Context, in *Introduction, event, byActor, reason string, now time.Time) error {
	ids := in.partyActorIDs()
	if in.BrokerActorID != nil {
		ids = append(ids, *in.BrokerActorID)
	}
	actors, err := s.ActorsByIDs(ctx, ids)
	if err != nil {
		return err
	}
	name := func(id *string) string {
		if id == nil {
			return "a deleted member"
		}
		if a := actors[*id]; a != nil {
			return a.Name
		}
		return "a deleted member"
	}
	owner := func(id *string) string {
		if id == nil || actors[*id] == nil || actors[*id].OwnerID == nil {
			return ""
		}
		return *actors[*id].OwnerID
	}
	var a, b *string
	if len(in.Parties) > 0 {
		a = in.Parties[0].ActorID
	}
	if len(in.Parties) > 1 {
		b = in.Parties[1].ActorID
	}
	by := (*string)(nil)
	if byActor != "" {
		by = &byActor
	}
	other := func(id *string) *string { // the other party of a brokered introduction
		if id != nil && a != nil && *id == *a {
			return b
		}
		return a
	}
	link := "/introductions/" + in.ID
	broker := in.BrokerActorID
	var out []notice
	add := func(actor *string, typ, title, body string) {
		if u := owner(actor); u != "" {
			out = append(out, notice{u, typ, title, body, link})
		}
	}
	pair := name(a) + " and " + name(b)
	if reason == ReasonLeft {
		event = "" // one neutral notice instead of the usual ones
		for _, p := range []*string{a, b, broker} {
			add(p, NoteIntroClosed, "Introduction closed", "Someone in this introduction left Crossover, so it is closed.")
		}
	}
	switch event {
	case EventRequested:
		add(b, NoteIntroRequested, "New introduction request from "+name(a),
			fmt.Sprintf("%s would like to be introduced to %s. Read the message and accept or decline before %s.", name(a), name(b), in.ExpiresAt.UTC().Format("2 January 2006")))
	case EventProposed:
		for _, p := range []*string{a, b} {
			add(p, NoteIntroProposed, name(broker)+" proposes an introduction",
				fmt.Sprintf("%s would like to introduce %s to %s. Both sides must accept; answer before %s.", name(broker), name(p), name(other(p)), in.ExpiresAt.UTC().Format("2 January 2006")))
		}
	case EventAccepted: // a brokered introduction still waiting for the other side
		add(broker, NoteIntroAccepted, name(by)+" accepted your introduction", fmt.Sprintf("%s accepted the introduction to %s; waiting for %s.", name(by), name(other(by)), name(other(by))))
		add(other(by), NoteIntroAccepted, name(by)+" accepted the introduction", fmt.Sprintf("%s accepted the introduction proposed by %s; your answer is awaited.", name(by), name(broker)))
	case EventConnected:
		for _, p := range []*string{a, b} {
			add(p, NoteIntroConnected, "You are connected with "+name(other(p)),
				fmt.Sprintf("%s and %s both accepted. Open the introduction to see each other's contact details.", name(p), name(other(p))))
		}
		add(broker, NoteIntroConnected, "Introduction connected: "+pair, fmt.Sprintf("%s accepted the introduction you proposed.", pair))
	case EventDeclined:
		body := fmt.Sprintf("%s declined the introduction (reason: %s).", name(by), DeclineLabel(reason))
		if broker != nil {
			add(broker, NoteIntroDeclined, name(by)+" declined your introduction", body)
			add(other(by), NoteIntroDeclined, "Introduction declined", body)
		} else {
			add(a, NoteIntroDeclined, name(by)+" declined your introduction request", body)
		}
	case EventWithdrawn:
		if broker != nil {
			for _, p := range []*string{a, b} {
				add(p, NoteIntroWithdrawn, "Introduction withdrawn", fmt.Sprintf("%s withdrew the introduction of %s.", name(broker), pair))
			}
		} else {
			add(b, NoteIntroWithdrawn, "Introduction request withdrawn", fmt.Sprintf("%s withdrew its request to be introduced to %s.", name(a), name(b)))
		}
	case EventExpired:
		body := fmt.Sprintf("The introduction of %s expired without every answer.", pair)
		for _, p := range []*string{a, b, broker} {
			add(p, NoteIntroExpired, "Introduction expired", body)
		}
	}
	// One notice per user and introduction event, never to the user who acted.
	actorUser := owner(by)
	seen := map[string]bool{}
	for _, n := range out {
		if n.userID == actorUser || seen[n.userID] {
			continue
		}
		seen[n.userID] = true
		if err := s.notify(ctx, n, now); err != nil {
			return err
		}
	}
	return nil
}

// notify writes one inbox row and its e-mail in the outbox, in the caller's transaction.
func (s *Store) notify(ctx context.Context, n notice, now time.Time) error {
	now = now.UTC()
	row := Notification{ID: newID(), UserID: n.userID, Type: n.typ, Title: n.title, Body: n.body, Link: n.link, CreatedAt: now}
	if err := s.conn(ctx).Create(&row).Error; err != nil {
		return err
	}
	u, err := s.UserByID(ctx, n.userID)
	if err != nil {
		return err
	}
	return s.enqueueEmail(ctx, OutboxMessage{
		MessageID: "<" + row.ID + "@crossover>", UserID: &n.userID, ToAddress: u.Email, Subject: n.title,
		Body: n.body + "\n\nOpen Crossover: " + s.links + n.link + "\n", NextAttemptAt: now, CreatedAt: now,
	})
}

// NotificationFilter selects a page of a user's inbox.
type NotificationFilter struct {
	UserID     string
	UnreadOnly bool
	Limit      int
	Cursor     string
}

// Notifications returns a page of the inbox, newest first, the next cursor and the unread count.
func (s *Store) Notifications(ctx context.Context, f NotificationFilter) ([]Notification, string, int64, error) {
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 20
	}
	q := s.conn(ctx).Where("user_id = ?", f.UserID)
	if f.UnreadOnly {
		q = q.Where("read_at IS NULL")
	}
	if f.Cursor != "" {
		q = q.Where("id < ?", f.Cursor)
	}
	page := []Notification{}
	if err := q.Order("id DESC").Limit(f.Limit + 1).Find(&page).Error; err != nil {
		return nil, "", 0, err
	}
	next := ""
	if len(page) > f.Limit {
		page = page[:f.Limit]
		next = page[len(page)-1].ID
	}
	var unread int64
	if err := s.conn(ctx).Model(&Notification{}).Where("user_id = ? AND read_at IS NULL", f.UserID).Count(&unread).Error; err != nil {
		return nil, "", 0, err
	}
	return page, next, unread, nil
}

// MarkRead marks one of the user's notifications read (idempotent); another user's is not found.
func (s *Store) MarkRead(ctx context.Context, userID, id string, now time.Time) error {
	var n Notification
	if err := s.conn(ctx).Where("id = ? AND user_id = ?", id, userID).First(&n).Error; err != nil {
		return notFound(err)
	}
	return s.conn(ctx).Model(&Notification{}).Where("id = ? AND read_at IS NULL", id).Update("read_at", now.UTC()).Error
}

// MarkAllRead marks every unread notification of the user read and says how many.
func (s *Store) MarkAllRead(ctx context.Context, userID string, now time.Time) (int64, error) {
	res := s.conn(ctx).Model(&Notification{}).Where("user_id = ? AND read_at IS NULL", userID).Update("read_at", now.UTC())
	return res.RowsAffected, res.Error
}

// DigestRecipients lists the users who have not opted out of the weekly digest. The digest job
// (SendDigests, models/digest.go) takes those of them whose last digest is a week old or more.
func (s *Store) DigestRecipients(ctx context.Context) ([]User, error) {
	var out []User
	err := s.conn(ctx).Where("digest_opt_out = ?", false).Order("id").Find(&out).Error
	return out, err
}

// notifyOutcomesDue sends each due, not yet asked outcome question to the owner of its actor.
func (s *Store) notifyOutcomesDue(ctx context.Context, now time.Time, limit int) (int, error) {
	var due []IntroOutcome
	if err := s.conn(ctx).Where("due_at <= ? AND notified_at IS NULL AND answered_at IS NULL AND actor_id IS NOT NULL", now.UTC()).
		Order("due_at").Limit(limit).Find(&due).Error; err != nil {
		return 0, err
	}
	n := 0
	for _, o := range due {
		err := s.InTx(ctx, func(ctx context.Context) error {
			res := s.conn(ctx).Model(&IntroOutcome{}).Where("id = ? AND notified_at IS NULL", o.ID).Update("notified_at", now.UTC())
			if res.Error != nil || res.RowsAffected == 0 {
				return res.Error // another worker asked it
			}
			in, err := s.Introduction(ctx, o.IntroductionID)
			if err != nil {
				return err
			}
			actors, err := s.ActorsByIDs(ctx, in.partyActorIDs())
			if err != nil {
				return err
			}
			a := actors[*o.ActorID]
			if a == nil || a.OwnerID == nil {
				return nil
			}
			var others []string
			for id, x := range actors {
				if id != a.ID {
					others = append(others, x.Name)
				}
			}
			when := map[string]string{"30d": "a month", "6m": "six months"}[o.Stage]
			n++
			return s.notify(ctx, notice{*a.OwnerID, NoteOutcomeDue, "What came of your introduction?",
				fmt.Sprintf("%s ago %s was connected with %s. Tell us what came of it: no contact, talking, collaborating or an agreement.", strings.ToUpper(when[:1])+when[1:], a.Name, strings.Join(others, ", ")),
				"/introductions/" + in.ID}, now)
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
