package api

import (
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/crossover-cci/crossover/models"
	"github.com/crossover-cci/crossover/seeds"
)

// population seeds n deterministic actors through the store (the path seeds and imports take) and
// returns their ids.
func (e *env) population(n int, seed uint64) []string {
	e.t.Helper()
	ctx := context.Background()
	r := rand.New(rand.NewPCG(seed, 7))
	skills := []string{"computer-vision", "machine-learning", "deep-learning", "natural-language-processing", "generative-ai",
		"curation", "heritage-conservation", "music-production", "project-management", "data-engineering", "image-classification"}
	sectors := []string{"museums", "music", "film", "design", "heritage", "games"}
	countries := []string{"NL", "BE", "FR", "DE", "IT"}
	var ids []string
	for i := range n {
		a := &models.Actor{Kind: models.ActorKinds[r.IntN(3)], Name: fmt.Sprintf("Synthetic %d-%d", seed, i), OrgType: "sme",
			Country: countries[r.IntN(len(countries))], Languages: []string{"en"}, Available: true, Capacity: 3, Source: "synthetic", Claimed: false}
		perm := r.Perm(len(skills))
		for j := 0; j < 1+r.IntN(3); j++ {
			a.Offers = append(a.Offers, models.Offer{Skill: skills[perm[j]], Level: 1 + r.IntN(4)})
		}
		for j := 3; j < 3+r.IntN(3); j++ {
			a.Needs = append(a.Needs, models.Need{Skill: skills[perm[j]], Importance: "must"})
		}
		sp := r.Perm(len(sectors))
		for j := 0; j < r.IntN(3); j++ {
			a.Sectors = append(a.Sectors, sectors[sp[j]])
		}
		if err := e.store.ImportActor(ctx, a, seeds.Codes{}); err != nil {
			e.t.Fatalf("seed actor %d: %v", i, err)
		}
		ids = append(ids, a.ID)
	}
	return ids
}

// sqlCounts runs a plain SQL "key, count" query, independent of the code under test.
func (e *env) sqlCounts(query string, args ...any) map[string]int64 {
	e.t.Helper()
	db, err := e.store.SQLDB()
	if err != nil {
		e.t.Fatal(err)
	}
	if e.store.Dialect() == models.Postgres {
		for i := 1; strings.Contains(query, "?"); i++ {
			query = strings.Replace(query, "?", fmt.Sprintf("$%d", i), 1)
		}
	}
	rows, err := db.Query(query, args...)
	if err != nil {
		e.t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			e.t.Fatal(err)
		}
		out[k] = n
	}
	return out
}

// published is what the observatory must show for a count: itself, or null when about 1–4 actors.
func published(n int64) any {
	if n > 0 && n < 5 {
		return nil
	}
	return float64(n)
}

// publishedRounded is what the skills table must show for a count: 0, null when about 1–4 actors,
// else the count rounded to the nearest multiple of 5.
func publishedRounded(n int64) any {
	if n > 0 && n < 5 {
		return nil
	}
	return float64((n + 2) / 5 * 5)
}

func (e *env) hideDirectly(ids ...string) {
	e.t.Helper()
	for _, id := range ids {
		if err := e.store.Exec(context.Background(), "UPDATE actors SET hidden_at = ? WHERE id = ?", time.Now().UTC(), id); err != nil {
			e.t.Fatal(err)
		}
	}
}

func rowsBy(t *testing.T, r resp, key string, listName ...string) map[string]map[string]any {
	t.Helper()
	name := "items"
	if len(listName) > 0 {
		name = listName[0]
	}
	list, ok := r.JSON[name].([]any)
	if !ok {
		t.Fatalf("no items in %s", r.Raw)
	}
	out := map[string]map[string]any{}
	for _, x := range list {
		m := x.(map[string]any)
		out[m[key].(string)] = m
	}
	return out
}

