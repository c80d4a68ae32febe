package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crossover-cci/crossover/models"
	"github.com/crossover-cci/crossover/models/dbtest"
	"github.com/crossover-cci/crossover/seeds"
)

// TestReportWritesSelfContainedHTML runs `crossover report` on a seeded database and checks that the
// file is well-formed HTML with inline SVG, no external asset, and the observatory's figures.
func TestReportWritesSelfContainedHTML(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbURL := dbtest.URL(t)
	env := map[string]string{"DATABASE_URL": dbURL, "CROSSOVER_DATA_DIR": dir}
	getenv := func(k string) string { return env[k] }
	var out bytes.Buffer
	if err := run(ctx, []string{"migrate", "up"}, getenv, &out); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out.String())
	}
	store, err := models.Open(ctx, models.DBConfig{URL: dbURL, DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := seeds.ApplyReference(ctx, store); err != nil {
		t.Fatal(err)
	}
	for i := range 12 {
		a := &models.Actor{Kind: "cci", Name: fmt.Sprintf("Theatre %d", i), OrgType: "ngo", Country: "FR", Languages: []string{"fr"},
			Sectors: []string{"performing-arts"}, Needs: []models.Need{{Skill: "generative-ai", Importance: "must"}}, Available: true, Capacity: 2, Source: "synthetic"}
		if i < 2 { // two offer a skill: a cell about two actors, to be suppressed
			a.Offers = []models.Offer{{Skill: "computer-vision", Level: 2}}
		}
		if err := store.ImportActor(ctx, a, seeds.Codes{}); err != nil {
			t.Fatal(err)
		}
	}
	ov, err := store.StatsOverview(ctx)
	if err != nil {
		t.Fatal(err)
	}
	store.Close()

	year := time.Now().UTC().Year()
	file := filepath.Join(dir, "report.html")
	if err := run(ctx, []string{"report", "--year", fmt.Sprint(year), "--out", file}, getenv, &out); err != nil {
		t.Fatalf("report: %v\n%s", err, out.String())
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	page := string(raw)
	if !strings.HasPrefix(page, "<!DOCTYPE html>") || !strings.Contains(page, "<svg") {
		t.Fatal("not an HTML page with inline SVG")
	}
	// Well-formed: every element closes (HTML void elements auto-close), entities are known.
	dec := xml.NewDecoder(strings.NewReader(page))
	dec.Strict, dec.AutoClose, dec.Entity = false, xml.HTMLAutoClose, xml.HTMLEntity
	depth, svgs := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("malformed HTML: %v", err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			depth++
			if x.Name.Local == "svg" {
				svgs++
			}
			for _, a := range x.Attr {
				if (a.Name.Local == "src" || a.Name.Local == "href") && a.Value != "" {
					t.Errorf("external asset: <%s %s=%q>", x.Name.Local, a.Name.Local, a.Value)
				}
			}
		case xml.EndElement:
			depth--
		}
	}
	if depth != 0 {
		t.Errorf("unbalanced elements (depth %d at the end)", depth)
	}
	if svgs < 5 {
		t.Errorf("%d charts, want one per section", svgs)
	}
	for _, bad := range []string{"<script", "<link", "@import", "url("} {
		if strings.Contains(page, bad) {
			t.Errorf("the page is not self-contained: it has %q", bad)
		}
	}
	// The figures: the headline count, a sector bar, a suppressed skill.
	if want := fmt.Sprintf(`<div id="actors">%s<span>`, ov.Actors); !strings.Contains(page, want) {
		t.Errorf("the page lacks the actor count %s", ov.Actors)
	}
	var perf string
	for _, r := range ov.BySector.Rows {
		if r.Dims[0] == "performing-arts" {
			perf = r.Cells[0].String()
		}
	}
	if perf == "" || perf == "suppressed" || !strings.Contains(page, "<td>performing-arts</td><td>"+perf+"</td>") {
		t.Errorf("the sector table lacks performing-arts = %s (12 theatres and the directory's)", perf)
	}
	if !strings.Contains(page, "<td>computer-vision</td><td>ai</td><td>suppressed</td>") {
		t.Error("computer-vision supply (2 actors) must be suppressed")
	}
	if !strings.Contains(page, fmt.Sprintf("Trends in %d", year)) {
		t.Error("no trends section for the year")
	}
}
