package api

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/crossover-cci/crossover/models"
	"github.com/crossover-cci/crossover/seeds"
)

// escoPaths are the real ESCO package in ../shared/esco (from the module root); the test or
// benchmark skips with a clear message where it is absent.
func escoPaths(tb testing.TB) []string {
	tb.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "shared", "esco"))
	if err != nil {
		tb.Fatal(err)
	}
	paths := []string{filepath.Join(dir, "esco-v1.1.1-classification-en-csv.zip"), filepath.Join(dir, "esco-v1.1.1-relations-csv.zip")}
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			tb.Skipf("ESCO package not found at %s (../shared/esco from the module root): %v — skipping", dir, err)
		}
	}
	return paths
}

// TestSkillSearchAfterESCOImport: the cached taxonomy reloads after an import, and "machine" still
// finds machine learning first among ~14,800 skills.
func TestSkillSearchAfterESCOImport(t *testing.T) {
	paths := escoPaths(t)
	e := newEnv(t)
	if r := e.call("GET", "/api/v1/skills?q=machine", nil, ""); r.Status != http.StatusOK {
		t.Fatalf("before import: %d %s", r.Status, r.Raw)
	}
	st, err := seeds.ImportESCO(context.Background(), e.store, paths, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.After < 13000 {
		t.Fatalf("imported %d skills", st.After)
	}
	e.srv.taxonomy.invalidate() // the cache checks the stamp every 30 s; do not wait for it
	r := e.call("GET", "/api/v1/skills?q=machine&limit=5", nil, "")
	items, _ := r.JSON["items"].([]any)
	if r.Status != http.StatusOK || len(items) == 0 {
		t.Fatalf("search: %d %s", r.Status, r.Raw)
	}
	if first := items[0].(map[string]any); first["slug"] != "machine-learning" {
		t.Fatalf("q=machine: first hit %v, want machine-learning (%s)", first["slug"], r.Raw)
	}
	// ESCO skills are searchable, accent- and case-insensitively, and say where they come from.
	r = e.call("GET", "/api/v1/skills?q=CHOR%C3%89OGRAPHIE&limit=100", nil, "")
	found := false
	for _, it := range r.JSON["items"].([]any) {
		if it.(map[string]any)["source"] == "esco" {
			found = true
		}
	}
	if !found {
		t.Errorf("no ESCO skill for q=CHORÉOGRAPHIE: %s", r.Raw)
	}
}

// enrichedTaxonomy builds the search index over the curated tree merged with ESCO, without a database.
func enrichedTaxonomy(b *testing.B) *taxonomy {
	b.Helper()
	pkg, err := seeds.ReadESCO(escoPaths(b), nil)
	if err != nil {
		b.Fatal(err)
	}
	curated, err := seeds.Taxonomy()
	if err != nil {
		b.Fatal(err)
	}
	merged, _ := seeds.MergeESCO(curated, pkg)
	skills := make([]models.Skill, len(merged))
	for i, s := range merged {
		src := "curated"
		if s.Source == seeds.SourceESCO {
			src = "esco"
		}
		skills[i] = models.Skill{Slug: s.Slug, Label: s.Label, Domain: s.Domain, Parent: s.Parent, EscoURI: s.ESCOURI,
			AltLabels: append([]string{}, s.AltLabels...), Source: src}
	}
	t := newTaxonomy(nil)
	t.load(skills)
	return t
}

// BenchmarkSkillSearch measures one autocomplete query on the ESCO-enriched taxonomy (~14,800 skills,
// ~100,000 labels): go test ./api -run '^$' -bench SkillSearch.
func BenchmarkSkillSearch(b *testing.B) {
	t := enrichedTaxonomy(b)
	b.Logf("%d skills, %d labels", len(t.skills), len(t.labels))
	for _, q := range []string{"m", "machine", "music prod", "chorégraphie", "data visualisation"} {
		b.Run(fmt.Sprintf("q=%s", q), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if len(t.search(q, "", 20)) == 0 {
					b.Fatal("no hit")
				}
			}
		})
	}
}