func TestStatsOverviewEqualsSQL(t *testing.T) {
	e := newEnv(t)
	ids := e.population(120, 1)
	e.hideDirectly(ids[:7]...)
	r := e.call("GET", "/api/v1/stats/overview", nil, "")
	if r.Status != http.StatusOK {
		t.Fatalf("overview: %d %s", r.Status, r.Raw)
	}
	total := e.sqlCounts("SELECT 'all', COUNT(*) FROM actors WHERE hidden_at IS NULL")["all"]
	// The reference data's directory of intermediaries counts too.
	if total < 113 || r.JSON["actors"] != float64(total) {
		t.Errorf("actors = %v, SQL says %d (at least 113)", r.JSON["actors"], total)
	}
	check := func(list string, key string, want map[string]int64) {
		t.Helper()
		got := map[string]any{}
		for _, x := range r.JSON[list].([]any) {
			m := x.(map[string]any)
			got[m[key].(string)] = m["actors"]
			if (m["actors"] == nil) != (m["suppressed"] == true) {
				t.Errorf("%s %v: null and suppressed disagree: %v", list, m[key], m)
			}
		}
		hidden, nHidden := int64(0), 0
		for k, n := range want {
			switch {
			case got[k] == nil && n >= 5 && list == "by_sector":
				t.Errorf("%s[%s] suppressed, SQL count %d", list, k, n)
			case got[k] == nil: // small, or suppressed with it so that it cannot be derived
				hidden += n
				nHidden++
			case got[k] != float64(n):
				t.Errorf("%s[%s] = %v, SQL count %d", list, k, got[k], n)
			}
			if n > 0 && n < 5 && got[k] != nil {
				t.Errorf("%s[%s] = %v published (about %d actors)", list, k, got[k], n)
			}
		}
		// A partition of the total: the suppressed cells cannot be told apart by subtraction.
		if list != "by_sector" && nHidden > 0 && (nHidden < 2 || hidden < 5) {
			t.Errorf("%s: %d suppressed cells hold %d actors: derivable from the total", list, nHidden, hidden)
		}
		if len(want) == 0 {
			t.Errorf("%s: the SQL found nothing to compare", list)
		}
	}
	check("by_kind", "kind", e.sqlCounts("SELECT kind, COUNT(*) FROM actors WHERE hidden_at IS NULL GROUP BY kind"))
	check("by_country", "country", e.sqlCounts("SELECT country, COUNT(*) FROM actors WHERE hidden_at IS NULL GROUP BY country"))
	check("by_sector", "sector", e.sqlCounts(`SELECT s.sector_slug, COUNT(DISTINCT s.actor_id) FROM actor_sectors s
		JOIN actors a ON a.id = s.actor_id WHERE a.hidden_at IS NULL GROUP BY s.sector_slug`))
}

