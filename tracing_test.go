package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	otelcodes "go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/crossover-cci/crossover/api"
	"github.com/crossover-cci/crossover/models"
	"github.com/crossover-cci/crossover/models/dbtest"
	"github.com/crossover-cci/crossover/seeds"
)

// tracedAPI is the real API on a fresh database (SQLite, or PostgreSQL with TEST_DATABASE_URL),
// wrapped the way serve wraps it, with the store's statement spans on.
func tracedAPI(t *testing.T, tp *sdktrace.TracerProvider) http.Handler {
	t.Helper()
	store := dbtest.New(t)
	store.SetHashParams(models.HashParams{MemoryKiB: 64, Time: 1, Threads: 1})
	if err := seeds.ApplyReference(context.Background(), store); err != nil {
		t.Fatal(err)
	}
	if err := store.Trace(tp); err != nil {
		t.Fatal(err)
	}
	srv, err := api.NewServer(api.Deps{Store: store, JWTSecret: []byte("tracing-test-secret-0123456789abcdef"), Version: "test",
		Codes: seeds.Codes{}, Instruments: seeds.InstrumentRules{}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	srv.Start(ctx)
	h := traceHandler(srv, tp)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if st, _ := call(h, "GET", "/readyz", nil, ""); st == 200 {
			return h
		}
		if time.Now().After(deadline) {
			t.Fatal("the server never became ready")
		}
	}
}

func call(h http.Handler, method, path string, body any, token string) (int, map[string]any) {
	var r *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	} else {
		r = bytes.NewReader(nil)
	}
	req := httptest.NewRequest(method, path, r)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var out map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return rec.Code, out
}

