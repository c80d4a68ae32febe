package api

import (
	"math"
	"sync"
	"time"

	"github.com/crossover-cci/crossover/models"
)

// window counts events per key over a sliding minute-scale window. It is per process: with several
// replicas the effective limit is per replica (documented in docs/SECURITY.md).
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

// check returns a RateLimitError when key is at its limit.
func (w *window) check(key string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.now()
	h := w.prune(key, now)
	if len(h) >= w.max {
		wait := w.period - now.Sub(h[0])
		return &models.RateLimitError{RetryAfterSeconds: int(math.Ceil(wait.Seconds()))}
	}
	return nil
}

func (w *window) add(key string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.now()
	w.hits[key] = append(w.prune(key, now), now)
}

// allow checks and counts in one step.
func (w *window) allow(key string) error {
	if err := w.check(key); err != nil {
		return err
	}
	w.add(key)
	return nil
}

type limiters struct {
	loginIP, loginAccount, register *window
}

// Failed logins: 10 a minute per IP and per account; registrations: 20 an hour per IP.
func newLimiters(now func() time.Time) *limiters {
	return &limiters{
		loginIP:      newWindow(10, time.Minute, now),
		loginAccount: newWindow(10, time.Minute, now),
		register:     newWindow(20, time.Hour, now),
	}
}

func (l *limiters) loginAllowed(ip, account string) error {
	if err := l.loginIP.check(ip); err != nil {
		return err
	}
	return l.loginAccount.check(account)
}

func (l *limiters) loginFailed(ip, account string) {
	l.loginIP.add(ip)
	l.loginAccount.add(account)
}
