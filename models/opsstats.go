package models

import "context"

// IntroductionsByStatus counts introductions by status (metrics). Every status appears, with 0 when
// there is none, so that a dashboard's series never vanish.
func (s *Store) IntroductionsByStatus(ctx context.Context) (map[string]int64, error) {
	var rows []struct {
		Status string
		N      int64
	}
	if err := s.conn(ctx).Model(&Introduction{}).Select("status, COUNT(*) AS n").Group("status").Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := map[string]int64{IntroPending: 0, IntroConnected: 0, IntroDeclined: 0, IntroWithdrawn: 0, IntroExpired: 0}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, nil
}
