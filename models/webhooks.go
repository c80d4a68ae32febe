package models

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Outgoing webhooks: an organisation (an actor) registers a URL and the events it wants; each event
// becomes one delivery row (deduplicated), posted with an HMAC-SHA256 signature, retried with
// exponential backoff, its every attempt visible to the owner in the delivery log.
//
// Signature (Stripe-style, so that common verifiers work): header
//   X-Crossover-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
// The receiver recomputes it over the raw body and rejects old timestamps (replay).

// Webhook events.
const (
	EventIntroConnected = "introduction.connected"
	EventMatchNew       = "match.new"
	EventPing           = "ping"
)

// WebhookEvents are the events a webhook may subscribe to.
var WebhookEvents = []string{EventIntroConnected, EventMatchNew}

// webhookBackoff is the wait before each retry; after the last one the delivery has failed.
var webhookBackoff = []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 12 * time.Hour}

// Webhook is one registration.
type Webhook struct {
	ID        string    `gorm:"primaryKey" json:"id"`
	OwnerID   string    `json:"owner_id"`
	ActorID   string    `json:"actor_id"`
	URL       string    `json:"url"`
	Secret    string    `json:"-"`
	Events    string    `json:"-"`
	MinScore  float64   `json:"min_score"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
}

// EventList is the subscribed events.
func (w *Webhook) EventList() []string { return strings.Split(w.Events, ",") }

// WebhookDelivery is one event for one webhook and what became of it.
type WebhookDelivery struct {
	ID            string     `gorm:"primaryKey" json:"id"`
	WebhookID     string     `json:"webhook_id"`
	Event         string     `json:"event"`
	DedupeKey     string     `json:"-"`
	Payload       string     `json:"payload"`
	Status        string     `json:"status"`
	Attempts      int        `json:"attempts"`
	NextAttemptAt time.Time  `json:"next_attempt_at"`
	ClaimedUntil  *time.Time `json:"-"`
	LastStatus    *int       `json:"last_status"`
	LastError     string     `json:"last_error"`
	DeliveredAt   *time.Time `json:"delivered_at"`
	CreatedAt     time.Time  `json:"created_at"`
}

type webhookCursor struct {
	Name string `gorm:"primaryKey"`
	Seq  int64
}

func (webhookCursor) TableName() string { return "webhook_cursor" }

// SignWebhook returns the X-Crossover-Signature header value for body at time t.
func SignWebhook(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "."))
	m.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(m.Sum(nil))
}

// VerifyWebhook checks a signature header against body, refusing timestamps older than tolerance
// (what a receiver does; the tests use it too).
func VerifyWebhook(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return errors.New("malformed signature header")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return errors.New("signature timestamp outside the tolerance")
	}
	want := SignWebhook(secret, time.Unix(sec, 0), body)
	if !hmac.Equal([]byte(want), []byte("t="+ts+",v1="+sig)) {
		return errors.New("signature mismatch")
	}
	return nil
}

// NewWebhook is a registration request; the caller checked that OwnerID owns ActorID.
type NewWebhook struct {
	OwnerID, ActorID, URL string
	Events                []string
	MinScore              *float64
	AllowPrivate          bool // tests and on-premises setups may post to private addresses
}

// ValidateWebhookURL refuses what would turn the server into a proxy into its own network: only
// https (http too when private targets are allowed), no credentials, no literal address outside the
// public unicast space (see publicAddr), no host a resolver would read as a number, no local names.
// Names are checked again at delivery time, after resolution.
func ValidateWebhookURL(raw string, allowPrivate bool) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || len(raw) > 500 {
		return errors.New("must be an absolute https:// URL")
	}
	if u.Scheme != "https" && !(allowPrivate && u.Scheme == "http") {
		return errors.New("must use https")
	}
	if u.User != nil {
		return errors.New("must not carry credentials")
	}
	if allowPrivate {
		return nil
	}
	host := u.Hostname()
	if a, err := netip.ParseAddr(host); err == nil {
		if !publicAddr(a) {
			return errors.New("must not point to a private, loopback, link-local, shared or reserved address")
		}
		return nil
	}
	if numericHost(host) {
		return errors.New("must name its host or write its address as four decimal numbers (such as 192.0.2.1)")
	}
	if h := strings.ToLower(strings.TrimSuffix(host, ".")); h == "localhost" || strings.HasSuffix(h, ".localhost") ||
		strings.HasSuffix(h, ".internal") || strings.HasSuffix(h, ".local") || strings.HasSuffix(h, ".home.arpa") {
		return errors.New("must not point to this host or an internal name")
	}
	return nil
}

// CreateWebhook stores a registration with a new secret, returned once.
func (s *Store) CreateWebhook(ctx context.Context, in NewWebhook) (*Webhook, string, error) {
	ve := &ValidationError{}
	if err := ValidateWebhookURL(in.URL, in.AllowPrivate); err != nil {
		ve.Add("url", err.Error())
	}
	if len(in.Events) == 0 {
		ve.Add("events", "must name at least one of "+strings.Join(WebhookEvents, ", "))
	}
	for i, e := range in.Events {
		if !slices.Contains(WebhookEvents, e) {
			ve.Addf(fmt.Sprintf("events[%d]", i), "must be one of %s", strings.Join(WebhookEvents, ", "))
		}
	}
	min := 0.5
	if in.MinScore != nil {
		if *in.MinScore < 0 || *in.MinScore > 1 {
			ve.Add("min_score", "must be from 0 to 1")
		}
		min = *in.MinScore
	}
	if err := ve.Err(); err != nil {
		return nil, "", err
	}
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, "", err
	}
	secret := "whsec_" + hex.EncodeToString(b[:])
	events := slices.Clone(in.Events)
	slices.Sort(events)
	w := &Webhook{ID: newID(), OwnerID: in.OwnerID, ActorID: in.ActorID, URL: in.URL, Secret: secret,
		Events: strings.Join(slices.Compact(events), ","), MinScore: min, Active: true, CreatedAt: time.Now().UTC()}
	if err := s.conn(ctx).Create(w).Error; err != nil {
		return nil, "", err
	}
	return w, secret, nil
}

// Webhooks lists a user's webhooks.
func (s *Store) Webhooks(ctx context.Context, ownerID string) ([]Webhook, error) {
	var out []Webhook
	err := s.conn(ctx).Where("owner_id = ?", ownerID).Order("created_at, id").Find(&out).Error
	return out, err
}

// Webhook loads one webhook of ownerID; another user's is not found.
func (s *Store) Webhook(ctx context.Context, ownerID, id string) (*Webhook, error) {
	var w Webhook
	if err := s.conn(ctx).Where("id = ? AND owner_id = ?", id, ownerID).First(&w).Error; err != nil {
		return nil, notFound(err)
	}
	return &w, nil
}

// DeleteWebhook removes a webhook and its log.
func (s *Store) DeleteWebhook(ctx context.Context, ownerID, id string) error {
	res := s.conn(ctx).Where("id = ? AND owner_id = ?", id, ownerID).Delete(&Webhook{})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// WebhookDeliveries is a webhook's delivery log, newest first.
func (s *Store) WebhookDeliveries(ctx context.Context, webhookID string, limit int) ([]WebhookDelivery, error) {
	var out []WebhookDelivery
	err := s.conn(ctx).Where("webhook_id = ?", webhookID).Order("created_at DESC, id DESC").Limit(limit).Find(&out).Error
	return out, err
}

// EnqueueWebhook adds one delivery unless the same (webhook, dedupeKey) was enqueued before.
func (s *Store) EnqueueWebhook(ctx context.Context, w *Webhook, event, dedupeKey string, data any, now time.Time) (bool, error) {
	id := newID()
	body, err := json.Marshal(map[string]any{"id": id, "event": event, "created_at": now.UTC().Format(time.RFC3339),
		"actor_id": w.ActorID, "data": data})
	if err != nil {
		return false, err
	}
	d := &WebhookDelivery{ID: id, WebhookID: w.ID, Event: event, DedupeKey: dedupeKey, Payload: string(body), Status: "pending",
		NextAttemptAt: now.UTC(), CreatedAt: now.UTC()}
	res := s.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(d)
	return res.RowsAffected > 0, res.Error
}

// WebhooksFor lists the active webhooks of some actors subscribed to event.
func (s *Store) WebhooksFor(ctx context.Context, actorIDs []string, event string) ([]Webhook, error) {
	if len(actorIDs) == 0 {
		return nil, nil
	}
	var all []Webhook
	if err := s.conn(ctx).Where("active AND actor_id IN ?", actorIDs).Find(&all).Error; err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(w Webhook) bool { return !slices.Contains(w.EventList(), event) }), nil
}

// FeedConnectedIntroductions reads the introduction event log from where it stopped and enqueues
// introduction.connected for every webhook of an actor in a newly connected introduction. The cursor
// moves in the same transaction as the enqueued rows, so a crash neither loses nor repeats events.
func (s *Store) FeedConnectedIntroductions(ctx context.Context, now time.Time) (int, error) {
	n := 0
	err := s.InTx(ctx, func(ctx context.Context) error {
		var cur webhookCursor
		if err := s.conn(ctx).Where("name = ?", "introductions").First(&cur).Error; err != nil {
			if !errors.Is(err, gorm.ErrRecordNotFound) {
				return err
			}
			cur = webhookCursor{Name: "introductions"}
		}
		var evs []IntroEvent
		if err := s.conn(ctx).Where("seq > ? AND type = ?", cur.Seq, EventConnected).Order("seq").Limit(500).Find(&evs).Error; err != nil {
			return err
		}
		if len(evs) == 0 {
			return nil
		}
		for _, ev := range evs {
			var parties []IntroParty
			if err := s.conn(ctx).Where("introduction_id = ? AND actor_id IS NOT NULL", ev.IntroductionID).Find(&parties).Error; err != nil {
				return err
			}
			var ids []string
			for _, p := range parties {
				ids = append(ids, *p.ActorID)
			}
			hooks, err := s.WebhooksFor(ctx, ids, EventIntroConnected)
			if err != nil {
				return err
			}
			for i := range hooks {
				// Only the public fact: which introduction, which actors, when. Never contact details.
				ok, err := s.EnqueueWebhook(ctx, &hooks[i], EventIntroConnected, "intro:"+ev.IntroductionID,
					map[string]any{"introduction_id": ev.IntroductionID, "actor_ids": ids, "connected_at": ev.CreatedAt.UTC().Format(time.RFC3339)}, now)
				if err != nil {
					return err
				}
				if ok {
					n++
				}
			}
		}
		cur.Seq = evs[len(evs)-1].Seq
		return s.conn(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "name"}}, DoUpdates: clause.AssignmentColumns([]string{"seq"})}).Create(&cur).Error
	})
	return n, err
}

// WebhookSender posts due deliveries.
type WebhookSender struct {
	Store        *Store
	Client       *http.Client // a client with a timeout; its dialer refuses private addresses unless AllowPrivate
	AllowPrivate bool
	Log          *slog.Logger
	UserAgent    string
}

// NewWebhookClient is an HTTP client that refuses to connect to private, loopback or link-local
// addresses after DNS resolution (unless allowPrivate), does not follow redirects, and times out.
func NewWebhookClient(allowPrivate bool) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second}
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		if allowPrivate {
			return d.DialContext(ctx, network, addr)
		}
		// Resolve once and dial the checked address: a second lookup could answer differently.
		ips, err := net.DefaultResolver.LookupIP(ctx, "ip", host)
		if err != nil {
			return nil, err
		}
		for _, ip := range ips {
			if !publicIP(ip) {
				return nil, fmt.Errorf("refusing to post to %s (%s): not a public address", host, ip)
			}
		}
		if len(ips) == 0 {
			return nil, fmt.Errorf("%s has no address", host)
		}
		return d.DialContext(ctx, network, net.JoinHostPort(ips[0].String(), port))
	}, TLSHandshakeTimeout: 5 * time.Second, ResponseHeaderTimeout: 10 * time.Second, MaxIdleConnsPerHost: 2}
	return &http.Client{Transport: tr, Timeout: 15 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// DeliverDue posts up to limit due deliveries and records each attempt. It returns how many it tried.
func (w *WebhookSender) DeliverDue(ctx context.Context, now time.Time, limit int) (int, error) {
	st := w.Store
	var due []WebhookDelivery
	// Claim first (claimed_until) so that two replicas never post the same delivery at once.
	err := st.InTx(ctx, func(ctx context.Context) error {
		q := st.conn(ctx).Where("status = 'pending' AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)", now, now).
			Order("next_attempt_at, id").Limit(limit)
		if st.Dialect() == Postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		if err := q.Find(&due).Error; err != nil {
			return err
		}
		if len(due) == 0 {
			return nil
		}
		ids := make([]string, len(due))
		for i, d := range due {
			ids[i] = d.ID
		}
		return st.conn(ctx).Model(&WebhookDelivery{}).Where("id IN ?", ids).Update("claimed_until", now.Add(2*time.Minute)).Error
	})
	if err != nil || len(due) == 0 {
		return 0, err
	}
	hooks := map[string]*Webhook{}
	for _, d := range due {
		h, ok := hooks[d.WebhookID]
		if !ok {
			var wh Webhook
			if err := st.conn(ctx).Where("id = ?", d.WebhookID).First(&wh).Error; err != nil {
				continue
			}
			h = &wh
			hooks[d.WebhookID] = h
		}
		code, postErr := w.post(ctx, h, &d, now)
		d.Attempts++
		upd := map[string]any{"attempts": d.Attempts, "claimed_until": nil, "last_error": ""}
		if code != 0 {
			upd["last_status"] = code
		}
		switch {
		case postErr == nil:
			upd["status"], upd["delivered_at"] = "delivered", now
		case d.Attempts > len(webhookBackoff):
			upd["status"], upd["last_error"] = "failed", truncate(postErr.Error(), 500)
		default:
			upd["next_attempt_at"], upd["last_error"] = now.Add(webhookBackoff[d.Attempts-1]), truncate(postErr.Error(), 500)
		}
		if err := st.conn(ctx).Model(&WebhookDelivery{}).Where("id = ?", d.ID).Updates(upd).Error; err != nil {
			return 0, err
		}
	}
	return len(due), nil
}

func (w *WebhookSender) post(ctx context.Context, h *Webhook, d *WebhookDelivery, now time.Time) (int, error) {
	if !h.Active {
		return 0, errors.New("webhook inactive")
	}
	if err := ValidateWebhookURL(h.URL, w.AllowPrivate); err != nil {
		return 0, fmt.Errorf("url %v", err)
	}
	body := []byte(d.Payload)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", w.UserAgent)
	req.Header.Set("X-Crossover-Event", d.Event)
	req.Header.Set("X-Crossover-Delivery", d.ID)
	req.Header.Set("X-Crossover-Signature", SignWebhook(h.Secret, now, body))
	resp, err := w.Client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("the receiver answered %d", resp.StatusCode)
	}
	return resp.StatusCode, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// ActiveWebhooks lists every active webhook subscribed to event.
func (s *Store) ActiveWebhooks(ctx context.Context, event string) ([]Webhook, error) {
	var all []Webhook
	if err := s.conn(ctx).Where("active").Order("id").Find(&all).Error; err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(w Webhook) bool { return !slices.Contains(w.EventList(), event) }), nil
}
