package models

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// OutboxMessage is one e-mail waiting in the transactional outbox. MessageID is unique and is sent as
// the Message-ID header: delivery is at least once, and a repeat carries the same id.
type OutboxMessage struct {
	ID            string `gorm:"primaryKey"`
	MessageID     string
	UserID        *string
	ToAddress     string
	Subject       string
	Body          string
	Attempts      int
	NextAttemptAt time.Time
	ClaimedUntil  *time.Time
	SentAt        *time.Time
	LastError     string
	CreatedAt     time.Time
}

func (OutboxMessage) TableName() string { return "outbox" }

// Outbox delivery settings.
const (
	OutboxMaxAttempts = 10
	outboxBaseBackoff = time.Minute
	outboxMaxBackoff  = 6 * time.Hour
)

func (s *Store) enqueueEmail(ctx context.Context, m OutboxMessage) error {
	if m.ID == "" {
		m.ID = newID()
	}
	return s.conn(ctx).Create(&m).Error
}

// ClaimOutbox leases up to limit due messages to the caller until now+lease. On PostgreSQL the rows
// are picked with FOR UPDATE SKIP LOCKED, so that replicas never claim the same row; on SQLite a
// conditional UPDATE of claimed_until does the same. A claim that is never completed (a crash) runs
// out and the message is claimed again: at least once.
func (s *Store) ClaimOutbox(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]OutboxMessage, error) {
	now = now.UTC()
	until := now.Add(lease)
	var claimed []OutboxMessage
	err := s.InTx(ctx, func(ctx context.Context) error {
		q := s.conn(ctx).Where("sent_at IS NULL AND attempts < ? AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)",
			OutboxMaxAttempts, now, now).Order("next_attempt_at, id").Limit(limit)
		if s.dialect == Postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		var due []OutboxMessage
		if err := q.Find(&due).Error; err != nil {
			return err
		}
		for _, m := range due {
			res := s.conn(ctx).Model(&OutboxMessage{}).
				Where("id = ? AND sent_at IS NULL AND (claimed_until IS NULL OR claimed_until < ?)", m.ID, now).
				Update("claimed_until", until)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 1 {
				m.ClaimedUntil = &until
				claimed = append(claimed, m)
			}
		}
		return nil
	})
	return claimed, err
}

// MarkSent records a delivery. Only a still-unsent row changes, so a late duplicate is harmless.
func (s *Store) MarkSent(ctx context.Context, id string, now time.Time) error {
	return s.conn(ctx).Model(&OutboxMessage{}).Where("id = ? AND sent_at IS NULL", id).
		Updates(map[string]any{"sent_at": now.UTC(), "claimed_until": nil, "last_error": "", "attempts": clause.Expr{SQL: "attempts + 1"}}).Error
}

// MarkFailed records a failed attempt and schedules the next one with exponential backoff
// (1 min, 2, 4 … capped at 6 h); after OutboxMaxAttempts the message is no longer claimed.
func (s *Store) MarkFailed(ctx context.Context, m OutboxMessage, cause string, now time.Time) error {
	attempts := m.Attempts + 1
	if len(cause) > 500 {
		cause = cause[:500]
	}
	return s.conn(ctx).Model(&OutboxMessage{}).Where("id = ? AND sent_at IS NULL", m.ID).
		Updates(map[string]any{"attempts": attempts, "last_error": cause, "claimed_until": nil,
			"next_attempt_at": now.UTC().Add(Backoff(attempts))}).Error
}

// Backoff is the wait after the given number of failed attempts.
func Backoff(attempts int) time.Duration {
	d := outboxBaseBackoff
	for i := 1; i < attempts && d < outboxMaxBackoff; i++ {
		d *= 2
	}
	return min(d, outboxMaxBackoff)
}

// OutboxStats are the outbox figures for metrics.
type OutboxStats struct {
	Depth  int64 // not sent yet and still retried
	Failed int64 // not sent yet, last attempt failed
	Dead   int64 // gave up after OutboxMaxAttempts
	Sent   int64
}

// OutboxStats counts the outbox by state.
func (s *Store) OutboxStats(ctx context.Context) (OutboxStats, error) {
	var st OutboxStats
	db := s.conn(ctx)
	if err := db.Model(&OutboxMessage{}).Where("sent_at IS NULL AND attempts < ?", OutboxMaxAttempts).Count(&st.Depth).Error; err != nil {
		return st, err
	}
	if err := db.Model(&OutboxMessage{}).Where("sent_at IS NULL AND attempts < ? AND last_error <> ''", OutboxMaxAttempts).Count(&st.Failed).Error; err != nil {
		return st, err
	}
	if err := db.Model(&OutboxMessage{}).Where("sent_at IS NULL AND attempts >= ?", OutboxMaxAttempts).Count(&st.Dead).Error; err != nil {
		return st, err
	}
	err := db.Model(&OutboxMessage{}).Where("sent_at IS NOT NULL").Count(&st.Sent).Error
	return st, err
}

// OutboxMessages lists the outbox, oldest first (tests and admin tools).
func (s *Store) OutboxMessages(ctx context.Context) ([]OutboxMessage, error) {
	var out []OutboxMessage
	err := s.conn(ctx).Order("created_at, id").Find(&out).Error
	return out, err
}
