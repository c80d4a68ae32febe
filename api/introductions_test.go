package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crossover-cci/crossover/models"
)

const introMsg = "We would love to work with you on a computer-vision project for our collection."

// introduce posts a direct introduction and returns the response.
func (e *env) introduce(token, from, to string) resp {
	e.t.Helper()
	return e.call("POST", "/api/v1/introductions", map[string]any{"from_actor_id": from, "to_actor_id": to, "message": introMsg}, token)
}

// mustIntroduce posts a direct introduction that must succeed and returns its id.
func (e *env) mustIntroduce(token, from, to string) string {
	e.t.Helper()
	r := e.introduce(token, from, to)
	if r.Status != http.StatusCreated {
		e.t.Fatalf("introduce: %d %s", r.Status, r.Raw)
	}
	return r.JSON["id"].(string)
}

// state returns error.current_state of a 409.
func (r resp) state() any {
	if e, ok := r.JSON["error"].(map[string]any); ok {
		return e["current_state"]
	}
	return nil
}

// verify checks that the cached status equals the fold of the event log.
func (e *env) verify(id string) {
	e.t.Helper()
	if err := e.store.VerifyIntroduction(context.Background(), id); err != nil {
		e.t.Fatal(err)
	}
}

// at moves the server clock (zero: back to real time) and signs the accounts in again, since their
// tokens are only valid around the time they were issued.
func (e *env) at(t time.Time, accts ...*account) {
	e.t.Helper()
	e.clock.Set(t)
	for _, a := range accts {
		r := e.call("POST", "/api/v1/auth/login", map[string]any{"email": a.Email, "password": a.Password}, "")
		if r.Status != 200 {
			e.t.Fatalf("login: %d %s", r.Status, r.Raw)
		}
		a.Access = r.JSON["access_token"].(string)
	}
}

func named(body map[string]any, name string) map[string]any { return with(body, "name", name) }

