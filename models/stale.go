package models

import (
	"context"
	"time"
)

// NoteProfileStale is the notification type sent when a profile drops out of matching for age.
const NoteProfileStale = "profile_stale"

// StaleSweep finds profiles not renewed for StaleAfter whose owners were not told yet: it tells them
// (inbox and e-mail) and puts the profiles on the change feed, so every replica's index drops them
// from matching until they are renewed. It returns how many it handled.
func (s *Store) StaleSweep(ctx context.Context, now time.Time, limit int) (int, error) {
	var due []Actor
	err := s.conn(ctx).Where("renewed_at < ? AND stale_notified_at IS NULL AND hidden_at IS NULL", now.Add(-StaleAfter).UTC()).
		Order("renewed_at").Limit(limit).Find(&due).Error
	if err != nil {
		return 0, err
	}
	n := 0
	for _, a := range due {
		err := s.InTx(ctx, func(ctx context.Context) error {
			res := s.conn(ctx).Model(&Actor{}).Where("id = ? AND stale_notified_at IS NULL", a.ID).Update("stale_notified_at", now.UTC())
			if res.Error != nil || res.RowsAffected == 0 {
				return res.Error
			}
			n++
			if err := s.recordChange(ctx, a.ID, ChangeUpsert, ""); err != nil {
				return err
			}
			if a.OwnerID == nil {
				return nil
			}
			return s.notify(ctx, notice{userID: *a.OwnerID, typ: NoteProfileStale,
				title: "Your profile " + a.Name + " is hidden from matching",
				body:  "It has not been updated for a year, so it no longer appears in anyone's matches. One click renews it: check that it is still right and press Renew.",
				link:  "/profile/" + a.ID}, now)
		})
		if err != nil {
			return n, err
		}
	}
	if n > 0 {
		s.committed()
	}
	return n, nil
}

// RenewActor marks a profile as checked by its owner today: it comes back into matching.
func (s *Store) RenewActor(ctx context.Context, id string, now time.Time) (*Actor, error) {
	err := s.InTx(ctx, func(ctx context.Context) error {
		res := s.conn(ctx).Model(&Actor{}).Where("id = ? AND hidden_at IS NULL", id).
			Updates(map[string]any{"renewed_at": now.UTC(), "stale_notified_at": nil, "updated_at": now.UTC()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		return s.recordChange(ctx, id, ChangeUpsert, "")
	})
	if err != nil {
		return nil, err
	}
	s.committed()
	return s.Actor(ctx, id)
}
