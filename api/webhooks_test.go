package api

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crossover-cci/crossover/models"
)

func TestWebhookSignature(t *testing.T) {
	secret, body := "whsec_test", []byte(`{"event":"ping"}`)
	at := time.Unix(1798000000, 0)
	h := models.SignWebhook(secret, at, body)
	// Independently: HMAC-SHA256 over "<t>.<body>", hex.
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("1798000000." + string(body)))
	if want := "t=1798000000,v1=" + hex.EncodeToString(m.Sum(nil)); h != want {
		t.Fatalf("signature %s, want %s", h, want)
	}
	if err := models.VerifyWebhook(secret, h, body, at.Add(time.Minute), 5*time.Minute); err != nil {
		t.Errorf("a good signature fails: %v", err)
	}
	for name, err := range map[string]error{
		"tampered body": models.VerifyWebhook(secret, h, []byte(`{"event":"pong"}`), at, 5*time.Minute),
		"wrong secret":  models.VerifyWebhook("whsec_other", h, body, at, 5*time.Minute),
		"replayed late": models.VerifyWebhook(secret, h, body, at.Add(10*time.Minute), 5*time.Minute),
		"no signature":  models.VerifyWebhook(secret, "t=1798000000", body, at, 5*time.Minute),
		"garbage":       models.VerifyWebhook(secret, "v1=abc", body, at, 5*time.Minute),
	} {
		if err == nil {
			t.Errorf("%s verifies", name)
		}
	}
}

type receiver struct {
	mu     sync.Mutex
	fail   int // answer 500 to this many requests first
	got    []*http.Request
	bodies [][]byte
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got, r.bodies = append(r.got, req), append(r.bodies, b)
	if r.fail > 0 {
		r.fail--
		w.WriteHeader(500)
		return
	}
	w.WriteHeader(204)
}

