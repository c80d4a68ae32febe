package api

import (
	"net/http"
	"strings"
	"testing"
)

func TestFoundationRoutes(t *testing.T) {
	e := newEnv(t)
	big := `{"display_name":"` + strings.Repeat("a", 2<<20) + `"}`
	for _, tc := range []struct {
		name, method, path string
		body               any
		status             int
		code               string
	}{
		{"healthz", "GET", "/healthz", nil, 200, ""},
		{"readyz pings the database", "GET", "/readyz", nil, 200, ""},
		{"info names the database", "GET", "/api/v1/info", nil, 200, ""},
		{"unknown api path is a JSON 404", "GET", "/api/v1/nope", nil, 404, "not_found"},
		{"unknown api path outside v1 too", "GET", "/api/zzz", nil, 404, "not_found"},
		{"wrong method is a JSON error", "DELETE", "/api/v1/info", nil, 404, "not_found"},
		{"a 2 MiB body is 413 JSON", "POST", "/api/v1/auth/register", big, 413, "body_too_large"},
		{"malformed JSON is 400", "POST", "/api/v1/auth/login", `{"email":`, 400, "bad_request"},
		{"wrong JSON type names the field", "POST", "/api/v1/auth/login", `{"email": 5}`, 422, "validation_failed"},
		{"two JSON values are 400", "POST", "/api/v1/auth/login", `{} {}`, 400, "bad_request"},
		{"the SPA answers other paths", "GET", "/matches", nil, 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.call(tc.method, tc.path, tc.body, "")
			if r.Status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.Status, tc.status, r.Raw)
			}
			if tc.code != "" {
				if r.errCode() != tc.code {
					t.Fatalf("code %q, want %q: %s", r.errCode(), tc.code, r.Raw)
				}
				if msg := r.JSON["error"].(map[string]any)["message"]; msg == "" || msg == nil {
					t.Fatalf("no message: %s", r.Raw)
				}
			}
		})
	}
	if r := e.call("GET", "/api/v1/info", nil, ""); r.JSON["database"] != string(e.store.Dialect()) {
		t.Fatalf("info database = %v", r.JSON["database"])
	}
	if r := e.call("POST", "/api/v1/auth/login", `{"email": 5}`, ""); r.fields()["email"] == nil {
		t.Fatalf("the type error does not name the field: %s", r.Raw)
	}
	r := e.call("GET", "/healthz", nil, "")
	for _, h := range []string{"X-Content-Type-Options", "X-Frame-Options", "Content-Security-Policy", "X-Request-Id"} {
		if r.Header.Get(h) == "" {
			t.Errorf("missing header %s", h)
		}
	}
}

func TestMetricsUseRoutePatterns(t *testing.T) {
	e := newEnv(t)
	e.call("GET", "/api/v1/actors/some-id", nil, "")
	r := e.call("GET", "/metrics", nil, "")
	if r.Status != http.StatusOK || !strings.Contains(r.Raw, `route="/api/v1/actors/:id"`) {
		t.Fatalf("metrics lack the route pattern: %d", r.Status)
	}
	if strings.Contains(r.Raw, "some-id") {
		t.Fatal("metrics contain a raw path")
	}
}
