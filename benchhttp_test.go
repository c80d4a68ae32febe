package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/crossover-cci/crossover/models/dbtest"
)

// TestBenchHTTP runs `crossover bench http` briefly against a real server and reads its report.
func TestBenchHTTP(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	dbURL := dbtest.URL(t)
	env := processEnv(t, dbURL)
	if dbURL != "" {
		runTool(t, bin, env, "migrate", "up")
		runTool(t, bin, env, "seed")
	}
	srv := startReplica(t, bin, env)
	var out bytes.Buffer
	args := []string{"bench", "http", "--url", srv.url, "--workload", "w3", "--rates", "20", "--duration", "1s", "--own", "3", "--populate", "20", "--workers", "2"}
	if err := run(context.Background(), args, func(string) string { return "" }, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	report := out.String()
	for _, want := range []string{"created 20 profiles", "info @ 20/s", "w2 @ 20/s", "w3 @ 20/s", "matches ", "edit ", "p99=", "highest rate", "RSS", "cpu        server "} {
		if !strings.Contains(report, want) {
			t.Errorf("the report lacks %q:\n%s", want, report)
		}
	}
	if strings.Contains(report, "errors 1") || strings.Contains(report, "failure:") {
		t.Errorf("errors under a light load:\n%s", report)
	}
	if err := run(context.Background(), []string{"bench", "http", "--url", "http://192.0.2.1:8080"}, func(string) string { return "" }, &out); err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("a non-loopback target: %v", err)
	}
}