func TestIntroductionStateMachine(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol := e.register("Alice"), e.register("Bob"), e.register("Carol")
	m := e.createActor(alice.Access, museum())
	s := e.createActor(bob.Access, startup())
	c := e.createActor(carol.Access, named(startup(), "Third Eye"))
	base := "/api/v1/introductions/"

	// Validation.
	for _, tc := range []struct {
		name  string
		body  map[string]any
		token string
		want  int
		field string
	}{
		{"short message", map[string]any{"from_actor_id": m, "to_actor_id": s, "message": "hi"}, alice.Access, 422, "message"},
		{"long message", map[string]any{"from_actor_id": m, "to_actor_id": s, "message": strings.Repeat("x", 2001)}, alice.Access, 422, "message"},
		{"to self", map[string]any{"from_actor_id": m, "to_actor_id": m, "message": introMsg}, alice.Access, 422, "to_actor_id"},
		{"unknown target", map[string]any{"from_actor_id": m, "to_actor_id": "nope", "message": introMsg}, alice.Access, 422, "to_actor_id"},
		{"not my actor", map[string]any{"from_actor_id": s, "to_actor_id": m, "message": introMsg}, alice.Access, 403, ""},
		{"to my own actor", map[string]any{"from_actor_id": m, "to_actor_id": e.createActor(alice.Access, named(startup(), "Alice AI")), "message": introMsg}, alice.Access, 422, "to_actor_id"},
		{"signed out", map[string]any{"from_actor_id": m, "to_actor_id": s, "message": introMsg}, "", 401, ""},
	} {
		r := e.call("POST", "/api/v1/introductions", tc.body, tc.token)
		if r.Status != tc.want || (tc.field != "" && r.fields()[tc.field] == nil) {
			t.Errorf("%s: %d %s", tc.name, r.Status, r.Raw)
		}
	}

	id := e.mustIntroduce(alice.Access, m, s)
	r := e.call("GET", base+id, nil, bob.Access)
	if r.Status != 200 || r.JSON["status"] != "pending" || r.JSON["from_actor_id"] != m || r.JSON["to_actor_id"] != s {
		t.Fatalf("recipient view: %d %s", r.Status, r.Raw)
	}
	if r := e.introduce(bob.Access, s, m); r.Status != 409 || r.errCode() != "already_open" {
		t.Fatalf("reverse request while open: %d %s", r.Status, r.Raw)
	}

	// Illegal transitions answer 409 with the current state; strangers get 404.
	steps := []struct {
		name, who, action string
		body              any
		want              int
		state             string
	}{
		{"stranger reads", "carol", "", nil, 404, ""},
		{"stranger accepts", "carol", "accept", nil, 404, ""},
		{"requester accepts own request", "alice", "accept", nil, 409, "pending"},
		{"recipient withdraws", "bob", "withdraw", nil, 409, "pending"},
		{"decline with unknown reason", "bob", "decline", map[string]any{"reason": "spam"}, 422, ""},
		{"decline note too long", "bob", "decline", map[string]any{"reason": "other", "note": strings.Repeat("n", 501)}, 422, ""},
		{"recipient accepts", "bob", "accept", nil, 200, "connected"},
		{"accept twice", "bob", "accept", nil, 409, "connected"},
		{"decline after connecting", "bob", "decline", map[string]any{"reason": "timing"}, 409, "connected"},
		{"withdraw after connecting", "alice", "withdraw", nil, 409, "connected"},
	}
	tokens := map[string]string{"alice": alice.Access, "bob": bob.Access, "carol": carol.Access}
	for _, st := range steps {
		var r resp
		if st.action == "" {
			r = e.call("GET", base+id, nil, tokens[st.who])
		} else {
			r = e.call("POST", base+id+"/"+st.action, st.body, tokens[st.who])
		}
		if r.Status != st.want {
			t.Fatalf("%s: %d %s", st.name, r.Status, r.Raw)
		}
		if st.want == 409 && r.state() != st.state {
			t.Fatalf("%s: current_state %v, want %s", st.name, r.state(), st.state)
		}
		if st.want == 200 && r.JSON["status"] != st.state {
			t.Fatalf("%s: status %v", st.name, r.JSON["status"])
		}
	}
	e.verify(id)

	// Withdrawn, then accepting it is a conflict.
	id2 := e.mustIntroduce(carol.Access, c, m)
	if r := e.call("POST", base+id2+"/withdraw", nil, carol.Access); r.Status != 200 || r.JSON["status"] != "withdrawn" {
		t.Fatalf("withdraw: %d %s", r.Status, r.Raw)
	}
	if r := e.call("POST", base+id2+"/accept", nil, alice.Access); r.Status != 409 || r.state() != "withdrawn" {
		t.Fatalf("accept a withdrawn one: %d %s", r.Status, r.Raw)
	}
	e.verify(id2)

	// Declined with a reason the sender reads; the pair is closed for 90 days, with the date.
	id3 := e.mustIntroduce(carol.Access, c, m)
	r = e.call("POST", base+id3+"/decline", map[string]any{"reason": "timing", "note": "Ask us again in spring."}, alice.Access)
	if r.Status != 200 || r.JSON["status"] != "declined" {
		t.Fatalf("decline: %d %s", r.Status, r.Raw)
	}
	r = e.call("GET", base+id3, nil, carol.Access)
	dec, _ := r.JSON["decline"].(map[string]any)
	if dec == nil || dec["reason"] != "timing" || dec["note"] != "Ask us again in spring." {
		t.Fatalf("sender's view of the decline: %s", r.Raw)
	}
	if r := e.call("POST", base+id3+"/accept", nil, alice.Access); r.Status != 409 || r.state() != "declined" {
		t.Fatalf("accept a declined one: %d %s", r.Status, r.Raw)
	}
	r = e.introduce(carol.Access, c, m)
	if r.Status != 409 || r.errCode() != "recently_declined" || !strings.Contains(r.Raw, time.Now().Add(90*24*time.Hour).UTC().Format("2006-01-02")) {
		t.Fatalf("re-request within 90 days: %d %s", r.Status, r.Raw)
	}
	e.at(time.Now().Add(91*24*time.Hour), &carol)
	if r := e.introduce(carol.Access, c, m); r.Status != 201 {
		t.Fatalf("re-request after 90 days: %d %s", r.Status, r.Raw)
	}
	e.at(time.Time{}, &carol)
	tokens["carol"] = carol.Access
	e.verify(id3)

	// Lists by box and status.
	count := func(token, query string) int {
		r := e.call("GET", "/api/v1/introductions?"+query, nil, token)
		if r.Status != 200 {
			t.Fatalf("list %s: %d %s", query, r.Status, r.Raw)
		}
		return len(r.JSON["items"].([]any))
	}
	for _, tc := range []struct {
		who   string
		query string
		want  int
	}{
		{"alice", "box=sent", 1}, {"alice", "box=received", 3}, {"alice", "box=received&status=declined", 1},
		{"bob", "box=received", 1}, {"bob", "box=sent", 0}, {"carol", "box=sent", 3}, {"carol", "", 3},
		{"alice", "box=brokered", 0}, {"alice", "limit=1", 1},
	} {
		if got := count(tokens[tc.who], tc.query); got != tc.want {
			t.Errorf("%s %s: %d items, want %d", tc.who, tc.query, got, tc.want)
		}
	}
	if r := e.call("GET", "/api/v1/introductions?box=spam", nil, alice.Access); r.Status != 422 {
		t.Fatalf("bad box: %d", r.Status)
	}
	// Pagination: every introduction once.
	seen, cursor := map[string]bool{}, ""
	for range 10 {
		r := e.call("GET", "/api/v1/introductions?limit=1&cursor="+cursor, nil, alice.Access)
		for _, it := range r.JSON["items"].([]any) {
			seen[it.(map[string]any)["id"].(string)] = true
		}
		nc, _ := r.JSON["next_cursor"].(string)
		if nc == "" {
			break
		}
		cursor = nc
	}
	if len(seen) != 4 {
		t.Fatalf("pagination saw %d, want 4", len(seen))
	}
}

// TestIntroductionRace: the recipient accepts while the requester withdraws; exactly one wins, on
// either database, and the log agrees with the cached status.
func TestIntroductionRace(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.register("Alice"), e.register("Bob")
	m := e.createActor(alice.Access, museum())
	for round := range 8 {
		s := e.createActor(bob.Access, named(startup(), fmt.Sprintf("Seeing Machines %d", round)))
		id := e.mustIntroduce(alice.Access, m, s)
		var wg sync.WaitGroup
		codes := make([]int, 2)
		start := make(chan struct{})
		for i, step := range []struct{ token, action string }{{bob.Access, "accept"}, {alice.Access, "withdraw"}} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				codes[i] = e.call("POST", "/api/v1/introductions/"+id+"/"+step.action, nil, step.token).Status
			}()
		}
		close(start)
		wg.Wait()
		if !(codes[0] == 200 && codes[1] == 409 || codes[0] == 409 && codes[1] == 200) {
			t.Fatalf("round %d: statuses %v, want one 200 and one 409", round, codes)
		}
		in, err := e.store.Introduction(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		want := models.IntroConnected
		if codes[1] == 200 {
			want = models.IntroWithdrawn
		}
		if in.Status != want || models.DeriveStatus(in.Events) != want {
			t.Fatalf("round %d: stored %s, log %s, want %s", round, in.Status, models.DeriveStatus(in.Events), want)
		}
		terminal := 0
		for _, ev := range in.Events {
			if ev.Type == models.EventConnected || ev.Type == models.EventWithdrawn {
				terminal++
			}
		}
		if terminal != 1 {
			t.Fatalf("round %d: %d terminal events", round, terminal)
		}
	}
}

