package loadtest

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Plan is an open-model run: request i is due at start + i/Rate, whatever happened to the earlier
// ones. Latency is measured from that due time, so a slow server cannot hide its queueing by slowing
// the generator down (coordinated omission). The run stops after Duration or Max requests, whichever
// comes first; at least one of them must be set.
type Plan struct {
	Rate        float64       // requests per second
	Duration    time.Duration // 0: no time bound
	Max         int           // 0: no count bound
	MaxInFlight int           // concurrent requests; 512 when zero
}

// Outcome is what one request did.
type Outcome struct {
	Op     string // a name for the report: "matches", "edit", …
	Status int    // HTTP status; 0 for a transport error
	Err    error
}

// Op runs request i of the plan.
type Op func(ctx context.Context, i int) Outcome

// Report is the result of a run, by op.
type Report struct {
	Rate     float64
	Elapsed  time.Duration // from the first due time to the last answer
	Sent     int
	Late     time.Duration // the worst lag of the generator behind the schedule
	Ops      map[string]*OpStats
	Failures []string // the first 5 transport errors and 5xx, as examples
}

// OpStats are the figures of one op.
type OpStats struct {
	Count     int
	ByStatus  map[int]int
	Transport int // requests with no HTTP answer
	latencies []time.Duration
}

// Percentile returns the q-quantile (0 < q ≤ 1) of the latencies, nearest rank.
func (s *OpStats) Percentile(q float64) time.Duration {
	if len(s.latencies) == 0 {
		return 0
	}
	i := int(float64(len(s.latencies))*q+0.999999) - 1
	return s.latencies[max(0, min(i, len(s.latencies)-1))]
}

// Max is the slowest latency.
func (s *OpStats) Max() time.Duration {
	if len(s.latencies) == 0 {
		return 0
	}
	return s.latencies[len(s.latencies)-1]
}

// Count5xx is the number of answers with a 5xx status.
func (s *OpStats) Count5xx() int {
	n := 0
	for st, c := range s.ByStatus {
		if st >= 500 {
			n += c
		}
	}
	return n
}

// Run executes the plan.
func Run(ctx context.Context, p Plan, op Op) *Report {
	if p.Rate <= 0 || (p.Duration <= 0 && p.Max <= 0) {
		panic("loadtest: a plan needs a rate and a duration or a count")
	}
	if p.MaxInFlight <= 0 {
		p.MaxInFlight = 512
	}
	rep := &Report{Rate: p.Rate, Ops: map[string]*OpStats{}}
	var mu sync.Mutex
	record := func(o Outcome, lat time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		s := rep.Ops[o.Op]
		if s == nil {
			s = &OpStats{ByStatus: map[int]int{}}
			rep.Ops[o.Op] = s
		}
		s.Count++
		s.latencies = append(s.latencies, lat)
		if o.Status == 0 {
			s.Transport++
		} else {
			s.ByStatus[o.Status]++
		}
		if (o.Status == 0 || o.Status >= 500) && len(rep.Failures) < 5 {
			msg := fmt.Sprintf("%s: status %d", o.Op, o.Status)
			if o.Err != nil {
				msg += ": " + o.Err.Error()
			}
			rep.Failures = append(rep.Failures, msg)
		}
	}
	interval := time.Duration(float64(time.Second) / p.Rate)
	sem := make(chan struct{}, p.MaxInFlight)
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; ; i++ {
		due := start.Add(time.Duration(i) * interval)
		if (p.Max > 0 && i >= p.Max) || (p.Duration > 0 && due.Sub(start) >= p.Duration) || ctx.Err() != nil {
			break
		}
		if d := time.Until(due); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-ctx.Done():
				t.Stop()
			case <-t.C:
			}
			if ctx.Err() != nil {
				break
			}
		} else if -d > rep.Late {
			rep.Late = -d
		}
		sem <- struct{}{} // when the server falls behind, the wait counts in the latency (from due)
		wg.Add(1)
		rep.Sent++
		go func(i int, due time.Time) {
			defer wg.Done()
			defer func() { <-sem }()
			o := op(ctx, i)
			record(o, time.Since(due))
		}(i, due)
	}
	wg.Wait()
	rep.Elapsed = time.Since(start)
	for _, s := range rep.Ops {
		slices.Sort(s.latencies)
	}
	return rep
}

// Achieved is the rate of answered requests over the run.
func (r *Report) Achieved() float64 {
	n := 0
	for _, s := range r.Ops {
		n += s.Count - s.Transport
	}
	return float64(n) / r.Elapsed.Seconds()
}

// Errors counts transport errors and 5xx answers over every op.
func (r *Report) Errors() int {
	n := 0
	for _, s := range r.Ops {
		n += s.Transport + s.Count5xx()
	}
	return n
}

// Print writes one line per op: count, statuses, p50/p99/max.
func (r *Report) Print(w io.Writer, title string) {
	fmt.Fprintf(w, "%s: target %.0f/s, sent %d in %s, achieved %.0f/s, errors %d, generator lag max %s\n",
		title, r.Rate, r.Sent, r.Elapsed.Round(time.Millisecond), r.Achieved(), r.Errors(), r.Late.Round(time.Microsecond))
	names := make([]string, 0, len(r.Ops))
	for n := range r.Ops {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s := r.Ops[n]
		fmt.Fprintf(w, "  %-10s n=%-7d p50=%-9s p99=%-9s max=%-9s statuses=%s transport_errors=%d\n", n, s.Count,
			s.Percentile(0.5).Round(10*time.Microsecond), s.Percentile(0.99).Round(10*time.Microsecond), s.Max().Round(10*time.Microsecond),
			statusString(s.ByStatus), s.Transport)
	}
	for _, f := range r.Failures {
		fmt.Fprintln(w, "  failure:", f)
	}
}

func statusString(m map[int]int) string {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d:%d", k, m[k])
	}
	return "{" + strings.Join(parts, " ") + "}"
}
