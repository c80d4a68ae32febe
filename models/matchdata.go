package models

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// MatchActor is an actor with what the matching index needs beyond the profile itself.
type MatchActor struct {
	*Actor
	OwnerPaused         bool
	ActiveIntroductions int
	// Responsiveness is the share of the requests it received in the last ResponsivenessWindow that
	// it answered (accepted or declined) rather than let expire; 1 with fewer than
	// ResponsivenessMinRequests of them. Never 0: an actor that answered none has
	// ResponsivenessFloor (the matching engine reads 0 as "unknown"). It is about answering only,
	// never about with whom an actor collaborates.
	Responsiveness float64
}

// Responsiveness parameters: the window, the fewest requests that say anything, and the floor.
const (
	ResponsivenessWindow      = 180 * 24 * time.Hour
	ResponsivenessMinRequests = 3
	ResponsivenessFloor       = 0.001
)

// responsivenessScore turns counts into MatchActor.Responsiveness.
func responsivenessScore(r Responsiveness) float64 {
	n := r.Answered + r.Expired
	if n < ResponsivenessMinRequests {
		return 1
	}
	return max(float64(r.Answered)/float64(n), ResponsivenessFloor)
}

// ActiveWindow is how long a connected introduction keeps counting against an actor's capacity.
const ActiveWindow = 90 * 24 * time.Hour

// MatchActorsPage returns up to limit visible actors with id > after, in id order, with their child
// rows, their owner's pause flag and their count of active introductions (the index's bulk load).
func (s *Store) MatchActorsPage(ctx context.Context, after string, limit int) ([]MatchActor, error) {
	var page []*Actor
	if err := s.conn(ctx).Where("id > ? AND hidden_at IS NULL", after).Order("id").Limit(limit).Find(&page).Error; err != nil {
		return nil, err
	}
	if err := s.loadChildrenRange(ctx, page); err != nil {
		return nil, err
	}
	return s.matchActors(ctx, page)
}

// MatchActorCount is how many actors MatchActorsPage would return in all (at the time of asking):
// the index reserves room for them once instead of growing page by page.
func (s *Store) MatchActorCount(ctx context.Context) (int64, error) {
	var n int64
	err := s.conn(ctx).Model(&Actor{}).Where("hidden_at IS NULL").Count(&n).Error
	return n, err
}