func TestStatsSkillsEqualsSQL(t *testing.T) {
	e := newEnv(t)
	ids := e.population(150, 2)
	e.hideDirectly(ids[10:15]...)
	for _, tc := range []struct {
		query, where string
		args         []any
	}{
		{"", "", nil},
		{"?country=NL", " AND a.country = ?", []any{"NL"}},
		{"?domain=ai", " AND k.domain = ?", []any{"ai"}},
		{"?sector=music", " AND EXISTS (SELECT 1 FROM actor_sectors y WHERE y.actor_id = a.id AND y.sector_slug = ?)", []any{"music"}},
	} {
		r := e.call("GET", "/api/v1/stats/skills"+tc.query, nil, "")
		if r.Status != 200 {
			t.Fatalf("%s: %d %s", tc.query, r.Status, r.Raw)
		}
		got := rowsBy(t, r, "skill")
		for _, side := range []struct{ table, figure string }{{"actor_offers", "supply"}, {"actor_needs", "demand"}} {
			want := e.sqlCounts(`SELECT x.skill_slug, COUNT(DISTINCT x.actor_id) FROM `+side.table+` x
				JOIN actors a ON a.id = x.actor_id JOIN skills k ON k.slug = x.skill_slug
				WHERE a.hidden_at IS NULL`+tc.where+` GROUP BY x.skill_slug`, tc.args...)
			// With a country filter a figure may also be suppressed to protect a small country of the
			// same skill (secondary suppression): only when some country of that skill has 1–4 actors.
			small := map[string]bool{}
			if strings.Contains(tc.query, "country") {
				byCountry := e.sqlCounts(`SELECT x.skill_slug || '/' || a.country, COUNT(DISTINCT x.actor_id) FROM ` + side.table + ` x
					JOIN actors a ON a.id = x.actor_id WHERE a.hidden_at IS NULL GROUP BY x.skill_slug, a.country`)
				for k, n := range byCountry {
					if n > 0 && n < 5 {
						small[k[:strings.LastIndex(k, "/")]] = true
					}
				}
			}
			for slug, n := range want {
				switch {
				case got[slug] == nil:
					t.Errorf("%s %s[%s] missing, SQL %d", tc.query, side.figure, slug, n)
				case got[slug][side.figure] == nil && n >= 5 && small[slug]: // secondary suppression
				case got[slug][side.figure] != publishedRounded(n):
					t.Errorf("%s %s[%s] = %v, SQL %d", tc.query, side.figure, slug, got[slug], n)
				}
			}
			for slug, row := range got {
				if _, ok := want[slug]; !ok && row[side.figure] != float64(0) {
					t.Errorf("%s %s[%s] = %v, SQL has none", tc.query, side.figure, slug, row[side.figure])
				}
			}
		}
		for slug, row := range got {
			sup, dem := row["supply"], row["demand"]
			if sup != nil && dem != nil && row["gap"] != dem.(float64)-sup.(float64) {
				t.Errorf("%s gap[%s] = %v, want demand − supply", tc.query, slug, row["gap"])
			}
		}
	}

	// Skill groups: the top-level ancestor, with a recursive query.
	r := e.call("GET", "/api/v1/stats/skills?by=group", nil, "")
	got := rowsBy(t, r, "skill_group")
	want := e.sqlCounts(`WITH RECURSIVE g(slug, root) AS (
			SELECT slug, slug FROM skills WHERE parent_slug IS NULL
			UNION ALL SELECT s.slug, g.root FROM skills s JOIN g ON s.parent_slug = g.slug)
		SELECT g.root, COUNT(DISTINCT x.actor_id) FROM actor_offers x JOIN actors a ON a.id = x.actor_id
		JOIN g ON g.slug = x.skill_slug WHERE a.hidden_at IS NULL GROUP BY g.root`)
	if len(want) == 0 {
		t.Fatal("no groups")
	}
	for g, n := range want {
		if got[g] == nil || got[g]["supply"] != publishedRounded(n) {
			t.Errorf("group supply[%s] = %v, SQL %d", g, got[g], n)
		}
	}
	if e.call("GET", "/api/v1/stats/skills?domain=nope&country=XX&by=x&sector=nowhere", nil, "").Status != 422 {
		t.Error("bad filters must be 422")
	}
}

