package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// profile is a valid actor body with the given facts.
func profile(name, kind, org, country string, sectors []string, offers ...string) map[string]any {
	p := museum()
	p["name"], p["kind"], p["org_type"], p["country"], p["sectors"] = name, kind, org, country, sectors
	p["region"] = ""
	var off []map[string]any
	for _, s := range offers {
		off = append(off, map[string]any{"skill": s, "level": 3})
	}
	p["offers"] = off
	p["needs"] = []map[string]any{}
	p["languages"] = []string{"en"}
	return p
}

// fundingItems returns slug → item of a funding answer.
func fundingItems(t *testing.T, r resp) map[string]map[string]any {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("funding: %d %s", r.Status, r.Raw)
	}
	out := map[string]map[string]any{}
	for _, it := range r.JSON["items"].([]any) {
		m := it.(map[string]any)
		out[m["instrument"].(map[string]any)["slug"].(string)] = m
	}
	return out
}

func TestActorFundingEligibility(t *testing.T) {
	e := newEnv(t)
	owner := e.register("Studio")
	studio := e.createActor(owner.Access, profile("Pixel Forge", "cci", "sme", "FR", []string{"games"}, "game-design", "game-development"))
	design := e.createActor(owner.Access, profile("Atelier Azul", "cci", "sme", "PT", []string{"design"}, "ux-design"))

	all := fundingItems(t, e.call("GET", "/api/v1/actors/"+studio+"/funding?limit=100&include_closed=true", nil, owner.Access))
	for slug, want := range map[string]string{
		"crea-media-devvgim":          "closed", // Creative Europe MEDIA video games development (closed call, asked for)
		"fr-credit-impot-jeux-video":  "eligible",
		"ie-digital-games-tax-credit": "ineligible",
		"crea-cult-coop-small":        "with_partners",
	} {
		it, ok := all[slug]
		if !ok {
			t.Errorf("%s missing", slug)
			continue
		}
		if it["eligibility"] != want {
			t.Errorf("%s: %v, want %s (%v)", slug, it["eligibility"], want, it["reasons"])
		}
		sc := it["score"].(float64)
		if sc < 0 || sc > 1 {
			t.Errorf("%s: score %v", slug, sc)
		}
		for _, r := range it["reasons"].([]any) {
			m := r.(map[string]any)
			if _, ok := m["met"].(bool); !ok || m["code"] == "" || m["message"] == "" {
				t.Errorf("%s: reason without code, message or met: %v", slug, m)
			}
		}
	}
	// The Irish credit fails on the country, criterion by criterion.
	countryFailed := false
	for _, r := range all["ie-digital-games-tax-credit"]["reasons"].([]any) {
		m := r.(map[string]any)
		if m["code"] == "country" && m["met"] == false {
			countryFailed = true
		}
	}
	if !countryFailed {
		t.Errorf("Irish credit: no failed country criterion: %v", all["ie-digital-games-tax-credit"]["reasons"])
	}
	// Ranked best first, closed calls last; the French credit above the Irish one.
	items := e.call("GET", "/api/v1/actors/"+studio+"/funding?limit=100&include_closed=true", nil, owner.Access).JSON["items"].([]any)
	prev, closed := 2.0, false
	pos := map[string]int{}
	for i, it := range items {
		m := it.(map[string]any)
		if m["status"] == "closed" && !closed {
			prev, closed = 2.0, true
		}
		if s := m["score"].(float64); s > prev || (closed && m["status"] != "closed") {
			t.Errorf("not sorted by status and score at %d", i)
		} else {
			prev = s
		}
		pos[m["instrument"].(map[string]any)["slug"].(string)] = i
	}
	if pos["fr-credit-impot-jeux-video"] > pos["ie-digital-games-tax-credit"] {
		t.Errorf("French credit ranked below the Irish one")
	}

	// Closed calls are left out unless asked for; reference schemes are shown as models.
	open := fundingItems(t, e.call("GET", "/api/v1/actors/"+studio+"/funding?limit=100", nil, owner.Access))
	if _, ok := open["crea-media-devvgim"]; ok {
		t.Errorf("a closed call is listed without include_closed")
	}
	for slug, it := range open {
		if it["status"] == "closed" {
			t.Errorf("%s is closed but listed", slug)
		}
	}
	if open["crea-cult-coop-small"]["status"] != "reference" {
		t.Errorf("reference scheme: %v", open["crea-cult-coop-small"]["status"])
	}
	if n := len(e.call("GET", "/api/v1/actors/"+studio+"/funding?limit=3", nil, owner.Access).JSON["items"].([]any)); n != 3 {
		t.Errorf("limit=3 gave %d", n)
	}

	// A small design studio alone: a cooperation project with partners, the missing ones named.
	d := fundingItems(t, e.call("GET", "/api/v1/actors/"+design+"/funding?limit=100", nil, owner.Access))
	coop := d["crea-cult-coop-small"]
	if coop["eligibility"] != "with_partners" {
		t.Fatalf("cooperation project: %v", coop["eligibility"])
	}
	missing := fmt.Sprint(coop["missing"])
	if !strings.Contains(missing, "needs ≥ 2 more partners from 2 other countries") {
		t.Errorf("missing: %s", missing)
	}
	lab := d["crea-cross-innovlab"]
	if lab["eligibility"] != "with_partners" || !strings.Contains(fmt.Sprint(lab["missing"]), "needs an audiovisual organisation") {
		t.Errorf("innovation lab: %v %v", lab["eligibility"], lab["missing"])
	}
}