// TestBrokeredConcurrentAccepts: both sides accept at the same moment; both succeed (the second
// re-reads after losing the version race) and the introduction is connected exactly once.
func TestBrokeredConcurrentAccepts(t *testing.T) {
	e := newEnv(t)
	alice, bob, broker := e.register("Alice"), e.register("Bob"), e.register("Broker")
	m := e.createActor(alice.Access, with(museum(), "capacity", 10))
	hub := e.createActor(broker.Access, map[string]any{"kind": "intermediary", "name": "Creative Hub", "org_type": "network",
		"country": "DE", "languages": []string{"en"}})
	for round := range 5 {
		s := e.createActor(bob.Access, named(startup(), fmt.Sprintf("Seeing Machines %d", round)))
		r := e.call("POST", "/api/v1/introductions", map[string]any{"broker_actor_id": hub, "actor_ids": []string{m, s}, "message": introMsg}, broker.Access)
		if r.Status != 201 {
			t.Fatalf("propose: %d %s", r.Status, r.Raw)
		}
		id := r.JSON["id"].(string)
		var wg sync.WaitGroup
		codes := make([]int, 2)
		start := make(chan struct{})
		for i, tok := range []string{alice.Access, bob.Access} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				codes[i] = e.call("POST", "/api/v1/introductions/"+id+"/accept", nil, tok).Status
			}()
		}
		close(start)
		wg.Wait()
		if codes[0] != 200 || codes[1] != 200 {
			t.Fatalf("round %d: %v", round, codes)
		}
		in, err := e.store.Introduction(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, ev := range in.Events {
			if ev.Type == models.EventConnected {
				n++
			}
		}
		if in.Status != models.IntroConnected || n != 1 {
			t.Fatalf("round %d: %s with %d connected events", round, in.Status, n)
		}
	}
}

func TestIntroductionLimits(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.register("Alice"), e.register("Bob")
	m := e.createActor(alice.Access, museum())
	var targets []string
	for i := range 11 {
		targets = append(targets, e.createActor(bob.Access, named(startup(), fmt.Sprintf("Target %d", i))))
	}
	// At most 10 pending outgoing requests.
	var ids []string
	for i := range 10 {
		ids = append(ids, e.mustIntroduce(alice.Access, m, targets[i]))
	}
	r := e.introduce(alice.Access, m, targets[10])
	if r.Status != 422 || r.errCode() != "too_many_pending" || !strings.Contains(r.JSON["error"].(map[string]any)["message"].(string), "limit is 10") {
		t.Fatalf("11th pending: %d %s", r.Status, r.Raw)
	}
	// At most 20 a day: withdrawing does not give the quota back.
	for _, id := range ids {
		if r := e.call("POST", "/api/v1/introductions/"+id+"/withdraw", nil, alice.Access); r.Status != 200 {
			t.Fatalf("withdraw: %d %s", r.Status, r.Raw)
		}
	}
	for i := range 10 {
		id := e.mustIntroduce(alice.Access, m, targets[i])
		e.call("POST", "/api/v1/introductions/"+id+"/withdraw", nil, alice.Access)
	}
	r = e.introduce(alice.Access, m, targets[10])
	if r.Status != 429 || r.errCode() != "rate_limited" || r.Header.Get("Retry-After") == "" {
		t.Fatalf("21st in a day: %d %v %s", r.Status, r.Header, r.Raw)
	}
	e.at(time.Now().Add(25*time.Hour), &alice)
	if r := e.introduce(alice.Access, m, targets[10]); r.Status != 201 {
		t.Fatalf("next day: %d %s", r.Status, r.Raw)
	}
}

// TestConcurrentRequestsRespectLimits: twelve requests of one sender at once; exactly ten pass.
func TestConcurrentRequestsRespectLimits(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.register("Alice"), e.register("Bob")
	m := e.createActor(alice.Access, museum())
	var targets []string
	for i := range 12 {
		targets = append(targets, e.createActor(bob.Access, named(startup(), fmt.Sprintf("Target %d", i))))
	}
	codes := make([]int, len(targets))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, s := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			codes[i] = e.introduce(alice.Access, m, s).Status
		}()
	}
	close(start)
	wg.Wait()
	created, refused := 0, 0
	for _, c := range codes {
		switch c {
		case 201:
			created++
		case 422:
			refused++
		}
	}
	if created != 10 || refused != 2 {
		t.Fatalf("statuses %v: %d created, %d refused; want 10 and 2", codes, created, refused)
	}
}