// MatchActorsByID loads the given actors for the index; ids that are gone or hidden are absent.
func (s *Store) MatchActorsByID(ctx context.Context, ids []string) ([]MatchActor, error) {
	var out []MatchActor
	for chunk := range slices.Chunk(ids, 500) {
		var page []*Actor
		if err := s.conn(ctx).Where("id IN ? AND hidden_at IS NULL", chunk).Find(&page).Error; err != nil {
			return nil, err
		}
		if err := s.loadChildren(ctx, page); err != nil {
			return nil, err
		}
		got, err := s.matchActors(ctx, page)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	return out, nil
}

// matchActors adds owner pause flags, active introductions and responsiveness to actors whose child
// rows are loaded.
func (s *Store) matchActors(ctx context.Context, page []*Actor) ([]MatchActor, error) {
	if len(page) == 0 {
		return nil, nil
	}
	ids := make([]string, len(page))
	var owners []string
	for i, a := range page {
		ids[i] = a.ID
		if a.OwnerID != nil {
			owners = append(owners, *a.OwnerID)
		}
	}
	paused := map[string]bool{}
	if len(owners) > 0 {
		var ps []string
		if err := s.conn(ctx).Model(&User{}).Where("id IN ? AND matching_paused", owners).Pluck("id", &ps).Error; err != nil {
			return nil, err
		}
		for _, p := range ps {
			paused[p] = true
		}
	}
	var counts []struct {
		ActorID string
		N       int
	}
	err := s.conn(ctx).Table("introduction_parties p").Select("p.actor_id, COUNT(*) AS n").
		Joins("JOIN introductions i ON i.id = p.introduction_id").
		Where("p.actor_id IN ? AND (i.status = 'pending' OR (i.status = 'connected' AND i.connected_at > ?))", ids, time.Now().UTC().Add(-ActiveWindow)).
		Group("p.actor_id").Scan(&counts).Error
	if err != nil {
		return nil, err
	}
	active := make(map[string]int, len(counts))
	for _, c := range counts {
		active[c.ActorID] = c.N
	}
	resp, err := s.responsivenessOf(ctx, time.Now().UTC().Add(-ResponsivenessWindow), ids)
	if err != nil {
		return nil, err
	}
	out := make([]MatchActor, len(page))
	for i, a := range page {
		out[i] = MatchActor{Actor: a, ActiveIntroductions: active[a.ID], OwnerPaused: a.OwnerID != nil && paused[*a.OwnerID],
			Responsiveness: responsivenessScore(resp[a.ID])}
	}
	return out, nil
}

// ExcludedPair is a pair the index must not match.
type ExcludedPair struct{ A, B string }

// ExcludedPairs lists every pair excluded now: "not interested" and "met before" feedback, and
// introductions in progress.
func (s *Store) ExcludedPairs(ctx context.Context) ([]ExcludedPair, error) {
	var out []ExcludedPair
	if err := s.conn(ctx).Model(&Feedback{}).Select("actor_id AS a, target_id AS b").
		Where("verdict IN ?", []string{"not_interested", "met_before"}).Scan(&out).Error; err != nil {
		return nil, err
	}
	var intro []ExcludedPair
	err := s.conn(ctx).Table("introduction_parties x").Select("x.actor_id AS a, y.actor_id AS b").
		Joins("JOIN introduction_parties y ON y.introduction_id = x.introduction_id AND y.actor_id > x.actor_id").
		Joins("JOIN introductions i ON i.id = x.introduction_id AND i.status = 'pending'").
		Where("x.actor_id IS NOT NULL").Scan(&intro).Error
	if err != nil {
		return nil, err
	}
	return append(out, intro...), nil
}

// Verdicts an actor can give on a suggested partner.
var Verdicts = []string{"not_interested", "met_before", "saved"}

// excludes reports whether a verdict removes the pair from matching.
func excludes(verdict string) bool { return verdict == "not_interested" || verdict == "met_before" }

// MaxFeedbackReason bounds the optional reason given with a verdict.
const MaxFeedbackReason = 500

// SaveFeedback records an actor's verdict on a partner without a reason.
func (s *Store) SaveFeedback(ctx context.Context, actorID, targetID, verdict string) (*Feedback, error) {
	return s.SaveFeedbackReason(ctx, actorID, targetID, verdict, "")
}

// SaveFeedbackReason records an actor's verdict on a partner, with an optional reason in the owner's
// words; not_interested and met_before exclude the pair. Giving the same verdict again keeps the
// first one and replaces its reason.
func (s *Store) SaveFeedbackReason(ctx context.Context, actorID, targetID, verdict, reason string) (*Feedback, error) {
	reason = strings.TrimSpace(reason)
	ve := &ValidationError{}
	if !slices.Contains(Verdicts, verdict) {
		ve.Add("verdict", "must be not_interested, met_before or saved")
	}
	if utf8.RuneCountInString(reason) > MaxFeedbackReason {
		ve.Addf("reason", "must be at most %d characters", MaxFeedbackReason)
	}
	if err := ve.Err(); err != nil {
		return nil, err
	}
	if actorID == targetID {
		return nil, Invalid("target_id", "must be another actor")
	}
	if _, err := s.Actor(ctx, targetID); err != nil {
		if err == ErrNotFound {
			return nil, Invalid("target_id", "is not a known actor")
		}
		return nil, err
	}
	f := &Feedback{ID: newID(), ActorID: actorID, TargetID: targetID, Verdict: verdict, Reason: reason, CreatedAt: time.Now().UTC()}
	err := s.InTx(ctx, func(ctx context.Context) error {
		var existing Feedback
		err := s.conn(ctx).Where("actor_id = ? AND target_id = ? AND verdict = ?", actorID, targetID, verdict).First(&existing).Error
		if err == nil {
			existing.Reason = reason
			*f = existing
			return s.conn(ctx).Model(&Feedback{}).Where("id = ?", existing.ID).Update("reason", reason).Error
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		if err := s.conn(ctx).Create(f).Error; err != nil {
			return err
		}
		if excludes(verdict) {
			return s.recordChange(ctx, actorID, ChangeExclude, targetID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.committed()
	return f, nil
}

// DeleteFeedback withdraws a verdict; the pair may be matched again when no other verdict excludes it.
func (s *Store) DeleteFeedback(ctx context.Context, actorID, targetID, verdict string) error {
	err := s.InTx(ctx, func(ctx context.Context) error {
		res := s.conn(ctx).Where("actor_id = ? AND target_id = ? AND verdict = ?", actorID, targetID, verdict).Delete(&Feedback{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		var still int64
		if err := s.conn(ctx).Model(&Feedback{}).Where("((actor_id = ? AND target_id = ?) OR (actor_id = ? AND target_id = ?)) AND verdict IN ?",
			actorID, targetID, targetID, actorID, []string{"not_interested", "met_before"}).Count(&still).Error; err != nil {
			return err
		}
		if excludes(verdict) && still == 0 {
			return s.recordChange(ctx, actorID, ChangeInclude, targetID)
		}
		return nil
	})
	if err == nil {
		s.committed()
	}
	return err
}

// FeedbackOf lists an actor's verdicts.
func (s *Store) FeedbackOf(ctx context.Context, actorID string) ([]Feedback, error) {
	var out []Feedback
	err := s.conn(ctx).Where("actor_id = ?", actorID).Order("created_at").Find(&out).Error
	return out, err
}

// ActorsIn loads actors (with child rows) keyed by id; missing or hidden ones are absent.
func (s *Store) ActorsIn(ctx context.Context, ids []string) (map[string]*Actor, error) {
	out := make(map[string]*Actor, len(ids))
	for chunk := range slices.Chunk(ids, 500) {
		var page []*Actor
		if err := s.conn(ctx).Where("id IN ? AND hidden_at IS NULL", chunk).Find(&page).Error; err != nil {
			return nil, err
		}
		if err := s.loadChildren(ctx, page); err != nil {
			return nil, err
		}
		for _, a := range page {
			out[a.ID] = a
		}
	}
	return out, nil
}
