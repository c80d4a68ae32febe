package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crossover-cci/crossover/models"
	"github.com/crossover-cci/crossover/models/dbtest"
	"github.com/crossover-cci/crossover/seeds"
)

var testSecret = []byte("test-secret-0123456789abcdef-0123456789")

// testPublicURL is the configured public base URL of every test server.
const testPublicURL = "https://crossover.test"

func newRequest(method, path string) *http.Request { return httptest.NewRequest(method, path, nil) }

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

// env is one test's server on its own fresh database (SQLite, or PostgreSQL with TEST_DATABASE_URL).
type env struct {
	t     *testing.T
	srv   *Server
	store *models.Store
	logs  *syncBuffer
	clock *clock
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.now.IsZero() {
		return time.Now()
	}
	return c.now
}

func (c *clock) Set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func newEnv(t *testing.T) *env {
	t.Helper()
	store := dbtest.New(t)
	// Cheap hashes keep the suite fast; TestPasswordHashParameters checks the production ones.
	store.SetHashParams(models.HashParams{MemoryKiB: 64, Time: 1, Threads: 1})
	if err := seeds.ApplyReference(context.Background(), store); err != nil {
		t.Fatalf("reference data: %v", err)
	}
	logs := &syncBuffer{}
	clk := &clock{}
	srv, err := NewServer(Deps{Store: store, Log: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		JWTSecret: testSecret, Version: "test", Codes: seeds.Codes{}, Instruments: seeds.InstrumentRules{}, Now: clk.Now, PublicURL: testPublicURL})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	srv.Start(ctx)
	deadline := time.Now().Add(10 * time.Second)
	for !srv.matcher.ready.Load() && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	return &env{t: t, srv: srv, store: store, logs: logs, clock: clk}
}

// resp is a decoded response.
type resp struct {
	Status int
	Header http.Header
	Raw    string
	JSON   map[string]any
}

// call sends one request through the real server. body may be a string (sent as is) or a value (JSON).
func (e *env) call(method, path string, body any, token string, headers ...string) resp {
	e.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		r = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	out := resp{Status: rec.Code, Header: rec.Header(), Raw: rec.Body.String()}
	_ = json.Unmarshal(rec.Body.Bytes(), &out.JSON)
	return out
}

// errCode returns error.code of an error response.
func (r resp) errCode() string {
	if e, ok := r.JSON["error"].(map[string]any); ok {
		c, _ := e["code"].(string)
		return c
	}
	return ""
}

// fields returns error.fields of a validation error.
func (r resp) fields() map[string]any {
	if e, ok := r.JSON["error"].(map[string]any); ok {
		f, _ := e["fields"].(map[string]any)
		return f
	}
	return nil
}

type account struct {
	ID, Email, Password, Access, Refresh string
}

// register creates an account through the API and returns its tokens.
func (e *env) register(name string) account {
	e.t.Helper()
	email := strings.ToLower(name) + "@example.org"
	pw := "correct horse " + name
	r := e.call("POST", "/api/v1/auth/register", map[string]any{"email": email, "password": pw, "display_name": name}, "")
	if r.Status != http.StatusCreated {
		e.t.Fatalf("register %s: %d %s", name, r.Status, r.Raw)
	}
	u := r.JSON["user"].(map[string]any)
	return account{ID: u["id"].(string), Email: email, Password: pw, Access: r.JSON["access_token"].(string), Refresh: r.JSON["refresh_token"].(string)}
}

// promote gives an account a role directly in the store (the CLI's path) and signs in again.
func (e *env) promote(a *account, role string) {
	e.t.Helper()
	if _, err := e.store.SetRole(context.Background(), nil, a.ID, role, "test"); err != nil {
		e.t.Fatal(err)
	}
	r := e.call("POST", "/api/v1/auth/login", map[string]any{"email": a.Email, "password": a.Password}, "")
	if r.Status != 200 {
		e.t.Fatalf("login after promote: %d %s", r.Status, r.Raw)
	}
	a.Access, a.Refresh = r.JSON["access_token"].(string), r.JSON["refresh_token"].(string)
}

// museum and startup are two complementary valid profiles.
func museum() map[string]any {
	return map[string]any{
		"kind": "cci", "name": "Museum of Light", "org_type": "public_institution", "country": "NL", "region": "Utrecht",
		"sectors": []string{"museums", "heritage"}, "languages": []string{"nl", "en"},
		"offers":              []map[string]any{{"skill": "curation", "level": 4}, {"skill": "heritage-conservation", "level": 3}},
		"needs":               []map[string]any{{"skill": "computer-vision", "importance": "must"}, {"skill": "metadata-cataloguing", "importance": "nice"}},
		"collaboration_modes": []string{"co-creation"}, "remote": true, "available": true, "capacity": 3,
		"bio": "A museum of light and optics.", "website": "https://light.example.org",
		"contact": map[string]any{"email": "curator@light.example.org", "phone": "+31 30 000 0000"},
	}
}

func startup() map[string]any {
	return map[string]any{
		"kind": "ai", "name": "Seeing Machines", "org_type": "startup", "country": "BE",
		"sectors": []string{"museums"}, "languages": []string{"en", "fr"},
		"offers":              []map[string]any{{"skill": "computer-vision", "level": 4}},
		"needs":               []map[string]any{{"skill": "heritage-conservation", "importance": "must"}},
		"collaboration_modes": []string{"co-creation", "research"}, "remote": true, "available": true, "capacity": 5,
		"contact": map[string]any{"email": "founders@seeing.example.org"},
	}
}

// createActor posts a profile and returns its id.
func (e *env) createActor(token string, body map[string]any) string {
	e.t.Helper()
	r := e.call("POST", "/api/v1/actors", body, token)
	if r.Status != http.StatusCreated {
		e.t.Fatalf("create actor: %d %s", r.Status, r.Raw)
	}
	return r.JSON["id"].(string)
}
