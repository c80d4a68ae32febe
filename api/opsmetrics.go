package api

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/crossover-cci/crossover/models"
)

// storeCollector reads the database-side figures at scrape time: the connection pool, the e-mail
// outbox and introductions by status. The queries are counts on indexed columns; when the database
// does not answer, crossover_database_up is 0 and the other figures are left out instead of failing
// the whole scrape (the HTTP and process metrics matter most exactly then).
type storeCollector struct {
	store *models.Store
	log   *slog.Logger

	up, outboxDepth, outboxFailing, outboxDead, outboxSent, intros *prometheus.Desc
}

func registerStoreMetrics(reg *prometheus.Registry, store *models.Store, log *slog.Logger) {
	if db, err := store.SQLDB(); err == nil {
		// go_sql_*{db_name="crossover"}: open, in use and idle connections, waits and wait time.
		reg.MustRegister(collectors.NewDBStatsCollector(db, "crossover"))
	}
	reg.MustRegister(&storeCollector{store: store, log: log,
		up:            prometheus.NewDesc("crossover_database_up", "1 when the database answered the metrics queries of this scrape.", nil, nil),
		outboxDepth:   prometheus.NewDesc("crossover_outbox_depth", "E-mails waiting in the outbox (not sent, still retried).", nil, nil),
		outboxFailing: prometheus.NewDesc("crossover_outbox_failing", "Waiting e-mails whose last delivery attempt failed.", nil, nil),
		outboxDead:    prometheus.NewDesc("crossover_outbox_dead", "E-mails given up after the maximum number of attempts.", nil, nil),
		outboxSent:    prometheus.NewDesc("crossover_outbox_sent", "E-mails delivered (rows kept in the outbox).", nil, nil),
		intros:        prometheus.NewDesc("crossover_introductions", "Introductions by status.", []string{"status"}, nil),
	})
}

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.up, c.outboxDepth, c.outboxFailing, c.outboxDead, c.outboxSent, c.intros} {
		ch <- d
	}
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	ob, err := c.store.OutboxStats(ctx)
	var byStatus map[string]int64
	if err == nil {
		byStatus, err = c.store.IntroductionsByStatus(ctx)
	}
	if err != nil {
		c.log.Warn("metrics: database figures unavailable", "error", err)
		gauge(c.up, 0)
		return
	}
	gauge(c.up, 1)
	gauge(c.outboxDepth, float64(ob.Depth))
	gauge(c.outboxFailing, float64(ob.Failed))
	gauge(c.outboxDead, float64(ob.Dead))
	gauge(c.outboxSent, float64(ob.Sent))
	for status, n := range byStatus {
		gauge(c.intros, float64(n), status)
	}
}
