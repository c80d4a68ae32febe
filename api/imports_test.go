package api

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
)

// importCSV builds 1,000 rows in Dutch column names; every row with i%50 == 7 (20 rows) is bad in
// one of several ways. It returns the CSV and, by spreadsheet row number, why each bad row is bad.
func importCSV() (string, map[int]string) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"Organisatie", "Soort", "Vorm", "Land", "Talen", "Sectoren", "Aanbod", "Vraag", "Op afstand", "Capaciteit", "E-mail"})
	bad := map[int]string{}
	for i := range 1000 {
		row := i + 2
		rec := []string{fmt.Sprintf("Imported, \"quoted\" org %d", i), "cci", "sme", "NL", "nl; en", "music|film",
			"Music production:3; Curation", "Computer vision:must; ML:nice", "yes", "4", fmt.Sprintf("org%d@example.org", i)}
		if i%2 == 0 {
			rec[1], rec[6], rec[7] = "ai", "CV:4 | NLP | generative-ai", "curating"
		}
		if i%50 == 7 {
			switch (i / 50) % 7 {
			case 0:
				rec[6], bad[row] = "Quantum basket weaving:3", "offers: unknown skill"
			case 1:
				rec[3], bad[row] = "XX", "country"
			case 2:
				rec[1], bad[row] = "robot", "kind"
			case 3:
				rec[6], bad[row] = "Computer vision:9", "offers: level"
			case 4:
				rec[8], bad[row] = "perhaps", "remote"
			case 5:
				rec[9], bad[row] = "lots", "capacity"
			case 6:
				rec[0], bad[row] = "", "name"
			}
		}
		w.Write(rec)
	}
	w.Flush()
	return b.String(), bad
}

var importMapping = url.Values{"map.name": {"Organisatie"}, "map.kind": {"Soort"}, "map.org_type": {"Vorm"}, "map.country": {"Land"},
	"map.languages": {"Talen"}, "map.sectors": {"Sectoren"}, "map.offers": {"Aanbod"}, "map.needs": {"Vraag"}, "map.remote": {"Op afstand"},
	"map.capacity": {"Capaciteit"}, "map.contact_email": {"E-mail"}}

func (e *env) postCSV(query string, body, token string) resp {
	return e.call("POST", "/api/v1/imports/actors?"+query, body, token, "Content-Type", "text/csv")
}

func (e *env) countImported() int64 {
	return e.sqlCounts("SELECT 'n', COUNT(*) FROM actors WHERE source = 'import'")["n"]
}

