package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Organiser tools: a cohort is an event or programme of an intermediary or admin. Actors
// join it by invitation (or directly when the organiser manages them); the batch matching over its
// joined members is stored as a draft of pairs, which the organiser edits and publishes as brokered
// introductions.

// Cohort member statuses.
const (
	MemberInvited  = "invited"
	MemberJoined   = "joined"
	MemberDeclined = "declined"
)

// Pair sources: proposed by the batch matching, or added by the organiser.
const (
	PairOptimal = "optimal"
	PairManual  = "manual"
)

// Cohort limits.
const (
	MaxCohortName        = 200
	MaxCohortDescription = 5000
	MaxCohortMembers     = 500
)

// Notification types of cohorts.
const (
	NoteCohortInvited  = "cohort_invited"
	NoteCohortJoined   = "cohort_joined"
	NoteCohortDeclined = "cohort_declined"
)

// Cohort is an organiser's event or programme. The draft_* columns describe the last batch matching.
type Cohort struct {
	ID               string     `gorm:"primaryKey" json:"id"`
	OwnerID          string     `json:"owner_id"`
	BrokerActorID    *string    `json:"broker_actor_id"`
	Name             string     `json:"name"`
	Description      string     `json:"description"`
	StartsOn         *string    `json:"starts_on"`
	EndsOn           *string    `json:"ends_on"`
	DraftMinScore    *float64   `json:"-"`
	DraftTotal       *float64   `json:"-"`
	DraftGreedyTotal *float64   `json:"-"`
	DraftGreedyPairs *int       `json:"-"`
	DraftCandidates  *int       `json:"-"`
	DraftedAt        *time.Time `json:"-"`
	Version          int        `json:"version"`
	CreatedAt        time.Time  `json:"created_at"`
	UpdatedAt        time.Time  `json:"updated_at"`
}

// CohortMember is one actor's place in a cohort.
type CohortMember struct {
	CohortID    string     `gorm:"primaryKey" json:"-"`
	ActorID     string     `gorm:"primaryKey" json:"actor_id"`
	Status      string     `json:"status"`
	InvitedAt   time.Time  `json:"invited_at"`
	RespondedAt *time.Time `json:"responded_at"`
}

// CohortPair is one pair of the draft; IntroductionID is set once it is published.
type CohortPair struct {
	ID             string     `gorm:"primaryKey" json:"id"`
	CohortID       string     `json:"-"`
	CCIActorID     string     `gorm:"column:cci_actor_id" json:"cci_actor_id"`
	AIActorID      string     `gorm:"column:ai_actor_id" json:"ai_actor_id"`
	Score          float64    `json:"score"`
	Source         string     `json:"source"`
	IntroductionID *string    `json:"introduction_id"`
	PublishedAt    *time.Time `json:"published_at"`
	CreatedAt      time.Time  `json:"created_at"`
}

// CohortSummary is a cohort with its member counts, for lists.
type CohortSummary struct {
	Cohort
	Members int `json:"members"`
	Joined  int `json:"joined"`
	Pairs   int `json:"pairs"`
}

// CreateCohort stores a new cohort.
func (s *Store) CreateCohort(ctx context.Context, c *Cohort) error {
	c.ID, c.Version = newID(), 1
	return s.conn(ctx).Create(c).Error
}

// Cohort loads one cohort.
func (s *Store) Cohort(ctx context.Context, id string) (*Cohort, error) {
	var c Cohort
	if err := s.conn(ctx).Where("id = ?", id).First(&c).Error; err != nil {
		return nil, notFound(err)
	}
	return &c, nil
}

