package seeds

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func fixture(name string) string { return filepath.Join("testdata", "esco", name) }

// zipFolder packs a fixture folder into a zip in a temp dir, to exercise the zip path
// without committing binaries.
func zipFolder(t *testing.T, dir, name string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), name)
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(e.Name())
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return out
}

func checkGoodFixture(t *testing.T, pkg *ESCOPackage) {
	t.Helper()
	if len(pkg.Skills) != 3 || len(pkg.Groups) != 2 || len(pkg.Broader) != 3 {
		t.Fatalf("got %d skills, %d groups, %d relations", len(pkg.Skills), len(pkg.Groups), len(pkg.Broader))
	}
	s := pkg.Skills[0]
	if s.PreferredLabel != "test knowledge one" || s.SkillType != "knowledge" || s.ReuseLevel != "cross-sector" ||
		!slices.Equal(s.AltLabels, []string{"first alt", "second alt"}) || s.Description != "A fixture skill, written for tests." {
		t.Errorf("first skill = %+v", s)
	}
	if pkg.Skills[1].AltLabels != nil {
		t.Errorf("empty altLabels should give nil, got %q", pkg.Skills[1].AltLabels)
	}
	b := pkg.Broader[2]
	if !strings.HasSuffix(b.ConceptURI, "0002") || !strings.HasSuffix(b.BroaderURI, "0001") || b.BroaderType != "KnowledgeSkillCompetence" {
		t.Errorf("relation = %+v", b)
	}
}

func TestReadESCOFolder(t *testing.T) {
	var progress bytes.Buffer
	pkg, err := ReadESCO([]string{fixture("good")}, &progress)
	if err != nil {
		t.Fatal(err)
	}
	checkGoodFixture(t, pkg)
	if !strings.Contains(progress.String(), "3 skills read") {
		t.Errorf("progress output lacks a count:\n%s", progress.String())
	}
}

