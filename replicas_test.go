package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/crossover-cci/crossover/deploy/loadtest"
)

// lockedBuffer collects a process's output while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// replica is one `crossover serve` process of a process test.
type replica struct {
	t    *testing.T
	cmd  *exec.Cmd
	addr string
	url  string
	logs *lockedBuffer
	done chan error
	c    *loadtest.Client
}

// startReplica runs `crossover serve` on a free port with env and waits until /readyz answers.
func startReplica(t *testing.T, bin string, env []string, args ...string) *replica {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(bin, append([]string{"serve", "--addr", addr}, args...)...)
	cmd.Env = env
	logs := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := &replica{t: t, cmd: cmd, addr: addr, url: "http://" + addr, logs: logs, done: make(chan error, 1)}
	go func() { r.done <- cmd.Wait() }()
	t.Cleanup(func() { r.kill() })
	c, err := loadtest.NewClient(r.url, 256)
	if err != nil {
		t.Fatal(err)
	}
	r.c = c
	if err := c.WaitReady(context.Background(), 90*time.Second); err != nil {
		t.Fatalf("%v\n%s", err, logs.String())
	}
	return r
}

// kill ends the process at once (SIGKILL: a crash, not a shutdown).
func (r *replica) kill() {
	if r.cmd.ProcessState == nil {
		r.cmd.Process.Kill()
		select {
		case <-r.done:
		case <-time.After(10 * time.Second):
		}
	}
}

// stop sends SIGTERM and returns the exit error and how long the process took to exit.
func (r *replica) stop(timeout time.Duration) (error, time.Duration) {
	start := time.Now()
	r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-r.done:
		return err, time.Since(start)
	case <-time.After(timeout):
		r.cmd.Process.Kill()
		return context.DeadlineExceeded, time.Since(start)
	}
}

// processEnv is the environment of the process tests: the test's database, a shared JWT key, JSON logs.
func processEnv(t *testing.T, dbURL string, extra ...string) []string {
	env := append(os.Environ(), "CROSSOVER_DATA_DIR="+t.TempDir(), "DATABASE_URL="+dbURL,
		"CROSSOVER_JWT_SECRET=process-test-secret-0123456789abcdef", "CROSSOVER_LOG_FORMAT=json")
	return append(env, extra...)
}

// runTool runs a one-shot subcommand (migrate, seed) and fails the test on an error.
func runTool(t *testing.T, bin string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("crossover %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}