func TestWebhooksDeliverSignedRetryAndLog(t *testing.T) {
	e := newEnv(t)
	ana, bob, eve := e.register("Ana"), e.register("Bob"), e.register("Eve")
	mus := e.createActor(ana.Access, museum())
	st := e.createActor(bob.Access, startup())
	ctx := context.Background()

	// Registration through the API: own actors only, https to public addresses, known events.
	for _, tc := range []struct {
		name  string
		body  map[string]any
		token string
		want  int
	}{
		{"someone else's actor", map[string]any{"actor_id": mus, "url": "https://hooks.example.org/x", "events": []string{"match.new"}}, eve.Access, 403},
		{"private address", map[string]any{"actor_id": mus, "url": "https://127.0.0.1/x", "events": []string{"match.new"}}, ana.Access, 422},
		{"plain http", map[string]any{"actor_id": mus, "url": "http://hooks.example.org/x", "events": []string{"match.new"}}, ana.Access, 422},
		{"localhost", map[string]any{"actor_id": mus, "url": "https://localhost/x", "events": []string{"match.new"}}, ana.Access, 422},
		{"unknown event", map[string]any{"actor_id": mus, "url": "https://hooks.example.org/x", "events": []string{"everything"}}, ana.Access, 422},
		{"bad threshold", map[string]any{"actor_id": mus, "url": "https://hooks.example.org/x", "events": []string{"match.new"}, "min_score": 2}, ana.Access, 422},
		{"ok", map[string]any{"actor_id": mus, "url": "https://hooks.example.org/x", "events": []string{"match.new"}}, ana.Access, 201},
	} {
		if r := e.call("POST", "/api/v1/webhooks", tc.body, tc.token); r.Status != tc.want {
			t.Errorf("%s: %d %s, want %d", tc.name, r.Status, r.Raw, tc.want)
		} else if tc.want == 201 && !strings.HasPrefix(r.JSON["secret"].(string), "whsec_") {
			t.Errorf("no secret in %s", r.Raw)
		}
	}
	if l := e.call("GET", "/api/v1/webhooks", nil, ana.Access); strings.Contains(l.Raw, "whsec_") || len(l.JSON["items"].([]any)) != 1 {
		t.Errorf("listing: %s", l.Raw)
	}

	// A receiver on this machine: registered through the store, which may allow private targets.
	rcv := &receiver{fail: 1}
	ts := httptest.NewServer(rcv)
	defer ts.Close()
	hook, secret, err := e.store.CreateWebhook(ctx, models.NewWebhook{OwnerID: bob.ID, ActorID: st, URL: ts.URL + "/hook",
		Events: []string{"introduction.connected"}, AllowPrivate: true})
	if err != nil {
		t.Fatal(err)
	}
	r := e.call("POST", "/api/v1/introductions", map[string]any{"from_actor_id": mus, "to_actor_id": st,
		"message": "We would like your computer vision for our glass plates."}, ana.Access)
	intro := r.JSON["id"].(string)
	if r := e.call("POST", "/api/v1/introductions/"+intro+"/accept", nil, bob.Access); r.JSON["status"] != "connected" {
		t.Fatalf("accept: %s", r.Raw)
	}
	for range 2 { // reading the feed twice enqueues once
		if _, err := e.store.FeedConnectedIntroductions(ctx, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	sender := &models.WebhookSender{Store: e.store, Client: models.NewWebhookClient(true), AllowPrivate: true, UserAgent: "test"}
	now := time.Now().UTC()
	if n, err := sender.DeliverDue(ctx, now, 10); err != nil || n != 1 {
		t.Fatalf("first attempt: %d %v", n, err)
	}
	log := e.call("GET", "/api/v1/webhooks/"+hook.ID+"/deliveries", nil, bob.Access)
	d := log.JSON["items"].([]any)[0].(map[string]any)
	if len(log.JSON["items"].([]any)) != 1 || d["status"] != "pending" || d["attempts"] != 1.0 || d["last_status"] != 500.0 || d["last_error"] == "" {
		t.Fatalf("after a 500: %s", log.Raw)
	}
	if n, _ := sender.DeliverDue(ctx, now.Add(30*time.Second), 10); n != 0 {
		t.Errorf("retried before the backoff: %d", n)
	}
	if n, err := sender.DeliverDue(ctx, now.Add(61*time.Second), 10); err != nil || n != 1 {
		t.Fatalf("retry: %d %v", n, err)
	}
	log = e.call("GET", "/api/v1/webhooks/"+hook.ID+"/deliveries", nil, bob.Access)
	if d := log.JSON["items"].([]any)[0].(map[string]any); d["status"] != "delivered" || d["attempts"] != 2.0 || d["last_status"] != 204.0 {
		t.Errorf("after the retry: %s", log.Raw)
	}
	if e.call("GET", "/api/v1/webhooks/"+hook.ID+"/deliveries", nil, ana.Access).Status != 404 {
		t.Error("another user reads the delivery log")
	}

	// What arrived: signed, the event named, public facts only.
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	if len(rcv.got) != 2 {
		t.Fatalf("%d requests", len(rcv.got))
	}
	req, body := rcv.got[1], rcv.bodies[1]
	if err := models.VerifyWebhook(secret, req.Header.Get("X-Crossover-Signature"), body, time.Now().Add(61*time.Second), 5*time.Minute); err != nil {
		t.Errorf("signature: %v", err)
	}
	if req.Header.Get("X-Crossover-Event") != "introduction.connected" || req.Header.Get("X-Crossover-Delivery") == "" {
		t.Errorf("headers: %v", req.Header)
	}
	var p map[string]any
	if err := json.Unmarshal(body, &p); err != nil || p["event"] != "introduction.connected" || p["data"].(map[string]any)["introduction_id"] != intro {
		t.Errorf("payload: %s", body)
	}
	if strings.Contains(string(body), "@") {
		t.Errorf("payload carries contact details: %s", body)
	}
}

func TestWebhookMatchNewOnce(t *testing.T) {
	e := newEnv(t)
	ana, bob := e.register("Ana"), e.register("Bob")
	mus := e.createActor(ana.Access, museum())
	st := e.createActor(bob.Access, startup())
	zero := 0.0
	ctx := context.Background()
	hook, _, err := e.store.CreateWebhook(ctx, models.NewWebhook{OwnerID: bob.ID, ActorID: st, URL: "https://hooks.example.org/m", Events: []string{"match.new"}, MinScore: &zero})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.srv.matcher.catchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := e.srv.feedMatchWebhooks(ctx); err != nil || n < 1 {
		t.Fatalf("match feed: %d %v", n, err)
	}
	if n, _ := e.srv.feedMatchWebhooks(ctx); n != 0 {
		t.Errorf("the same matches were enqueued again: %d", n)
	}
	list, _ := e.store.WebhookDeliveries(ctx, hook.ID, 10)
	found := false
	for _, d := range list {
		found = found || (d.Event == "match.new" && strings.Contains(d.Payload, mus))
		if strings.Contains(d.Payload, "curator@") {
			t.Error("a match payload carries contact details")
		}
	}
	if !found {
		t.Errorf("no match.new for the museum: %+v", list)
	}
	if r := e.call("POST", "/api/v1/webhooks/"+hook.ID+"/ping", nil, bob.Access); r.Status != 202 {
		t.Errorf("ping: %d", r.Status)
	}
	if r := e.call("DELETE", "/api/v1/webhooks/"+hook.ID, nil, ana.Access); r.Status != 404 {
		t.Errorf("another user deletes: %d", r.Status)
	}
	if r := e.call("DELETE", "/api/v1/webhooks/"+hook.ID, nil, bob.Access); r.Status != 204 {
		t.Errorf("delete: %d", r.Status)
	}
}