// CohortsByOwner lists a user's cohorts, newest first, with their counts (three grouped queries).
func (s *Store) CohortsByOwner(ctx context.Context, ownerID string) ([]CohortSummary, error) {
	var list []Cohort
	if err := s.conn(ctx).Where("owner_id = ?", ownerID).Order("created_at DESC, id DESC").Find(&list).Error; err != nil {
		return nil, err
	}
	out := make([]CohortSummary, len(list))
	if len(list) == 0 {
		return out, nil
	}
	ids := make([]string, len(list))
	for i, c := range list {
		ids[i] = c.ID
		out[i].Cohort = c
	}
	type count struct {
		CohortID string
		Status   string
		N        int
	}
	var members []count
	if err := s.conn(ctx).Model(&CohortMember{}).Select("cohort_id, status, COUNT(*) AS n").
		Where("cohort_id IN ?", ids).Group("cohort_id, status").Scan(&members).Error; err != nil {
		return nil, err
	}
	var pairs []count
	if err := s.conn(ctx).Model(&CohortPair{}).Select("cohort_id, COUNT(*) AS n").
		Where("cohort_id IN ?", ids).Group("cohort_id").Scan(&pairs).Error; err != nil {
		return nil, err
	}
	at := map[string]*CohortSummary{}
	for i := range out {
		at[out[i].ID] = &out[i]
	}
	for _, m := range members {
		at[m.CohortID].Members += m.N
		if m.Status == MemberJoined {
			at[m.CohortID].Joined += m.N
		}
	}
	for _, p := range pairs {
		at[p.CohortID].Pairs = p.N
	}
	return out, nil
}

// CohortPatch holds the fields to change; nil leaves a field as it is. Clear* set a date to null.
type CohortPatch struct {
	Name, Description, StartsOn, EndsOn, BrokerActorID *string
	ClearStartsOn, ClearEndsOn, ClearBroker            bool
}

// UpdateCohort applies a patch based on version; a stale version is a ConflictError with the stored one.
func (s *Store) UpdateCohort(ctx context.Context, id string, version int, p CohortPatch, now time.Time) (*Cohort, error) {
	var out *Cohort
	err := s.InTx(ctx, func(ctx context.Context) error {
		c, err := s.Cohort(ctx, id)
		if err != nil {
			return err
		}
		if c.Version != version {
			return &ConflictError{Message: fmt.Sprintf("This cohort was changed since you read it (version %d, yours %d): reload it and apply your change again.", c.Version, version), Current: c.Version}
		}
		if p.Name != nil {
			c.Name = *p.Name
		}
		if p.Description != nil {
			c.Description = *p.Description
		}
		if p.StartsOn != nil || p.ClearStartsOn {
			c.StartsOn = p.StartsOn
		}
		if p.EndsOn != nil || p.ClearEndsOn {
			c.EndsOn = p.EndsOn
		}
		if p.BrokerActorID != nil || p.ClearBroker {
			c.BrokerActorID = p.BrokerActorID
		}
		if c.StartsOn != nil && c.EndsOn != nil && *c.EndsOn < *c.StartsOn {
			return Invalid("ends_on", "must not be before starts_on")
		}
		c.Version, c.UpdatedAt = c.Version+1, now.UTC()
		res := s.conn(ctx).Model(&Cohort{}).Where("id = ? AND version = ?", id, version).
			Select("name", "description", "starts_on", "ends_on", "broker_actor_id", "version", "updated_at").Updates(c)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return &ConflictError{Message: "This cohort is changing right now: reload it and try again."}
		}
		out = c
		return nil
	})
	return out, err
}

