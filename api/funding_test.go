package api

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

func newInstrument(slug string) map[string]any {
	return map[string]any{
		"slug": slug, "name": "Creative AI Vouchers", "managing_body": "Region of Test", "type": "grant",
		"amount_min_eur": 5000, "amount_max_eur": 20000, "funding_rate_pct": 50,
		"eligibility":  map[string]any{"org_types": []string{"sme"}, "countries": []string{"NL", "EU27"}, "single_applicant": true},
		"skills_focus": []string{"machine-learning"}, "sectors_focus": []string{"music"},
		"deadline": "2027-03-01", "status": "open", "source_url": "https://example.org/vouchers",
	}
}

func TestFundingRead(t *testing.T) {
	e := newEnv(t)
	r := e.call("GET", "/api/v1/funding?limit=100", nil, "")
	items, _ := r.JSON["items"].([]any)
	if r.Status != http.StatusOK || len(items) < 20 {
		t.Fatalf("list: %d, %d items", r.Status, len(items))
	}
	first := items[0].(map[string]any)
	for _, f := range []string{"id", "slug", "name", "type", "eligibility", "status", "indicative", "source_url", "date_checked", "channel"} {
		if _, ok := first[f]; !ok {
			t.Errorf("instrument has no %s: %v", f, first)
		}
	}
	byID := e.call("GET", "/api/v1/funding/"+first["id"].(string), nil, "")
	bySlug := e.call("GET", "/api/v1/funding/"+first["slug"].(string), nil, "")
	if byID.Status != 200 || bySlug.Status != 200 || byID.Raw != bySlug.Raw {
		t.Errorf("by id %d, by slug %d", byID.Status, bySlug.Status)
	}
	if r := e.call("GET", "/api/v1/funding/no-such-thing", nil, ""); r.Status != 404 {
		t.Errorf("unknown: %d", r.Status)
	}
	for _, q := range []string{"status=open", "type=grant", "q=creative", "status=reference&type=cascade"} {
		r := e.call("GET", "/api/v1/funding?limit=100&"+q, nil, "")
		if r.Status != 200 || len(r.JSON["items"].([]any)) == 0 {
			t.Errorf("%s: %d %d items", q, r.Status, len(r.JSON["items"].([]any)))
		}
	}
	// Pagination: every instrument once.
	seen, cursor := map[string]bool{}, ""
	for i := 0; i < 50; i++ {
		r := e.call("GET", "/api/v1/funding?limit=4&cursor="+cursor, nil, "")
		for _, it := range r.JSON["items"].([]any) {
			id := it.(map[string]any)["id"].(string)
			if seen[id] {
				t.Fatalf("%s twice", id)
			}
			seen[id] = true
		}
		nc, _ := r.JSON["next_cursor"].(string)
		if nc == "" {
			break
		}
		cursor = nc
	}
	if len(seen) != len(items) {
		t.Errorf("pagination saw %d of %d", len(seen), len(items))
	}
	for _, bad := range []string{"status=maybe", "type=loan", "limit=0", "limit=101"} {
		if r := e.call("GET", "/api/v1/funding?"+bad, nil, ""); r.Status != 422 {
			t.Errorf("%s: %d", bad, r.Status)
		}
	}
}

func TestFundingWriteAccess(t *testing.T) {
	e := newEnv(t)
	member := e.register("Mia")
	broker := e.register("Bram")
	e.promote(&broker, "intermediary")
	admin := e.register("Ada")
	e.promote(&admin, "admin")
	for _, tc := range []struct {
		name, token string
		want        int
	}{
		{"anonymous", "", 401},
		{"member", member.Access, 403},
		{"intermediary", broker.Access, 201},
		{"admin", admin.Access, 201},
	} {
		r := e.call("POST", "/api/v1/funding", newInstrument("vouchers-"+tc.name), tc.token)
		if r.Status != tc.want {
			t.Errorf("POST as %s: %d %s", tc.name, r.Status, r.Raw)
		}
	}
	id := e.call("GET", "/api/v1/funding/vouchers-admin", nil, "").JSON["id"].(string)
	for _, tc := range []struct {
		name, token string
		want        int
	}{{"anonymous", "", 401}, {"member", member.Access, 403}} {
		if r := e.call("PATCH", "/api/v1/funding/"+id, map[string]any{"name": "x", "version": 1}, tc.token); r.Status != tc.want {
			t.Errorf("PATCH as %s: %d", tc.name, r.Status)
		}
	}
	if got := e.call("GET", "/api/v1/funding/"+id, nil, ""); got.JSON["version"] != float64(1) || got.JSON["name"] != "Creative AI Vouchers" {
		t.Errorf("a refused PATCH changed the instrument: %s", got.Raw)
	}
	// Optimistic locking.
	r := e.call("PATCH", "/api/v1/funding/"+id, map[string]any{"name": "Creative AI Vouchers 2027", "version": 1}, broker.Access)
	if r.Status != 200 || r.JSON["version"] != float64(2) || r.JSON["name"] != "Creative AI Vouchers 2027" {
		t.Fatalf("PATCH: %d %s", r.Status, r.Raw)
	}
	if r := e.call("PATCH", "/api/v1/funding/"+id, map[string]any{"name": "stale"}, broker.Access, "If-Match", "1"); r.Status != 409 {
		t.Errorf("stale: %d %s", r.Status, r.Raw)
	}
	if r := e.call("PATCH", "/api/v1/funding/"+id, map[string]any{"name": "no version"}, broker.Access); r.Status != 422 || r.fields()["version"] == nil {
		t.Errorf("no version: %d %s", r.Status, r.Raw)
	}
	if r := e.call("PATCH", "/api/v1/funding/nope", map[string]any{"name": "x", "version": 1}, broker.Access); r.Status != 404 {
		t.Errorf("unknown: %d", r.Status)
	}
	// Editing a reference instrument protects the edit from reloading the reference data.
	ref := e.call("GET", "/api/v1/funding/creative-europe-cooperation-projects", nil, "")
	if ref.Status == 200 {
		r := e.call("PATCH", "/api/v1/funding/creative-europe-cooperation-projects", map[string]any{"notes": "checked by Bram", "version": ref.JSON["version"]}, broker.Access)
		if r.Status != 200 {
			t.Fatalf("edit reference: %d %s", r.Status, r.Raw)
		}
	}
}

