package models

import (
	"context"
	"slices"
)

// BrokeredConnected counts, per intermediary actor, the introductions it brokered that connected:
// its track record.
func (s *Store) BrokeredConnected(ctx context.Context, brokerIDs []string) (map[string]int, error) {
	out := map[string]int{}
	for chunk := range slices.Chunk(brokerIDs, 500) {
		var rows []struct {
			BrokerActorID string
			N             int
		}
		err := s.conn(ctx).Model(&Introduction{}).Select("broker_actor_id, COUNT(*) AS n").
			Where("broker_actor_id IN ? AND status = ?", chunk, IntroConnected).Group("broker_actor_id").Scan(&rows).Error
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.BrokerActorID] = r.N
		}
	}
	return out, nil
}

// IntroducedPairs reports which of the given pairs (as "a|b" keys, a < b) have had an introduction
// of any status, direct or brokered.
func (s *Store) IntroducedPairs(ctx context.Context, pairs [][2]string) (map[[2]string]bool, error) {
	byKey := map[string][2]string{}
	keys := make([]string, 0, len(pairs))
	for _, p := range pairs {
		k := pairKey(p[0], p[1])
		if _, ok := byKey[k]; !ok {
			byKey[k] = p
			keys = append(keys, k)
		}
	}
	out := map[[2]string]bool{}
	for chunk := range slices.Chunk(keys, 500) {
		var found []string
		if err := s.conn(ctx).Model(&Introduction{}).Where("pair_key IN ?", chunk).Distinct().Pluck("pair_key", &found).Error; err != nil {
			return nil, err
		}
		for _, k := range found {
			out[byKey[k]] = true
		}
	}
	return out, nil
}