// TestTracingSpans serves requests through the tracing setup of serve with an in-memory exporter:
// spans are named after route patterns, carry the route, the request id and the signed-in user,
// and nothing secret or personal: no token, password, e-mail, contact data or query string.
func TestTracingSpans(t *testing.T) {
	t.Setenv("OTEL_SERVICE_NAME", "")
	exp := tracetest.NewInMemoryExporter()
	tp, err := newTracing(context.Background(), TracingConfig{}, exp)
	if err != nil {
		t.Fatal(err)
	}
	defer tp.Shutdown(context.Background())
	h := tracedAPI(t, tp)

	const email, password = "tracer@example.org", "correct horse tracer"
	st, reg := call(h, "POST", "/api/v1/auth/register", map[string]any{"email": email, "password": password, "display_name": "Tracer"}, "")
	if st != http.StatusCreated {
		t.Fatalf("register: %d %v", st, reg)
	}
	token, refresh := reg["access_token"].(string), reg["refresh_token"].(string)
	userID := reg["user"].(map[string]any)["id"].(string)
	const contactEmail, phone = "curator@light.example.org", "+31 30 000 0000"
	st, actor := call(h, "POST", "/api/v1/actors", map[string]any{
		"kind": "cci", "name": "Museum of Light", "org_type": "public_institution", "country": "NL",
		"sectors": []string{"museums"}, "languages": []string{"en"},
		"offers":              []map[string]any{{"skill": "curation", "level": 4}},
		"needs":               []map[string]any{{"skill": "computer-vision", "importance": "must"}},
		"collaboration_modes": []string{"co-creation"}, "remote": true, "available": true, "capacity": 3,
		"contact": map[string]any{"email": contactEmail, "phone": phone},
	}, token)
	if st != http.StatusCreated {
		t.Fatalf("create actor: %d %v", st, actor)
	}
	actorID := actor["id"].(string)
	const secretQuery = "s3cr3t-in-the-query"
	for _, p := range []string{"/api/v1/actors/" + actorID, "/api/v1/actors/" + actorID + "/matches?token=" + secretQuery} {
		if st, body := call(h, "GET", p, nil, token); st != 200 {
			t.Fatalf("GET %s: %d %v", p, st, body)
		}
	}
	if st, body := call(h, "POST", "/api/v1/auth/register", map[string]any{"email": email, "password": password, "display_name": "Again"}, ""); st != http.StatusUnprocessableEntity {
		t.Fatalf("second registration: %d %v", st, body) // its failed INSERT: a span in error, without the e-mail
	}
	call(h, "GET", "/healthz", nil, "")
	call(h, "GET", "/api/v1/no-such-route/"+actorID, nil, token) // 404: still no id in the name
	call(h, "GET", "/api/v1/actors/"+actorID, nil, "")           // 401: a span, without a user

	if err := tp.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	spans := exp.GetSpans()
	byName := map[string]tracetest.SpanStub{}
	servers := map[trace.SpanID]tracetest.SpanStub{}
	var statements []tracetest.SpanStub
	for _, s := range spans {
		if s.SpanKind == trace.SpanKindServer {
			servers[s.SpanContext.SpanID()] = s
		}
	}
	for _, s := range spans {
		// Everything the span would export, as text: no secret or personal data anywhere.
		dump := fmt.Sprintf("%s %v %v %v", s.Name, s.Attributes, s.Events, s.Resource.Attributes())
		for what, secret := range map[string]string{"access token": token, "refresh token": refresh, "password": password,
			"e-mail": email, "contact e-mail": contactEmail, "phone": phone, "query": secretQuery} {
			if strings.Contains(dump, secret) {
				t.Errorf("span %q holds the %s: %s", s.Name, what, dump)
			}
		}
		if s.SpanKind == trace.SpanKindClient {
			statements = append(statements, s)
			continue
		}
		if _, seen := byName[s.Name]; !seen { // the first: the signed-in GET /api/v1/actors/:id, not the 401
			byName[s.Name] = s
		}
		if strings.Contains(s.Name, actorID) || strings.Contains(s.Name, userID) {
			t.Errorf("span name %q holds an id: names must be route patterns", s.Name)
		}
		if s.Name == "GET /healthz" || s.Name == "GET /readyz" {
			t.Errorf("probe traced: %s", s.Name)
		}
		if s.Name == "GET /api/v1/actors/:id/matches" && !strings.Contains(dump, actorID) {
			t.Errorf("the dump of %q lacks url.path: the checks above prove nothing: %s", s.Name, dump)
		}
		attrs := map[string]string{}
		for _, a := range s.Attributes {
			attrs[string(a.Key)] = a.Value.Emit()
		}
		if attrs["http.route"] == "" || s.Name != attrs["http.request.method"]+" "+attrs["http.route"] {
			t.Errorf("span %q: http.route %q", s.Name, attrs["http.route"])
		}
		if attrs["http.response.header.x-request-id"] == "" || attrs["http.response.header.x-request-id"] == "[]" {
			t.Errorf("span %q has no request id: %v", s.Name, attrs)
		}
		if _, ok := attrs["url.query"]; ok {
			t.Errorf("span %q records the query", s.Name)
		}
		if name, ver := resourceAttr(s, "service.name"), resourceAttr(s, "service.version"); name != "crossover" || ver != version {
			t.Errorf("resource service.name %q, service.version %q: want crossover, %s", name, ver, version)
		}
	}
	// Statements: children of the request that ran them, named "<operation> <table>", with the
	// statement's placeholders and never its values (the loop above checked the values).
	inserted := map[string]bool{}
	var failed []string
	for _, s := range statements {
		attrs := map[string]string{}
		for _, a := range s.Attributes {
			attrs[string(a.Key)] = a.Value.Emit()
		}
		parent, ok := servers[s.Parent.SpanID()]
		if !ok || s.SpanContext.TraceID() != parent.SpanContext.TraceID() {
			t.Errorf("statement span %q is not the child of a request's span", s.Name)
			continue
		}
		wantSystem := "sqlite"
		if os.Getenv("TEST_DATABASE_URL") != "" {
			wantSystem = "postgresql"
		}
		if attrs["db.system.name"] != wantSystem || attrs["db.query.text"] == "" || attrs["db.operation.name"] == "" ||
			s.Name != strings.TrimSpace(attrs["db.operation.name"]+" "+attrs["db.collection.name"]) {
			t.Errorf("statement span %q: %v", s.Name, attrs)
		}
		if s.Status.Code == otelcodes.Error {
			failed = append(failed, s.Name+" "+attrs["error.type"])
		}
		if attrs["db.operation.name"] == "INSERT" {
			inserted[parent.Name+" → "+s.Name] = true
			if !strings.Contains(attrs["db.query.text"], "$1") && !strings.Contains(attrs["db.query.text"], "?") {
				t.Errorf("INSERT without placeholders: %s", attrs["db.query.text"])
			}
		}
	}
	t.Logf("%d statement spans; inserts %v; failed %v", len(statements), inserted, failed)
	if len(failed) != 1 || !strings.HasPrefix(failed[0], "INSERT users ") || strings.HasSuffix(failed[0], " ") {
		t.Errorf("failed statements %q: want the second registration's INSERT users, with an error.type", failed)
	}
	for _, want := range []string{"POST /api/v1/auth/register → INSERT users", "POST /api/v1/actors → INSERT actors"} {
		if !inserted[want] {
			t.Errorf("no statement span %q among %v", want, inserted)
		}
	}
	for _, name := range []string{"POST /api/v1/auth/register", "POST /api/v1/actors", "GET /api/v1/actors/:id", "GET /api/v1/actors/:id/matches"} {
		s, ok := byName[name]
		if !ok {
			var names []string
			for _, s := range spans {
				names = append(names, s.Name)
			}
			t.Fatalf("no span %q among %q", name, names)
		}
		var uid string
		for _, a := range s.Attributes {
			if a.Key == "user.id" {
				uid = a.Value.AsString()
			}
		}
		if want := userID; name == "POST /api/v1/auth/register" {
			if uid != "" {
				t.Errorf("%s: user.id %q on a public route", name, uid)
			}
		} else if uid != want {
			t.Errorf("%s: user.id %q, want %q", name, uid, want)
		}
	}
}

