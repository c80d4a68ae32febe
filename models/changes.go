package models

import (
	"context"
	"time"
)

// Change is one row of the actor change feed that every replica's matching index follows.
type Change struct {
	Seq       int64     `gorm:"column:seq;primaryKey"`
	ActorID   string    `gorm:"column:actor_id"`
	Op        string    `gorm:"column:op"`
	OtherID   string    `gorm:"column:other_id"`
	CreatedAt time.Time `gorm:"column:created_at"`
}

func (Change) TableName() string { return "actor_changes" }

// Change feed operations.
const (
	ChangeUpsert  = "upsert"
	ChangeDelete  = "delete"
	ChangeExclude = "exclude" // the pair (ActorID, OtherID) must not be matched
	ChangeInclude = "include" // the pair may be matched again
)

// OnCommit registers fn to run after a write that touched the change feed has committed in this
// process (recordChange arranges it; a few writers also call committed themselves, which only
// repeats the signal); the matching follower uses it to catch up at once instead of at its next
// poll, and to know that a reader in this process may be behind its own writes.
func (s *Store) OnCommit(fn func()) { s.hooks = append(s.hooks, func(Change) { fn() }) }

func (s *Store) committed() {
	for _, h := range s.hooks {
		h(Change{})
	}
}

// recordChange appends to the feed inside the caller's transaction; the OnCommit hooks run once
// that transaction has committed.
func (s *Store) recordChange(ctx context.Context, actorID, op, otherID string) error {
	if err := s.conn(ctx).Create(&Change{ActorID: actorID, Op: op, OtherID: otherID, CreatedAt: time.Now().UTC()}).Error; err != nil {
		return err
	}
	s.wrote(ctx, func(w *txWrites) { w.changes = true })
	return nil
}

// ChangesSince returns up to limit feed rows after seq, oldest first.
func (s *Store) ChangesSince(ctx context.Context, seq int64, limit int) ([]Change, error) {
	var out []Change
	err := s.conn(ctx).Where("seq > ?", seq).Order("seq").Limit(limit).Find(&out).Error
	return out, err
}

// LatestChange is the newest feed sequence number (0 when empty).
func (s *Store) LatestChange(ctx context.Context) (int64, error) {
	var seq *int64
	err := s.conn(ctx).Model(&Change{}).Select("MAX(seq)").Scan(&seq).Error
	if err != nil || seq == nil {
		return 0, err
	}
	return *seq, nil
}

// ChangesIn returns the feed rows with the given sequence numbers (gaps a follower is waiting for).
func (s *Store) ChangesIn(ctx context.Context, seqs []int64) ([]Change, error) {
	var out []Change
	err := s.conn(ctx).Where("seq IN ?", seqs).Order("seq").Find(&out).Error
	return out, err
}