func TestStatsSuppressesSmallCellsAndCSV(t *testing.T) {
	e := newEnv(t)
	owner := e.register("Owner")
	// Seven museums need computer vision; three startups offer it: supply is about 3 actors.
	for i := range 7 {
		m := museum()
		m["name"] = fmt.Sprintf("Museum %d", i)
		e.createActor(owner.Access, m)
	}
	for i := range 3 {
		s := startup()
		s["name"] = fmt.Sprintf("Startup %d", i)
		e.createActor(owner.Access, s)
	}
	r := e.call("GET", "/api/v1/stats/skills", nil, "")
	row := rowsBy(t, r, "skill")["computer-vision"]
	if row == nil || row["demand"] != float64(5) || row["supply"] != nil || row["gap"] != nil || row["suppressed"] != true {
		t.Fatalf("computer-vision = %v, want demand 5 (7 rounded), supply and gap null, suppressed", row)
	}
	if f := fmt.Sprint(row["suppressed_fields"]); f != "[supply gap]" {
		t.Errorf("suppressed_fields = %s", f)
	}
	for _, x := range r.JSON["items"].([]any) {
		m := x.(map[string]any)
		for _, f := range []string{"supply", "demand"} {
			if v, ok := m[f].(float64); ok && v > 0 && v < 5 {
				t.Errorf("%v: %s = %v published", m["skill"], f, v)
			}
		}
	}
	ov := e.call("GET", "/api/v1/stats/overview", nil, "")
	kinds := rowsBy(t, ov, "kind", "by_kind")
	// ai (3) is small; cci (7) goes with it, or the total minus the others would give ai away.
	if kinds["ai"]["actors"] != nil || kinds["ai"]["suppressed"] != true || kinds["cci"]["actors"] != nil || kinds["intermediary"]["actors"] == nil {
		t.Errorf("by kind = %v", kinds)
	}

	// CSV: a download with the same figures, suppressed cells written as "suppressed".
	c := e.call("GET", "/api/v1/stats/skills?format=csv", nil, "")
	if c.Status != 200 || !strings.HasPrefix(c.Header.Get("Content-Type"), "text/csv") || !strings.Contains(c.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("csv: %d %v", c.Status, c.Header)
	}
	recs, err := csv.NewReader(strings.NewReader(c.Raw)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != "skill,domain,supply,demand,gap" {
		t.Errorf("csv header = %v", recs[0])
	}
	found := false
	for _, rec := range recs[1:] {
		if rec[0] == "computer-vision" {
			found = true
			if rec[2] != "suppressed" || rec[3] != "5" || rec[4] != "suppressed" {
				t.Errorf("csv row = %v", rec)
			}
		}
	}
	if !found || len(recs)-1 != len(r.JSON["items"].([]any)) {
		t.Errorf("csv has %d rows, json %d", len(recs)-1, len(r.JSON["items"].([]any)))
	}
	if e.call("GET", "/api/v1/stats/skills?format=xml", nil, "").Status != 422 {
		t.Error("format=xml must be 422")
	}
	for _, p := range []string{"overview", "trends", "introductions"} {
		if r := e.call("GET", "/api/v1/stats/"+p+"?format=csv", nil, ""); r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
			t.Errorf("%s csv: %d", p, r.Status)
		}
	}
}