// DeleteCohort removes a cohort, its members and its draft. Published introductions stay.
func (s *Store) DeleteCohort(ctx context.Context, id string) error {
	res := s.conn(ctx).Where("id = ?", id).Delete(&Cohort{})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// CohortMembers lists the members of a cohort in the order they were invited.
func (s *Store) CohortMembers(ctx context.Context, cohortID string) ([]CohortMember, error) {
	out := []CohortMember{}
	err := s.conn(ctx).Where("cohort_id = ?", cohortID).Order("invited_at, actor_id").Find(&out).Error
	return out, err
}

// AddCohortMembers invites actors to a cohort (status invited, a notification to each owner) or,
// with joined, adds them as joined (actors the organiser manages). Actors already invited or joined
// are skipped and returned in skipped; a declined actor invited again is invited again. All in one
// transaction; the member limit counts what would be stored.
func (s *Store) AddCohortMembers(ctx context.Context, c *Cohort, actors []*Actor, joined bool, organiser string, now time.Time) (added, skipped []string, err error) {
	now = now.UTC()
	err = s.InTx(ctx, func(ctx context.Context) error {
		ids := make([]string, len(actors))
		for i, a := range actors {
			ids[i] = a.ID
		}
		var existing []CohortMember
		if err := s.conn(ctx).Where("cohort_id = ?", c.ID).Find(&existing).Error; err != nil {
			return err
		}
		have := map[string]string{}
		for _, m := range existing {
			have[m.ActorID] = m.Status
		}
		var fresh int
		for _, a := range actors {
			if _, ok := have[a.ID]; !ok {
				fresh++
			}
		}
		if len(existing)+fresh > MaxCohortMembers {
			return Invalid("actor_ids", fmt.Sprintf("a cohort holds at most %d members (it has %d)", MaxCohortMembers, len(existing)))
		}
		for _, a := range actors {
			st, ok := have[a.ID]
			status := MemberInvited
			if joined {
				status = MemberJoined
			}
			switch {
			case ok && (st == status || st == MemberJoined):
				skipped = append(skipped, a.ID)
				continue
			case ok:
				if err := s.conn(ctx).Model(&CohortMember{}).Where("cohort_id = ? AND actor_id = ?", c.ID, a.ID).
					Updates(map[string]any{"status": status, "invited_at": now, "responded_at": nil}).Error; err != nil {
					return err
				}
			default:
				if err := s.conn(ctx).Create(&CohortMember{CohortID: c.ID, ActorID: a.ID, Status: status, InvitedAt: now}).Error; err != nil {
					return err
				}
			}
			have[a.ID] = status
			added = append(added, a.ID)
			if status == MemberInvited && a.OwnerID != nil && *a.OwnerID != c.OwnerID {
				when := ""
				if c.StartsOn != nil {
					when = " (from " + *c.StartsOn + ")"
				}
				n := notice{*a.OwnerID, NoteCohortInvited, organiser + " invites " + a.Name + " to " + c.Name,
					fmt.Sprintf("%s invites %s to take part in %s%s. Accept or decline the invitation in Crossover: once you join, the organiser may propose introductions to other members.", organiser, a.Name, c.Name, when),
					"/cohorts"}
				if err := s.notify(ctx, n, now); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return added, skipped, err
}

// RespondToCohort records an actor owner's answer to an invitation: accept (invited or declined →
// joined) or decline (invited or joined → declined; leaving also drops the actor's unpublished pairs).
// The organiser is notified.
func (s *Store) RespondToCohort(ctx context.Context, c *Cohort, a *Actor, accept bool, now time.Time) (*CohortMember, error) {
	now = now.UTC()
	var m CohortMember
	err := s.InTx(ctx, func(ctx context.Context) error {
		if err := s.conn(ctx).Where("cohort_id = ? AND actor_id = ?", c.ID, a.ID).First(&m).Error; err != nil {
			return notFound(err)
		}
		to, from := MemberJoined, []string{MemberInvited, MemberDeclined}
		if !accept {
			to, from = MemberDeclined, []string{MemberInvited, MemberJoined}
		}
		if !slices.Contains(from, m.Status) {
			return &ConflictError{Message: fmt.Sprintf("%s is %s in this cohort already.", a.Name, m.Status), State: m.Status}
		}
		res := s.conn(ctx).Model(&CohortMember{}).Where("cohort_id = ? AND actor_id = ? AND status = ?", c.ID, a.ID, m.Status).
			Updates(map[string]any{"status": to, "responded_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return &ConflictError{Message: "This invitation is changing right now: reload and try again."}
		}
		m.Status, m.RespondedAt = to, &now
		if !accept {
			if err := s.dropUnpublishedPairs(ctx, c.ID, a.ID); err != nil {
				return err
			}
		}
		typ, verb := NoteCohortJoined, "joined"
		if !accept {
			typ, verb = NoteCohortDeclined, "declined"
		}
		return s.notify(ctx, notice{c.OwnerID, typ, a.Name + " " + verb + " " + c.Name,
			fmt.Sprintf("%s %s your cohort %s.", a.Name, verb, c.Name), "/cohorts"}, now)
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// RemoveCohortMember takes an actor out of a cohort with its unpublished pairs.
func (s *Store) RemoveCohortMember(ctx context.Context, cohortID, actorID string) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		res := s.conn(ctx).Where("cohort_id = ? AND actor_id = ?", cohortID, actorID).Delete(&CohortMember{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		return s.dropUnpublishedPairs(ctx, cohortID, actorID)
	})
}

func (s *Store) dropUnpublishedPairs(ctx context.Context, cohortID, actorID string) error {
	return s.conn(ctx).Where("cohort_id = ? AND introduction_id IS NULL AND (cci_actor_id = ? OR ai_actor_id = ?)", cohortID, actorID, actorID).
		Delete(&CohortPair{}).Error
}

// CohortInvitation is one cohort an actor of the user is invited to or member of.
type CohortInvitation struct {
	CohortID    string     `json:"cohort_id"`
	CohortName  string     `json:"cohort_name"`
	Description string     `json:"description"`
	StartsOn    *string    `json:"starts_on"`
	EndsOn      *string    `json:"ends_on"`
	Organiser   string     `json:"organiser"`
	ActorID     string     `json:"actor_id"`
	ActorName   string     `json:"actor_name"`
	Status      string     `json:"status"`
	InvitedAt   time.Time  `json:"invited_at"`
	RespondedAt *time.Time `json:"responded_at"`
}

// CohortInvitationsFor lists the cohorts the user's actors are invited to or members of, newest first.
func (s *Store) CohortInvitationsFor(ctx context.Context, userID string) ([]CohortInvitation, error) {
	out := []CohortInvitation{}
	err := s.conn(ctx).Table("cohort_members m").
		Select("c.id AS cohort_id, c.name AS cohort_name, c.description, c.starts_on, c.ends_on, u.display_name AS organiser, a.id AS actor_id, a.name AS actor_name, m.status, m.invited_at, m.responded_at").
		Joins("JOIN cohorts c ON c.id = m.cohort_id").
		Joins("JOIN actors a ON a.id = m.actor_id").
		Joins("JOIN users u ON u.id = c.owner_id").
		Where("a.owner_id = ? AND c.owner_id <> ? AND a.hidden_at IS NULL", userID, userID).
		Order("m.invited_at DESC, c.id, a.id").Scan(&out).Error
	return out, err
}

// IntroLoads counts, per actor, what occupies its capacity (pending introductions and those
// connected within window), with one grouped query. Actors with nothing are absent.
func (s *Store) IntroLoads(ctx context.Context, ids []string, window time.Duration, now time.Time) (map[string]int, error) {
	out := map[string]int{}
	for chunk := range slices.Chunk(ids, 500) {
		var rows []struct {
			ActorID string
			N       int
		}
		err := s.conn(ctx).Table("introduction_parties p").Select("p.actor_id, COUNT(*) AS n").
			Joins("JOIN introductions i ON i.id = p.introduction_id").
			Where("p.actor_id IN ?", chunk).
			Where("i.status = ? OR (i.status = ? AND i.connected_at > ?)", IntroPending, IntroConnected, now.UTC().Add(-window)).
			Group("p.actor_id").Scan(&rows).Error
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.ActorID] = r.N
		}
	}
	return out, nil
}

// DraftMeta describes one batch matching run.
type DraftMeta struct {
	MinScore, Total, GreedyTotal float64
	GreedyPairs, Candidates      int
}

// ReplaceCohortDraft stores a new draft: the unpublished pairs are replaced by pairs, published
// ones stay (a pair published already is never proposed twice).
func (s *Store) ReplaceCohortDraft(ctx context.Context, cohortID string, pairs []CohortPair, m DraftMeta, now time.Time) error {
	now = now.UTC()
	return s.InTx(ctx, func(ctx context.Context) error {
		if err := s.conn(ctx).Where("cohort_id = ? AND introduction_id IS NULL", cohortID).Delete(&CohortPair{}).Error; err != nil {
			return err
		}
		for i := range pairs {
			pairs[i].ID, pairs[i].CohortID, pairs[i].CreatedAt = newID(), cohortID, now
		}
		if len(pairs) > 0 {
			if err := s.conn(ctx).CreateInBatches(pairs, 200).Error; err != nil {
				return err
			}
		}
		return s.conn(ctx).Model(&Cohort{}).Where("id = ?", cohortID).Updates(map[string]any{
			"draft_min_score": m.MinScore, "draft_total": m.Total, "draft_greedy_total": m.GreedyTotal,
			"draft_greedy_pairs": m.GreedyPairs, "draft_candidates": m.Candidates, "drafted_at": now,
		}).Error
	})
}

// CohortPairs lists a cohort's pairs, best first, and the status of the introduction of each
// published pair (by introduction id).
func (s *Store) CohortPairs(ctx context.Context, cohortID string) ([]CohortPair, map[string]string, error) {
	out := []CohortPair{}
	if err := s.conn(ctx).Where("cohort_id = ?", cohortID).Order("score DESC, cci_actor_id, ai_actor_id").Find(&out).Error; err != nil {
		return nil, nil, err
	}
	var rows []struct{ ID, Status string }
	if err := s.conn(ctx).Table("introductions i").Select("i.id, i.status").
		Joins("JOIN cohort_pairs cp ON cp.introduction_id = i.id").Where("cp.cohort_id = ?", cohortID).Scan(&rows).Error; err != nil {
		return nil, nil, err
	}
	status := map[string]string{}
	for _, r := range rows {
		status[r.ID] = r.Status
	}
	return out, status, nil
}

// AddCohortPair stores a pair the organiser added; the same pair twice is a conflict.
func (s *Store) AddCohortPair(ctx context.Context, p *CohortPair, now time.Time) error {
	p.ID, p.Source, p.CreatedAt = newID(), PairManual, now.UTC()
	if err := s.conn(ctx).Create(p).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return &ConflictError{Message: "This pair is in the draft already."}
		}
		return err
	}
	return nil
}

// DeleteCohortPair removes an unpublished pair; a published one is a conflict (withdraw its
// introduction instead).
func (s *Store) DeleteCohortPair(ctx context.Context, cohortID, pairID string) error {
	var p CohortPair
	if err := s.conn(ctx).Where("id = ? AND cohort_id = ?", pairID, cohortID).First(&p).Error; err != nil {
		return notFound(err)
	}
	if p.IntroductionID != nil {
		return &ConflictError{Message: "This pair is published already: withdraw its introduction instead.", State: "published"}
	}
	return s.conn(ctx).Where("id = ? AND introduction_id IS NULL", pairID).Delete(&CohortPair{}).Error
}

// ErrPublished says that a pair has its introduction already.
var ErrPublished = errors.New("pair published already")

// PublishCohortPair turns one unpublished pair into a brokered introduction under the rules of
// CreateIntroduction, and links it, in one transaction: of two concurrent publishers one creates
// the introduction, the other gets ErrPublished or the open-pair refusal; nothing is created twice.
func (s *Store) PublishCohortPair(ctx context.Context, pairID string, r NewIntroduction) (*Introduction, error) {
	var in *Introduction
	err := s.InTx(ctx, func(ctx context.Context) error {
		var p CohortPair
		if err := s.conn(ctx).Where("id = ?", pairID).First(&p).Error; err != nil {
			return notFound(err)
		}
		if p.IntroductionID != nil {
			return ErrPublished
		}
		r.ActorIDs = []string{p.CCIActorID, p.AIActorID}
		var err error
		if in, err = s.CreateIntroduction(ctx, r); err != nil {
			return err
		}
		res := s.conn(ctx).Model(&CohortPair{}).Where("id = ? AND introduction_id IS NULL", pairID).
			Updates(map[string]any{"introduction_id": in.ID, "published_at": r.Now.UTC()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrPublished
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.committed()
	return in, nil
}

// CohortFunnel is what came of a cohort, stage by stage. Introductions are those published from
// its draft; Outcomes counts each connected introduction by the best answer either side gave to
// "what came of it?" (none: not answered yet).
type CohortFunnel struct {
	Invited       int            `json:"invited"`
	Joined        int            `json:"joined"`
	Declined      int            `json:"declined"`
	Pending       int            `json:"invitations_pending"`
	Introductions int            `json:"introductions_requested"`
	Status        map[string]int `json:"introductions"`
	Connected     int            `json:"connected"`
	Outcomes      map[string]int `json:"outcomes"`
}

// CohortFunnelOf counts members by status, the cohort's introductions by status and their outcomes.
func (s *Store) CohortFunnelOf(ctx context.Context, cohortID string) (*CohortFunnel, error) {
	f := &CohortFunnel{Status: map[string]int{}, Outcomes: map[string]int{}}
	for _, st := range []string{IntroPending, IntroConnected, IntroDeclined, IntroWithdrawn, IntroExpired} {
		f.Status[st] = 0
	}
	for _, a := range append([]string{"none"}, OutcomeAnswers...) {
		f.Outcomes[a] = 0
	}
	var members []struct {
		Status string
		N      int
	}
	if err := s.conn(ctx).Model(&CohortMember{}).Select("status, COUNT(*) AS n").Where("cohort_id = ?", cohortID).
		Group("status").Scan(&members).Error; err != nil {
		return nil, err
	}
	for _, m := range members {
		f.Invited += m.N // everyone asked, including those added directly
		switch m.Status {
		case MemberJoined:
			f.Joined += m.N
		case MemberDeclined:
			f.Declined += m.N
		case MemberInvited:
			f.Pending += m.N
		}
	}
	var intros []struct{ ID, Status string }
	if err := s.conn(ctx).Table("introductions i").Select("i.id, i.status").
		Joins("JOIN cohort_pairs cp ON cp.introduction_id = i.id").Where("cp.cohort_id = ?", cohortID).Scan(&intros).Error; err != nil {
		return nil, err
	}
	connected := []string{}
	for _, in := range intros {
		f.Introductions++
		f.Status[in.Status]++
		if in.Status == IntroConnected {
			connected = append(connected, in.ID)
		}
	}
	f.Connected = len(connected)
	best := map[string]int{}
	for chunk := range slices.Chunk(connected, 500) {
		var answers []struct {
			IntroductionID string
			Answer         string
		}
		if err := s.conn(ctx).Model(&IntroOutcome{}).Select("introduction_id, answer").
			Where("introduction_id IN ? AND answer IS NOT NULL", chunk).Scan(&answers).Error; err != nil {
			return nil, err
		}
		for _, a := range answers {
			rank := slices.Index(OutcomeAnswers, strings.TrimSpace(a.Answer)) + 1
			best[a.IntroductionID] = max(best[a.IntroductionID], rank)
		}
	}
	for _, id := range connected {
		if r := best[id]; r > 0 {
			f.Outcomes[OutcomeAnswers[r-1]]++
		} else {
			f.Outcomes["none"]++
		}
	}
	return f, nil
}
