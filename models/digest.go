package models

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// The weekly digest: one inbox row and one e-mail per user and week, naming new possible partners
// and the new results of the user's saved searches. Names only: never contact details.
const (
	NoteDigest     = "weekly_digest"
	DigestInterval = 7 * 24 * time.Hour
	digestTop      = 5
)

// DigestMatch is an actor new or updated since the user's last digest that shares skills with one
// of the user's actors (its offers meet their needs or the other way round).
type DigestMatch struct {
	ActorID string
	Name    string
	Shared  int
}

// DigestSearch is a saved search of one of the user's actors with results new since the last digest.
type DigestSearch struct {
	Name  string
	Fresh int
}

type digestUser struct {
	ID           string
	CreatedAt    time.Time
	LastDigestAt *time.Time
}

// digestDue lists up to limit DigestRecipients whose last digest (or, for none yet, sign-up) is at
// least DigestInterval before now.
func (s *Store) digestDue(ctx context.Context, now time.Time, limit int) ([]digestUser, error) {
	var out []digestUser
	cut := now.UTC().Add(-DigestInterval)
	err := s.conn(ctx).Table("users").Select("id, created_at, last_digest_at").
		Where("digest_opt_out = ?", false).
		Where("(last_digest_at IS NULL AND created_at <= ?) OR last_digest_at <= ?", cut, cut).
		Order("id").Limit(limit).Scan(&out).Error
	return out, err
}

// DigestRule reports whether partner may be suggested to one of the actors mine, by the matching
// engine's hard rules (the serving process gives it: api.Server.DigestRule). Nil keeps every row.
type DigestRule func(mine []string, partner string) bool

// digestCandidates is how many rows DigestMatches reads before the rule keeps the top digestTop.
const digestCandidates = 50

// DigestMatches returns the top actors (at most 5, by shared skills, then name) created or updated
// after since that share a needed or offered skill with one of the user's actors and that rule
// allows. The user's own actors, hidden and unavailable ones, those whose owner paused matching and
// those one of the user's actors marked not_interested or met_before are left out.
func (s *Store) DigestMatches(ctx context.Context, userID string, since time.Time, rule DigestRule) ([]DigestMatch, error) {
	var out []DigestMatch
	err := s.conn(ctx).Raw(`
SELECT a.id AS actor_id, a.name AS name, COUNT(*) AS shared
FROM actors a
JOIN (
    SELECT o.actor_id, o.skill_slug FROM actor_offers o
    WHERE o.skill_slug IN (SELECT n.skill_slug FROM actor_needs n JOIN actors m ON m.id = n.actor_id WHERE m.owner_id = ? AND m.hidden_at IS NULL)
    UNION ALL
    SELECT n.actor_id, n.skill_slug FROM actor_needs n
    WHERE n.skill_slug IN (SELECT o.skill_slug FROM actor_offers o JOIN actors m ON m.id = o.actor_id WHERE m.owner_id = ? AND m.hidden_at IS NULL)
) x ON x.actor_id = a.id
WHERE a.hidden_at IS NULL AND a.available = ? AND (a.owner_id IS NULL OR a.owner_id <> ?)
  AND (a.created_at > ? OR a.updated_at > ?)
  AND (a.owner_id IS NULL OR a.owner_id NOT IN (SELECT u.id FROM users u WHERE u.matching_paused = ?))
  AND a.id NOT IN (SELECT f.target_id FROM match_feedback f JOIN actors m ON m.id = f.actor_id WHERE m.owner_id = ? AND f.verdict IN ?)
GROUP BY a.id, a.name
ORDER BY shared DESC, a.name, a.id
LIMIT ?`, userID, userID, true, userID, since.UTC(), since.UTC(), true, userID, []string{"not_interested", "met_before"}, digestCandidates).Scan(&out).Error
	if err != nil || rule == nil {
		return out[:min(len(out), digestTop)], err
	}
	var mine []string
	if err := s.conn(ctx).Model(&Actor{}).Where("owner_id = ? AND hidden_at IS NULL", userID).Pluck("id", &mine).Error; err != nil {
		return nil, err
	}
	kept := out[:0]
	for _, m := range out {
		if len(kept) < digestTop && rule(mine, m.ActorID) {
			kept = append(kept, m)
		}
	}
	return kept, nil
}

