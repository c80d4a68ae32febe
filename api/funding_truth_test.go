package api

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// reason returns the reason with code of a funding item, or nil.
func reason(it map[string]any, code string) map[string]any {
	for _, r := range it["reasons"].([]any) {
		if m := r.(map[string]any); m["code"] == code {
			return m
		}
	}
	return nil
}

func freelancerProfile() map[string]any {
	return profile("Ana Costa", "cci", "freelancer", "PT", []string{"visual-arts"}, "digital-art")
}

// A call past its deadline is closed and never "eligible": left out by default, listed last with
// include_closed, shown closed in the catalogue and the consortium view. The server's clock decides.
func TestFundingClosedCallNeverEligible(t *testing.T) {
	e := newEnv(t)
	owner := e.register("Ana")
	ana := e.createActor(owner.Access, freelancerProfile())
	path := "/api/v1/actors/" + ana + "/funding?limit=100"

	open := fundingItems(t, e.call("GET", path, nil, owner.Access))
	if it, ok := open["ai4media-open-calls"]; ok {
		t.Errorf("the 2022 AI4Media call is listed by default: %v %v", it["eligibility"], it["status"])
	}
	for slug, it := range open {
		if it["status"] == "closed" || it["eligibility"] == "closed" {
			t.Errorf("%s is closed but listed by default", slug)
		}
	}
	all := fundingItems(t, e.call("GET", path+"&include_closed=true", nil, owner.Access))
	ai := all["ai4media-open-calls"]
	if ai["eligibility"] != "closed" || ai["status"] != "closed" || fmt.Sprint(ai["eligible_as"]) != "[]" || ai["role"] != "" {
		t.Errorf("2022 call: eligibility %v, status %v, eligible_as %v, role %v", ai["eligibility"], ai["status"], ai["eligible_as"], ai["role"])
	}
	if r := reason(ai, "status"); r == nil || r["met"] != false || !strings.Contains(r["message"].(string), "2022-11-30") {
		t.Errorf("status reason %v: want unmet, with the date", r)
	}
	for slug, it := range all {
		if it["status"] == "closed" && it["eligibility"] == "eligible" {
			t.Errorf("%s: closed yet eligible", slug)
		}
	}
	only := fundingItems(t, e.call("GET", path+"&eligibility=closed", nil, owner.Access))
	if _, ok := only["ai4media-open-calls"]; !ok || len(only) == 0 {
		t.Errorf("eligibility=closed lists %d items, without the 2022 call", len(only))
	}
	for slug, it := range only {
		if it["eligibility"] != "closed" {
			t.Errorf("eligibility=closed lists %s (%v)", slug, it["eligibility"])
		}
	}

	// The catalogue says closed, the status filter reads the state today, and the clock moves it.
	if r := e.call("GET", "/api/v1/funding/ai4media-open-calls", nil, ""); r.JSON["current_status"] != "closed" {
		t.Errorf("catalogue entry: current_status %v", r.JSON["current_status"])
	}
	catalogue := func(q string) map[string]map[string]any {
		r := e.call("GET", "/api/v1/funding?limit=100"+q, nil, "")
		if r.Status != 200 {
			t.Fatalf("catalogue: %d %s", r.Status, r.Raw)
		}
		out := map[string]map[string]any{}
		for _, it := range r.JSON["items"].([]any) {
			m := it.(map[string]any)
			out[m["slug"].(string)] = m
		}
		return out
	}
	if _, ok := catalogue("&status=reference")["ai4media-open-calls"]; ok {
		t.Errorf("status=reference lists the closed 2022 call")
	}
	if it, ok := catalogue("&status=closed")["ai4media-open-calls"]; !ok || it["current_status"] != "closed" {
		t.Errorf("status=closed: %v", it)
	}
	if catalogue("")["fr-credit-impot-jeux-video"]["current_status"] != "open" {
		t.Errorf("the French games credit is open until 2026-12-31")
	}
	e.at(time.Date(2027, 1, 2, 9, 0, 0, 0, time.UTC), &owner)
	if _, ok := catalogue("&status=open")["fr-credit-impot-jeux-video"]; ok {
		t.Errorf("status=open lists the French credit after its deadline")
	}
	if it := catalogue("&status=closed")["fr-credit-impot-jeux-video"]; it == nil || it["current_status"] != "closed" || it["status"] != "open" {
		t.Errorf("status=closed after the deadline: %v", it)
	}
	if it := catalogue("&status=open")["ngi-zero-commons-fund"]; it == nil || it["current_status"] != "open" {
		t.Errorf("a rolling fund without a deadline stays open: %v", it)
	}
	// The consortium view says the call is closed.
	r := e.call("GET", "/api/v1/funding/horizon-cl2-2025-heritage-04/consortium?actor="+ana, nil, owner.Access)
	if in := r.JSON["instrument"].(map[string]any); in["current_status"] != "closed" || in["deadline"] != "2025-09-16" {
		t.Errorf("consortium instrument: %v", in)
	}
}

