package seeds

import (
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

func TestMergeESCOFixture(t *testing.T) {
	pkg, err := ReadESCO([]string{fixture("good")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	curated := []Skill{
		{Slug: "knowing", Label: "Knowing", Domain: DomainCCI, ESCOURI: "http://data.europa.eu/esco/skill/00000000-0000-4000-8000-000000000001",
			AltLabels: []string{"first alt"}, Source: SourceCurated},
	}
	merged, st := MergeESCO(curated, pkg)
	if st.Linked != 1 || st.Added != 4 || st.AltLabelsAdded != 2 {
		t.Errorf("stats = %+v", st)
	}
	if got := merged[0].AltLabels; !slices.Equal(got, []string{"first alt", "test knowledge one", "second alt"}) {
		t.Errorf("curated alt labels = %q", got)
	}
	if curated[0].AltLabels[0] != "first alt" || len(curated[0].AltLabels) != 1 {
		t.Error("MergeESCO changed its input")
	}
	by := map[string]Skill{}
	for _, s := range merged {
		by[s.ESCOURI] = s
	}
	two := by["http://data.europa.eu/esco/skill/00000000-0000-4000-8000-000000000002"]
	// Skill two sits under skill one, which is the curated "knowing": it takes that slug and domain.
	if two.Parent != "knowing" || two.Domain != DomainCCI || two.Source != SourceESCO || two.Slug != "esco-000000000000" {
		t.Errorf("skill two = %+v", two)
	}
	// Skill three's short slug collides with skill two's (fixture UUIDs share their first
	// 12 digits): it falls back to the whole UUID.
	if three := by["http://data.europa.eu/esco/skill/00000000-0000-4000-8000-000000000003"]; three.Slug != "esco-00000000000040008000000000000003" {
		t.Errorf("skill three slug = %q", three.Slug)
	}
	sub := by["http://data.europa.eu/esco/skill/S0.1"]
	if sub.Parent != "esco-s0" || sub.Domain != DomainTransversal {
		t.Errorf("subgroup = %+v", sub)
	}
	checkMerged(t, merged)
}

// checkMerged: unique slugs, parents present and listed before their children, no cycles.
func checkMerged(t *testing.T, merged []Skill) {
	t.Helper()
	pos := map[string]int{}
	for i, s := range merged {
		if _, dup := pos[s.Slug]; dup {
			t.Fatalf("duplicate slug %s", s.Slug)
		}
		if !ValidSlug(s.Slug) || !ValidDomain(s.Domain) || s.Label == "" {
			t.Fatalf("bad skill %+v", s)
		}
		pos[s.Slug] = i
	}
	for i, s := range merged {
		if s.Parent == "" {
			continue
		}
		p, ok := pos[s.Parent]
		if !ok {
			t.Fatalf("%s: parent %s missing", s.Slug, s.Parent)
		}
		if p >= i {
			t.Fatalf("%s listed before its parent %s", s.Slug, s.Parent)
		}
	}
}

func TestMergeRealESCO(t *testing.T) {
	dir := escoDir(t)
	pkg, err := ReadESCO([]string{filepath.Join(dir, escoClassificationZip), filepath.Join(dir, "esco-v1.1.1-relations-csv.zip")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	curated, err := Taxonomy()
	if err != nil {
		t.Fatal(err)
	}
	merged, st := MergeESCO(curated, pkg)
	linked := 0
	for _, s := range curated {
		if s.ESCOURI != "" {
			linked++
		}
	}
	if st.Linked != linked || st.Skipped != 4 {
		t.Errorf("stats = %+v, want %d linked and the 4 pillars skipped", st, linked)
	}
	if want := len(curated) + len(pkg.Skills) + len(pkg.Groups) - linked - 4; len(merged) != want {
		t.Errorf("%d merged skills, want %d", len(merged), want)
	}
	checkMerged(t, merged)
	domains := map[string]int{}
	for _, s := range merged[len(curated):] {
		domains[s.Domain]++
	}
	if domains[DomainCCI] == 0 || domains[DomainAI] == 0 {
		t.Errorf("imported domains = %v", domains)
	}
	again, _ := MergeESCO(curated, pkg)
	if !reflect.DeepEqual(merged, again) {
		t.Error("MergeESCO is not deterministic")
	}
	t.Logf("merged taxonomy: %d skills (%d curated, %d from ESCO), imported domains %v", len(merged), len(curated), st.Added, domains)
}