func TestIntroductionCapacityAndAvailability(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol := e.register("Alice"), e.register("Bob"), e.register("Carol")
	m := e.createActor(alice.Access, museum())
	s := e.createActor(bob.Access, with(startup(), "capacity", 1))
	c := e.createActor(carol.Access, named(museum(), "Carol's Studio"))
	e.mustIntroduce(alice.Access, m, s)
	// Bob's startup is at capacity: Carol is told, and the pair is saved for her.
	r := e.introduce(carol.Access, c, s)
	if r.Status != 422 || r.errCode() != "at_capacity" || !strings.Contains(r.Raw, "saved") {
		t.Fatalf("at capacity: %d %s", r.Status, r.Raw)
	}
	ex, err := e.store.Export(context.Background(), carol.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ex.Feedback) != 1 || ex.Feedback[0].Verdict != "saved" || ex.Feedback[0].TargetID != s {
		t.Fatalf("saved pair: %+v", ex.Feedback)
	}
	// Bob makes the startup unavailable: Alice's open request is declined with a reason she reads.
	got := e.call("GET", "/api/v1/actors/"+s, nil, bob.Access)
	r = e.call("PATCH", "/api/v1/actors/"+s, map[string]any{"available": false, "version": got.JSON["version"]}, bob.Access)
	if r.Status != 200 {
		t.Fatalf("patch: %d %s", r.Status, r.Raw)
	}
	r = e.call("GET", "/api/v1/introductions?box=sent", nil, alice.Access)
	it := r.JSON["items"].([]any)[0].(map[string]any)
	if it["status"] != "declined" || it["decline"].(map[string]any)["reason"] != "unavailable" ||
		!strings.Contains(it["decline"].(map[string]any)["label"].(string), "no longer available") {
		t.Fatalf("auto-decline: %s", r.Raw)
	}
	if r := e.introduce(carol.Access, c, s); r.Status != 422 || r.errCode() != "not_available" {
		t.Fatalf("unavailable target: %d %s", r.Status, r.Raw)
	}
	// Pausing matching declines the open received requests of every actor of the user.
	id := e.mustIntroduce(alice.Access, m, c)
	if r := e.call("PATCH", "/api/v1/me", map[string]any{"matching_paused": true}, carol.Access); r.Status != 200 {
		t.Fatalf("pause: %d %s", r.Status, r.Raw)
	}
	r = e.call("GET", "/api/v1/introductions/"+id, nil, alice.Access)
	if r.JSON["status"] != "declined" || r.JSON["decline"].(map[string]any)["reason"] != "paused" {
		t.Fatalf("auto-decline on pause: %s", r.Raw)
	}
	e.verify(id)
	n := e.call("GET", "/api/v1/notifications", nil, alice.Access)
	if !strings.Contains(n.Raw, "paused matching") {
		t.Fatalf("alice's notifications do not say why: %s", n.Raw)
	}
}

// TestChangeFeedExcludesOpenPairs: an introduction in progress takes the pair out of matching.
func TestChangeFeedExcludesOpenPairs(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.register("Alice"), e.register("Bob")
	m := e.createActor(alice.Access, museum())
	s := e.createActor(bob.Access, startup())
	ctx := context.Background()
	ops := func() []string {
		ch, err := e.store.ChangesSince(ctx, 0, 10000)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range ch {
			if c.Op == models.ChangeExclude || c.Op == models.ChangeInclude {
				out = append(out, c.Op+":"+c.ActorID+">"+c.OtherID)
			}
		}
		return out
	}
	id := e.mustIntroduce(alice.Access, m, s)
	e.call("POST", "/api/v1/introductions/"+id+"/decline", map[string]any{"reason": "no_capacity"}, bob.Access)
	want := []string{"exclude:" + m + ">" + s, "include:" + m + ">" + s}
	if fmt.Sprint(ops()) != fmt.Sprint(want) {
		t.Fatalf("feed %v, want %v", ops(), want)
	}
}

