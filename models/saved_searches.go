package models

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// SavedSearch is an actor's saved partner or funding search: the query parameters are stored as
// JSON; the hits table remembers what was already reported, so that an alert names only new items.
type SavedSearch struct {
	ID        string     `gorm:"primaryKey" json:"id"`
	ActorID   string     `json:"actor_id"`
	Kind      string     `json:"kind"` // partner | funding
	Name      string     `json:"name"`
	Query     string     `json:"-"`
	LastRunAt *time.Time `json:"last_run_at"`
	CreatedAt time.Time  `json:"created_at"`
}

func (SavedSearch) TableName() string { return "saved_searches" }

type savedSearchHit struct {
	SearchID  string
	ItemID    string
	CreatedAt time.Time
}

func (savedSearchHit) TableName() string { return "saved_search_hits" }

// Saved search kinds, the notification type of their alerts, and the most one actor keeps.
const (
	SavedPartner       = "partner"
	SavedFunding       = "funding"
	NoteSavedSearchHit = "saved_search_match"
	MaxSavedSearches   = 20
)

// CreateSavedSearch stores a search and the items it finds now (seen: they are not news).
func (s *Store) CreateSavedSearch(ctx context.Context, ss *SavedSearch, current []string, now time.Time) error {
	now = now.UTC()
	ss.ID, ss.CreatedAt, ss.LastRunAt = newID(), now, &now
	return s.InTx(ctx, func(ctx context.Context) error {
		var n int64
		if err := s.conn(ctx).Model(&SavedSearch{}).Where("actor_id = ?", ss.ActorID).Count(&n).Error; err != nil {
			return err
		}
		if n >= MaxSavedSearches {
			return Invalid("kind", "an actor keeps at most 20 saved searches: delete one first")
		}
		if err := s.conn(ctx).Create(ss).Error; err != nil {
			return err
		}
		_, err := s.addHits(ctx, ss.ID, current, now)
		return err
	})
}

// addHits records items as seen and returns those that were not seen before.
func (s *Store) addHits(ctx context.Context, searchID string, items []string, now time.Time) ([]string, error) {
	var fresh []string
	for _, id := range uniq(items) {
		res := s.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&savedSearchHit{SearchID: searchID, ItemID: id, CreatedAt: now})
		if res.Error != nil {
			return nil, res.Error
		}
		if res.RowsAffected > 0 {
			fresh = append(fresh, id)
		}
	}
	return fresh, nil
}

// SavedSearches lists an actor's saved searches, oldest first.
func (s *Store) SavedSearches(ctx context.Context, actorID string) ([]SavedSearch, error) {
	out := []SavedSearch{}
	err := s.conn(ctx).Where("actor_id = ?", actorID).Order("created_at, id").Find(&out).Error
	return out, err
}

// DeleteSavedSearch removes one of the actor's saved searches (its hits go with it).
func (s *Store) DeleteSavedSearch(ctx context.Context, actorID, id string) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		if err := s.conn(ctx).Where("search_id = ?", id).Delete(&savedSearchHit{}).Error; err != nil {
			return err
		}
		res := s.conn(ctx).Where("id = ? AND actor_id = ?", id, actorID).Delete(&SavedSearch{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		return nil
	})
}

// SavedSearchesDue returns up to limit saved searches of visible actors, least recently run first.
func (s *Store) SavedSearchesDue(ctx context.Context, limit int) ([]SavedSearch, error) {
	var out []SavedSearch
	err := s.conn(ctx).Where("actor_id IN (SELECT id FROM actors WHERE hidden_at IS NULL)").
		Order("last_run_at, id").Limit(limit).Find(&out).Error
	return out, err
}

// SavedSearchAlert is what an alert says about the new items of a saved search.
type SavedSearchAlert func(fresh []string) (title, body, link string)

// RecordSavedSearchRun marks the items found now as seen and, when some are new, notifies the owner
// of the search's actor in the same transaction (one inbox row and its e-mail). Two replicas running
// the same search report each item once: only the one whose insert wins reports it. It returns the
// number of new items.
func (s *Store) RecordSavedSearchRun(ctx context.Context, ss SavedSearch, items []string, alert SavedSearchAlert, now time.Time) (int, error) {
	now = now.UTC()
	var n int
	err := s.InTx(ctx, func(ctx context.Context) error {
		fresh, err := s.addHits(ctx, ss.ID, items, now)
		if err != nil {
			return err
		}
		n = len(fresh)
		if err := s.conn(ctx).Model(&SavedSearch{}).Where("id = ?", ss.ID).Update("last_run_at", now).Error; err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		a, err := s.Actor(ctx, ss.ActorID)
		if err != nil {
			return err
		}
		if a.OwnerID == nil {
			return nil // an unclaimed directory entry has nobody to tell
		}
		title, body, link := alert(fresh)
		return s.notify(ctx, notice{userID: *a.OwnerID, typ: NoteSavedSearchHit, title: title, body: body, link: link}, now)
	})
	return n, err
}

// RenameSavedSearch gives one of the actor's saved searches a new name and returns it.
func (s *Store) RenameSavedSearch(ctx context.Context, actorID, id, name string) (*SavedSearch, error) {
	res := s.conn(ctx).Model(&SavedSearch{}).Where("id = ? AND actor_id = ?", id, actorID).Update("name", name)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, ErrNotFound
	}
	var ss SavedSearch
	if err := s.conn(ctx).Where("id = ?", id).First(&ss).Error; err != nil {
		return nil, err
	}
	return &ss, nil
}

// SavedSearchNewHits counts, per saved search of the actor, the items found after it was saved
// (what it found on the day it was saved is not news).
func (s *Store) SavedSearchNewHits(ctx context.Context, actorID string) (map[string]int, error) {
	var rows []struct {
		SearchID string
		N        int
	}
	err := s.conn(ctx).Table("saved_search_hits h").Select("h.search_id, COUNT(*) AS n").
		Joins("JOIN saved_searches s ON s.id = h.search_id").
		Where("s.actor_id = ? AND h.created_at > s.created_at", actorID).
		Group("h.search_id").Scan(&rows).Error
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.SearchID] = r.N
	}
	return out, err
}