func TestActorFundingAccess(t *testing.T) {
	e := newEnv(t)
	owner, stranger, broker, admin := e.register("Owner"), e.register("Stranger"), e.register("Broker"), e.register("Admin")
	e.promote(&broker, "intermediary")
	e.promote(&admin, "admin")
	id := e.createActor(owner.Access, museum())
	for _, tc := range []struct {
		name, path, token string
		want              int
	}{
		{"owner", "/api/v1/actors/" + id + "/funding", owner.Access, 200},
		{"intermediary", "/api/v1/actors/" + id + "/funding", broker.Access, 200},
		{"admin", "/api/v1/actors/" + id + "/funding", admin.Access, 200},
		{"another member", "/api/v1/actors/" + id + "/funding", stranger.Access, 403},
		{"signed out", "/api/v1/actors/" + id + "/funding", "", 401},
		{"unknown actor", "/api/v1/actors/nope/funding", owner.Access, 404},
		{"bad limit", "/api/v1/actors/" + id + "/funding?limit=0", owner.Access, 422},
		{"bad include_closed", "/api/v1/actors/" + id + "/funding?include_closed=maybe", owner.Access, 422},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := e.call("GET", tc.path, nil, tc.token); r.Status != tc.want {
				t.Errorf("%d, want %d: %s", r.Status, tc.want, r.Raw)
			}
		})
	}
}

func TestConsortiumBadInputAndAccess(t *testing.T) {
	e := newEnv(t)
	owner, stranger := e.register("Owner"), e.register("Stranger")
	lead := e.createActor(owner.Access, museum())
	other := e.createActor(stranger.Access, startup())
	var many []string
	for i := range 21 {
		many = append(many, fmt.Sprintf("id-%02d", i))
	}
	base := "/api/v1/funding/crea-cross-innovlab/consortium"
	for _, tc := range []struct {
		name, path, token string
		want              int
		field             string
	}{
		{"unknown instrument", "/api/v1/funding/nope/consortium?actor=" + lead, owner.Access, 404, ""},
		{"no actor", base, owner.Access, 422, "actor"},
		{"unknown actor", base + "?actor=nope", owner.Access, 422, "actor"},
		{"with lists the lead", base + "?actor=" + lead + "&with=" + other + "," + lead, owner.Access, 422, "with"},
		{"with lists an actor twice", base + "?actor=" + lead + "&with=" + other + "," + other, owner.Access, 422, "with"},
		{"more than 20 partners", base + "?actor=" + lead + "&with=" + strings.Join(many, ","), owner.Access, 422, "with"},
		{"with lists an unknown actor", base + "?actor=" + lead + "&with=ghost", owner.Access, 422, "with"},
		{"stranger", base + "?actor=" + lead, stranger.Access, 403, ""},
		{"signed out", base + "?actor=" + lead, "", 401, ""},
		{"owner", base + "?actor=" + lead + "&with=" + other, owner.Access, 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.call("GET", tc.path, nil, tc.token)
			if r.Status != tc.want {
				t.Fatalf("%d, want %d: %s", r.Status, tc.want, r.Raw)
			}
			if tc.field != "" {
				if _, ok := r.fields()[tc.field]; !ok {
					t.Errorf("fields %v do not name %s", r.fields(), tc.field)
				}
			}
		})
	}
}

