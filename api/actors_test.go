package api

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func with(base map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range base {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
		} else {
			out[kv[i].(string)] = kv[i+1]
		}
	}
	return out
}

func manyOffers(n int) []map[string]any {
	skills := []string{"computer-vision", "machine-learning", "curation", "music-production", "film-editing", "game-design", "storytelling", "journalism", "publishing", "grant-writing"}
	out := make([]map[string]any, n)
	for i := range out {
		out[i] = map[string]any{"skill": skills[i%len(skills)], "level": 2}
	}
	return out
}

// TestActorValidation: each bad input is a 422 naming the field path, and nothing stored changes.
func TestActorValidation(t *testing.T) {
	e := newEnv(t)
	a := e.register("Nina")
	id := e.createActor(a.Access, museum())
	before := e.call("GET", "/api/v1/actors/"+id, nil, a.Access).Raw
	offers := func(o ...map[string]any) []map[string]any { return o }
	for _, tc := range []struct {
		name       string
		body       map[string]any
		field      string
		createOnly bool // in a PATCH an absent field means "keep"
	}{
		{"unknown skill", with(museum(), "offers", offers(map[string]any{"skill": "curation", "level": 2}, map[string]any{"skill": "basket-weaving-ai", "level": 2})), "offers[1].skill", false},
		{"level too high", with(museum(), "offers", offers(map[string]any{"skill": "curation", "level": 2}, map[string]any{"skill": "photography", "level": 2}, map[string]any{"skill": "painting", "level": 5})), "offers[2].level", false},
		{"level zero", with(museum(), "offers", offers(map[string]any{"skill": "curation", "level": 0})), "offers[0].level", false},
		{"bad importance", with(museum(), "needs", offers(map[string]any{"skill": "computer-vision", "importance": "maybe"})), "needs[0].importance", false},
		{"unknown need skill", with(museum(), "needs", offers(map[string]any{"skill": "nope", "importance": "must"})), "needs[0].skill", false},
		{"duplicate offer", with(museum(), "offers", offers(map[string]any{"skill": "curation", "level": 2}, map[string]any{"skill": "curation", "level": 3})), "offers[1].skill", false},
		{"duplicate need", with(museum(), "needs", offers(map[string]any{"skill": "curation", "importance": "must"}, map[string]any{"skill": "curation", "importance": "nice"})), "needs[1].skill", false},
		{"too many offers", with(museum(), "offers", manyOffers(51)), "offers", false},
		{"unknown sector", with(museum(), "sectors", []string{"museums", "underwater-basket-weaving"}), "sectors[1]", false},
		{"country not ISO", with(museum(), "country", "XX"), "country", false},
		{"country name", with(museum(), "country", "Netherlands"), "country", false},
		{"language not ISO 639-1", with(museum(), "languages", []string{"en", "english"}), "languages[1]", false},
		{"no language", with(museum(), "languages", []string{}), "languages", false},
		{"bio too long", with(museum(), "bio", strings.Repeat("b", 5001)), "bio", false},
		{"website not http", with(museum(), "website", "javascript:alert(1)"), "website", false},
		{"website ftp", with(museum(), "website", "ftp://example.org"), "website", false},
		{"bad kind", with(museum(), "kind", "robot"), "kind", false},
		{"bad org type", with(museum(), "org_type", "guild"), "org_type", false},
		{"bad mode", with(museum(), "collaboration_modes", []string{"co-creation", "hostile-takeover"}), "collaboration_modes[1]", false},
		{"negative capacity", with(museum(), "capacity", -1), "capacity", false},
		{"no name", with(museum(), "name", ""), "name", false},
		{"missing kind", with(museum(), "kind", nil), "kind", true},
		{"members cannot mark managed", with(museum(), "managed", true), "managed", false},
		{"level as text", with(museum(), "offers", offers(map[string]any{"skill": "curation", "level": "expert"})), "offers.level", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.call("POST", "/api/v1/actors", tc.body, a.Access)
			if r.Status != http.StatusUnprocessableEntity || r.fields()[tc.field] == nil {
				t.Fatalf("create: %d %s (want field %s)", r.Status, r.Raw, tc.field)
			}
			if tc.createOnly {
				return
			}
			patch := with(tc.body, "version", 1)
			r = e.call("PATCH", "/api/v1/actors/"+id, patch, a.Access)
			if r.Status != http.StatusUnprocessableEntity || r.fields()[tc.field] == nil {
				t.Fatalf("patch: %d %s (want field %s)", r.Status, r.Raw, tc.field)
			}
			if after := e.call("GET", "/api/v1/actors/"+id, nil, a.Access).Raw; after != before {
				t.Fatalf("a rejected patch changed the stored row:\n%s\n%s", before, after)
			}
		})
	}
	list := e.call("GET", "/api/v1/actors?owner=me", nil, a.Access)
	if n := len(list.JSON["items"].([]any)); n != 1 {
		t.Fatalf("rejected creates stored %d actors", n-1)
	}
}