// DigestSearches counts, per saved search of the user's actors, the results first found after since
// (the results a search found when it was saved are not news).
func (s *Store) DigestSearches(ctx context.Context, userID string, since time.Time) ([]DigestSearch, error) {
	var out []DigestSearch
	err := s.conn(ctx).Table("saved_search_hits h").Select("ss.name AS name, COUNT(*) AS fresh").
		Joins("JOIN saved_searches ss ON ss.id = h.search_id").
		Joins("JOIN actors a ON a.id = ss.actor_id").
		Where("a.owner_id = ? AND a.hidden_at IS NULL AND h.created_at > ? AND h.created_at > ss.created_at", userID, since.UTC()).
		Group("ss.id, ss.name").Order("ss.name, ss.id").Scan(&out).Error
	return out, err
}

// digestText is the title and body of a digest; it names actors and searches, nothing else.
func digestText(since time.Time, ms []DigestMatch, ss []DigestSearch) (string, string) {
	var b strings.Builder
	fmt.Fprintf(&b, "Since %s:", since.UTC().Format("2 January 2006"))
	if len(ms) > 0 {
		b.WriteString("\n\nNew possible partners:")
		for _, m := range ms {
			unit := "skills"
			if m.Shared == 1 {
				unit = "skill"
			}
			fmt.Fprintf(&b, "\n- %s (%d shared %s)", m.Name, m.Shared, unit)
		}
	}
	if len(ss) > 0 {
		b.WriteString("\n\nYour saved searches:")
		for _, x := range ss {
			unit := "results"
			if x.Fresh == 1 {
				unit = "result"
			}
			fmt.Fprintf(&b, "\n- %q: %d new %s", x.Name, x.Fresh, unit)
		}
	}
	b.WriteString("\n\nOpen your matches to see why and to ask for an introduction. You can turn this digest off in your settings.")
	return "Your weekly Crossover digest", b.String()
}

// SendDigests sends the weekly digest to up to limit users who are due (see digestDue) and returns
// how many were written. Each user is stamped (last_digest_at = now) in the transaction that writes
// the digest, with a conditional update, so a user gets one digest per week even when two workers
// race; a due user with nothing new is stamped and gets nothing.
func (s *Store) SendDigests(ctx context.Context, now time.Time, limit int, rule DigestRule) (int, error) {
	now = now.UTC()
	due, err := s.digestDue(ctx, now, limit)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, u := range due {
		err := s.InTx(ctx, func(ctx context.Context) error {
			since := u.CreatedAt
			if u.LastDigestAt != nil {
				since = *u.LastDigestAt
			}
			cut := now.Add(-DigestInterval)
			res := s.conn(ctx).Table("users").Where("id = ? AND digest_opt_out = ?", u.ID, false).
				Where("last_digest_at IS NULL OR last_digest_at <= ?", cut).Update("last_digest_at", now)
			if res.Error != nil || res.RowsAffected == 0 {
				return res.Error // opted out meanwhile, or another worker sent it
			}
			ms, err := s.DigestMatches(ctx, u.ID, since, rule)
			if err != nil {
				return err
			}
			ss, err := s.DigestSearches(ctx, u.ID, since)
			if err != nil {
				return err
			}
			if len(ms) == 0 && len(ss) == 0 {
				return nil
			}
			title, body := digestText(since, ms, ss)
			sent++
			return s.notify(ctx, notice{userID: u.ID, typ: NoteDigest, title: title, body: body, link: "/matches"}, now)
		})
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}
