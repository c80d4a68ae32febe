package loadtest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestClientRefusesNonLoopback(t *testing.T) {
	for _, u := range []string{"http://example.org", "http://10.0.0.1:8080", "https://127.0.0.1", "127.0.0.1:8080", "http://192.168.1.2"} {
		if _, err := NewClient(u, 1); err == nil {
			t.Errorf("%s accepted", u)
		}
	}
	for _, u := range []string{"http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:8080"} {
		if _, err := NewClient(u, 1); err != nil {
			t.Errorf("%s refused: %v", u, err)
		}
	}
}

// TestRunCountsQueueingFromTheSchedule: the server stalls once for 300 ms with one connection
// allowed; the requests due during the stall must show the wait, not hide it (coordinated omission).
func TestRunCountsQueueingFromTheSchedule(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 10 {
			time.Sleep(300 * time.Millisecond)
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	c, err := NewClient(srv.URL, 1)
	if err != nil {
		t.Fatal(err)
	}
	rep := Run(context.Background(), Plan{Rate: 200, Max: 100, MaxInFlight: 1}, func(ctx context.Context, i int) Outcome {
		r, err := c.Do(ctx, "GET", "/", "", nil)
		return Outcome{Op: "get", Status: r.Status, Err: err}
	})
	s := rep.Ops["get"]
	if rep.Sent != 100 || s.Count != 100 || s.ByStatus[200] != 100 || rep.Errors() != 0 {
		t.Fatalf("sent %d, count %d, statuses %v", rep.Sent, s.Count, s.ByStatus)
	}
	// 300 ms at 5 ms intervals: about 60 requests were due during the stall and waited for it.
	slow := 0
	for _, l := range s.latencies {
		if l > 100*time.Millisecond {
			slow++
		}
	}
	if slow < 20 {
		t.Fatalf("only %d requests show the stall: latency is not measured from the schedule", slow)
	}
	if s.Max() < 290*time.Millisecond || s.Percentile(0.5) > s.Percentile(0.99) {
		t.Fatalf("max %s, p50 %s, p99 %s", s.Max(), s.Percentile(0.5), s.Percentile(0.99))
	}
}

func TestRunStopsAtTheDuration(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusInternalServerError) }))
	defer srv.Close()
	c, _ := NewClient(srv.URL, 8)
	rep := Run(context.Background(), Plan{Rate: 100, Duration: 300 * time.Millisecond}, func(ctx context.Context, i int) Outcome {
		r, err := c.Do(ctx, "GET", "/", "", nil)
		return Outcome{Op: "get", Status: r.Status, Err: err}
	})
	if rep.Sent < 25 || rep.Sent > 31 {
		t.Fatalf("sent %d in 300 ms at 100/s", rep.Sent)
	}
	if rep.Errors() != rep.Sent || len(rep.Failures) == 0 {
		t.Fatalf("5xx not counted as errors: %d of %d", rep.Errors(), rep.Sent)
	}
}
