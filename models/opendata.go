package models

import "context"

// OpenActors returns up to limit actors of the open dataset (opted in with open_data and visible),
// with id > after, in id order, with their child rows. Callers publish public fields only.
func (s *Store) OpenActors(ctx context.Context, after string, limit int) ([]*Actor, error) {
	var page []*Actor
	if err := s.conn(ctx).Where("open_data AND hidden_at IS NULL AND id > ?", after).Order("id").Limit(limit).Find(&page).Error; err != nil {
		return nil, err
	}
	return page, s.loadChildren(ctx, page)
}

// OpenActorCount is the size of the open dataset.
func (s *Store) OpenActorCount(ctx context.Context) (int64, error) {
	var n int64
	err := s.conn(ctx).Model(&Actor{}).Where("open_data AND hidden_at IS NULL").Count(&n).Error
	return n, err
}

// OpenActor is one actor of the open dataset; ErrNotFound when it did not opt in or is hidden.
func (s *Store) OpenActor(ctx context.Context, id string) (*Actor, error) {
	var a Actor
	if err := s.conn(ctx).Where("id = ? AND open_data AND hidden_at IS NULL", id).First(&a).Error; err != nil {
		return nil, notFound(err)
	}
	return &a, s.loadChildren(ctx, []*Actor{&a})
}