func TestBrokeredIntroductionAndDashboard(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol, broker := e.register("Alice"), e.register("Bob"), e.register("Carol"), e.register("Broker")
	e.promote(&broker, models.RoleIntermediary)
	m := e.createActor(alice.Access, museum())
	s := e.createActor(bob.Access, startup())
	c := e.createActor(carol.Access, named(startup(), "Third Eye"))
	hub := e.createActor(broker.Access, map[string]any{"kind": "intermediary", "name": "Creative Hub", "org_type": "network",
		"country": "DE", "languages": []string{"en"}, "contact": map[string]any{"email": "hub@hub.example.org"}})
	propose := func(a, b string) resp {
		return e.call("POST", "/api/v1/introductions", map[string]any{"broker_actor_id": hub, "actor_ids": []string{a, b},
			"message": "You two should meet: vision meets heritage.", "notes": map[string]string{a: "note for " + a, b: "note for " + b}}, broker.Access)
	}
	// Only an intermediary actor brokers.
	if r := e.call("POST", "/api/v1/introductions", map[string]any{"broker_actor_id": m, "actor_ids": []string{s, c}, "message": introMsg}, alice.Access); r.Status != 422 {
		t.Fatalf("non-intermediary broker: %d %s", r.Status, r.Raw)
	}
	if r := e.call("POST", "/api/v1/introductions", map[string]any{"broker_actor_id": hub, "actor_ids": []string{m, s}, "message": introMsg}, alice.Access); r.Status != 403 {
		t.Fatalf("someone else's broker actor: %d %s", r.Status, r.Raw)
	}
	r := propose(m, s)
	if r.Status != 201 || r.JSON["kind"] != "brokered" {
		t.Fatalf("propose: %d %s", r.Status, r.Raw)
	}
	id := r.JSON["id"].(string)
	base := "/api/v1/introductions/" + id
	// Each side reads its own note only.
	r = e.call("GET", base, nil, alice.Access)
	if !strings.Contains(r.Raw, "note for "+m) || strings.Contains(r.Raw, "note for "+s) {
		t.Fatalf("alice's notes: %s", r.Raw)
	}
	// Triple consent: broker proposed; the broker may not accept for them; both sides accept.
	if r := e.call("POST", base+"/accept", nil, broker.Access); r.Status != 409 || r.state() != "pending" {
		t.Fatalf("broker accepts: %d %s", r.Status, r.Raw)
	}
	if r := e.call("POST", base+"/accept", map[string]any{"share_contact_with_broker": true}, alice.Access); r.Status != 200 || r.JSON["status"] != "pending" {
		t.Fatalf("first accept: %d %s", r.Status, r.Raw)
	}
	if r := e.call("POST", base+"/accept", nil, alice.Access); r.Status != 409 {
		t.Fatalf("accept twice: %d %s", r.Status, r.Raw)
	}
	if r := e.call("GET", base, nil, bob.Access); strings.Contains(r.Raw, "curator@light") {
		t.Fatalf("contact before connecting: %s", r.Raw)
	}
	if r := e.call("POST", base+"/accept", nil, bob.Access); r.Status != 200 || r.JSON["status"] != "connected" {
		t.Fatalf("second accept: %d %s", r.Status, r.Raw)
	}
	e.verify(id)
	// Connected: the sides see each other; the broker sees the outcome but no contact (Bob did not allow it).
	if r := e.call("GET", base, nil, bob.Access); !strings.Contains(r.Raw, "curator@light.example.org") {
		t.Fatalf("bob does not see alice's contact: %s", r.Raw)
	}
	if r := e.call("GET", base, nil, broker.Access); r.JSON["status"] != "connected" || strings.Contains(r.Raw, "curator@light") || strings.Contains(r.Raw, "founders@seeing") {
		t.Fatalf("broker view: %s", r.Raw)
	}
	// A second brokered pair where both sides allow it: the broker sees both contacts.
	id2 := propose(c, m).JSON["id"].(string)
	e.call("POST", "/api/v1/introductions/"+id2+"/accept", map[string]any{"share_contact_with_broker": true}, carol.Access)
	e.call("POST", "/api/v1/introductions/"+id2+"/accept", map[string]any{"share_contact_with_broker": true}, alice.Access)
	if r := e.call("GET", "/api/v1/introductions/"+id2, nil, broker.Access); !strings.Contains(r.Raw, "curator@light.example.org") || !strings.Contains(r.Raw, "founders@seeing.example.org") {
		t.Fatalf("broker with consent: %s", r.Raw)
	}
	// A third declined by Carol, a fourth withdrawn by the broker, a fifth expires.
	s2 := e.createActor(bob.Access, named(startup(), "Second Sight"))
	id3 := propose(s, c).JSON["id"].(string)
	e.call("POST", "/api/v1/introductions/"+id3+"/decline", map[string]any{"reason": "not_relevant"}, carol.Access)
	id4 := propose(s2, c).JSON["id"].(string)
	if r := e.call("POST", "/api/v1/introductions/"+id4+"/withdraw", nil, broker.Access); r.Status != 200 {
		t.Fatalf("broker withdraws: %d %s", r.Status, r.Raw)
	}
	id5 := propose(s2, c).JSON["id"].(string)
	w := &models.Workers{Store: e.store, Now: func() time.Time { return time.Now().Add(15 * 24 * time.Hour) }, Mailer: &fakeMailer{}}
	if err := w.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r := e.call("GET", "/api/v1/introductions/"+id5, nil, broker.Access); r.JSON["status"] != "expired" {
		t.Fatalf("expiry: %s", r.Raw)
	}
	for _, x := range []string{id3, id4, id5} {
		e.verify(x)
	}
	// Outcomes: due 30 days after connecting, shown to the sides; the six-month one is answered once due.
	if r := e.call("POST", base+"/outcome", map[string]any{"stage": "6m", "answer": "talking"}, alice.Access); r.Status != 409 || r.state() != "not_due" {
		t.Fatalf("outcome before due: %d %s", r.Status, r.Raw)
	}
	e.at(time.Now().Add(31*24*time.Hour), &alice, &broker, &carol)
	r = e.call("GET", base, nil, alice.Access)
	qs, _ := r.JSON["outcome_questions"].([]any)
	if len(qs) != 1 || qs[0].(map[string]any)["stage"] != "30d" {
		t.Fatalf("questions due: %s", r.Raw)
	}
	if r := e.call("GET", base, nil, broker.Access); r.JSON["outcome_questions"] != nil {
		t.Fatalf("broker is asked: %s", r.Raw)
	}
	if r := e.call("POST", base+"/outcome", map[string]any{"stage": "30d", "answer": "dancing"}, alice.Access); r.Status != 422 {
		t.Fatalf("bad answer: %d %s", r.Status, r.Raw)
	}
	if r := e.call("POST", base+"/outcome", map[string]any{"stage": "30d", "answer": "collaborating"}, alice.Access); r.Status != 200 || r.JSON["outcome_questions"] != nil {
		t.Fatalf("answer: %d %s", r.Status, r.Raw)
	}
	if r := e.call("POST", base+"/outcome", map[string]any{"stage": "30d", "answer": "talking"}, broker.Access); r.Status != 409 {
		t.Fatalf("broker answers: %d %s", r.Status, r.Raw)
	}
	e.call("POST", "/api/v1/introductions/"+id2+"/outcome", map[string]any{"stage": "30d", "answer": "no_contact"}, carol.Access)
	e.at(time.Time{}, &alice, &broker)
	// The dashboard, folded from the event log.
	r = e.call("GET", "/api/v1/brokerage/dashboard?actor="+hub, nil, broker.Access)
	if r.Status != 200 {
		t.Fatalf("dashboard: %d %s", r.Status, r.Raw)
	}
	want := map[string]float64{"proposed": 5, "pending": 0, "connected": 2, "declined": 1, "withdrawn": 1, "expired": 1, "successful": 1}
	fig := r.JSON["figures"].(map[string]any)
	for k, v := range want {
		if fig[k] != v {
			t.Errorf("dashboard %s = %v, want %v (%s)", k, fig[k], v, r.Raw)
		}
	}
	if o := fig["outcomes"].(map[string]any); o["collaborating"] != 1.0 || o["no_contact"] != 1.0 {
		t.Errorf("dashboard outcomes %v", o)
	}
	if r := e.call("GET", "/api/v1/brokerage/dashboard?actor="+hub, nil, alice.Access); r.Status != 403 {
		t.Fatalf("someone else's dashboard: %d", r.Status)
	}
	if r := e.call("GET", "/api/v1/brokerage/dashboard?actor="+m, nil, alice.Access); r.Status != 422 {
		t.Fatalf("dashboard of a non-intermediary: %d", r.Status)
	}
	if r := e.call("GET", "/api/v1/introductions?box=brokered", nil, broker.Access); len(r.JSON["items"].([]any)) != 5 {
		t.Fatalf("brokered box: %s", r.Raw)
	}
}