func TestReadESCOZips(t *testing.T) {
	// Classification and relations in separate zips, as the Commission ships them.
	dir := t.TempDir()
	for _, f := range []string{"skills_en.csv", "skillGroups_en.csv"} {
		b, _ := os.ReadFile(filepath.Join(fixture("good"), f))
		os.MkdirAll(filepath.Join(dir, "c"), 0o755)
		os.WriteFile(filepath.Join(dir, "c", f), b, 0o644)
	}
	b, _ := os.ReadFile(filepath.Join(fixture("good"), "broaderRelationsSkillPillar.csv"))
	os.MkdirAll(filepath.Join(dir, "r"), 0o755)
	os.WriteFile(filepath.Join(dir, "r", "broaderRelationsSkillPillar.csv"), b, 0o644)
	classification := zipFolder(t, filepath.Join(dir, "c"), "classification.zip")
	relations := zipFolder(t, filepath.Join(dir, "r"), "relations.zip")
	pkg, err := ReadESCO([]string{classification, relations}, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkGoodFixture(t, pkg)
	if !strings.HasPrefix(pkg.HierarchySource, "relations.zip:") {
		t.Errorf("hierarchy source = %q", pkg.HierarchySource)
	}
}

func TestReadESCOHierarchyFallback(t *testing.T) {
	pkg, err := ReadESCO([]string{zipFolder(t, fixture("hierarchy-only"), "classification.zip")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Root → S0.1 → S0.1.1 gives two relations; the repeated S0 → S0.1 pair is counted once.
	if len(pkg.Broader) != 2 || pkg.Broader[0].BroaderURI != "http://data.europa.eu/esco/skill/S0" {
		t.Fatalf("derived hierarchy = %+v", pkg.Broader)
	}
}

func TestReadESCOErrorsNameFileLineReason(t *testing.T) {
	tests := []struct {
		name  string
		paths []string
		want  []string
	}{
		{"bare quote", []string{fixture("bad-quote")}, []string{"bad-quote", "skills_en.csv", "line 3", "bare \" in non-quoted-field"}},
		{"short row", []string{fixture("bad-fields")}, []string{"skills_en.csv", "line 3", "wrong number of fields"}},
		{"foreign URI", []string{fixture("bad-uri")}, []string{"skills_en.csv", "line 4", "not an ESCO URI"}},
		{"missing column", []string{fixture("missing-column")}, []string{"skills_en.csv", "line 1", `missing column "preferredLabel"`}},
		{"bad relation", []string{fixture("bad-relation")}, []string{"broaderRelationsSkillPillar.csv", "line 3", "must both be ESCO URIs"}},
		{"no skills file", []string{fixture("no-skills")}, []string{"no skills_<lang>.csv"}},
		{"not a zip or folder", []string{fixture("README.md")}, []string{"neither a .zip nor a folder"}},
		{"missing path", []string{fixture("nope")}, []string{"nope"}},
		{"no paths", nil, []string{"no path given"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadESCO(tt.paths, nil)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestESCOSlug(t *testing.T) {
	tests := []struct{ uri, label, want string }{
		{"http://data.europa.eu/esco/skill/3a2d5b45-56e4-4f5a-a55a-4a4a65afdc43", "machine learning", "esco-3a2d5b4556e4"},
		{"http://data.europa.eu/esco/skill/S1.2.3", "x", "esco-s1-2-3"},
		{"http://data.europa.eu/esco/isced-f/0000", "x", "esco-isced-f-0000"},
	}
	for _, tt := range tests {
		if got := ESCOSlug(tt.uri, tt.label); got != tt.want || !ValidSlug(got) {
			t.Errorf("ESCOSlug(%s) = %q, want %q", tt.uri, got, tt.want)
		}
	}
	odd := ESCOSlug("urn:x", "Some Label!")
	if !strings.HasPrefix(odd, "esco-some-label-") || !ValidSlug(odd) || odd != ESCOSlug("urn:x", "Some Label!") {
		t.Errorf("fallback slug %q", odd)
	}
}

func TestReadRealESCO(t *testing.T) {
	dir := escoDir(t)
	classification := filepath.Join(dir, escoClassificationZip)
	relations := filepath.Join(dir, "esco-v1.1.1-relations-csv.zip")

	var progress bytes.Buffer
	pkg, err := ReadESCO([]string{classification, relations}, &progress)
	if err != nil {
		t.Fatal(err)
	}
	if len(pkg.Skills) < 13000 {
		t.Errorf("%d skills, want >= 13,000", len(pkg.Skills))
	}
	if len(pkg.Broader) < 10000 || !strings.Contains(pkg.HierarchySource, "broaderRelationsSkillPillar") {
		t.Errorf("%d broader relations from %q", len(pkg.Broader), pkg.HierarchySource)
	}
	if !strings.Contains(progress.String(), "5000 skills") {
		t.Errorf("no progress lines:\n%s", progress.String())
	}
	var ml *ESCOSkill
	for i := range pkg.Skills {
		if pkg.Skills[i].PreferredLabel == "machine learning" {
			ml = &pkg.Skills[i]
		}
	}
	if ml == nil || ml.SkillType != "knowledge" || ml.Description == "" {
		t.Errorf("machine learning = %+v", ml)
	}

	// Imported slugs are unique and never collide with curated ones.
	curated, err := Taxonomy()
	if err != nil {
		t.Fatal(err)
	}
	slugs := map[string]string{}
	for _, s := range curated {
		slugs[s.Slug] = "curated"
	}
	for _, s := range append(slices.Clone(pkg.Skills), pkg.Groups...) {
		slug := ESCOSlug(s.URI, s.PreferredLabel)
		if !ValidSlug(slug) {
			t.Fatalf("ESCOSlug(%s) = %q is not a slug", s.URI, slug)
		}
		if other, dup := slugs[slug]; dup {
			t.Fatalf("ESCOSlug(%s) = %q collides with %s", s.URI, slug, other)
		}
		slugs[slug] = s.URI
	}

	// The classification zip alone still gives a hierarchy (skill groups).
	alone, err := ReadESCO([]string{classification}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(alone.Skills) != len(pkg.Skills) || len(alone.Broader) == 0 {
		t.Errorf("classification only: %d skills, %d relations", len(alone.Skills), len(alone.Broader))
	}
}
