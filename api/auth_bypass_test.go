package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// burst sends n requests at once (each built by body(i)) and returns their statuses. Every goroutine
// waits on one gate, so the requests overlap as much as the scheduler allows; the assertions are on
// counts, never on timings.
func (e *env) burst(n int, method, path, token string, body func(i int) any) []int {
	e.t.Helper()
	codes := make([]int, n)
	gate := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-gate
			codes[i] = e.call(method, path, body(i), token).Status
		}()
	}
	close(gate)
	wg.Wait()
	return codes
}

func count(codes []int, status int) int {
	n := 0
	for _, c := range codes {
		if c == status {
			n++
		}
	}
	return n
}

// clientIPFromHeader lets a test choose the client address per request (X-Test-IP), as distinct
// clients behind distinct sockets would.
func (e *env) clientIPFromHeader() {
	e.srv.e.IPExtractor = func(r *http.Request) string {
		if ip := r.Header.Get("X-Test-IP"); ip != "" {
			return ip
		}
		return "192.0.2.1"
	}
}

// TestLoginThrottleHoldsUnderConcurrency: a burst of wrong passwords sent at once from one IP gets
// no more password checks than the limit (10 failures a minute); the rest are 429 before hashing.
func TestLoginThrottleHoldsUnderConcurrency(t *testing.T) {
	e := newEnv(t)
	a := e.register("Burst")
	const n = 40
	codes := e.burst(n, "POST", "/api/v1/auth/login", "", func(i int) any {
		pw := "wrong password " + fmt.Sprint(i)
		if i == n-1 {
			pw = a.Password
		}
		return map[string]any{"email": a.Email, "password": pw}
	})
	failed, ok, limited := count(codes, 401), count(codes, 200), count(codes, 429)
	if failed+ok+limited != n {
		t.Fatalf("unexpected statuses: %v", codes)
	}
	if failed > 10 {
		t.Fatalf("%d wrong passwords were checked in one burst, the limit is 10 (%d accepted, %d refused with 429)", failed, ok, limited)
	}
}

// TestRegisterThrottleHoldsUnderConcurrency: 24 registrations at once from one IP, limit 20 an hour.
func TestRegisterThrottleHoldsUnderConcurrency(t *testing.T) {
	e := newEnv(t)
	const n = 24
	codes := e.burst(n, "POST", "/api/v1/auth/register", "", func(i int) any {
		return map[string]any{"email": fmt.Sprintf("many%d@example.org", i), "password": "correct horse battery", "display_name": "Many"}
	})
	if created := count(codes, 201); created > 20 || created+count(codes, 429) != n {
		t.Fatalf("%d of %d registrations accepted in one burst, the limit is 20: %v", created, n, codes)
	}
}

// TestPasswordHashingIsBounded: password hashing runs at most on as many requests as there are
// slots; a request that cannot get one before its deadline is answered 503 with Retry-After, and
// nothing is checked or stored for it.
func TestPasswordHashingIsBounded(t *testing.T) {
	e := newEnv(t)
	a := e.register("Slots")
	if got := cap(e.srv.auth.hashing); got < 1 {
		t.Fatalf("hash slots = %d", got)
	}
	// Take every slot, as concurrent logins would.
	for range cap(e.srv.auth.hashing) {
		e.srv.auth.hashing <- struct{}{}
	}
	send := func(path string, body string) *http.Response {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "POST", path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+a.Access)
		rec := newRecorder()
		e.srv.ServeHTTP(rec, req)
		return rec.Result()
	}
	for _, tc := range []struct{ path, body string }{
		{"/api/v1/auth/login", fmt.Sprintf(`{"email":%q,"password":%q}`, a.Email, a.Password)},
		{"/api/v1/auth/register", `{"email":"waiting@example.org","password":"correct horse battery","display_name":"W"}`},
		{"/api/v1/auth/password", fmt.Sprintf(`{"current_password":%q,"new_password":"another long passphrase"}`, a.Password)},
	} {
		r := send(tc.path, tc.body)
		if r.StatusCode != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" {
			t.Fatalf("%s while every hash slot is taken: %d (Retry-After %q), want 503", tc.path, r.StatusCode, r.Header.Get("Retry-After"))
		}
	}
	for range cap(e.srv.auth.hashing) {
		<-e.srv.auth.hashing
	}
	if r := e.call("POST", "/api/v1/auth/login", map[string]any{"email": a.Email, "password": a.Password}, ""); r.Status != 200 {
		t.Fatalf("login once a slot is free: %d %s", r.Status, r.Raw)
	}
	if r := e.call("POST", "/api/v1/auth/login", map[string]any{"email": "waiting@example.org", "password": "correct horse battery"}, ""); r.Status != 401 {
		t.Fatalf("the refused registration was stored: %d", r.Status)
	}
}