func TestStatsTrendsEqualsSQL(t *testing.T) {
	e := newEnv(t)
	ids := e.population(90, 3)
	ctx := context.Background()
	// Move the history back: actor i was created i/10 months ago (its first version), some edited later.
	now := time.Now().UTC()
	for i, id := range ids {
		at := time.Date(now.Year(), now.Month(), 1, 12, 0, 0, 0, time.UTC).AddDate(0, -(i / 10), 0)
		if err := e.store.Exec(ctx, "UPDATE actor_versions SET created_at = ? WHERE actor_id = ?", at, id); err != nil {
			t.Fatal(err)
		}
	}
	r := e.call("GET", "/api/v1/stats/trends?period=month", nil, "")
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	got := rowsBy(t, r, "period")
	db, _ := e.store.SQLDB()
	rows, err := db.Query("SELECT v.actor_id, MIN(v.created_at) FROM actor_versions v JOIN actors a ON a.id = v.actor_id WHERE a.hidden_at IS NULL GROUP BY v.actor_id")
	if err != nil {
		t.Fatal(err)
	}
	created := map[string]int64{}
	for rows.Next() {
		var id string
		var at any
		if err := rows.Scan(&id, &at); err != nil {
			t.Fatal(err)
		}
		var tt time.Time
		switch v := at.(type) {
		case time.Time:
			tt = v
		case string:
			tt, err = time.Parse("2006-01-02 15:04:05.999999999-07:00", v)
			if err != nil {
				t.Fatalf("time %q: %v", v, err)
			}
		}
		created[models.PeriodKey(tt, "month")]++
	}
	rows.Close()
	if len(created) < 9 {
		t.Fatalf("SQL found %d months, want at least 9", len(created))
	}
	keys := make([]string, 0, len(created))
	for k := range created {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var cum int64
	for _, k := range keys {
		cum += created[k]
		if got[k] == nil || got[k]["created"] != published(created[k]) || got[k]["actors"] != published(cum) {
			t.Errorf("%s: %v, SQL created %d, cumulative %d", k, got[k], created[k], cum)
		}
	}
	y := e.call("GET", "/api/v1/stats/trends?period=year", nil, "")
	var sum float64
	for _, x := range y.JSON["items"].([]any) {
		sum += x.(map[string]any)["created"].(float64)
	}
	if all := e.sqlCounts("SELECT 'n', COUNT(*) FROM actors WHERE hidden_at IS NULL")["n"]; sum != float64(all) || all < 90 {
		t.Errorf("yearly created sums to %v, want %d visible actors", sum, all)
	}
	if e.call("GET", "/api/v1/stats/trends?period=week", nil, "").Status != 422 {
		t.Error("period=week must be 422")
	}
}

func TestStatsIntroductionsBySectorAndSkillGroup(t *testing.T) {
	e := newEnv(t)
	a, b := e.register("Arts"), e.register("Tech")
	ctx := context.Background()
	var ccis, ais []string
	for i := range 6 {
		m := museum()
		m["name"], m["sectors"] = fmt.Sprintf("Museum %d", i), []string{"museums"}
		ccis = append(ccis, e.createActor(a.Access, m))
		s := startup()
		s["name"] = fmt.Sprintf("Startup %d", i)
		ais = append(ais, e.createActor(b.Access, s))
	}
	var intros []string
	for i := range 6 {
		r := e.call("POST", "/api/v1/introductions", map[string]any{"from_actor_id": ccis[i], "to_actor_id": ais[i],
			"message": "We would like to work with you on computer vision for our collection."}, a.Access)
		if r.Status != 201 {
			t.Fatalf("introduce: %d %s", r.Status, r.Raw)
		}
		intros = append(intros, r.JSON["id"].(string))
	}
	for i := range 5 {
		if r := e.call("POST", "/api/v1/introductions/"+intros[i]+"/accept", nil, b.Access); r.Status != 200 || r.JSON["status"] != "connected" {
			t.Fatalf("accept: %d %s", r.Status, r.Raw)
		}
	}
	later := time.Now().Add(40 * 24 * time.Hour)
	for i := range 2 {
		if err := e.store.AnswerOutcome(ctx, intros[i], ccis[i], "30d", "collaborating", later); err != nil {
			t.Fatal(err)
		}
	}
	r := e.call("GET", "/api/v1/stats/introductions", nil, "")
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	var cell map[string]any
	for _, x := range r.JSON["items"].([]any) {
		m := x.(map[string]any)
		if m["sector"] == "museums" && m["skill_group"] == "computer-vision" {
			cell = m
		}
	}
	// 6 requested (12 actors), 5 connected (10 actors), 2 successful (4 actors: suppressed).
	if cell == nil || cell["requested"] != float64(6) || cell["connected"] != float64(5) || cell["successful"] != nil || cell["suppressed"] != true {
		t.Fatalf("museums × computer-vision = %v", cell)
	}
	want := e.sqlCounts(`SELECT 'n', COUNT(*) FROM introductions WHERE connected_at IS NOT NULL`)["n"]
	ov := e.call("GET", "/api/v1/stats/overview", nil, "")
	if in := ov.JSON["introductions"].(map[string]any); in["connected"] != float64(want) || in["requested"] != float64(6) {
		t.Errorf("overview introductions = %v, SQL connected %d", in, want)
	}
}

func TestStatsAreCachedForAMinute(t *testing.T) {
	e := newEnv(t)
	owner := e.register("Owner")
	first := e.call("GET", "/api/v1/stats/overview", nil, "")
	for i := range 6 {
		m := museum()
		m["name"] = fmt.Sprintf("Museum %d", i)
		e.createActor(owner.Access, m)
	}
	again := e.call("GET", "/api/v1/stats/overview", nil, "")
	if again.Status != 200 || again.Raw != first.Raw || again.Header.Get("Age") == "" || again.Header.Get("Content-Type") != first.Header.Get("Content-Type") {
		t.Errorf("the second answer within a minute must be the cached one: %d %v", again.Status, again.Header)
	}
	fresh := e.call("GET", "/api/v1/stats/overview?format=json", nil, "")
	if fresh.JSON["actors"].(float64) != first.JSON["actors"].(float64)+6 {
		t.Errorf("another URL is counted afresh: %v then %v", first.JSON["actors"], fresh.JSON["actors"])
	}
	if r := e.call("GET", "/api/v1/stats/skills?format=xml", nil, ""); r.Status != 422 || r.errCode() != "validation_failed" {
		t.Errorf("errors pass through the cache: %d %s", r.Status, r.Raw)
	}
}