func TestExpiryWorkerAndOutcomeQuestions(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.register("Alice"), e.register("Bob")
	m := e.createActor(alice.Access, museum())
	s := e.createActor(bob.Access, startup())
	s2 := e.createActor(bob.Access, named(startup(), "Second Sight"))
	ctx := context.Background()
	id := e.mustIntroduce(alice.Access, m, s)
	id2 := e.mustIntroduce(alice.Access, m, s2)
	e.call("POST", "/api/v1/introductions/"+id2+"/accept", nil, bob.Access)
	mail := &fakeMailer{}
	at := time.Now().Add(13 * 24 * time.Hour)
	w := &models.Workers{Store: e.store, Mailer: mail, Now: func() time.Time { return at }}
	if err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if r := e.call("GET", "/api/v1/introductions/"+id, nil, alice.Access); r.JSON["status"] != "pending" {
		t.Fatalf("expired early: %s", r.Raw)
	}
	at = time.Now().Add(14*24*time.Hour + time.Minute)
	if err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if r := e.call("GET", "/api/v1/introductions/"+id, nil, alice.Access); r.JSON["status"] != "expired" {
		t.Fatalf("not expired: %s", r.Raw)
	}
	if r := e.call("POST", "/api/v1/introductions/"+id+"/accept", nil, bob.Access); r.Status != 409 || r.state() != "expired" {
		t.Fatalf("accept an expired one: %d %s", r.Status, r.Raw)
	}
	e.verify(id)
	rs, err := e.store.ResponsivenessSince(ctx, time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if rs[s] != (models.Responsiveness{Received: 1, Expired: 1}) || rs[s2] != (models.Responsiveness{Received: 1, Answered: 1}) || rs[m] != (models.Responsiveness{}) {
		t.Fatalf("responsiveness %+v", rs)
	}
	// 30 days after connecting, both sides are asked once.
	at = time.Now().Add(31 * 24 * time.Hour)
	for range 2 {
		if err := w.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []account{alice, bob} {
		r := e.call("GET", "/api/v1/notifications", nil, u.Access)
		if n := strings.Count(r.Raw, models.NoteOutcomeDue); n != 1 {
			t.Fatalf("%s got %d outcome questions: %s", u.Email, n, r.Raw)
		}
	}
	if mail.distinct() != mail.total() {
		t.Fatalf("duplicate e-mails: %d of %d", mail.total()-mail.distinct(), mail.total())
	}
}

func TestNotificationsInbox(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.register("Alice"), e.register("Bob")
	m := e.createActor(alice.Access, museum())
	s := e.createActor(bob.Access, startup())
	id := e.mustIntroduce(alice.Access, m, s)
	r := e.call("GET", "/api/v1/notifications?unread=true", nil, bob.Access)
	items := r.JSON["items"].([]any)
	if r.Status != 200 || r.JSON["unread"] != 1.0 || len(items) != 1 {
		t.Fatalf("bob's inbox: %d %s", r.Status, r.Raw)
	}
	n := items[0].(map[string]any)
	if n["type"] != models.NoteIntroRequested || n["link"] != "/introductions/"+id || n["read"] != false {
		t.Fatalf("notification: %v", n)
	}
	if r := e.call("GET", "/api/v1/notifications", nil, alice.Access); r.JSON["unread"] != 0.0 {
		t.Fatalf("the sender is notified of her own request: %s", r.Raw)
	}
	if r := e.call("POST", "/api/v1/notifications/"+n["id"].(string)+"/read", nil, alice.Access); r.Status != 404 {
		t.Fatalf("someone else's notification: %d", r.Status)
	}
	if r := e.call("POST", "/api/v1/notifications/"+n["id"].(string)+"/read", nil, bob.Access); r.Status != 204 {
		t.Fatalf("read: %d %s", r.Status, r.Raw)
	}
	if r := e.call("GET", "/api/v1/notifications?unread=true", nil, bob.Access); r.JSON["unread"] != 0.0 || len(r.JSON["items"].([]any)) != 0 {
		t.Fatalf("after read: %s", r.Raw)
	}
	e.call("POST", "/api/v1/introductions/"+id+"/accept", nil, bob.Access)
	r = e.call("GET", "/api/v1/notifications", nil, alice.Access)
	if r.JSON["unread"] != 1.0 || !strings.Contains(r.Raw, models.NoteIntroConnected) {
		t.Fatalf("alice after accept: %s", r.Raw)
	}
	if r := e.call("POST", "/api/v1/notifications/read-all", nil, alice.Access); r.Status != 200 || r.JSON["marked"] != 1.0 {
		t.Fatalf("read-all: %d %s", r.Status, r.Raw)
	}
	if r := e.call("GET", "/api/v1/notifications?unread=maybe", nil, alice.Access); r.Status != 422 {
		t.Fatalf("bad unread: %d", r.Status)
	}
	// Each notification was written with its e-mail in the outbox, in the same transaction.
	out, err := e.store.OutboxMessages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || out[0].ToAddress != bob.Email || out[1].ToAddress != alice.Email {
		t.Fatalf("outbox: %+v", out)
	}
	// E-mail links start with the configured public URL, never with a request's Host.
	if want := "Open Crossover: " + testPublicURL + "/introductions/" + id; !strings.Contains(out[0].Body, want) {
		t.Fatalf("e-mail body %q does not hold %q", out[0].Body, want)
	}
}

// fakeMailer records deliveries by Message-ID, the way a receiving side de-duplicates.
type fakeMailer struct {
	mu   sync.Mutex
	byID map[string]int
	fail int // fail this many sends first
}

func (f *fakeMailer) Send(_ context.Context, m models.Email) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail > 0 {
		f.fail--
		return fmt.Errorf("451 try again later")
	}
	if f.byID == nil {
		f.byID = map[string]int{}
	}
	f.byID[m.MessageID]++
	return nil
}

func (f *fakeMailer) total() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.byID {
		n += c
	}
	return n
}

