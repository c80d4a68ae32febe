package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func practice(actorIDs ...string) map[string]any {
	return map[string]any{
		"title": "Tagging a photo archive with computer vision", "sector": "museums",
		"summary":   "A regional museum and a start-up trained an image classifier on 40,000 catalogued photos.",
		"skills":    []string{"computer-vision", "metadata-cataloguing"},
		"actor_ids": actorIDs, "outcome": "80 % of new photos tagged automatically; curators review the rest.",
		"links":   []string{"https://example.org/case", "http://example.org/report.pdf"},
		"licence": "CC-BY-4.0", "country": "NL",
	}
}

func TestPracticesCRUD(t *testing.T) {
	e := newEnv(t)
	owner, other := e.register("Olga"), e.register("Otto")
	admin := e.register("Ada")
	e.promote(&admin, "admin")
	m := e.createActor(owner.Access, museum())
	s := e.createActor(other.Access, startup())

	if r := e.call("POST", "/api/v1/practices", practice(m, s), ""); r.Status != 401 {
		t.Errorf("anonymous create: %d", r.Status)
	}
	r := e.call("POST", "/api/v1/practices", practice(m, s), owner.Access)
	if r.Status != http.StatusCreated || r.JSON["owner_id"] != owner.ID || r.JSON["version"] != float64(1) {
		t.Fatalf("create: %d %s", r.Status, r.Raw)
	}
	id := r.JSON["id"].(string)
	// Public reading.
	if g := e.call("GET", "/api/v1/practices/"+id, nil, ""); g.Status != 200 || len(g.JSON["actor_ids"].([]any)) != 2 || g.JSON["licence"] != "CC-BY-4.0" {
		t.Fatalf("get: %d %s", g.Status, g.Raw)
	}
	if g := e.call("GET", "/api/v1/practices/nope", nil, ""); g.Status != 404 {
		t.Errorf("unknown: %d", g.Status)
	}
	// Who may change it.
	for _, tc := range []struct {
		name, token string
		want        int
	}{{"anonymous", "", 401}, {"another member", other.Access, 403}} {
		if r := e.call("PATCH", "/api/v1/practices/"+id, map[string]any{"title": "x", "version": 1}, tc.token); r.Status != tc.want {
			t.Errorf("patch as %s: %d", tc.name, r.Status)
		}
		if r := e.call("DELETE", "/api/v1/practices/"+id, nil, tc.token); r.Status != tc.want {
			t.Errorf("delete as %s: %d", tc.name, r.Status)
		}
	}
	r = e.call("PATCH", "/api/v1/practices/"+id, map[string]any{"title": "Tagging 40,000 photos", "version": 1}, owner.Access)
	if r.Status != 200 || r.JSON["version"] != float64(2) || r.JSON["title"] != "Tagging 40,000 photos" || len(r.JSON["skills"].([]any)) != 2 {
		t.Fatalf("patch: %d %s", r.Status, r.Raw)
	}
	if r := e.call("PATCH", "/api/v1/practices/"+id, map[string]any{"title": "stale"}, owner.Access, "If-Match", "1"); r.Status != 409 {
		t.Errorf("stale: %d", r.Status)
	}
	if r := e.call("PATCH", "/api/v1/practices/"+id, map[string]any{"title": "no version"}, owner.Access); r.Status != 422 || r.fields()["version"] == nil {
		t.Errorf("no version: %d %s", r.Status, r.Raw)
	}
	if r := e.call("PATCH", "/api/v1/practices/"+id, map[string]any{"outcome": "Moderated.", "version": 2}, admin.Access); r.Status != 200 {
		t.Errorf("admin patch: %d", r.Status)
	}
	if r := e.call("DELETE", "/api/v1/practices/"+id, nil, owner.Access); r.Status != 204 {
		t.Fatalf("delete: %d", r.Status)
	}
	if g := e.call("GET", "/api/v1/practices/"+id, nil, ""); g.Status != 404 {
		t.Errorf("after delete: %d", g.Status)
	}
}