func TestImportThousandRowsTwentyBad(t *testing.T) {
	e := newEnv(t)
	broker, member := e.register("Broker"), e.register("Member")
	e.promote(&broker, "intermediary")
	body, bad := importCSV()
	if len(bad) != 20 {
		t.Fatalf("the fixture has %d bad rows", len(bad))
	}

	// Callers and content types.
	if r := e.postCSV("dry_run=true&"+importMapping.Encode(), body, member.Access); r.Status != 403 {
		t.Errorf("member: %d", r.Status)
	}
	if r := e.postCSV("dry_run=true", body, ""); r.Status != 401 {
		t.Errorf("anonymous: %d", r.Status)
	}
	if r := e.call("POST", "/api/v1/imports/actors", map[string]any{"rows": 1}, broker.Access); r.Status != 415 {
		t.Errorf("JSON body: %d", r.Status)
	}

	check := func(r resp, dry bool) {
		t.Helper()
		if r.Status != 200 {
			t.Fatalf("import: %d %s", r.Status, r.Raw)
		}
		if r.JSON["rows"] != 1000.0 || r.JSON["valid"] != 980.0 || r.JSON["invalid"] != 20.0 || r.JSON["dry_run"] != dry {
			t.Fatalf("report: rows %v valid %v invalid %v", r.JSON["rows"], r.JSON["valid"], r.JSON["invalid"])
		}
		var rows []int
		for _, x := range r.JSON["invalid_rows"].([]any) {
			rows = append(rows, int(x.(float64)))
		}
		var want []int
		for row := range bad {
			want = append(want, row)
		}
		sort.Ints(want)
		if fmt.Sprint(rows) != fmt.Sprint(want) {
			t.Fatalf("invalid rows = %v, want %v", rows, want)
		}
		reported := map[int]map[string]any{}
		for _, x := range r.JSON["errors"].([]any) {
			m := x.(map[string]any)
			reported[int(m["row"].(float64))] = m
		}
		if len(reported) != 20 {
			t.Errorf("%d rows have errors, want exactly 20", len(reported))
		}
		for row, why := range bad {
			m := reported[row]
			field, _, _ := strings.Cut(why, ":")
			if m == nil || m["field"] != field || m["column"] != importMapping.Get("map."+field) || m["reason"] == "" {
				t.Errorf("row %d (%s): reported %v", row, why, m)
			}
			if strings.Contains(why, "unknown skill") && !strings.Contains(m["reason"].(string), "unknown skill") {
				t.Errorf("row %d: reason %v", row, m["reason"])
			}
		}
		unres := r.JSON["unresolved_skills"].([]any)
		if len(unres) != 1 || unres[0].(map[string]any)["label"] != "quantum basket weaving" {
			t.Errorf("unresolved skills = %v", unres)
		}
	}

	// Dry run: the full report, nothing written.
	dry := e.postCSV("dry_run=true&"+importMapping.Encode(), body, broker.Access)
	check(dry, true)
	if n := e.countImported(); n != 0 {
		t.Fatalf("a dry run imported %d actors", n)
	}
	prev := dry.JSON["preview"].([]any)[0].(map[string]any)
	if prev["name"] != `Imported, "quoted" org 0` || prev["kind"] != "ai" || fmt.Sprint(prev["offers"]) != "[map[level:4 skill:computer-vision] map[level:2 skill:natural-language-processing] map[level:2 skill:generative-ai]]" {
		t.Errorf("preview = %v", prev)
	}

	// Real run: 980 rows in batches.
	real := e.postCSV("dry_run=false&"+importMapping.Encode(), body, broker.Access)
	check(real, false)
	if real.JSON["imported"] != 980.0 || real.JSON["batches"] != 5.0 {
		t.Errorf("imported %v in %v batches", real.JSON["imported"], real.JSON["batches"])
	}
	if n := e.countImported(); n != 980 {
		t.Fatalf("SQL counts %d imported actors, want 980", n)
	}
	owned := e.sqlCounts("SELECT 'n', COUNT(*) FROM actors WHERE source = 'import' AND owner_id = ? AND managed", broker.ID)["n"]
	offers := e.sqlCounts("SELECT 'n', COUNT(*) FROM actor_offers o JOIN actors a ON a.id = o.actor_id WHERE a.source = 'import'")["n"]
	if owned != 980 || offers != 500*3+480*2 {
		t.Errorf("owned by the broker and managed: %d; offers %d", owned, offers)
	}
	// Imported actors are real profiles: readable, with their contact kept private to the owner.
	id := real.JSON["actor_ids"].([]any)[0].(string)
	if r := e.call("GET", "/api/v1/actors/"+id, nil, member.Access); r.Status != 200 || strings.Contains(r.Raw, "org0@example.org") {
		t.Errorf("imported actor as a stranger sees it: %d %s", r.Status, r.Raw)
	}
}