func TestActorCRUDAndVersions(t *testing.T) {
	e := newEnv(t)
	a := e.register("Otto")
	id := e.createActor(a.Access, museum())
	r := e.call("GET", "/api/v1/actors/"+id, nil, a.Access)
	if r.JSON["version"] != float64(1) || r.JSON["completeness"] == nil {
		t.Fatalf("get: %s", r.Raw)
	}
	// PATCH without a version is refused; with a stale one it is a 409 carrying the current version.
	if r := e.call("PATCH", "/api/v1/actors/"+id, map[string]any{"name": "New"}, a.Access); r.Status != 422 || r.fields()["version"] == nil {
		t.Fatalf("no version: %d %s", r.Status, r.Raw)
	}
	if r := e.call("PATCH", "/api/v1/actors/"+id, map[string]any{"name": "New", "version": 1}, a.Access); r.Status != 200 || r.JSON["version"] != float64(2) || r.JSON["name"] != "New" {
		t.Fatalf("patch: %d %s", r.Status, r.Raw)
	}
	r = e.call("PATCH", "/api/v1/actors/"+id, map[string]any{"name": "Stale"}, a.Access, "If-Match", "1")
	if r.Status != 409 || r.JSON["error"].(map[string]any)["current_version"] != float64(2) {
		t.Fatalf("stale If-Match: %d %s", r.Status, r.Raw)
	}
	if r := e.call("PATCH", "/api/v1/actors/"+id, map[string]any{"bio": "Via If-Match"}, a.Access, "If-Match", `"2"`); r.Status != 200 {
		t.Fatalf("If-Match: %d %s", r.Status, r.Raw)
	}
	// Partial patches keep what they do not name.
	got := e.call("GET", "/api/v1/actors/"+id, nil, a.Access)
	if got.JSON["name"] != "New" || len(got.JSON["offers"].([]any)) != 2 {
		t.Fatalf("partial patch lost data: %s", got.Raw)
	}
	if r := e.call("DELETE", "/api/v1/actors/"+id, nil, a.Access); r.Status != 204 {
		t.Fatalf("delete: %d", r.Status)
	}
	if r := e.call("GET", "/api/v1/actors/"+id, nil, a.Access); r.Status != 404 {
		t.Fatalf("deleted actor: %d", r.Status)
	}
	if r := e.call("POST", "/api/v1/actors", museum(), ""); r.Status != 401 {
		t.Fatalf("anonymous create: %d", r.Status)
	}
}

// TestConcurrentPatches: two PATCHes with the same version — exactly one wins, the other gets 409.
func TestConcurrentPatches(t *testing.T) {
	e := newEnv(t)
	a := e.register("Paula")
	id := e.createActor(a.Access, museum())
	for round := 0; round < 5; round++ {
		v := e.call("GET", "/api/v1/actors/"+id, nil, a.Access).JSON["version"].(float64)
		var wg sync.WaitGroup
		codes := make([]int, 2)
		names := []string{fmt.Sprintf("Left %d", round), fmt.Sprintf("Right %d", round)}
		for i := range codes {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				codes[i] = e.call("PATCH", "/api/v1/actors/"+id, map[string]any{"name": names[i], "version": v}, a.Access).Status
			}(i)
		}
		wg.Wait()
		ok, conflict := 0, 0
		for _, c := range codes {
			switch c {
			case 200:
				ok++
			case 409:
				conflict++
			}
		}
		if ok != 1 || conflict != 1 {
			t.Fatalf("round %d: statuses %v, want one 200 and one 409", round, codes)
		}
		got := e.call("GET", "/api/v1/actors/"+id, nil, a.Access)
		winner := names[0]
		if codes[1] == 200 {
			winner = names[1]
		}
		if got.JSON["name"] != winner || got.JSON["version"] != v+1 {
			t.Fatalf("round %d: stored %v v%v, want %s v%v", round, got.JSON["name"], got.JSON["version"], winner, v+1)
		}
	}
}

