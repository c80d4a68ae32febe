package api

import (
	"context"
	"strings"
	"testing"
	"time"
)

// waitImport polls an import job until it is over.
func (e *env) waitImport(id, token string) resp {
	e.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		r := e.call("GET", "/api/v1/imports/"+id, nil, token)
		if r.Status != 200 {
			e.t.Fatalf("job %s: %d %s", id, r.Status, r.Raw)
		}
		if r.JSON["state"] != "running" {
			// The background goroutine writes its audit line after the job: let it end before the test does.
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := e.srv.WaitImports(ctx); err != nil {
				e.t.Fatal(err)
			}
			return r
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("job %s still running: %s", id, r.Raw)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (e *env) countJobs() int64 {
	return e.sqlCounts("SELECT 'n', COUNT(*) FROM import_jobs")["n"]
}

// checkJob: the finished job of the 1,000-row fixture (20 bad rows) in batches of 200.
func checkJob(t *testing.T, j resp, async bool) {
	t.Helper()
	for k, want := range map[string]any{"state": "done", "rows_total": 1000.0, "rows_processed": 1000.0, "imported": 980.0, "failed": 20.0,
		"batches": 5.0, "batch_size": 200.0, "async": async} {
		if j.JSON[k] != want {
			t.Errorf("job %s = %v, want %v", k, j.JSON[k], want)
		}
	}
	rep, _ := j.JSON["report"].(map[string]any)
	if rep == nil || len(rep["errors"].([]any)) != 20 || len(rep["invalid_rows"].([]any)) != 20 || rep["imported"] != 980.0 || j.JSON["finished_at"] == nil {
		t.Errorf("job report: %s", j.Raw)
	}
}

func TestImportJobSyncAndAsync(t *testing.T) {
	e := newEnv(t)
	broker, other, member, admin := e.register("Broker"), e.register("Other"), e.register("Member"), e.register("Root")
	e.promote(&broker, "intermediary")
	e.promote(&other, "intermediary")
	e.promote(&admin, "admin")
	body, _ := importCSV()

	// A synchronous real run answers the report as before, with the job id.
	r := e.postCSV("dry_run=false&"+importMapping.Encode(), body, broker.Access)
	if r.Status != 200 || r.JSON["imported"] != 980.0 || r.JSON["batches"] != 5.0 {
		t.Fatalf("sync import: %d %s", r.Status, r.Raw)
	}
	syncID, _ := r.JSON["job_id"].(string)
	if syncID == "" {
		t.Fatalf("no job_id in %s", r.Raw)
	}
	checkJob(t, e.waitImport(syncID, broker.Access), false)

	// async=true: 202 with the job and its Location at once; the rows are written in the background.
	r = e.postCSV("dry_run=false&async=true&"+importMapping.Encode(), body, broker.Access)
	if r.Status != 202 || r.JSON["rows_total"] != 1000.0 || r.JSON["async"] != true || r.Header.Get("Location") != "/api/v1/imports/"+r.JSON["id"].(string) {
		t.Fatalf("async import: %d %v %s", r.Status, r.Header, r.Raw)
	}
	asyncID := r.JSON["id"].(string)
	// While it runs, the job only ever counts committed rows.
	var last float64
	for {
		j := e.call("GET", "/api/v1/imports/"+asyncID, nil, broker.Access)
		imp := j.JSON["imported"].(float64)
		if imp < last || imp > float64(e.countImported()-980) {
			t.Fatalf("progress: %v imported after %v; SQL has %d", imp, last, e.countImported()-980)
		}
		last = imp
		if j.JSON["state"] != "running" {
			checkJob(t, e.waitImport(asyncID, broker.Access), true)
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if n := e.countImported(); n != 1960 {
		t.Fatalf("SQL counts %d imported, want 2 × 980", n)
	}

	// Who may read a job: its owner and admins; another intermediary gets 404, a member 403.
	for _, tc := range []struct {
		name, token string
		want        int
	}{{"owner", broker.Access, 200}, {"admin", admin.Access, 200}, {"other intermediary", other.Access, 404},
		{"member", member.Access, 403}, {"anonymous", "", 401}} {
		if r := e.call("GET", "/api/v1/imports/"+asyncID, nil, tc.token); r.Status != tc.want {
			t.Errorf("%s reads the job: %d, want %d", tc.name, r.Status, tc.want)
		}
	}
	// The list: the caller's own jobs, newest first, without reports.
	l := e.call("GET", "/api/v1/imports", nil, broker.Access)
	items, _ := l.JSON["items"].([]any)
	if l.Status != 200 || len(items) != 2 || items[0].(map[string]any)["id"] != asyncID || items[0].(map[string]any)["report"] != nil {
		t.Fatalf("list: %d %s", l.Status, l.Raw)
	}
	if l := e.call("GET", "/api/v1/imports?limit=1", nil, broker.Access); len(l.JSON["items"].([]any)) != 1 {
		t.Errorf("limit=1: %s", l.Raw)
	}
	for _, tok := range []string{other.Access, admin.Access} {
		if l := e.call("GET", "/api/v1/imports", nil, tok); l.Status != 200 || len(l.JSON["items"].([]any)) != 0 {
			t.Errorf("another user's list: %d %s", l.Status, l.Raw)
		}
	}
	if l := e.call("GET", "/api/v1/imports", nil, member.Access); l.Status != 403 {
		t.Errorf("member lists: %d", l.Status)
	}
}

// TestImportJobBadInputs: bad queries and files answer 4xx naming the field and store nothing: no
// job, no actor.
func TestImportJobBadInputs(t *testing.T) {
	e := newEnv(t)
	broker := e.register("Broker")
	e.promote(&broker, "intermediary")
	good := "name,kind,org_type,country,languages\nGood,cci,sme,NL,en\n"
	for _, tc := range []struct {
		name, query, body string
		want              int
		field             string
	}{
		{"async not a boolean", "dry_run=false&async=soon", good, 422, "async"},
		{"async dry run", "dry_run=true&async=true", good, 422, "async"},
		{"async default dry run", "async=true", good, 422, "async"},
		{"async malformed file", "dry_run=false&async=true", "name,kind\n\"open,cci\n", 400, ""},
		{"async missing column", "dry_run=false&async=true", "name,kind\nA,cci\n", 422, "mapping.country"},
		{"sync missing column", "dry_run=false", "name,kind\nA,cci\n", 422, "mapping.org_type"},
	} {
		r := e.postCSV(tc.query, tc.body, broker.Access)
		if r.Status != tc.want || (tc.field != "" && r.fields()[tc.field] == nil) {
			t.Errorf("%s: %d %s", tc.name, r.Status, r.Raw)
		}
	}
	for _, tc := range []struct {
		path  string
		want  int
		field string
	}{{"/api/v1/imports/no-such-job", 404, ""}, {"/api/v1/imports?limit=0", 422, "limit"}, {"/api/v1/imports?limit=many", 422, "limit"}} {
		if r := e.call("GET", tc.path, nil, broker.Access); r.Status != tc.want || (tc.field != "" && r.fields()[tc.field] == nil) {
			t.Errorf("%s: %d %s", tc.path, r.Status, r.Raw)
		}
	}
	if n, m := e.countJobs(), e.countImported(); n != 0 || m != 0 {
		t.Fatalf("bad inputs stored %d jobs, %d actors", n, m)
	}
	// A dry run has no job either.
	if r := e.postCSV("dry_run=true", good, broker.Access); r.Status != 200 || r.JSON["job_id"] != nil || e.countJobs() != 0 {
		t.Errorf("dry run: %d %s, %d jobs", r.Status, r.Raw, e.countJobs())
	}
	if r := e.postCSV("dry_run=false&async=true", good, broker.Access); r.Status != 202 {
		t.Fatalf("good async: %d %s", r.Status, r.Raw)
	} else if j := e.waitImport(r.JSON["id"].(string), broker.Access); j.JSON["imported"] != 1.0 || !strings.Contains(j.Raw, `"state":"done"`) {
		t.Errorf("one-row job: %s", j.Raw)
	}
}