// Amounts are judged against the actor's size: €2.5M does not suit a freelancer.
func TestFundingAmountSuitsTheActorsSize(t *testing.T) {
	e := newEnv(t)
	owner := e.register("Owner")
	ana := e.createActor(owner.Access, freelancerProfile())
	sme := e.createActor(owner.Access, profile("Atelier Azul", "cci", "sme", "PT", []string{"design"}, "ux-design"))
	eic := func(actor, size string) map[string]any {
		it := fundingItems(t, e.call("GET", "/api/v1/actors/"+actor+"/funding?limit=100", nil, owner.Access))["eic-accelerator"]
		if it == nil {
			t.Fatalf("no EIC Accelerator for %s", actor)
		}
		if it["size"] != size {
			t.Errorf("EIC size %v, want %s", it["size"], size)
		}
		return reason(it, "amount")
	}
	if r := eic(ana, "large"); r["met"] != false || strings.Contains(r["message"].(string), "suits a freelancer") {
		t.Errorf("EIC for a freelancer: %v", r)
	}
	if r := eic(sme, "fits"); r["met"] != true || !strings.Contains(r["message"].(string), "suits an SME") {
		t.Errorf("EIC for an SME: %v", r)
	}
	all := fundingItems(t, e.call("GET", "/api/v1/actors/"+ana+"/funding?limit=100", nil, owner.Access))
	r := reason(all["horizon-cl2-2027-heritage-09"], "amount")
	if all["horizon-cl2-2027-heritage-09"]["size"] != "partner_share" || r == nil || !strings.Contains(r["message"].(string), "too large for a freelancer to lead; as a partner") {
		t.Errorf("Horizon for a freelancer: %v", r)
	}
}

// A freelancer sees Creative Europe and Horizon consortium calls it can join as a partner, with
// the way to the consortium suggestions; the role parameter filters on it.
func TestFundingFreelancerJoinsAsPartner(t *testing.T) {
	e := newEnv(t)
	owner, others := e.register("Ana"), e.register("Others")
	ana := e.createActor(owner.Access, freelancerProfile())
	for _, p := range []map[string]any{
		profile("Museu Digital", "cci", "public_institution", "ES", []string{"museums"}, "curation"),
		profile("Dataforge", "ai", "startup", "DE", []string{"news-media"}, "machine-learning"),
		profile("Teatro Vivo", "cci", "ngo", "IT", []string{"performing-arts"}, "audience-development"),
	} {
		e.createActor(others.Access, p)
	}
	partner := fundingItems(t, e.call("GET", "/api/v1/actors/"+ana+"/funding?limit=100&role=partner", nil, owner.Access))
	for _, slug := range []string{"crea-cult-coop-small", "horizon-cl2-2027-heritage-09"} {
		it := partner[slug]
		if it == nil {
			t.Fatalf("%s not offered as a partner: %v", slug, slugs(partner))
		}
		if it["eligibility"] != "with_partners" || fmt.Sprint(it["eligible_as"]) != "[partner]" || it["role"] != "partner" ||
			!strings.Contains(it["role_reason"].(string), "freelancers join the consortium as partners") {
			t.Errorf("%s: %v as %v, role %v: %v", slug, it["eligibility"], it["eligible_as"], it["role"], it["role_reason"])
		}
		want := "/api/v1/funding/" + it["instrument"].(map[string]any)["id"].(string) + "/consortium?actor=" + ana
		if it["consortium_url"] != want {
			t.Errorf("%s: consortium_url %v, want %s", slug, it["consortium_url"], want)
		}
	}
	for slug, it := range partner {
		if !strings.Contains(fmt.Sprint(it["eligible_as"]), "partner") {
			t.Errorf("role=partner lists %s (%v)", slug, it["eligible_as"])
		}
	}
	lead := fundingItems(t, e.call("GET", "/api/v1/actors/"+ana+"/funding?limit=100&role=lead", nil, owner.Access))
	if _, ok := lead["crea-cult-coop-small"]; ok {
		t.Errorf("role=lead lists a call a freelancer cannot lead")
	}
	if it := lead["ngi-zero-commons-fund"]; it == nil || it["role"] != "lead" {
		t.Errorf("NGI Zero for a freelancer: %v", it)
	}
	// The link works: the freelancer is a partner and a coordinator is suggested.
	r := e.call("GET", partner["crea-cult-coop-small"]["consortium_url"].(string), nil, owner.Access)
	if r.Status != 200 {
		t.Fatalf("consortium: %d %s", r.Status, r.Raw)
	}
	items := r.JSON["items"].([]any)
	if len(items) == 0 {
		t.Fatalf("no team for the freelancer: %s", r.Raw)
	}
	for i, it := range items {
		members := it.(map[string]any)["members"].([]any)
		if first := members[0].(map[string]any); first["id"] != ana || first["role"] != "partner" {
			t.Errorf("team %d: first member %v as %v", i, first["id"], first["role"])
		}
		if !strings.Contains(fmt.Sprint(members), "the coordinator") {
			t.Errorf("team %d has no coordinator: %v", i, members)
		}
	}
}

func slugs(m map[string]map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestFundingNewParametersBadInput(t *testing.T) {
	e := newEnv(t)
	owner := e.register("Owner")
	id := e.createActor(owner.Access, freelancerProfile())
	for _, tc := range []struct{ name, path, field string }{
		{"unknown role", "/api/v1/actors/" + id + "/funding?role=coordinator", "role"},
		{"unknown eligibility", "/api/v1/actors/" + id + "/funding?eligibility=open", "eligibility"},
		{"unknown catalogue status", "/api/v1/funding?status=expired", "status"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.call("GET", tc.path, nil, owner.Access)
			if r.Status != 422 {
				t.Fatalf("%d, want 422: %s", r.Status, r.Raw)
			}
			if _, ok := r.fields()[tc.field]; !ok {
				t.Errorf("fields %v do not name %s", r.fields(), tc.field)
			}
		})
	}
}
