package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/crossover-cci/crossover/models/dbtest"
)

// TestImportRules walks `go list -deps` and fails on an import arrow the layout forbids.
func TestImportRules(t *testing.T) {
	const mod = "github.com/crossover-cci/crossover"
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	ours := func(p string) string {
		if p == mod {
			return "main"
		}
		if rest, ok := strings.CutPrefix(p, mod+"/"); ok {
			return strings.SplitN(rest, "/", 2)[0]
		}
		return ""
	}
	allowed := map[string][]string{
		"main":     {"api", "models", "matching", "seeds", "frontend", "deploy"},
		"deploy":   {"deploy"}, // deploy/loadtest is an HTTP client: nothing of ours
		"api":      {"models", "matching", "frontend"},
		"seeds":    {"models", "matching"},
		"models":   {"models"},
		"matching": {},
		"frontend": {},
	}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		from := ours(fields[0])
		if from == "" {
			continue
		}
		for _, imp := range fields[1:] {
			checked++
			to := ours(imp)
			switch {
			case strings.HasPrefix(imp, "github.com/labstack/echo") && from != "api":
				t.Errorf("%s imports echo: only api may", fields[0])
			case strings.HasPrefix(imp, "gorm.io/") && from != "models":
				t.Errorf("%s imports gorm: only models may", fields[0])
			case from == "matching" && !isStd(imp) && to != "matching":
				t.Errorf("matching must use the standard library only, imports %s", imp)
			case to != "" && to != from:
				ok := false
				for _, a := range allowed[from] {
					ok = ok || a == to
				}
				if !ok {
					t.Errorf("%s must not import %s", fields[0], imp)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no imports seen: the check proves nothing")
	}
}

func isStd(p string) bool { return !strings.Contains(strings.SplitN(p, "/", 2)[0], ".") }

func TestConfigErrorsAreOneLine(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{"CROSSOVER_ADDR": "nonsense"}, []string{"serve"}, "CROSSOVER_ADDR"},
		{map[string]string{"CROSSOVER_ADDR": ":99999"}, []string{"serve"}, "CROSSOVER_ADDR"},
		{map[string]string{"DATABASE_URL": "mysql://root@localhost/x"}, []string{"serve"}, "DATABASE_URL"},
		{map[string]string{"DATABASE_URL": "mysql://root@localhost/x"}, []string{"migrate", "status"}, "DATABASE_URL"},
		{map[string]string{"CROSSOVER_LOG_FORMAT": "xml"}, []string{"serve"}, "CROSSOVER_LOG_FORMAT"},
		{map[string]string{"CROSSOVER_TRUSTED_PROXIES": "everyone"}, []string{"serve"}, "CROSSOVER_TRUSTED_PROXIES"},
		{map[string]string{"CROSSOVER_JWT_SECRET": "short"}, []string{"serve"}, "CROSSOVER_JWT_SECRET"},
		{map[string]string{"DATABASE_URL": "postgres://127.0.0.1:1/x"}, []string{"serve"}, "CROSSOVER_JWT_SECRET"},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318"}, []string{"serve"}, "OTEL_EXPORTER_OTLP_ENDPOINT"},
		{map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://"}, []string{"serve"}, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4317", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}, []string{"serve"}, "OTEL_EXPORTER_OTLP_PROTOCOL"},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_TRACES_SAMPLER": "sometimes"}, []string{"serve"}, "OTEL_TRACES_SAMPLER"},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "10%"}, []string{"serve"}, "OTEL_TRACES_SAMPLER_ARG"},
		{map[string]string{"CROSSOVER_PUBLIC_URL": "crossover.example.org"}, []string{"serve"}, "CROSSOVER_PUBLIC_URL"},
		{map[string]string{"CROSSOVER_PUBLIC_URL": "ftp://crossover.example.org"}, []string{"serve"}, "CROSSOVER_PUBLIC_URL"},
		{map[string]string{"CROSSOVER_PUBLIC_URL": "https://user:pw@crossover.example.org"}, []string{"serve"}, "CROSSOVER_PUBLIC_URL"},
		{map[string]string{"CROSSOVER_PUBLIC_URL": "https://crossover.example.org/?next=x"}, []string{"serve"}, "CROSSOVER_PUBLIC_URL"},
		{map[string]string{"CROSSOVER_PUBLIC_URL": "https://crossover.example.org:99999"}, []string{"serve"}, "CROSSOVER_PUBLIC_URL"},
		{nil, []string{"frobnicate"}, "unknown command"},
	} {
		t.Run(strings.Join(tc.args, " ")+fmt.Sprint(tc.env), func(t *testing.T) {
			env := map[string]string{"CROSSOVER_DATA_DIR": t.TempDir()}
			for k, v := range tc.env {
				env[k] = v
			}
			var out bytes.Buffer
			err := run(context.Background(), tc.args, func(k string) string { return env[k] }, &out)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q does not name %s in one line", err, tc.want)
			}
		})
	}
}