func (f *fakeMailer) distinct() int { f.mu.Lock(); defer f.mu.Unlock(); return len(f.byID) }

// TestOutboxCrashBetweenClaimAndSend: a worker claims an e-mail and dies before sending; once its
// lease runs out another worker sends it, exactly once. A worker that dies after sending but before
// recording it causes a repeat with the same Message-ID: delivery is at least once, de-duplicated by id.
func TestOutboxCrashBetweenClaimAndSend(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.register("Alice"), e.register("Bob")
	m := e.createActor(alice.Access, museum())
	s := e.createActor(bob.Access, startup())
	e.mustIntroduce(alice.Access, m, s)
	ctx := context.Background()
	t0 := time.Now()
	lease := 2 * time.Minute

	// Worker 1 claims and crashes.
	claimed, err := e.store.ClaimOutbox(ctx, t0, lease, 10)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim: %v %v", claimed, err)
	}
	mail := &fakeMailer{}
	at := t0.Add(time.Minute)
	w2 := &models.Workers{Store: e.store, Mailer: mail, Now: func() time.Time { return at }, Lease: lease}
	if n, err := w2.DeliverOutbox(ctx); err != nil || n != 0 {
		t.Fatalf("while the lease holds: sent %d, %v", n, err)
	}
	at = t0.Add(lease + time.Second)
	if n, err := w2.DeliverOutbox(ctx); err != nil || n != 1 {
		t.Fatalf("after the lease: sent %d, %v", n, err)
	}
	at = t0.Add(time.Hour)
	if n, _ := w2.DeliverOutbox(ctx); n != 0 {
		t.Fatalf("sent again: %d", n)
	}
	if mail.total() != 1 || mail.byID[claimed[0].MessageID] != 1 {
		t.Fatalf("deliveries %v", mail.byID)
	}

	// Failures: retried with exponential backoff, last_error kept.
	m2 := e.createActor(alice.Access, named(museum(), "Second Museum"))
	id := e.mustIntroduce(bob.Access, s, m2) // bob → alice: alice is notified
	flaky := &fakeMailer{fail: 2}
	now := t0.Add(2 * time.Hour)
	w3 := &models.Workers{Store: e.store, Mailer: flaky, Now: func() time.Time { return now }}
	// The new row is due at its creation time (real now); run at a later clock.
	if n, _ := w3.DeliverOutbox(ctx); n != 0 {
		t.Fatalf("sent despite failure")
	}
	st, _ := e.store.OutboxStats(ctx)
	if st.Failed != 1 || st.Depth != 1 {
		t.Fatalf("stats after a failure: %+v", st)
	}
	rows, _ := e.store.OutboxMessages(ctx)
	last := rows[len(rows)-1]
	if last.LastError == "" || last.Attempts != 1 || !last.NextAttemptAt.Equal(now.Add(time.Minute).UTC().Truncate(time.Microsecond)) && last.NextAttemptAt.Sub(now) < 59*time.Second {
		t.Fatalf("after a failure: %+v", last)
	}
	if n, _ := w3.DeliverOutbox(ctx); n != 0 {
		t.Fatalf("retried before the backoff")
	}
	now = now.Add(61 * time.Second)
	w3.DeliverOutbox(ctx) // second failure: next in 2 minutes
	rows, _ = e.store.OutboxMessages(ctx)
	if last = rows[len(rows)-1]; last.Attempts != 2 || last.NextAttemptAt.Sub(now) < 119*time.Second {
		t.Fatalf("backoff after two failures: %+v", last)
	}
	now = now.Add(3 * time.Minute)
	if n, _ := w3.DeliverOutbox(ctx); n != 1 {
		t.Fatalf("not sent after backoff")
	}
	if st, _ := e.store.OutboxStats(ctx); st.Depth != 0 || st.Sent != 2 {
		t.Fatalf("stats at the end: %+v", st)
	}

	// Crash after sending, before recording: the repeat carries the same Message-ID.
	e.call("POST", "/api/v1/introductions/"+id+"/accept", nil, alice.Access) // bob is notified
	dup := &fakeMailer{}
	c, _ := e.store.ClaimOutbox(ctx, now, lease, 10)
	if len(c) != 1 {
		t.Fatalf("claim %d", len(c))
	}
	dup.Send(ctx, models.Email{MessageID: c[0].MessageID}) // …and the worker dies here
	w4 := &models.Workers{Store: e.store, Mailer: dup, Now: func() time.Time { return now.Add(lease + time.Second) }}
	if n, _ := w4.DeliverOutbox(ctx); n != 1 {
		t.Fatalf("redelivery")
	}
	if dup.total() != 2 || dup.distinct() != 1 {
		t.Fatalf("at least once with one Message-ID: %v", dup.byID)
	}
}

