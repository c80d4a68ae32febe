package models

import (
	"errors"
	"testing"
)

// TestTransitionTable checks the one transition function against every status, action and actor.
func TestTransitionTable(t *testing.T) {
	a, b, x, hub := "a", "b", "x", "hub"
	direct := func(status, bResp string) *Introduction {
		return &Introduction{Kind: "direct", Status: status, Parties: []IntroParty{
			{ActorID: &a, Role: RoleRequester, Response: "accepted"}, {ActorID: &b, Role: RoleRecipient, Response: bResp}}}
	}
	brokered := func(status, aResp, bResp string) *Introduction {
		return &Introduction{Kind: "brokered", Status: status, BrokerActorID: &hub, Parties: []IntroParty{
			{ActorID: &a, Role: RoleParty, Response: aResp}, {ActorID: &b, Role: RoleParty, Response: bResp}}}
	}
	for _, tc := range []struct {
		name   string
		in     *Introduction
		action string
		by     string
		want   string // "" means refused
	}{
		{"recipient accepts", direct(IntroPending, "pending"), ActAccept, b, IntroConnected},
		{"recipient declines", direct(IntroPending, "pending"), ActDecline, b, IntroDeclined},
		{"requester withdraws", direct(IntroPending, "pending"), ActWithdraw, a, IntroWithdrawn},
		{"system expires", direct(IntroPending, "pending"), ActExpire, "", IntroExpired},
		{"requester accepts", direct(IntroPending, "pending"), ActAccept, a, ""},
		{"requester declines", direct(IntroPending, "pending"), ActDecline, a, ""},
		{"recipient withdraws", direct(IntroPending, "pending"), ActWithdraw, b, ""},
		{"stranger accepts", direct(IntroPending, "pending"), ActAccept, x, ""},
		{"an actor expires", direct(IntroPending, "pending"), ActExpire, b, ""},
		{"first side of three", brokered(IntroPending, "pending", "pending"), ActAccept, a, IntroPending},
		{"last side of three", brokered(IntroPending, "accepted", "pending"), ActAccept, b, IntroConnected},
		{"side accepts twice", brokered(IntroPending, "accepted", "pending"), ActAccept, a, ""},
		{"broker accepts", brokered(IntroPending, "pending", "pending"), ActAccept, hub, ""},
		{"broker withdraws", brokered(IntroPending, "accepted", "pending"), ActWithdraw, hub, IntroWithdrawn},
		{"side withdraws", brokered(IntroPending, "pending", "pending"), ActWithdraw, a, ""},
		{"side declines after the other accepted", brokered(IntroPending, "accepted", "pending"), ActDecline, b, IntroDeclined},
		{"recipient leaves", direct(IntroPending, "pending"), ActLeave, b, IntroDeclined},
		{"requester leaves", direct(IntroPending, "pending"), ActLeave, a, IntroWithdrawn},
		{"side leaves after accepting", brokered(IntroPending, "accepted", "pending"), ActLeave, a, IntroDeclined},
		{"broker leaves", brokered(IntroPending, "pending", "pending"), ActLeave, hub, IntroWithdrawn},
		{"stranger leaves", direct(IntroPending, "pending"), ActLeave, x, ""},
	} {
		got, err := next(tc.in, tc.action, tc.by)
		if got != tc.want {
			t.Errorf("%s: got %q (%v), want %q", tc.name, got, err, tc.want)
		}
		var ce *ConflictError
		if tc.want == "" && (!errors.As(err, &ce) || ce.State != tc.in.Status) {
			t.Errorf("%s: refusal %v does not carry the current state", tc.name, err)
		}
	}
	// Every final status refuses every action.
	for _, st := range []string{IntroConnected, IntroDeclined, IntroWithdrawn, IntroExpired} {
		for _, act := range []string{ActAccept, ActDecline, ActWithdraw, ActExpire, ActLeave} {
			for _, by := range []string{a, b, hub, ""} {
				in := brokered(st, "pending", "pending")
				if got, err := next(in, act, by); got != "" || err == nil {
					t.Errorf("%s --%s by %q--> %q", st, act, by, got)
				}
			}
		}
	}
}

func TestDeriveStatus(t *testing.T) {
	for _, tc := range []struct {
		events []string
		want   string
	}{
		{[]string{EventRequested}, IntroPending},
		{[]string{EventProposed, EventAccepted}, IntroPending},
		{[]string{EventProposed, EventAccepted, EventAccepted, EventConnected, EventOutcome}, IntroConnected},
		{[]string{EventRequested, EventDeclined}, IntroDeclined},
		{[]string{EventRequested, EventWithdrawn}, IntroWithdrawn},
		{[]string{EventRequested, EventExpired}, IntroExpired},
	} {
		var evs []IntroEvent
		for _, e := range tc.events {
			evs = append(evs, IntroEvent{Type: e})
		}
		if got := DeriveStatus(evs); got != tc.want {
			t.Errorf("%v: %s, want %s", tc.events, got, tc.want)
		}
	}
}

func TestBackoff(t *testing.T) {
	want := []string{"1m0s", "2m0s", "4m0s", "8m0s", "16m0s", "32m0s", "1h4m0s", "2h8m0s", "4h16m0s", "6h0m0s", "6h0m0s"}
	for i, w := range want {
		if got := Backoff(i + 1).String(); got != w {
			t.Errorf("Backoff(%d) = %s, want %s", i+1, got, w)
		}
	}
}
