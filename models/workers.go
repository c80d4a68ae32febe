package models

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net"
	"net/smtp"
	"net/url"
	"strings"
	"time"
)

// Email is one message as a Mailer sends it.
type Email struct {
	MessageID string // the Message-ID header: repeats of one outbox row carry the same one
	To        string
	Subject   string
	Body      string
}

// Mailer delivers one e-mail.
type Mailer interface {
	Send(ctx context.Context, m Email) error
}

// NewMailer returns an SMTP mailer for smtp://user:pass@host:port, or with no URL one that only
// logs that it would send (never the address or the body: they may hold personal data).
func NewMailer(rawURL, from string, log *slog.Logger) (Mailer, error) {
	if rawURL == "" {
		return LogMailer{Log: log}, nil
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "smtp" || u.Host == "" {
		return nil, errors.New("CROSSOVER_SMTP_URL must look like smtp://user:pass@host:587")
	}
	if from == "" {
		from = "noreply@" + u.Hostname()
	}
	m := &SMTPMailer{Addr: u.Host, From: from}
	if _, _, err := net.SplitHostPort(u.Host); err != nil {
		m.Addr = net.JoinHostPort(u.Host, "587")
	}
	if u.User != nil {
		pw, _ := u.User.Password()
		m.Auth = smtp.PlainAuth("", u.User.Username(), pw, u.Hostname())
	}
	return m, nil
}

// LogMailer writes "would send" lines instead of sending.
type LogMailer struct{ Log *slog.Logger }

func (l LogMailer) Send(ctx context.Context, m Email) error {
	if l.Log != nil {
		l.Log.InfoContext(ctx, "would send e-mail (CROSSOVER_SMTP_URL is not set)", "message_id", m.MessageID, "subject", m.Subject)
	}
	return nil
}

// SMTPMailer sends through one SMTP server with net/smtp (STARTTLS when the server offers it).
type SMTPMailer struct {
	Addr, From string
	Auth       smtp.Auth
}

func (s *SMTPMailer) Send(_ context.Context, m Email) error {
	var b strings.Builder
	hdr := func(k, v string) {
		fmt.Fprintf(&b, "%s: %s\r\n", k, strings.NewReplacer("\r", "", "\n", "").Replace(v))
	}
	hdr("From", s.From)
	hdr("To", m.To)
	hdr("Subject", m.Subject)
	hdr("Message-ID", m.MessageID)
	hdr("Date", time.Now().UTC().Format(time.RFC1123Z))
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", "text/plain; charset=utf-8")
	b.WriteString("\r\n")
	b.WriteString(strings.ReplaceAll(m.Body, "\n", "\r\n"))
	return smtp.SendMail(s.Addr, s.Auth, s.From, []string{m.To}, []byte(b.String()))
}

// Workers are the background jobs of serve: expiry of introductions, outcome questions, and the
// e-mail outbox. Every iteration is safe with several replicas: the outbox claims rows with
// SKIP LOCKED and a lease, and the other jobs run under a PostgreSQL advisory lock (a single
// process on SQLite) on top of their own conditional updates.
type Workers struct {
	Store    *Store
	Mailer   Mailer
	Log      *slog.Logger
	Now      func() time.Time
	Interval time.Duration // between iterations; 30 s when zero
	Lease    time.Duration // how long a claimed e-mail is reserved; 2 min when zero
	Batch    int           // rows per iteration and job; 100 when zero
	// DigestRule keeps out of the weekly digest the partners matching would never suggest; nil
	// keeps what the digest's own query finds.
	DigestRule DigestRule
}

func (w *Workers) defaults() {
	if w.Now == nil {
		w.Now = time.Now
	}
	if w.Interval == 0 {
		w.Interval = 30 * time.Second
	}
	if w.Lease == 0 {
		w.Lease = 2 * time.Minute
	}
	if w.Batch == 0 {
		w.Batch = 100
	}
	if w.Log == nil {
		w.Log = slog.New(slog.DiscardHandler)
	}
	if w.Mailer == nil {
		w.Mailer = LogMailer{Log: w.Log}
	}
}

// Run loops until ctx ends. An iteration's error is logged; the next iteration tries again.
func (w *Workers) Run(ctx context.Context) {
	w.defaults()
	t := time.NewTicker(w.Interval)
	defer t.Stop()
	for {
		if err := w.RunOnce(ctx); err != nil && ctx.Err() == nil {
			w.Log.Error("background jobs", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOnce runs each job once: expiry, outcome questions, stale profiles, weekly digest, outbox.
func (w *Workers) RunOnce(ctx context.Context) error {
	w.defaults()
	var errs []error
	if err := w.Store.exclusive(ctx, "introduction-expiry", func(ctx context.Context) error {
		n, err := w.Store.ExpireDue(ctx, w.Now(), w.Batch)
		if n > 0 {
			w.Log.Info("introductions expired", "count", n)
		}
		return err
	}); err != nil {
		errs = append(errs, fmt.Errorf("expiry: %w", err))
	}
	if err := w.Store.exclusive(ctx, "outcome-due", func(ctx context.Context) error {
		_, err := w.Store.notifyOutcomesDue(ctx, w.Now(), w.Batch)
		return err
	}); err != nil {
		errs = append(errs, fmt.Errorf("outcomes: %w", err))
	}
	if err := w.Store.exclusive(ctx, "stale-profiles", func(ctx context.Context) error {
		_, err := w.Store.StaleSweep(ctx, w.Now(), w.Batch)
		return err
	}); err != nil {
		errs = append(errs, fmt.Errorf("stale profiles: %w", err))
	}
	if err := w.Store.exclusive(ctx, "weekly-digest", func(ctx context.Context) error {
		n, err := w.Store.SendDigests(ctx, w.Now(), w.Batch, w.DigestRule)
		if n > 0 {
			w.Log.Info("weekly digests written", "count", n)
		}
		return err
	}); err != nil {
		errs = append(errs, fmt.Errorf("digest: %w", err))
	}
	if _, err := w.DeliverOutbox(ctx); err != nil {
		errs = append(errs, fmt.Errorf("outbox: %w", err))
	}
	return errors.Join(errs...)
}

// DeliverOutbox claims due e-mails and sends them; it returns how many were sent.
func (w *Workers) DeliverOutbox(ctx context.Context) (int, error) {
	w.defaults()
	msgs, err := w.Store.ClaimOutbox(ctx, w.Now(), w.Lease, w.Batch)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, m := range msgs {
		err := w.Mailer.Send(ctx, Email{MessageID: m.MessageID, To: m.ToAddress, Subject: m.Subject, Body: m.Body})
		if err != nil {
			w.Log.Warn("e-mail not sent; will retry", "message_id", m.MessageID, "attempt", m.Attempts+1, "error", err.Error())
			if err := w.Store.MarkFailed(ctx, m, err.Error(), w.Now()); err != nil {
				return sent, err
			}
			continue
		}
		if err := w.Store.MarkSent(ctx, m.ID, w.Now()); err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}

// exclusive runs fn unless another replica runs the same job now: on PostgreSQL it holds a
// transaction-scoped advisory lock named after the job while fn runs on the same connection's
// transaction; on SQLite (one process) it just runs fn.
func (s *Store) exclusive(ctx context.Context, job string, fn func(ctx context.Context) error) error {
	if s.dialect != Postgres {
		return fn(ctx)
	}
	h := fnv.New64a()
	h.Write([]byte("crossover:" + job))
	key := int64(h.Sum64() >> 1)
	return s.InTx(ctx, func(ctx context.Context) error {
		var ok bool
		if err := s.conn(ctx).Raw("SELECT pg_try_advisory_xact_lock(?)", key).Scan(&ok).Error; err != nil {
			return err
		}
		if !ok {
			return nil // another replica is on it
		}
		return fn(ctx)
	})
}