func resourceAttr(s tracetest.SpanStub, key string) string {
	v, _ := s.Resource.Set().Value(attribute.Key(key))
	return v.Emit()
}

// TestTracingOffInstallsNothing: without an OTLP endpoint there is no provider, the handler is the
// API itself, and otel's global provider stays the no-op one.
func TestTracingOffInstallsNothing(t *testing.T) {
	for _, env := range []map[string]string{
		{},
		{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_SDK_DISABLED": "true"},
	} {
		cfg, err := loadConfig(func(k string) string { return env[k] })
		if err != nil {
			t.Fatal(err)
		}
		tp, err := newTracing(context.Background(), cfg.Tracing, nil)
		if err != nil || tp != nil {
			t.Fatalf("%v: tracing off gave a provider %v (%v)", env, tp, err)
		}
		h := http.NotFoundHandler()
		if got := traceHandler(h, nil); fmt.Sprintf("%p", got) != fmt.Sprintf("%p", h) {
			t.Fatalf("%v: the handler was wrapped with tracing off", env)
		}
	}
	if _, sdk := otel.GetTracerProvider().(*sdktrace.TracerProvider); sdk {
		t.Fatal("a global SDK tracer provider is installed")
	}
}

// TestTracingConfig: which variable turns tracing on, and OTEL_SERVICE_NAME over the default name.
func TestTracingConfig(t *testing.T) {
	cfg, err := loadConfig(func(k string) string {
		return map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://a:4318", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://b/v1/traces"}[k]
	})
	if err != nil || !cfg.Tracing.On() || cfg.Tracing.EndpointVar != "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" || cfg.Tracing.validate() != nil {
		t.Fatalf("%+v %v", cfg.Tracing, err)
	}
	t.Setenv("OTEL_SERVICE_NAME", "crossover-eu")
	exp := tracetest.NewInMemoryExporter()
	tp, err := newTracing(context.Background(), TracingConfig{}, exp)
	if err != nil {
		t.Fatal(err)
	}
	_, span := tp.Tracer("t").Start(context.Background(), "x")
	span.End()
	_ = tp.ForceFlush(context.Background())
	defer tp.Shutdown(context.Background())
	if spans := exp.GetSpans(); len(spans) != 1 || resourceAttr(spans[0], "service.name") != "crossover-eu" {
		t.Fatalf("spans %v: OTEL_SERVICE_NAME not applied", spans)
	}
}

// TestTracingUnreachableCollector: with the collector down, requests neither fail nor wait for it
// (spans leave through the batch processor), and shutdown gives up at its deadline.
func TestTracingUnreachableCollector(t *testing.T) {
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1")
	t.Setenv("OTEL_BSP_SCHEDULE_DELAY", "10") // ms: export attempts run while the requests do
	cfg, err := loadConfig(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Tracing.validate(); err != nil || !cfg.Tracing.On() {
		t.Fatalf("tracing not on: %v", err)
	}
	exportErrors := make(chan error, 100)
	t.Cleanup(func(prev otel.ErrorHandler) func() { return func() { otel.SetErrorHandler(prev) } }(otel.GetErrorHandler()))
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
		select {
		case exportErrors <- err:
		default:
		}
	}))
	tp, err := newTracing(context.Background(), cfg.Tracing, nil)
	if err != nil || tp == nil {
		t.Fatalf("no provider: %v", err)
	}
	h := tracedAPI(t, tp)
	start := time.Now()
	var slowest time.Duration
	for i := 0; i < 200; i++ {
		t0 := time.Now()
		if st, body := call(h, "GET", "/api/v1/info", nil, ""); st != 200 {
			t.Fatalf("request %d: %d %v", i, st, body)
		}
		slowest = max(slowest, time.Since(t0))
	}
	total := time.Since(start)
	if slowest > 500*time.Millisecond || total > 5*time.Second {
		t.Fatalf("requests waited for the collector: slowest %s, 200 in %s", slowest, total)
	}
	select {
	case err := <-exportErrors:
		t.Logf("export failed as expected, off the request path: %v", err)
	case <-time.After(5 * time.Second):
		t.Log("no export error reported yet")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	t0 := time.Now()
	_ = tp.Shutdown(ctx)
	if d := time.Since(t0); d > 3*time.Second {
		t.Fatalf("shutdown took %s past a 1 s deadline", d)
	}
	t.Logf("200 requests in %s (slowest %s) with the collector unreachable", total.Round(time.Millisecond), slowest.Round(time.Millisecond))
}