func TestPracticeValidation(t *testing.T) {
	e := newEnv(t)
	a := e.register("Pia")
	m := e.createActor(a.Access, museum())
	base := practice(m)
	tooMany := make([]string, 11)
	for i := range tooMany {
		tooMany[i] = fmt.Sprintf("https://example.org/%d", i)
	}
	for _, tc := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"no title", with(base, "title", ""), "title"},
		{"title too long", with(base, "title", strings.Repeat("t", 201)), "title"},
		{"no summary", with(base, "summary", nil), "summary"},
		{"summary too long", with(base, "summary", strings.Repeat("s", 5001)), "summary"},
		{"outcome too long", with(base, "outcome", strings.Repeat("o", 5001)), "outcome"},
		{"no sector", with(base, "sector", nil), "sector"},
		{"unknown sector", with(base, "sector", "alchemy"), "sector"},
		{"unknown skill", with(base, "skills", []string{"computer-vision", "basket-weaving"}), "skills[1]"},
		{"duplicate skill", with(base, "skills", []string{"computer-vision", "computer-vision"}), "skills[1]"},
		{"unknown actor", with(base, "actor_ids", []string{m, "no-such-actor"}), "actor_ids[1]"},
		{"duplicate actor", with(base, "actor_ids", []string{m, m}), "actor_ids[1]"},
		{"link not http", with(base, "links", []string{"https://ok.example.org", "javascript:alert(1)"}), "links[1]"},
		{"link without host", with(base, "links", []string{"https://"}), "links[0]"},
		{"too many links", with(base, "links", tooMany), "links"},
		{"licence too long", with(base, "licence", strings.Repeat("l", 101)), "licence"},
		{"licence with markup", with(base, "licence", "<script>"), "licence"},
		{"country not ISO", with(base, "country", "Holland"), "country"},
		{"skills not a list", with(base, "skills", "computer-vision"), "skills"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.call("POST", "/api/v1/practices", tc.body, a.Access)
			if r.Status != http.StatusUnprocessableEntity || r.fields()[tc.field] == nil {
				t.Fatalf("%d %s (want field %s)", r.Status, r.Raw, tc.field)
			}
		})
	}
	if r := e.call("GET", "/api/v1/practices", nil, ""); len(r.JSON["items"].([]any)) != 0 {
		t.Errorf("a rejected practice was stored: %s", r.Raw)
	}
	// A rejected PATCH changes nothing.
	id := e.call("POST", "/api/v1/practices", base, a.Access).JSON["id"].(string)
	before := e.call("GET", "/api/v1/practices/"+id, nil, "").Raw
	if r := e.call("PATCH", "/api/v1/practices/"+id, map[string]any{"links": []string{"ftp://x"}, "title": "changed", "version": 1}, a.Access); r.Status != 422 || r.fields()["links[0]"] == nil {
		t.Errorf("bad patch: %d %s", r.Status, r.Raw)
	}
	if after := e.call("GET", "/api/v1/practices/"+id, nil, "").Raw; after != before {
		t.Error("a rejected PATCH changed the practice")
	}
}

func TestPracticeListFilters(t *testing.T) {
	e := newEnv(t)
	a := e.register("Quentin")
	m := e.createActor(a.Access, museum())
	p1 := e.call("POST", "/api/v1/practices", practice(m), a.Access).JSON["id"].(string)
	p2 := e.call("POST", "/api/v1/practices", with(practice(), "title", "AI-assisted mastering", "sector", "music", "country", "DE",
		"skills", []string{"music-production"}, "summary", "A label used stem separation before remastering its back catalogue."), a.Access).JSON["id"].(string)
	ids := func(r resp) string {
		var out []string
		for _, it := range r.JSON["items"].([]any) {
			out = append(out, it.(map[string]any)["id"].(string))
		}
		return strings.Join(out, ",")
	}
	for _, tc := range []struct{ query, want string }{
		{"sector=museums", p1},
		{"sector=music", p2},
		{"country=de", p2},
		{"q=REMASTER", p2},
		{"actor=" + m, p1},
		{"skill=computer-vision", p1},
		{"skill=metadata-cataloguing", p1},
	} {
		if r := e.call("GET", "/api/v1/practices?"+tc.query, nil, ""); r.Status != 200 || ids(r) != tc.want {
			t.Errorf("%s: %d %s", tc.query, r.Status, ids(r))
		}
	}
	// skill includes the skills below it: the parent of computer-vision finds p1.
	tax, _ := e.srv.taxonomy.get(t.Context())
	parent := tax.skills[tax.bySlug["computer-vision"]].Parent
	if parent != "" {
		if r := e.call("GET", "/api/v1/practices?skill="+parent, nil, ""); ids(r) != p1 {
			t.Errorf("skill=%s (parent): %s", parent, ids(r))
		}
	}
	// Pagination.
	first := e.call("GET", "/api/v1/practices?limit=1", nil, "")
	nc, _ := first.JSON["next_cursor"].(string)
	second := e.call("GET", "/api/v1/practices?limit=1&cursor="+nc, nil, "")
	if nc == "" || ids(first) == ids(second) || second.JSON["next_cursor"] != nil {
		t.Errorf("pagination: %s then %s", first.Raw, second.Raw)
	}
	for _, bad := range []string{"skill=nope", "limit=0", "limit=101", "country=XX", "q=" + strings.Repeat("q", 201)} {
		if r := e.call("GET", "/api/v1/practices?"+bad, nil, ""); r.Status != 422 {
			t.Errorf("%s: %d", bad, r.Status)
		}
	}
}

// TestExportHoldsPracticesAndClaims: the caller's practices and directory claims are in GET /me/export.
func TestExportHoldsPracticesAndClaims(t *testing.T) {
	e := newEnv(t)
	a := e.register("Xenia")
	pid := e.call("POST", "/api/v1/practices", practice(), a.Access).JSON["id"].(string)
	dir := e.directoryActors(1)
	cid := e.call("POST", "/api/v1/actors/"+dir[0]+"/claim", map[string]any{"message": "I run it."}, a.Access).JSON["id"].(string)
	r := e.call("GET", "/api/v1/me/export", nil, a.Access)
	ps, _ := r.JSON["practices"].([]any)
	cs, _ := r.JSON["claims"].([]any)
	if r.Status != 200 || len(ps) != 1 || ps[0].(map[string]any)["id"] != pid || len(cs) != 1 || cs[0].(map[string]any)["id"] != cid {
		t.Fatalf("export: %d practices %v claims %v", r.Status, ps, cs)
	}
}