func TestFundingValidation(t *testing.T) {
	e := newEnv(t)
	admin := e.register("Ada")
	e.promote(&admin, "admin")
	elig := func(kv ...any) map[string]any {
		m := map[string]any{"single_applicant": true}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	consortium := func(minEntities, minCountries int, extra ...any) map[string]any {
		c := map[string]any{"min_entities": minEntities, "min_countries": minCountries}
		for i := 0; i+1 < len(extra); i += 2 {
			c[extra[i].(string)] = extra[i+1]
		}
		return map[string]any{"single_applicant": false, "consortium": c}
	}
	for _, tc := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"bad slug", with(newInstrument("x"), "slug", "Not A Slug"), "slug"},
		{"no name", with(newInstrument("x1"), "name", " "), "name"},
		{"bad type", with(newInstrument("x2"), "type", "loan"), "type"},
		{"bad status", with(newInstrument("x3"), "status", "soon"), "status"},
		{"min over max", with(newInstrument("x4"), "amount_min_eur", 50000), "amount_min_eur"},
		{"negative amount", with(newInstrument("x5"), "amount_max_eur", -1), "amount_max_eur"},
		{"rate over 100", with(newInstrument("x6"), "funding_rate_pct", 150), "funding_rate_pct"},
		{"source not http", with(newInstrument("x7"), "source_url", "javascript:alert(1)"), "source_url"},
		{"deadline not a day", with(newInstrument("x8"), "deadline", "next spring"), "deadline"},
		{"open but past deadline", with(newInstrument("x9"), "deadline", "2020-01-01"), "status"},
		{"unknown skill", with(newInstrument("x10"), "skills_focus", []string{"machine-learning", "basket-weaving"}), "skills_focus[1]"},
		{"unknown sector", with(newInstrument("x11"), "sectors_focus", []string{"underwater"}), "sectors_focus[0]"},
		{"unknown country set", with(newInstrument("x12"), "eligibility", elig("countries", []string{"EU"})), "eligibility.countries[0]"},
		{"unknown eligibility sector", with(newInstrument("x13"), "eligibility", elig("sectors", []string{"music", "alchemy"})), "eligibility.sectors[1]"},
		{"bad applicant kind", with(newInstrument("x14"), "eligibility", elig("applicant_kinds", []string{"robot"})), "eligibility.applicant_kinds[0]"},
		{"min_countries over min_entities", with(newInstrument("x15"), "eligibility", consortium(2, 3)), "eligibility.consortium.min_countries"},
		{"unknown sector in the mix", with(newInstrument("x16"), "eligibility", consortium(3, 3, "sector_mix", []map[string]any{{"sectors": []string{"alchemy"}, "min_entities": 1, "description": "an alchemist"}})), "eligibility.consortium.sector_mix[0].sectors[0]"},
		{"no single applicant and no consortium", with(newInstrument("x17"), "eligibility", map[string]any{}), "eligibility.single_applicant"},
		{"unknown eligibility field", with(newInstrument("x18"), "eligibility", map[string]any{"single_applicant": true, "min_entites": 3}), "eligibility"},
		{"eligibility wrong type", with(newInstrument("x19"), "eligibility", map[string]any{"countries": "NL"}), "eligibility"},
		{"not indicative", with(newInstrument("x20"), "indicative", false), "indicative"},
		{"other currency", with(newInstrument("x21"), "currency", "USD"), "currency"},
		{"bad channel", with(newInstrument("x22"), "channel", "pigeon"), "channel"},
		{"amount as text", with(newInstrument("x23"), "amount_max_eur", "lots"), "amount_max_eur"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.call("POST", "/api/v1/funding", tc.body, admin.Access)
			if r.Status != http.StatusUnprocessableEntity || r.fields()[tc.field] == nil {
				t.Fatalf("%d %s (want field %s)", r.Status, r.Raw, tc.field)
			}
			if g := e.call("GET", "/api/v1/funding/"+url.PathEscape(fmt.Sprint(tc.body["slug"])), nil, ""); g.Status != 404 {
				t.Errorf("a rejected instrument was stored")
			}
		})
	}
	if r := e.call("POST", "/api/v1/funding", newInstrument("dup"), admin.Access); r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Raw)
	}
	if r := e.call("POST", "/api/v1/funding", newInstrument("dup"), admin.Access); r.Status != 422 || r.fields()["slug"] == nil {
		t.Errorf("duplicate slug: %d %s", r.Status, r.Raw)
	}
	// A PATCH that breaks a rule changes nothing.
	before := e.call("GET", "/api/v1/funding/dup", nil, "").Raw
	if r := e.call("PATCH", "/api/v1/funding/dup", map[string]any{"eligibility": consortium(2, 5), "version": 1}, admin.Access); r.Status != 422 || r.fields()["eligibility.consortium.min_countries"] == nil {
		t.Errorf("bad patch: %d %s", r.Status, r.Raw)
	}
	if after := e.call("GET", "/api/v1/funding/dup", nil, "").Raw; after != before {
		t.Errorf("a rejected PATCH changed the instrument")
	}
}