func TestImportMalformedFileChangesNothing(t *testing.T) {
	e := newEnv(t)
	admin := e.register("Root")
	e.promote(&admin, "admin")
	for _, tc := range []struct {
		name, body, query string
		want              int
		code              string
	}{
		{"bad quoting", "name,kind,org_type,country,languages\n\"Unclosed,cci,sme,NL,en\nOther,ai,sme,BE,en\n", "", 400, "malformed_csv"},
		{"stray quote", "name,kind,org_type,country,languages\nA \"b\" c,cci,sme,NL,en\n", "", 400, "malformed_csv"},
		{"wrong number of fields", "name,kind,org_type,country,languages\nGood,cci,sme,NL,en\nShort,cci\n", "", 400, "malformed_csv"},
		{"empty", "", "", 400, "malformed_csv"},
		{"missing header", "Good,cci,sme,NL,en\nAlso good,ai,sme,BE,en\n", "", 422, "validation_failed"},
		{"mapping names a missing column", "name,kind,org_type,country,languages\nGood,cci,sme,NL,en\n", "map.name=Organisation", 422, "validation_failed"},
		{"mapping names an unknown field", "name,kind,org_type,country,languages\nGood,cci,sme,NL,en\n", "map.owner_id=name", 422, "validation_failed"},
		{"bad dry_run", "name,kind,org_type,country,languages\nGood,cci,sme,NL,en\n", "dry_run=maybe", 422, "validation_failed"},
	} {
		q := tc.query
		if !strings.Contains(q, "dry_run") {
			q += "&dry_run=false"
		}
		r := e.postCSV(q, tc.body, admin.Access)
		if r.Status != tc.want || r.errCode() != tc.code {
			t.Errorf("%s: %d %s, want %d %s", tc.name, r.Status, r.Raw, tc.want, tc.code)
		}
	}
	if r := e.postCSV("dry_run=true", "Good,cci,sme,NL,en\n", admin.Access); r.fields()["mapping.name"] == nil {
		t.Errorf("missing header must name the field: %s", r.Raw)
	}
	if n := e.countImported(); n != 0 {
		t.Fatalf("a rejected file imported %d actors", n)
	}

	// The same rows as multipart with a mapping part: imported.
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("file", "actors.csv")
	fw.Write([]byte("\ufeffOrg,kind,org_type,country,languages,offers\nGood,cci,sme,NL,en,Curation:4\n"))
	mw.WriteField("mapping", `{"name":"Org"}`)
	mw.Close()
	req := httptest.NewRequest("POST", "/api/v1/imports/actors?dry_run=false", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+admin.Access)
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"imported":1`) {
		t.Fatalf("multipart: %d %s", rec.Code, rec.Body.String())
	}
	if n := e.countImported(); n != 1 {
		t.Errorf("multipart imported %d", n)
	}
}

func TestImportWithSavedMapping(t *testing.T) {
	e := newEnv(t)
	broker, other := e.register("Broker"), e.register("Other")
	e.promote(&broker, "intermediary")
	e.promote(&other, "intermediary")
	m := map[string]string{}
	for k, v := range importMapping {
		m[strings.TrimPrefix(k, "map.")] = v[0]
	}
	r := e.call("POST", "/api/v1/imports/mappings", map[string]any{"name": "Dutch members file", "mapping": m}, broker.Access)
	if r.Status != 201 {
		t.Fatalf("save: %d %s", r.Status, r.Raw)
	}
	id := r.JSON["id"].(string)
	for _, tc := range []struct {
		name  string
		body  any
		token string
		want  int
	}{
		{"same name", map[string]any{"name": "Dutch members file", "mapping": m}, broker.Access, 409},
		{"unknown field", map[string]any{"name": "x", "mapping": map[string]string{"role": "Rol"}}, broker.Access, 422},
		{"empty", map[string]any{"name": "y", "mapping": map[string]string{}}, broker.Access, 422},
	} {
		if r := e.call("POST", "/api/v1/imports/mappings", tc.body, tc.token); r.Status != tc.want {
			t.Errorf("%s: %d %s", tc.name, r.Status, r.Raw)
		}
	}
	if l := e.call("GET", "/api/v1/imports/mappings", nil, broker.Access); len(l.JSON["items"].([]any)) != 1 {
		t.Errorf("list: %s", l.Raw)
	}
	body, _ := importCSV()
	if r := e.postCSV("dry_run=true&mapping_id="+id, body, other.Access); r.Status != 422 {
		t.Errorf("another user's mapping: %d", r.Status)
	}
	r = e.postCSV("dry_run=true&preview=0&mapping_id="+id, body, broker.Access)
	if r.Status != 200 || r.JSON["valid"] != 980.0 {
		t.Fatalf("import with the saved mapping: %d valid %v", r.Status, r.JSON["valid"])
	}
	if r := e.call("DELETE", "/api/v1/imports/mappings/"+id, nil, other.Access); r.Status != 404 {
		t.Errorf("another user deletes: %d", r.Status)
	}
	if r := e.call("DELETE", "/api/v1/imports/mappings/"+id, nil, broker.Access); r.Status != 204 {
		t.Errorf("delete: %d", r.Status)
	}
}