// TestLogoutEndsTheAccessToken: logout with a refresh token (what the UI sends) ends the access
// token it was called with, and only that session; a detected refresh reuse ends its access tokens too.
func TestLogoutEndsTheAccessToken(t *testing.T) {
	e := newEnv(t)
	a := e.register("Leaving")
	r := e.call("POST", "/api/v1/auth/login", map[string]any{"email": a.Email, "password": a.Password}, "")
	if r.Status != 200 {
		t.Fatalf("second login: %d %s", r.Status, r.Raw)
	}
	otherAccess, otherRefresh := r.JSON["access_token"].(string), r.JSON["refresh_token"].(string)
	if r := e.call("POST", "/api/v1/auth/logout", map[string]any{"refresh_token": a.Refresh}, a.Access); r.Status != 204 {
		t.Fatalf("logout: %d %s", r.Status, r.Raw)
	}
	if r := e.call("GET", "/api/v1/me", nil, a.Access); r.Status != 401 {
		t.Fatalf("the access token still reads /me after logout: %d", r.Status)
	}
	if r := e.call("GET", "/api/v1/me", nil, otherAccess); r.Status != 200 {
		t.Fatalf("the other session ended too: %d", r.Status)
	}
	// Logout naming another session's refresh token ends the caller's session as well as the named one.
	b := e.register("Twice")
	r = e.call("POST", "/api/v1/auth/login", map[string]any{"email": b.Email, "password": b.Password}, "")
	bRefresh2 := r.JSON["refresh_token"].(string)
	if r := e.call("POST", "/api/v1/auth/logout", map[string]any{"refresh_token": bRefresh2}, b.Access); r.Status != 204 {
		t.Fatalf("logout: %d", r.Status)
	}
	if r := e.call("GET", "/api/v1/me", nil, b.Access); r.Status != 401 {
		t.Fatalf("the calling session survived a logout naming another: %d", r.Status)
	}
	// Refresh reuse revokes the family: its access tokens stop too.
	r1 := e.call("POST", "/api/v1/auth/refresh", map[string]any{"refresh_token": otherRefresh}, "")
	if r1.Status != 200 {
		t.Fatalf("refresh: %d %s", r1.Status, r1.Raw)
	}
	fresh := r1.JSON["access_token"].(string)
	e.store.Exec(context.Background(), "UPDATE refresh_tokens SET spent_at = ? WHERE spent_at IS NOT NULL", time.Now().UTC().Add(-time.Minute))
	if r := e.call("POST", "/api/v1/auth/refresh", map[string]any{"refresh_token": otherRefresh}, ""); r.Status != 401 {
		t.Fatalf("reuse: %d", r.Status)
	}
	if r := e.call("GET", "/api/v1/me", nil, fresh); r.Status != 401 {
		t.Fatalf("access token of a revoked family still works: %d", r.Status)
	}
}

// TestPasswordChangeThrottle: wrong current passwords are limited like failed logins, per account
// and per IP; the limit holds for the right password too until the window passes.
func TestPasswordChangeThrottle(t *testing.T) {
	e := newEnv(t)
	e.clientIPFromHeader()
	a := e.register("Guessed")
	for i := 1; i <= 11; i++ {
		r := e.call("POST", "/api/v1/auth/password", map[string]any{"current_password": fmt.Sprintf("guess number %d", i), "new_password": "a stolen new passphrase"},
			a.Access, "X-Test-IP", fmt.Sprintf("203.0.113.%d", i))
		want := http.StatusUnprocessableEntity
		if i == 11 {
			want = http.StatusTooManyRequests
		}
		if r.Status != want {
			t.Fatalf("guess %d: %d %s, want %d", i, r.Status, r.Raw, want)
		}
		if i == 11 && r.Header.Get("Retry-After") == "" {
			t.Fatal("no Retry-After")
		}
	}
	right := map[string]any{"current_password": a.Password, "new_password": "my own new passphrase"}
	if r := e.call("POST", "/api/v1/auth/password", right, a.Access); r.Status != 429 {
		t.Fatalf("right password during the block: %d", r.Status)
	}
	// Per IP: ten accounts' wrong guesses from one address block the eleventh.
	var last resp
	for i := 1; i <= 11; i++ {
		b := e.register(fmt.Sprintf("Neighbour%d", i))
		last = e.call("POST", "/api/v1/auth/password", map[string]any{"current_password": "not mine at all", "new_password": "a stolen new passphrase"},
			b.Access, "X-Test-IP", "198.51.100.7")
	}
	if last.Status != http.StatusTooManyRequests {
		t.Fatalf("11th wrong guess from one IP: %d", last.Status)
	}
	e.clock.Set(time.Now().Add(2 * time.Minute))
	if r := e.call("POST", "/api/v1/auth/password", right, a.Access); r.Status != 200 {
		t.Fatalf("right password after the window: %d %s", r.Status, r.Raw)
	}
}

// TestHostHeaderNeverInURLs: absolute URLs come from the configured public URL; a forged Host header
// never appears in an answer, cached or not, to the forger or to the next client.
func TestHostHeaderNeverInURLs(t *testing.T) {
	e := newEnv(t)
	a := e.register("Opened")
	id := e.createActor(a.Access, museum())
	if r := e.call("PATCH", "/api/v1/me", map[string]any{"open_data": true}, a.Access); r.Status != 200 {
		t.Fatalf("open data: %d %s", r.Status, r.Raw)
	}
	paths := []string{"/api/v1/open/taxonomy", "/api/v1/open", "/api/v1/open/actors", "/api/v1/open/dump", "/api/v1/open/actors/" + id}
	for _, p := range paths {
		for _, host := range []string{"evil.example", ""} {
			req := newRequest("GET", p)
			if host != "" {
				req.Host = host
				req.Header.Set("X-Forwarded-Host", host)
				req.Header.Set("X-Forwarded-Proto", "https")
			}
			rec := newRecorder()
			e.srv.ServeHTTP(rec, req)
			if rec.Code != 200 {
				t.Fatalf("%s: %d %s", p, rec.Code, rec.Body.String())
			}
			if body := rec.Body.String(); strings.Contains(body, "evil.example") || !strings.Contains(body, testPublicURL) {
				t.Fatalf("%s (Host %q) answers with the request's host or without the public URL: %.300s", p, host, body)
			}
		}
	}
}
