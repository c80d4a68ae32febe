package api

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crossover-cci/crossover/models"
)

// myOutcomes returns my_outcomes of an introduction view, by stage.
func myOutcomes(t *testing.T, v map[string]any) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	list, ok := v["my_outcomes"].([]any)
	if !ok {
		t.Fatalf("no my_outcomes: %v", v)
	}
	for _, x := range list {
		o := x.(map[string]any)
		out[o["stage"].(string)] = o
	}
	return out
}

// Both sides of a connected introduction see their own outcome questions at once (in lists and
// in the introduction), may answer the first one any time after connecting, each for itself, and
// see their answer afterwards.
func TestOutcomesForBothSides(t *testing.T) {
	e := newEnv(t)
	alice, bob, carol := e.register("Alice"), e.register("Bob"), e.register("Carol")
	m := e.createActor(alice.Access, museum())
	s := e.createActor(bob.Access, startup())
	id := e.mustIntroduce(alice.Access, m, s)
	base := "/api/v1/introductions/" + id
	answer := func(token, stage, ans string) resp {
		return e.call("POST", base+"/outcome", map[string]any{"stage": stage, "answer": ans}, token)
	}
	// Pending: nothing to answer yet.
	if r := e.call("GET", base, nil, bob.Access); len(myOutcomes(t, r.JSON)) != 0 {
		t.Fatalf("questions before connecting: %s", r.Raw)
	}
	if r := answer(bob.Access, "30d", "talking"); r.Status != 409 || r.state() != "no_question" {
		t.Fatalf("answer while pending: %d %s", r.Status, r.Raw)
	}
	e.call("POST", base+"/accept", nil, bob.Access)

	// Each side sees its two questions in its box and in the introduction.
	for _, tc := range []struct {
		u   account
		box string
	}{{alice, "sent"}, {bob, "received"}} {
		r := e.call("GET", "/api/v1/introductions?box="+tc.box, nil, tc.u.Access)
		qs := myOutcomes(t, r.JSON["items"].([]any)[0].(map[string]any))
		if len(qs) != 2 || qs["30d"]["answerable"] != true || qs["30d"]["due"] != false || qs["6m"]["answerable"] != false || qs["30d"]["answer"] != nil {
			t.Fatalf("%s's questions in the %s box: %s", tc.u.Email, tc.box, r.Raw)
		}
		if one := myOutcomes(t, e.call("GET", base, nil, tc.u.Access).JSON); len(one) != 2 {
			t.Fatalf("%s's questions in the introduction: %v", tc.u.Email, one)
		}
	}

	// Bad input and callers who may not answer change nothing.
	for _, tc := range []struct {
		name, token, stage, ans string
		want                    int
		field                   string
	}{
		{"bad stage", bob.Access, "1y", "talking", 422, "stage"},
		{"bad answer", bob.Access, "30d", "dancing", 422, "answer"},
		{"six months early", bob.Access, "6m", "talking", 409, ""},
		{"a stranger", carol.Access, "30d", "talking", 404, ""},
		{"anonymous", "", "30d", "talking", 401, ""},
	} {
		r := answer(tc.token, tc.stage, tc.ans)
		if r.Status != tc.want || (tc.field != "" && r.fields()[tc.field] == nil) {
			t.Errorf("%s: %d, want %d naming %q (%s)", tc.name, r.Status, tc.want, tc.field, r.Raw)
		}
	}
	if r := e.call("GET", base, nil, bob.Access); myOutcomes(t, r.JSON)["30d"]["answer"] != nil {
		t.Fatalf("a refused answer was stored: %s", r.Raw)
	}

	// The side that accepted answers right away; the answer is visible to it, not to the other side.
	r := answer(bob.Access, "30d", "talking")
	if r.Status != 200 || myOutcomes(t, r.JSON)["30d"]["answer"] != "talking" || myOutcomes(t, r.JSON)["30d"]["answered_at"] == nil {
		t.Fatalf("answer: %d %s", r.Status, r.Raw)
	}
	if r := e.call("GET", base, nil, alice.Access); myOutcomes(t, r.JSON)["30d"]["answer"] != nil {
		t.Fatalf("the other side's answer shows: %s", r.Raw)
	}
	if r := answer(alice.Access, "30d", "collaborating"); r.Status != 200 || myOutcomes(t, r.JSON)["30d"]["answer"] != "collaborating" {
		t.Fatalf("requester answers: %d %s", r.Status, r.Raw)
	}
	if r := answer(bob.Access, "30d", "agreement"); r.Status != 200 || myOutcomes(t, r.JSON)["30d"]["answer"] != "agreement" {
		t.Fatalf("answer again: %d %s", r.Status, r.Raw)
	}
	e.verify(id)

	// A month later the question is due: nobody who answered is asked again; the six-month one waits.
	at := time.Now().Add(31 * 24 * time.Hour)
	w := &models.Workers{Store: e.store, Mailer: &fakeMailer{}, Now: func() time.Time { return at }}
	if err := w.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, u := range []account{alice, bob} {
		if r := e.call("GET", "/api/v1/notifications", nil, u.Access); strings.Contains(r.Raw, models.NoteOutcomeDue) {
			t.Errorf("%s asked a question already answered: %s", u.Email, r.Raw)
		}
	}
	e.at(time.Now().Add(183*24*time.Hour), &bob)
	qs := myOutcomes(t, e.call("GET", base, nil, bob.Access).JSON)
	if qs["6m"]["due"] != true || qs["6m"]["answerable"] != true || qs["30d"]["answer"] != "agreement" {
		t.Fatalf("six months later: %v", qs)
	}
	if r := answer(bob.Access, "6m", "agreement"); r.Status != 200 {
		t.Fatalf("six-month answer: %d %s", r.Status, r.Raw)
	}
}
