package api

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
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
	r = e.call("GET", "/api/v1/skills?q=CHOR%C3%89OGRAPHY&limit=100", nil, "")
	found := false
	for _, it := range r.JSON["items"].([]any) {
		if it.(map[string]any)["source"] == "esco" {
			found = true
		}
	}
	if !found {
		t.Errorf("no ESCO skill for q=CHORÉOGRAPHY: %s", r.Raw)
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
	for _, q := range []string{"m", "machine", "music prod", "CHORÉOGRAPHY", "data visualisation"} {
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

// naiveSearch is the ranking rule written as a plain scan, to check the indexed search against.
func naiveSearch(t *taxonomy, q, domain string, limit int) []string {
	nq := models.NormalizeLabel(q)
	type hit struct{ skill, rank, length int }
	best := map[int]hit{}
	for _, l := range t.labels {
		if domain != "" && t.skills[l.skill].Domain != domain {
			continue
		}
		rank := 0
		switch {
		case nq == "":
			rank = 4
		case l.norm == nq:
			rank = 0
		case strings.HasPrefix(l.norm, nq):
			rank = 1
		case strings.Contains(l.norm, " "+nq) || strings.Contains(l.norm, "-"+nq):
			rank = 2
		case strings.Contains(l.norm, nq):
			rank = 3
		default:
			continue
		}
		rank *= 2
		if !l.pref {
			rank++
		}
		h := hit{l.skill, rank, len(l.norm)}
		if old, ok := best[l.skill]; !ok || h.rank < old.rank || (h.rank == old.rank && h.length < old.length) {
			best[l.skill] = h
		}
	}
	var hits []hit
	for _, h := range best {
		hits = append(hits, h)
	}
	sort.Slice(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if a.rank != b.rank {
			return a.rank < b.rank
		}
		if ea, eb := t.skills[a.skill].Source == "esco", t.skills[b.skill].Source == "esco"; ea != eb {
			return eb
		}
		if a.length != b.length {
			return a.length < b.length
		}
		return t.skills[a.skill].Slug < t.skills[b.skill].Slug
	})
	var out []string
	for i := 0; i < len(hits) && i < limit; i++ {
		out = append(out, t.skills[hits[i].skill].Slug)
	}
	return out
}

// TestSkillSearchIndexed: the indexed search ranks exactly as a plain scan of every label does.
func TestSkillSearchIndexed(t *testing.T) {
	curated, err := seeds.Taxonomy()
	if err != nil {
		t.Fatal(err)
	}
	skills := make([]models.Skill, len(curated))
	for i, s := range curated {
		skills[i] = models.Skill{Slug: s.Slug, Label: s.Label, Domain: s.Domain, Parent: s.Parent, AltLabels: s.AltLabels, Source: "curated"}
	}
	skills[3].Source = "esco"
	tax := newTaxonomy(nil)
	tax.load(skills)
	for _, q := range []string{"", "m", "ma", "machine", "Machine Learning", "learn", "arn", "music prod", "-", " ", "é", "DATA", "vision", "zzz", "sound design", "ai"} {
		for _, domain := range []string{"", "ai", "cci"} {
			for _, limit := range []int{1, 5, 20, 100} {
				var got []string
				for _, s := range tax.search(q, domain, limit) {
					got = append(got, s.Slug)
				}
				if want := naiveSearch(tax, q, domain, limit); fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("q=%q domain=%q limit=%d:\n got %v\nwant %v", q, domain, limit, got, want)
				}
			}
		}
	}
}
