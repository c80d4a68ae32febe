package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// TestTraceRoute: a recording span in the request context is named after the route pattern and
// gets http.route and the signed-in user; the server's answers are the same with or without one.
// (main's TestTracingSpans runs the whole otelhttp setup of serve.)
func TestTraceRoute(t *testing.T) {
	e := newEnv(t)
	a := e.register("Tracer")
	id := e.createActor(a.Access, museum())

	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	traced := func(path, token string) int {
		ctx, span := tp.Tracer("test").Start(context.Background(), "GET")
		defer span.End()
		req := httptest.NewRequest("GET", path, nil).WithContext(ctx)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		w := httptest.NewRecorder()
		e.srv.ServeHTTP(w, req)
		return w.Code
	}
	if st := traced("/api/v1/actors/"+id+"/matches", a.Access); st != http.StatusOK {
		t.Fatalf("traced matches: %d", st)
	}
	if r := e.call("GET", "/api/v1/actors/"+id+"/matches", nil, a.Access); r.Status != http.StatusOK {
		t.Fatalf("untraced matches: %d", r.Status)
	}
	ended := rec.Ended()
	if len(ended) != 1 {
		t.Fatalf("%d spans, want 1", len(ended))
	}
	s := ended[0]
	if s.Name() != "GET /api/v1/actors/:id/matches" {
		t.Errorf("span name %q, want the route pattern", s.Name())
	}
	got := map[string]string{}
	for _, kv := range s.Attributes() {
		got[string(kv.Key)] = kv.Value.Emit()
	}
	if got["http.route"] != "/api/v1/actors/:id/matches" || got["user.id"] != a.ID || got["http.response.header.x-request-id"] == "" {
		t.Errorf("attributes %v: want http.route, user.id %s and the request id", got, a.ID)
	}
}
