package models

import (
	"context"
	"sync"
	"time"
)

// userCacheTTL bounds how long a replica may act on an account row another replica has changed
// (a password change, a role change, an erasure): writes made through this process invalidate the
// cache as soon as they commit; writes through another replica are seen after at most this long.
const userCacheTTL = time.Second

// userCacheMax bounds the cache; when full it starts again empty.
const userCacheMax = 50_000

// userCache keeps recently read accounts for the authentication middleware, which otherwise reads
// the users table on every request. A generation counter keeps a read that raced a write from
// storing the old row: a fill is kept only if no write committed since the read began.
type userCache struct {
	mu   sync.Mutex
	gen  uint64
	rows map[string]cachedUser
}

type cachedUser struct {
	u  User
	at time.Time
}

func newUserCache() *userCache { return &userCache{rows: map[string]cachedUser{}} }

func (c *userCache) get(id string, now time.Time) (User, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.rows[id]
	if ok && now.Sub(e.at) < userCacheTTL {
		return e.u, c.gen, true
	}
	return User{}, c.gen, false
}

func (c *userCache) put(gen uint64, u User, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if len(c.rows) >= userCacheMax {
		clear(c.rows)
	}
	c.rows[u.ID] = cachedUser{u: u, at: at}
}

func (c *userCache) invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.rows)
}

// usersChanged marks a write to the users table (announced when it commits).
func (s *Store) usersChanged(ctx context.Context) {
	s.wrote(ctx, func(w *txWrites) { w.users = true })
}

// CachedUserByID is UserByID through the account cache (see userCacheTTL); inside a transaction it
// reads the database. It returns a copy the caller may keep.
func (s *Store) CachedUserByID(ctx context.Context, id string) (*User, error) {
	if ctx.Value(txKey{}) != nil {
		return s.UserByID(ctx, id)
	}
	now := time.Now()
	u, gen, ok := s.users.get(id, now)
	if ok {
		return &u, nil
	}
	got, err := s.UserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	s.users.put(gen, *got, now)
	return got, nil
}
