// Package loadtest drives a running Crossover server over HTTP: an open-model load generator
// (requests scheduled at a constant arrival rate, latency measured from the scheduled time), the
// W2/W3 benchmarks of `crossover bench http`, and the client helpers of the reliability suites.
// It is a client only: it imports nothing of Crossover's and talks to loopback addresses only.
package loadtest