// TestOutboxReplicasNeverClaimTheSameRow: concurrent claimers split the due rows without overlap
// (SKIP LOCKED on PostgreSQL, conditional claim on SQLite).
func TestOutboxReplicasNeverClaimTheSameRow(t *testing.T) {
	e := newEnv(t)
	alice := e.register("Alice")
	m := e.createActor(alice.Access, museum())
	var targets []string
	for i := range 8 {
		u := e.register(fmt.Sprintf("Target%d", i))
		targets = append(targets, e.createActor(u.Access, named(startup(), fmt.Sprintf("Target %d", i))))
	}
	for _, s := range targets {
		e.mustIntroduce(alice.Access, m, s)
	}
	ctx := context.Background()
	now := time.Now().Add(time.Second)
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 4 {
				got, err := e.store.ClaimOutbox(ctx, now, time.Minute, 2)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				for _, g := range got {
					seen[g.ID]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != 8 {
		t.Fatalf("claimed %d distinct rows, want 8", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("row %s claimed %d times", id, n)
		}
	}
}

// TestDepartureClosesPendingIntroductions: when a side or the broker leaves (account erased, actor
// deleted), its pending introductions close at once with a neutral notice instead of waiting to expire.
func TestDepartureClosesPendingIntroductions(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol, broker := e.register("Alice"), e.register("Bob"), e.register("Carol"), e.register("Broker")
	m := e.createActor(alice.Access, museum())
	s := e.createActor(bob.Access, startup())
	c := e.createActor(carol.Access, named(startup(), "Third Eye"))
	hub := e.createActor(broker.Access, map[string]any{"kind": "intermediary", "name": "Creative Hub", "org_type": "network",
		"country": "DE", "languages": []string{"en"}})
	propose := func(a, b string) string {
		r := e.call("POST", "/api/v1/introductions", map[string]any{"broker_actor_id": hub, "actor_ids": []string{a, b}, "message": introMsg}, broker.Access)
		if r.Status != 201 {
			t.Fatalf("propose: %d %s", r.Status, r.Raw)
		}
		return r.JSON["id"].(string)
	}
	direct := e.mustIntroduce(alice.Access, m, s)
	brokered := propose(s, c)
	e.call("POST", "/api/v1/introductions/"+brokered+"/accept", nil, carol.Access)
	other := propose(m, c)

	if r := e.call("DELETE", "/api/v1/me", nil, bob.Access); r.Status != 204 {
		t.Fatalf("erase: %d %s", r.Status, r.Raw)
	}
	for _, tc := range []struct {
		id, who, status string
		token           string
	}{{direct, "alice", "declined", alice.Access}, {brokered, "carol", "declined", carol.Access}, {brokered, "broker", "declined", broker.Access}} {
		r := e.call("GET", "/api/v1/introductions/"+tc.id, nil, tc.token)
		if r.JSON["status"] != tc.status || r.JSON["decline"].(map[string]any)["reason"] != "left" || strings.Contains(r.Raw, "Seeing Machines") {
			t.Fatalf("%s's view after the other side left: %s", tc.who, r.Raw)
		}
		e.verify(tc.id)
	}
	for _, u := range []account{alice, carol, broker} {
		r := e.call("GET", "/api/v1/notifications?unread=true", nil, u.Access)
		if !strings.Contains(r.Raw, models.NoteIntroClosed) || !strings.Contains(r.Raw, "Someone in this introduction left Crossover") {
			t.Fatalf("%s's notices: %s", u.Email, r.Raw)
		}
	}
	// The broker deletes its intermediary: its open proposal is withdrawn.
	if r := e.call("DELETE", "/api/v1/actors/"+hub, nil, broker.Access); r.Status != 204 {
		t.Fatalf("delete hub: %d %s", r.Status, r.Raw)
	}
	if r := e.call("GET", "/api/v1/introductions/"+other, nil, alice.Access); r.JSON["status"] != "withdrawn" {
		t.Fatalf("proposal of a departed broker: %s", r.Raw)
	}
	e.verify(other)
}
