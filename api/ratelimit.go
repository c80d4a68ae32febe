package api

import (
	"math"
	"sync"
	"time"

	"github.com/crossover-cci/crossover/models"
)

// window counts events per key over a sliding window. It is per process: with several replicas the
// effective limit is per replica (documented in docs/SECURITY.md).
type window struct {
	mu     sync.Mutex
	max    int
	period time.Duration
	now    func() time.Time
	hits   map[string][]time.Time
}

func newWindow(max int, period time.Duration, now func() time.Time) *window {
	return &window{max: max, period: period, now: now, hits: map[string][]time.Time{}}
}

func (w *window) prune(key string, now time.Time) []time.Time {
	h := w.hits[key]
	i := 0
	for i < len(h) && now.Sub(h[i]) >= w.period {
		i++
	}
	h = h[i:]
	if len(h) == 0 {
		delete(w.hits, key)
	} else {
		w.hits[key] = h
	}
	if len(w.hits) > 100_000 { // bound memory under a flood of distinct keys
		for k := range w.hits {
			delete(w.hits, k)
			if len(w.hits) <= 50_000 {
				break
			}
		}
	}
	return h
}

// take checks and counts in one step under one lock, so that concurrent requests cannot all pass
// the check before any of them is counted. It returns the time of the counted event (to give it
// back) or a RateLimitError when key is at its limit.
func (w *window) take(key string) (time.Time, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.now()
	h := w.prune(key, now)
	if len(h) >= w.max {
		wait := w.period - now.Sub(h[0])
		return time.Time{}, &models.RateLimitError{RetryAfterSeconds: max(1, int(math.Ceil(wait.Seconds())))}
	}
	w.hits[key] = append(h, now)
	return now, nil
}

// giveBack uncounts one event taken at t: the attempt turned out not to be a failure.
func (w *window) giveBack(key string, t time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	h := w.hits[key]
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].Equal(t) {
			w.hits[key] = append(h[:i:i], h[i+1:]...)
			if len(w.hits[key]) == 0 {
				delete(w.hits, key)
			}
			return
		}
	}
}

// slot is one limit to take a place in: a window and the key counted in it.
type slot struct {
	w   *window
	key string
}

// reserve takes a place in every slot before the expensive work (hashing) starts, or none: the
// first full one refuses and the places already taken are given back. The returned function gives
// every place back, for an attempt that succeeded.
func reserve(slots ...slot) (giveBack func(), err error) {
	taken := make([]time.Time, 0, len(slots))
	giveBack = func() {
		for i, t := range taken {
			slots[i].w.giveBack(slots[i].key, t)
		}
	}
	for _, s := range slots {
		t, err := s.w.take(s.key)
		if err != nil {
			giveBack()
			return nil, err
		}
		taken = append(taken, t)
	}
	return giveBack, nil
}

type limiters struct {
	loginIP, loginPair, register, passwordIP, passwordAccount *window
}

// Failed logins: 10 a minute per client IP, and 5 a minute per client IP and account, so that one
// address cannot spend its whole budget on one account and failures from elsewhere never lock the
// owner out. Wrong current passwords on a password change: 10 a minute per account and per IP.
// Registrations: 20 an hour per IP.
func newLimiters(now func() time.Time) *limiters {
	return &limiters{
		loginIP:         newWindow(10, time.Minute, now),
		loginPair:       newWindow(5, time.Minute, now),
		register:        newWindow(20, time.Hour, now),
		passwordIP:      newWindow(10, time.Minute, now),
		passwordAccount: newWindow(10, time.Minute, now),
	}
}

// login reserves a failed-login place for ip and account before the password is checked.
func (l *limiters) login(ip, account string) (func(), error) {
	return reserve(slot{l.loginIP, ip}, slot{l.loginPair, ip + "\x00" + account})
}

// password reserves a wrong-current-password place for ip and the account.
func (l *limiters) password(ip, userID string) (func(), error) {
	return reserve(slot{l.passwordIP, ip}, slot{l.passwordAccount, userID})
}