func TestConsortiumSuggestions(t *testing.T) {
	e := newEnv(t)
	owner := e.register("Lead")
	other := e.register("Others")
	lead := e.createActor(owner.Access, museum()) // NL museum: needs an audiovisual organisation and 2 more partners from 1 more country
	ids := map[string]string{}
	for _, p := range []map[string]any{
		profile("Film Lab", "cci", "sme", "BE", []string{"film"}, "machine-learning", "generative-ai"),
		profile("Games Co", "cci", "startup", "FR", []string{"games"}, "immersive-media"),
		profile("Design House", "cci", "sme", "DE", []string{"design"}, "ux-design"),
		profile("Data Folk", "ai", "startup", "NL", []string{"museums"}, "data-engineering", "content-discovery"),
		profile("Swiss TV", "cci", "sme", "CH", []string{"television"}, "machine-learning"), // not a Creative Europe country
	} {
		ids[p["name"].(string)] = e.createActor(other.Access, p)
	}
	r := e.call("GET", "/api/v1/funding/crea-cross-innovlab/consortium?actor="+lead, nil, owner.Access)
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	cur := r.JSON["current"].(map[string]any)
	if cur["satisfies_rules"] != false || !strings.Contains(fmt.Sprint(cur["gaps"]), "needs an audiovisual organisation") {
		t.Errorf("current team gaps: %v", cur["gaps"])
	}
	items := r.JSON["items"].([]any)
	if len(items) == 0 || len(items) > 5 {
		t.Fatalf("%d suggestions: %s", len(items), r.Raw)
	}
	for i, it := range items {
		team := it.(map[string]any)
		if team["satisfies_rules"] != true {
			t.Errorf("team %d breaks a rule: %v", i, team["rules"])
		}
		members := team["members"].([]any)
		countries := map[string]bool{}
		av := false
		for _, m := range members {
			mm := m.(map[string]any)
			countries[mm["country"].(string)] = true
			if mm["id"] == ids["Swiss TV"] {
				t.Errorf("team %d has a member from outside Creative Europe", i)
			}
			if mm["id"] == ids["Film Lab"] || mm["id"] == ids["Games Co"] {
				av = true
			}
			if _, ok := mm["covers"].([]any); !ok {
				t.Errorf("member without covers: %v", mm)
			}
			if _, ok := mm["actor"].(map[string]any)["contact"]; ok {
				t.Errorf("contact details leaked in a suggestion")
			}
		}
		if len(members) < 3 || len(countries) < 2 || !av {
			t.Errorf("team %d: %d members, %d countries, audiovisual %v", i, len(members), len(countries), av)
		}
	}
	// Chosen partners are kept in every team.
	r = e.call("GET", "/api/v1/funding/crea-cross-innovlab/consortium?actor="+lead+"&with="+ids["Design House"], nil, owner.Access)
	for _, it := range r.JSON["items"].([]any) {
		if !strings.Contains(fmt.Sprint(it.(map[string]any)["members"]), ids["Design House"]) {
			t.Errorf("chosen partner dropped")
		}
	}
}