// TestPublicURL: a set CROSSOVER_PUBLIC_URL is kept without its trailing slash; unset, it is derived
// from the listen address.
func TestPublicURL(t *testing.T) {
	for _, tc := range []struct{ env, addr, want string }{
		{"https://crossover.example.org/", ":8080", "https://crossover.example.org"},
		{"https://example.org/crossover/", ":8080", "https://example.org/crossover"},
		{"", ":8080", "http://localhost:8080"},
		{"", "0.0.0.0:9000", "http://localhost:9000"},
		{"", "127.0.0.1:8081", "http://127.0.0.1:8081"},
		{"", "[::1]:8080", "http://[::1]:8080"},
	} {
		cfg, err := loadConfig(func(k string) string {
			return map[string]string{"CROSSOVER_PUBLIC_URL": tc.env, "CROSSOVER_ADDR": tc.addr}[k]
		})
		if err == nil {
			err = cfg.validateServe()
		}
		if err != nil || cfg.PublicURL != tc.want {
			t.Errorf("%q on %s: %q, %v; want %q", tc.env, tc.addr, cfg.PublicURL, err, tc.want)
		}
	}
}

// buildBinary compiles crossover once for the process tests.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "crossover")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func waitReady(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if r, err := http.Get(url + "/readyz"); err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the server never became ready")
}

// TestServeMigrateAndGracefulShutdown runs the real binary: migrate twice, status, serve, then a
// SIGTERM while a request is in flight — the request completes and the process exits 0.
func TestServeMigrateAndGracefulShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	dbURL := dbtest.URL(t) // "" = embedded SQLite
	data := t.TempDir()
	env := append(os.Environ(), "CROSSOVER_DATA_DIR="+data, "DATABASE_URL="+dbURL,
		"CROSSOVER_JWT_SECRET=process-test-secret-0123456789abcdef")
	runCmd := func(args ...string) string {
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	runCmd("migrate", "up")
	runCmd("migrate", "up") // harmless twice
	status := runCmd("migrate", "status")
	if strings.Contains(status, "pending") || !strings.Contains(status, "applied") {
		t.Fatalf("status after up:\n%s", status)
	}
	if dbURL != "" {
		runCmd("seed")
	}

	addr := freeAddr(t)
	cmd := exec.Command(bin, "serve", "--addr", addr)
	cmd.Env = env
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	url := "http://" + addr
	waitReady(t, url)
	if dbURL == "" {
		if _, err := os.Stat(filepath.Join(data, "crossover.db")); err != nil {
			t.Fatalf("no SQLite file in the data dir: %v", err)
		}
	}

	// A slow request: the body arrives in two parts, with SIGTERM in between.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"email":"slow@example.org","password":"a slow but fine password","display_name":"Slow"}`
	fmt.Fprintf(conn, "POST /api/v1/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body))
	io.WriteString(conn, body[:20])
	time.Sleep(300 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	io.WriteString(conn, body[20:])
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the in-flight request did not complete: %v\n%s", err, logs.String())
	}
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("in-flight request: %d %v", resp.StatusCode, out)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v\n%s", err, logs.String())
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the process did not exit after SIGTERM")
	}
}

// TestServeRefusesASchemaBehind: on PostgreSQL, serve without --migrate names the command to run.
func TestServeRefusesASchemaBehind(t *testing.T) {
	dbURL := dbtest.URL(t)
	if dbURL == "" {
		t.Skip("PostgreSQL only: the embedded default migrates by itself (set TEST_DATABASE_URL)")
	}
	var out bytes.Buffer
	env := map[string]string{"DATABASE_URL": dbURL, "CROSSOVER_JWT_SECRET": "process-test-secret-0123456789abcdef", "CROSSOVER_ADDR": freeAddr(t)}
	err := run(context.Background(), []string{"serve"}, func(k string) string { return env[k] }, &out)
	if err == nil || !strings.Contains(err.Error(), "crossover migrate up") {
		t.Fatalf("got %v", err)
	}
}
