package api

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/crossover-cci/crossover/models"
)

// sign makes a token with arbitrary claims and method, for the attacks below.
func sign(t *testing.T, method jwt.SigningMethod, key any, c jwt.Claims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, c).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validClaims(sub string) *claims {
	now := time.Now()
	return &claims{Role: "admin", IssuedAtUs: now.UnixMicro(), RegisteredClaims: jwt.RegisteredClaims{
		Subject: sub, Issuer: tokenIssuer, Audience: jwt.ClaimStrings{tokenAudience},
		IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Minute)), ID: "x"}}
}

// TestTokenAttacks: every forged, expired or mis-scoped access token is refused with 401.
func TestTokenAttacks(t *testing.T) {
	e := newEnv(t)
	a := e.register("Alice")
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	b64 := base64.RawURLEncoding

	tampered := func() string {
		parts := strings.Split(a.Access, ".")
		payload, _ := b64.DecodeString(parts[1])
		var m map[string]any
		json.Unmarshal(payload, &m)
		m["role"] = "admin"
		p2, _ := json.Marshal(m)
		return parts[0] + "." + b64.EncodeToString(p2) + "." + parts[2]
	}
	algNone := func() string {
		c := validClaims(a.ID)
		s, _ := jwt.NewWithClaims(jwt.SigningMethodNone, c).SignedString(jwt.UnsafeAllowNoneSignatureType)
		return s
	}
	headerSaysRS256 := func() string {
		// An HS256 signature over a header that claims RS256 (algorithm confusion).
		c := validClaims(a.ID)
		hdr := b64.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`))
		body, _ := json.Marshal(c)
		signing := hdr + "." + b64.EncodeToString(body)
		sig, _ := jwt.SigningMethodHS256.Sign(signing, testSecret)
		return signing + "." + b64.EncodeToString(sig)
	}
	withClaims := func(mut func(c *claims)) string {
		c := validClaims(a.ID)
		mut(c)
		return sign(t, jwt.SigningMethodHS256, testSecret, c)
	}

	for _, tc := range []struct {
		name  string
		token string
	}{
		{"no token", ""},
		{"garbage", "not.a.jwt"},
		{"alg none", algNone()},
		{"signed with another key", sign(t, jwt.SigningMethodHS256, []byte("another-secret-0123456789abcdef-xyz"), validClaims(a.ID))},
		{"RS256 with a key of its own", sign(t, jwt.SigningMethodRS256, rsaKey, validClaims(a.ID))},
		{"header claims RS256, signed HS256", headerSaysRS256()},
		{"expired", withClaims(func(c *claims) { c.ExpiresAt = jwt.NewNumericDate(time.Now().Add(-time.Minute)) })},
		{"without exp", withClaims(func(c *claims) { c.ExpiresAt = nil })},
		{"wrong audience", withClaims(func(c *claims) { c.Audience = jwt.ClaimStrings{"someone-else"} })},
		{"wrong issuer", withClaims(func(c *claims) { c.Issuer = "evil" })},
		{"issued in the future", withClaims(func(c *claims) { c.IssuedAt = jwt.NewNumericDate(time.Now().Add(time.Hour)) })},
		{"unknown subject", withClaims(func(c *claims) { c.Subject = "nobody" })},
		{"tampered payload", tampered()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.call("GET", "/api/v1/me", nil, tc.token)
			if r.Status != http.StatusUnauthorized || r.errCode() != "unauthenticated" {
				t.Fatalf("got %d %s, want 401", r.Status, r.Raw)
			}
		})
	}
	// The control: the real token works.
	if r := e.call("GET", "/api/v1/me", nil, a.Access); r.Status != 200 {
		t.Fatalf("valid token refused: %d %s", r.Status, r.Raw)
	}
}

func TestRefreshRotationAndReuse(t *testing.T) {
	e := newEnv(t)
	a := e.register("Bob")
	r1 := e.call("POST", "/api/v1/auth/refresh", map[string]any{"refresh_token": a.Refresh}, "")
	if r1.Status != 200 {
		t.Fatalf("refresh: %d %s", r1.Status, r1.Raw)
	}
	second := r1.JSON["refresh_token"].(string)
	if second == a.Refresh {
		t.Fatal("refresh token not rotated")
	}
	// A token has one successor: a second use within the grace period is refused, but it does not
	// end the session (a retried request must not log the user out)…
	if r := e.call("POST", "/api/v1/auth/refresh", map[string]any{"refresh_token": a.Refresh}, ""); r.Status != 401 {
		t.Fatalf("second use within grace: %d %s", r.Status, r.Raw)
	}
	if r := e.call("GET", "/api/v1/me", nil, r1.JSON["access_token"].(string)); r.Status != 200 {
		t.Fatalf("session ended by a retry within grace: %d", r.Status)
	}
	// …after it, a spent token is a reuse: 401, and the whole family is revoked.
	e.store.Exec(context.Background(), "UPDATE refresh_tokens SET spent_at = ? WHERE spent_at IS NOT NULL", time.Now().UTC().Add(-time.Minute))
	if r := e.call("POST", "/api/v1/auth/refresh", map[string]any{"refresh_token": a.Refresh}, ""); r.Status != 401 {
		t.Fatalf("reuse: %d %s", r.Status, r.Raw)
	}
	if r := e.call("POST", "/api/v1/auth/refresh", map[string]any{"refresh_token": second}, ""); r.Status != 401 {
		t.Fatalf("family not revoked after reuse: %d %s", r.Status, r.Raw)
	}
	log, _ := e.store.AuditLog(context.Background(), a.ID, 50)
	if !hasEvent(log, "refresh_reuse") {
		t.Fatal("reuse not audited")
	}
	for _, bad := range []any{map[string]any{}, map[string]any{"refresh_token": "nonsense"}} {
		if r := e.call("POST", "/api/v1/auth/refresh", bad, ""); r.Status != 401 && r.Status != 422 {
			t.Fatalf("bad refresh %v: %d", bad, r.Status)
		}
	}
}

func hasEvent(log []models.AuditEntry, ev string) bool {
	for _, l := range log {
		if l.Event == ev {
			return true
		}
	}
	return false
}

func TestLogoutRevokesTheFamily(t *testing.T) {
	e := newEnv(t)
	a := e.register("Carol")
	if r := e.call("POST", "/api/v1/auth/logout", map[string]any{"refresh_token": a.Refresh}, a.Access); r.Status != 204 {
		t.Fatalf("logout: %d %s", r.Status, r.Raw)
	}
	if r := e.call("POST", "/api/v1/auth/refresh", map[string]any{"refresh_token": a.Refresh}, ""); r.Status != 401 {
		t.Fatalf("refresh after logout: %d", r.Status)
	}
	if r := e.call("POST", "/api/v1/auth/logout", nil, ""); r.Status != 401 {
		t.Fatalf("anonymous logout: %d", r.Status)
	}
}

func TestPasswordChangeRevokesEarlierTokens(t *testing.T) {
	e := newEnv(t)
	a := e.register("Dave")
	r := e.call("POST", "/api/v1/auth/password", map[string]any{"current_password": a.Password, "new_password": "a whole new passphrase"}, a.Access)
	if r.Status != 200 {
		t.Fatalf("change: %d %s", r.Status, r.Raw)
	}
	if r := e.call("GET", "/api/v1/me", nil, a.Access); r.Status != 401 {
		t.Fatalf("old access token still works: %d", r.Status)
	}
	if r := e.call("POST", "/api/v1/auth/refresh", map[string]any{"refresh_token": a.Refresh}, ""); r.Status != 401 {
		t.Fatalf("old refresh token still works: %d", r.Status)
	}
	fresh := r.JSON["access_token"].(string)
	if r := e.call("GET", "/api/v1/me", nil, fresh); r.Status != 200 {
		t.Fatalf("new token refused: %d", r.Status)
	}
	for _, tc := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"current_password": "wrong password!", "new_password": "another fine passphrase"}, "current_password"},
		{map[string]any{"current_password": "a whole new passphrase", "new_password": "short"}, "new_password"},
		{map[string]any{"current_password": "a whole new passphrase", "new_password": "password123"}, "new_password"},
	} {
		r := e.call("POST", "/api/v1/auth/password", tc.body, fresh)
		if r.Status != 422 || r.fields()[tc.field] == nil {
			t.Fatalf("%v: %d %s", tc.body, r.Status, r.Raw)
		}
	}
}

// TestBOLA: a member cannot change, delete or read the contact of another member's actor.
func TestBOLA(t *testing.T) {
	e := newEnv(t)
	a, b := e.register("Erin"), e.register("Frank")
	id := e.createActor(b.Access, museum())
	for _, tc := range []struct {
		method string
		body   any
	}{
		{"PATCH", map[string]any{"name": "Hijacked", "version": 1}},
		{"DELETE", nil},
	} {
		r := e.call(tc.method, "/api/v1/actors/"+id, tc.body, a.Access)
		if r.Status != http.StatusForbidden {
			t.Fatalf("%s by another member: %d %s", tc.method, r.Status, r.Raw)
		}
	}
	r := e.call("GET", "/api/v1/actors/"+id, nil, a.Access)
	if r.Status != 200 || r.JSON["contact"] != nil || strings.Contains(r.Raw, "curator@light") {
		t.Fatalf("another member sees contact: %s", r.Raw)
	}
	list := e.call("GET", "/api/v1/actors", nil, a.Access)
	if strings.Contains(list.Raw, "curator@light") || strings.Contains(list.Raw, "+31 30") {
		t.Fatal("list shows contact of another member's actor")
	}
	owner := e.call("GET", "/api/v1/actors/"+id, nil, b.Access)
	if owner.JSON["contact"] == nil || owner.JSON["name"] != "Museum of Light" {
		t.Fatalf("owner view: %s", owner.Raw)
	}
	// Unknown ids answer 404 for everyone, without telling anything.
	if r := e.call("PATCH", "/api/v1/actors/unknown", map[string]any{"version": 1}, a.Access); r.Status != 404 {
		t.Fatalf("unknown actor: %d", r.Status)
	}
	// Admins may edit anything.
	adm := e.register("Grace")
	e.promote(&adm, models.RoleAdmin)
	if r := e.call("PATCH", "/api/v1/actors/"+id, map[string]any{"region": "Zeeland", "version": 1}, adm.Access); r.Status != 200 {
		t.Fatalf("admin patch: %d %s", r.Status, r.Raw)
	}
}

// TestNoSelfAssignedRole: role, owner_id, id and version in bodies have no effect.
func TestNoSelfAssignedRole(t *testing.T) {
	e := newEnv(t)
	r := e.call("POST", "/api/v1/auth/register", map[string]any{"email": "mallory@example.org", "password": "correct horse mallory",
		"display_name": "Mallory", "role": "admin", "id": "chosen-id"}, "")
	if r.Status != 201 {
		t.Fatalf("register: %d %s", r.Status, r.Raw)
	}
	u := r.JSON["user"].(map[string]any)
	if u["role"] != "member" || u["id"] == "chosen-id" {
		t.Fatalf("mass assignment on register: %v", u)
	}
	tok := r.JSON["access_token"].(string)
	other := e.register("Victim")
	body := museum()
	body["owner_id"], body["id"], body["version"], body["source"] = other.ID, "chosen", 42, "directory"
	c := e.call("POST", "/api/v1/actors", body, tok)
	if c.Status != 201 || c.JSON["owner_id"] != u["id"] || c.JSON["id"] == "chosen" || c.JSON["version"] != float64(1) || c.JSON["source"] != "user" {
		t.Fatalf("mass assignment on create: %s", c.Raw)
	}
	p := e.call("PATCH", "/api/v1/me", map[string]any{"role": "admin", "display_name": "Mal"}, tok)
	if p.Status != 200 || p.JSON["user"].(map[string]any)["role"] != "member" {
		t.Fatalf("mass assignment on PATCH /me: %s", p.Raw)
	}
	// Only admins grant roles, and never admin through the API.
	if r := e.call("PUT", "/api/v1/users/"+other.ID+"/role", map[string]any{"role": "intermediary"}, tok); r.Status != 403 {
		t.Fatalf("member grants a role: %d", r.Status)
	}
	adm := e.register("Admin")
	e.promote(&adm, models.RoleAdmin)
	if r := e.call("PUT", "/api/v1/users/"+other.ID+"/role", map[string]any{"role": "admin"}, adm.Access); r.Status != 422 {
		t.Fatalf("admin granted through the API: %d", r.Status)
	}
	if r := e.call("PUT", "/api/v1/users/"+other.ID+"/role", map[string]any{"role": "intermediary"}, adm.Access); r.Status != 200 {
		t.Fatalf("admin grants intermediary: %d %s", r.Status, r.Raw)
	}
	if r := e.call("PUT", "/api/v1/users/nobody/role", map[string]any{"role": "intermediary"}, adm.Access); r.Status != 404 {
		t.Fatalf("unknown user: %d", r.Status)
	}
}

// TestLoginThrottle: the 11th failed login in a minute is 429, whatever X-Forwarded-For says.
func TestLoginThrottle(t *testing.T) {
	e := newEnv(t)
	a := e.register("Heidi")
	for i := 1; i <= 11; i++ {
		r := e.call("POST", "/api/v1/auth/login", map[string]any{"email": fmt.Sprintf("nobody%d@example.org", i), "password": "wrong password"}, "",
			"X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i))
		want := http.StatusUnauthorized
		if i == 11 {
			want = http.StatusTooManyRequests
		}
		if r.Status != want {
			t.Fatalf("attempt %d: %d, want %d", i, r.Status, want)
		}
		if i == 11 && r.Header.Get("Retry-After") == "" {
			t.Fatal("no Retry-After")
		}
		if i < 11 && r.errCode() != "invalid_credentials" {
			t.Fatalf("unknown e-mail answered differently: %s", r.Raw)
		}
	}
	// After the window, the right password works again.
	e.clock.Set(time.Now().Add(2 * time.Minute))
	if r := e.call("POST", "/api/v1/auth/login", map[string]any{"email": a.Email, "password": a.Password}, ""); r.Status != 200 {
		t.Fatalf("login after the window: %d %s", r.Status, r.Raw)
	}
	wrong := e.call("POST", "/api/v1/auth/login", map[string]any{"email": a.Email, "password": "not the password"}, "")
	unknown := e.call("POST", "/api/v1/auth/login", map[string]any{"email": "ghost@example.org", "password": "not the password"}, "")
	if wrong.Raw != unknown.Raw || wrong.Status != unknown.Status {
		t.Fatalf("wrong password and unknown e-mail differ: %s vs %s", wrong.Raw, unknown.Raw)
	}
}

// TestFailuresElsewhereDoNotLockTheOwnerOut: failed logins are counted per client IP and per IP and
// account: one address gets 5 guesses a minute at one account, and its failures never block the
// owner signing in from another address.
func TestFailuresElsewhereDoNotLockTheOwnerOut(t *testing.T) {
	e := newEnv(t)
	e.clientIPFromHeader()
	a := e.register("Ivan")
	wrong := map[string]any{"email": a.Email, "password": "wrong password"}
	for i := 1; i <= 6; i++ {
		r := e.call("POST", "/api/v1/auth/login", wrong, "", "X-Test-IP", "198.51.100.66")
		want := http.StatusUnauthorized
		if i == 6 {
			want = http.StatusTooManyRequests
		}
		if r.Status != want {
			t.Fatalf("failure %d from one IP on one account: %d, want %d", i, r.Status, want)
		}
	}
	for i := 1; i <= 20; i++ { // many addresses, each within its own limits
		e.call("POST", "/api/v1/auth/login", wrong, "", "X-Test-IP", fmt.Sprintf("198.51.100.%d", i))
	}
	r := e.call("POST", "/api/v1/auth/login", map[string]any{"email": a.Email, "password": a.Password}, "", "X-Test-IP", "203.0.113.200")
	if r.Status != http.StatusOK {
		t.Fatalf("the owner is locked out by failures from other addresses: %d %s", r.Status, r.Raw)
	}
}

// TestErasure leaves no row holding the user's e-mail, and the other side keeps its introduction.
func TestErasure(t *testing.T) {
	e := newEnv(t)
	a, b := e.register("Judy"), e.register("Karl")
	mine := e.createActor(a.Access, museum())
	theirs := e.createActor(b.Access, startup())
	ctx := context.Background()
	// A connected introduction between the two, written directly (the introductions API has its own tests).
	if err := e.store.Exec(ctx, "INSERT INTO introductions (id, kind, status, expires_at, created_at, updated_at) VALUES ('i1', 'direct', 'connected', ?, ?, ?)", time.Now().UTC(), time.Now().UTC(), time.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	e.store.Exec(ctx, "INSERT INTO introduction_parties (id, introduction_id, actor_id, role, response) VALUES ('p1', 'i1', ?, 'requester', 'accepted'), ('p2', 'i1', ?, 'recipient', 'accepted')", mine, theirs)

	exp := e.call("GET", "/api/v1/me/export", nil, a.Access)
	if exp.Status != 200 || !strings.Contains(exp.Raw, a.Email) || !strings.Contains(exp.Raw, "curator@light") || !strings.Contains(exp.Raw, `"i1"`) {
		t.Fatalf("export incomplete: %d %.300s", exp.Status, exp.Raw)
	}
	if rowsContaining(t, e.store, a.Email) == 0 {
		t.Fatal("the row scan cannot see the e-mail: the check below would prove nothing")
	}
	if r := e.call("DELETE", "/api/v1/me", nil, a.Access); r.Status != 204 {
		t.Fatalf("erase: %d %s", r.Status, r.Raw)
	}
	if r := e.call("GET", "/api/v1/me", nil, a.Access); r.Status != 401 {
		t.Fatalf("erased account still signs in: %d", r.Status)
	}
	if n := rowsContaining(t, e.store, a.Email); n != 0 {
		t.Fatalf("%d rows still hold the erased e-mail", n)
	}
	if n := rowsContaining(t, e.store, "curator@light.example.org"); n != 0 {
		t.Fatalf("%d rows still hold the erased actor's contact", n)
	}
	// Karl's side of the introduction is still there, with the other party gone.
	exp = e.call("GET", "/api/v1/me/export", nil, b.Access)
	if !strings.Contains(exp.Raw, `"i1"`) {
		t.Fatalf("the other party lost its introduction: %.400s", exp.Raw)
	}
}

// rowsContaining counts rows in every table whose text contains needle.
func rowsContaining(t *testing.T, s *models.Store, needle string) int {
	t.Helper()
	n, err := s.CountRowsContaining(context.Background(), needle)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLogsHoldNoSecrets: after the auth flows, the log has no password and no token.
func TestLogsHoldNoSecrets(t *testing.T) {
	e := newEnv(t)
	a := e.register("Liam")
	e.call("POST", "/api/v1/auth/login", map[string]any{"email": a.Email, "password": a.Password}, "")
	e.call("POST", "/api/v1/auth/login", map[string]any{"email": a.Email, "password": "a wrong password"}, "")
	r := e.call("POST", "/api/v1/auth/refresh", map[string]any{"refresh_token": a.Refresh}, "")
	e.call("GET", "/api/v1/me", nil, a.Access)
	e.call("POST", "/api/v1/auth/password", map[string]any{"current_password": a.Password, "new_password": "brand new passphrase"}, a.Access)
	logs := e.logs.String()
	if !strings.Contains(logs, "/api/v1/auth/login") {
		t.Fatal("requests are not logged at all")
	}
	for _, secret := range []string{a.Password, "a wrong password", "brand new passphrase", a.Access, a.Refresh, r.JSON["refresh_token"].(string), a.Email} {
		if strings.Contains(logs, secret) {
			t.Fatalf("the log contains a secret: %.20s…", secret)
		}
	}
	audit, _ := e.store.AuditLog(context.Background(), "", 100)
	raw, _ := json.Marshal(audit)
	for _, secret := range []string{a.Password, a.Access, a.Refresh, a.Email} {
		if strings.Contains(string(raw), secret) {
			t.Fatal("the audit log contains a secret")
		}
	}
	if !hasEvent(audit, "login_ok") || !hasEvent(audit, "login_failed") || !hasEvent(audit, "password_changed") {
		t.Fatalf("security events missing from the audit log: %s", raw)
	}
}

func TestRegistrationValidation(t *testing.T) {
	e := newEnv(t)
	e.register("Taken")
	for _, tc := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"bad e-mail", map[string]any{"email": "nope", "password": "long enough pass", "display_name": "X"}, "email"},
		{"taken e-mail (case and spaces ignored)", map[string]any{"email": "  TAKEN@example.org ", "password": "long enough pass", "display_name": "X"}, "email"},
		{"short password", map[string]any{"email": "a@example.org", "password": "short", "display_name": "X"}, "password"},
		{"long password", map[string]any{"email": "a@example.org", "password": strings.Repeat("x", 257), "display_name": "X"}, "password"},
		{"common password", map[string]any{"email": "a@example.org", "password": "1234567890", "display_name": "X"}, "password"},
		{"no name", map[string]any{"email": "a@example.org", "password": "long enough pass", "display_name": " "}, "display_name"},
		{"terms refused", map[string]any{"email": "a@example.org", "password": "long enough pass", "display_name": "X", "accept_terms": false}, "accept_terms"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.call("POST", "/api/v1/auth/register", tc.body, "")
			if r.Status != 422 || r.fields()[tc.field] == nil {
				t.Fatalf("got %d %s", r.Status, r.Raw)
			}
		})
	}
	if n := rowsContaining(t, e.store, "a@example.org"); n != 0 {
		t.Fatal("a rejected registration stored something")
	}
}

func TestPasswordHashParameters(t *testing.T) {
	p := models.DefaultHashParams
	if p.MemoryKiB < 19*1024 || p.Time < 2 || p.Threads != 1 {
		t.Fatalf("argon2id parameters below the minimum: %+v", p)
	}
}

// TestConcurrentRefresh: of 8 refreshes racing with one token exactly one gets a new pair; the
// others are refused, and the family is not forked nor ended: the one successor keeps working.
func TestConcurrentRefresh(t *testing.T) {
	e := newEnv(t)
	a := e.register("Mona")
	codes := e.burst(8, "POST", "/api/v1/auth/refresh", "", func(int) any { return map[string]any{"refresh_token": a.Refresh} })
	if count(codes, 200) != 1 || count(codes, 401) != 7 {
		t.Fatalf("statuses %v, want one 200 and seven 401", codes)
	}
	live := e.sqlCounts(fmt.Sprintf("SELECT 'n', COUNT(*) FROM refresh_tokens WHERE user_id = '%s' AND spent_at IS NULL AND revoked_at IS NULL", a.ID))["n"]
	if live != 1 {
		t.Fatalf("%d live refresh tokens after the race, want the one successor", live)
	}
}
