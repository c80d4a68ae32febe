package models_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/crossover-cci/crossover/models"
	"github.com/crossover-cci/crossover/models/dbtest"
	"github.com/crossover-cci/crossover/seeds"
)

// importStore is a fresh database with the reference data and one importing user.
func importStore(t testing.TB) (*models.Store, string) {
	t.Helper()
	s := dbtest.New(t)
	s.SetHashParams(models.HashParams{MemoryKiB: 64, Time: 1, Threads: 1})
	ctx := context.Background()
	if err := seeds.ApplyReference(ctx, s); err != nil {
		t.Fatal(err)
	}
	yes := true
	u, err := s.Register(ctx, models.Registration{Email: "importer@example.org", Password: "a long import passphrase",
		DisplayName: "Importer", AcceptTerms: &yes, ConsentMatching: &yes})
	if err != nil {
		t.Fatal(err)
	}
	return s, u.ID
}

// jobCSV is n rows; every row i with i%10 == 3 has an unknown country.
func jobCSV(n int) (string, int) {
	var b strings.Builder
	b.WriteString("name,kind,org_type,country,languages,offers\n")
	bad := 0
	for i := range n {
		country := "NL"
		if i%10 == 3 {
			country, bad = "XX", bad+1
		}
		fmt.Fprintf(&b, "Org %d,cci,sme,%s,en,Curation:3\n", i, country)
	}
	return b.String(), bad
}

func countImported(t testing.TB, s *models.Store) int {
	t.Helper()
	db, err := s.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM actors WHERE source = 'import'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestImportJobProgressAtEveryCommit reads the job after each committed batch and checks it against
// an independent count of the imported actors: the job never counts a row that is not committed.
func TestImportJobProgressAtEveryCommit(t *testing.T) {
	s, owner := importStore(t)
	ctx := context.Background()
	body, bad := jobCSV(1000)
	p, err := s.PrepareImport(ctx, strings.NewReader(body), models.ImportOptions{OwnerID: owner, BatchSize: 150, Codes: seeds.Codes{}})
	if err != nil {
		t.Fatal(err)
	}
	job, err := s.StartImportJob(ctx, p, false)
	if err != nil {
		t.Fatal(err)
	}
	if job.State != models.ImportRunning || job.RowsTotal != 1000 || job.RowsProcessed != 0 {
		t.Fatalf("new job = %+v", job)
	}
	var seen []string
	s.OnCommit(func() {
		j, err := s.ImportJobByID(ctx, job.ID)
		if err != nil {
			t.Errorf("read the job: %v", err)
			return
		}
		if n := countImported(t, s); j.Imported != n {
			t.Errorf("job says %d imported, SQL counts %d", j.Imported, n)
		}
		if j.State != models.ImportRunning || j.RowsProcessed != min(1000, 150*j.Batches) || j.Failed != j.RowsProcessed/10 {
			t.Errorf("progress after %d batches: %+v", j.Batches, j)
		}
		seen = append(seen, fmt.Sprintf("%d/%d", j.Imported, j.RowsProcessed))
	})
	rep, err := p.Run(ctx, job)
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) < 7 { // 1000 rows in batches of 150: 7 commits
		t.Errorf("progress seen at %d commits: %v", len(seen), seen)
	}
	j, err := s.ImportJobByID(ctx, job.ID)
	if err != nil {
		t.Fatal(err)
	}
	if j.State != models.ImportDone || j.RowsProcessed != 1000 || j.Imported != 1000-bad || j.Failed != bad || j.Batches != 7 || j.FinishedAt == nil {
		t.Fatalf("finished job = %+v", j)
	}
	if j.Result == nil || len(j.Result.InvalidRows) != bad || len(j.Result.Errors) != bad || j.Result.Errors[0].Field != "country" || rep.JobID != job.ID {
		t.Fatalf("job report = %+v", j.Result)
	}
	if n := countImported(t, s); n != 1000-bad {
		t.Fatalf("SQL counts %d imported", n)
	}
	t.Logf("progress at each commit (imported/processed): %v", seen)
}

