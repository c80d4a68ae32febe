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

// Outcome questions: "what came of it?", asked of each side of a connected introduction, each answering
// for itself. The questions are created on connecting (transition), asked by notification when due
// (notifyOutcomesDue) and answered here.

// OutcomesDue lists the unanswered outcome questions due by now to actors owned by userID.
func (s *Store) OutcomesDue(ctx context.Context, introIDs []string, userID string, now time.Time) ([]IntroOutcome, error) {
	var out []IntroOutcome
	if len(introIDs) == 0 {
		return out, nil
	}
	err := s.conn(ctx).Where("introduction_id IN ? AND due_at <= ? AND answered_at IS NULL AND actor_id IN (SELECT id FROM actors WHERE owner_id = ?)",
		introIDs, now.UTC(), userID).Order("due_at").Find(&out).Error
	return out, err
}

// OutcomesOf lists every outcome question, answered or not, due or not, of the actors owned by userID
// in the given introductions, by introduction and stage.
func (s *Store) OutcomesOf(ctx context.Context, introIDs []string, userID string) ([]IntroOutcome, error) {
	out := []IntroOutcome{}
	if len(introIDs) == 0 {
		return out, nil
	}
	err := s.conn(ctx).Where("introduction_id IN ? AND actor_id IN (SELECT id FROM actors WHERE owner_id = ?)", introIDs, userID).
		Order("introduction_id, due_at").Find(&out).Error
	return out, err
}

// OutcomeAnswerable reports whether an outcome question may be answered now: the first one (a month
// after connecting) at any time once connected, since the two sides often know early; a later one
// only once due, since it asks about a later time.
func OutcomeAnswerable(o IntroOutcome, now time.Time) bool {
	return o.Stage == outcomeStages[0].Stage || !now.Before(o.DueAt)
}

// AnswerOutcome records the answer of actorID to the outcome question of one stage (see
// OutcomeAnswerable for when). Answering again replaces the answer; every answer is an event (the
// dashboard reads the latest).
func (s *Store) AnswerOutcome(ctx context.Context, introID, actorID, stage, answer string, now time.Time) error {
	ve := &ValidationError{}
	if stage != "30d" && stage != "6m" {
		ve.Add("stage", "must be 30d or 6m")
	}
	if !slices.Contains(OutcomeAnswers, answer) {
		ve.Add("answer", "must be one of "+strings.Join(OutcomeAnswers, ", "))
	}
	if err := ve.Err(); err != nil {
		return err
	}
	now = now.UTC()
	return s.InTx(ctx, func(ctx context.Context) error {
		var o IntroOutcome
		if err := s.conn(ctx).Where("introduction_id = ? AND actor_id = ? AND stage = ?", introID, actorID, stage).First(&o).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return &ConflictError{Message: "There is no outcome question for you on this introduction: it is asked once connected.", State: "no_question"}
			}
			return err
		}
		if !OutcomeAnswerable(o, now) {
			return &ConflictError{Message: fmt.Sprintf("This question is asked from %s.", o.DueAt.UTC().Format("2006-01-02")), State: "not_due"}
		}
		if err := s.conn(ctx).Model(&IntroOutcome{}).Where("id = ?", o.ID).Updates(map[string]any{"answer": answer, "answered_at": now}).Error; err != nil {
			return err
		}
		return s.conn(ctx).Create(&IntroEvent{IntroductionID: introID, ActorID: &actorID, Type: EventOutcome, Reason: stage, Detail: answer, CreatedAt: now}).Error
	})
}
