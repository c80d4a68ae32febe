package api

import (
	"net/http"
	"strings"
	"testing"
)

func TestMetricsIncludeStoreFigures(t *testing.T) {
	e := newEnv(t)
	e.call("GET", "/api/v1/info", nil, "")
	r := e.call("GET", "/metrics", nil, "")
	if r.Status != http.StatusOK {
		t.Fatalf("metrics: %d", r.Status)
	}
	for _, want := range []string{
		`go_sql_open_connections{db_name="crossover"}`, `go_sql_wait_count_total{db_name="crossover"}`,
		"crossover_database_up 1", "crossover_outbox_depth 0", "crossover_outbox_failing 0", "crossover_outbox_dead 0",
		`crossover_introductions{status="pending"} 0`, `crossover_introductions{status="connected"} 0`,
		"crossover_matching_index_actors", "crossover_matching_replication_lag_seconds", "crossover_matching_query_seconds",
		"crossover_http_request_duration_seconds_bucket",
	} {
		if !strings.Contains(r.Raw, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// TestLogsHoldNoContactData: request logs carry the request id and the user id, never an actor's
// contact details, even through creates, edits, matches and a failed edit.
func TestLogsHoldNoContactData(t *testing.T) {
	e := newEnv(t)
	a, b := e.register("contactone"), e.register("contacttwo")
	m := e.createActor(a.Access, museum())
	e.createActor(b.Access, startup())
	e.call("PATCH", "/api/v1/actors/"+m, map[string]any{"version": 1, "contact": map[string]any{"email": "new-curator@light.example.org", "phone": "+31 30 111 1111"}}, a.Access)
	e.call("PATCH", "/api/v1/actors/"+m, map[string]any{"version": 1, "contact": map[string]any{"email": "stale@light.example.org"}}, a.Access)
	e.call("GET", "/api/v1/actors/"+m+"/matches", nil, a.Access)
	e.call("GET", "/api/v1/actors/"+m, nil, b.Access)
	logs := e.logs.String()
	if !strings.Contains(logs, `"request_id"`) || !strings.Contains(logs, `"user_id":"`+a.ID) {
		t.Fatalf("request logs lack the request id or the user id")
	}
	for _, secret := range []string{"curator@light.example.org", "+31 30 000 0000", "new-curator@light.example.org", "+31 30 111 1111",
		"stale@light.example.org", "founders@seeing.example.org", a.Access, b.Access} {
		if strings.Contains(logs, secret) {
			t.Fatalf("the log holds contact data or a token: %.24s…", secret)
		}
	}
}