// TestImportJobInterrupted: a cancelled context (the server stopping) rolls back the batch in
// flight and marks the job failed with the committed count; a job whose server died is shown as
// failed once it has made no progress for models.ImportStaleAfter.
func TestImportJobInterrupted(t *testing.T) {
	s, owner := importStore(t)
	body, _ := jobCSV(400)
	ctx, cancel := context.WithCancel(context.Background())
	p, err := s.PrepareImport(ctx, strings.NewReader(body), models.ImportOptions{OwnerID: owner, BatchSize: 100, Codes: seeds.Codes{}})
	if err != nil {
		t.Fatal(err)
	}
	job, err := s.StartImportJob(ctx, p, true)
	if err != nil {
		t.Fatal(err)
	}
	commits := 0
	s.OnCommit(func() {
		if commits++; commits == 2 {
			cancel()
		}
	})
	rep, err := p.Run(ctx, job)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("run after cancel: %v", err)
	}
	j, err := s.ImportJobByID(context.Background(), job.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n := countImported(t, s); j.State != models.ImportFailed || !strings.Contains(j.Error, "interrupted") || j.Imported != n || n != rep.Imported || n == 0 || n >= 360 {
		t.Fatalf("interrupted job = %+v, SQL %d, report %d", j, n, rep.Imported)
	}

	// A job left running by a server that died.
	p2, err := s.PrepareImport(context.Background(), strings.NewReader(body), models.ImportOptions{OwnerID: owner, Codes: seeds.Codes{}})
	if err != nil {
		t.Fatal(err)
	}
	dead, err := s.StartImportJob(context.Background(), p2, true)
	if err != nil {
		t.Fatal(err)
	}
	if j, _ := s.ImportJobByID(context.Background(), dead.ID); j.State != models.ImportRunning {
		t.Fatalf("fresh job: %s", j.State)
	}
	if err := s.Exec(context.Background(), "UPDATE import_jobs SET updated_at = ? WHERE id = ?", time.Now().UTC().Add(-models.ImportStaleAfter-time.Minute), dead.ID); err != nil {
		t.Fatal(err)
	}
	list, err := s.ImportJobs(context.Background(), owner, 10)
	if err != nil || len(list) != 2 || list[0].ID != dead.ID || list[0].State != models.ImportFailed || list[0].FinishedAt == nil {
		t.Fatalf("after the stale limit: %v %+v", err, list)
	}
}

// TestImportDryRunAndBadFilesHaveNoJob: only a real run of a readable file starts a job.
func TestImportDryRunAndBadFilesHaveNoJob(t *testing.T) {
	s, owner := importStore(t)
	ctx := context.Background()
	body, _ := jobCSV(20)
	p, err := s.PrepareImport(ctx, strings.NewReader(body), models.ImportOptions{OwnerID: owner, DryRun: true, Codes: seeds.Codes{}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.StartImportJob(ctx, p, false); err == nil {
		t.Error("a dry run started a job")
	}
	var fe *models.ImportFileError
	if _, err := s.PrepareImport(ctx, strings.NewReader("name,kind\n\"open,cci\n"), models.ImportOptions{OwnerID: owner}); !errors.As(err, &fe) {
		t.Errorf("bad quoting: %v", err)
	}
	if list, _ := s.ImportJobs(ctx, owner, 10); len(list) != 0 || countImported(t, s) != 0 {
		t.Errorf("jobs %v, imported %d", list, countImported(t, s))
	}
}

// BenchmarkImportCSV times a real import of 2,000 rows (10 % invalid) with its job, batches of 200:
// the rows/s figure of docs/DATA.md.
func BenchmarkImportCSV(b *testing.B) {
	s, owner := importStore(b)
	ctx := context.Background()
	body, _ := jobCSV(2000)
	start := time.Now()
	for b.Loop() {
		p, err := s.PrepareImport(ctx, strings.NewReader(body), models.ImportOptions{OwnerID: owner, Codes: seeds.Codes{}})
		if err != nil {
			b.Fatal(err)
		}
		job, err := s.StartImportJob(ctx, p, false)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := p.Run(ctx, job); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(2000*b.N)/time.Since(start).Seconds(), "rows/s")
}