func TestActorListFilters(t *testing.T) {
	e := newEnv(t)
	a, b := e.register("Quinn"), e.register("Rita")
	m := e.createActor(a.Access, museum())
	s := e.createActor(b.Access, startup())
	ours := map[string]bool{m: true, s: true}
	// ids lists the actors of this test in a response (reference data adds directory entries).
	ids := func(r resp) []string {
		var out []string
		for _, it := range r.JSON["items"].([]any) {
			if id := it.(map[string]any)["id"].(string); ours[id] {
				out = append(out, id)
			}
		}
		return out
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"kind=ai", []string{s}},
		{"kind=cci", []string{m}},
		{"sector=heritage", []string{m}},
		{"country=be", []string{s}},
		{"language=fr", []string{s}},
		{"q=LIGHT", []string{m}},
		{"q=optics", []string{m}},
		{"skill=computer-vision", []string{m, s}},
		{"skill=ai-fundamentals", nil},
	} {
		r := e.call("GET", "/api/v1/actors?"+tc.query, nil, a.Access)
		if got := ids(r); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: got %v, want %v", tc.query, got, tc.want)
		}
	}
	// Pagination: a stable order, every actor once.
	for i := 0; i < 5; i++ {
		ours[e.createActor(a.Access, with(museum(), "name", fmt.Sprintf("Extra %d", i)))] = true
	}
	seen := map[string]bool{}
	cursor := ""
	for pages := 0; pages < 100; pages++ {
		r := e.call("GET", "/api/v1/actors?limit=3&cursor="+cursor, nil, a.Access)
		for _, id := range ids(r) {
			if seen[id] {
				t.Fatalf("%s listed twice", id)
			}
			seen[id] = true
		}
		nc, _ := r.JSON["next_cursor"].(string)
		if nc == "" {
			break
		}
		cursor = nc
	}
	if len(seen) != 7 {
		t.Fatalf("pagination saw %d actors, want 7", len(seen))
	}
	for _, bad := range []string{"limit=0", "limit=101", "limit=x", "kind=robot", "skill=nope", "q=" + strings.Repeat("q", 201)} {
		if r := e.call("GET", "/api/v1/actors?"+bad, nil, a.Access); r.Status != 422 {
			t.Errorf("%s: %d", bad, r.Status)
		}
	}
}

func TestSkillSearch(t *testing.T) {
	e := newEnv(t)
	r := e.call("GET", "/api/v1/skills?q=machine", nil, "")
	items := r.JSON["items"].([]any)
	if len(items) == 0 || items[0].(map[string]any)["slug"] != "machine-learning" {
		t.Fatalf("machine → %s", r.Raw)
	}
	// Synonyms, case and accents.
	for q, want := range map[string]string{"ML": "machine-learning", "CV": "computer-vision", "RAG": "retrieval-augmented-generation"} {
		r := e.call("GET", "/api/v1/skills?q="+q, nil, "")
		items := r.JSON["items"].([]any)
		if len(items) == 0 || items[0].(map[string]any)["slug"] != want {
			t.Errorf("%s → %.200s", q, r.Raw)
		}
	}
	r = e.call("GET", "/api/v1/skills?q=cur%C3%A1tion&domain=cci", nil, "")
	if items := r.JSON["items"].([]any); len(items) == 0 || items[0].(map[string]any)["slug"] != "curation" {
		t.Fatalf("accent-insensitive: %.200s", r.Raw)
	}
	for _, bad := range []string{"domain=magic", "limit=0", "limit=1000"} {
		if r := e.call("GET", "/api/v1/skills?"+bad, nil, ""); r.Status != 422 {
			t.Errorf("%s: %d", bad, r.Status)
		}
	}
	s := e.call("GET", "/api/v1/sectors", nil, "")
	if !strings.Contains(s.Raw, `"slug":"music"`) || !strings.Contains(s.Raw, `"nace"`) {
		t.Fatalf("sectors: %.300s", s.Raw)
	}
}

// TestPatchUsesTheServerClock: updated_at and renewed_at come from the server's clock (tests move it).
func TestPatchUsesTheServerClock(t *testing.T) {
	e := newEnv(t)
	a := e.register("Clockwatcher")
	id := e.createActor(a.Access, museum())
	at := time.Now().UTC().Add(5 * time.Minute).Truncate(time.Microsecond) // within the token's lifetime
	e.clock.Set(at)
	r := e.call("PATCH", "/api/v1/actors/"+id, map[string]any{"bio": "Later.", "version": 1}, a.Access)
	if r.Status != 200 {
		t.Fatalf("patch: %d %s", r.Status, r.Raw)
	}
	got := e.call("GET", "/api/v1/actors/"+id, nil, a.Access)
	for _, f := range []string{"updated_at", "renewed_at"} {
		if ts, _ := time.Parse(time.RFC3339Nano, got.JSON[f].(string)); !ts.Equal(at) {
			t.Errorf("%s = %v, want %v", f, got.JSON[f], at)
		}
	}
}
