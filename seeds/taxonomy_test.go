package seeds

import (
	"archive/zip"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTaxonomyShape(t *testing.T) {
	skills, err := Taxonomy()
	if err != nil {
		t.Fatal(err)
	}
	if len(skills) < 280 {
		t.Errorf("taxonomy has %d skills, want >= 280", len(skills))
	}
	bySlug := map[string]Skill{}
	domains := map[string]int{}
	for _, s := range skills {
		if _, dup := bySlug[s.Slug]; dup {
			t.Errorf("duplicate slug %s", s.Slug)
		}
		bySlug[s.Slug] = s
		domains[s.Domain]++
		if s.Source != SourceCurated {
			t.Errorf("%s: source %q", s.Slug, s.Source)
		}
		if len(s.AltLabels) == 0 {
			t.Errorf("%s has no alternative labels", s.Slug)
		}
	}
	for _, d := range []string{DomainAI, DomainCCI, DomainTransversal} {
		if domains[d] < 40 {
			t.Errorf("domain %s has %d skills, want a real tree (>= 40)", d, domains[d])
		}
	}
	for _, slug := range []string{"computer-vision", "machine-learning", "music-production",
		"natural-language-processing", "retrieval-augmented-generation", "prompt-design", "fine-tuning",
		"film-editing", "game-design", "curation", "grant-writing", "ux-research", "co-creation-facilitation",
		"ip-and-copyright", "community-building", "responsible-ai-auditing", "ai-licensing-ip-literacy"} {
		if _, ok := bySlug[slug]; !ok {
			t.Errorf("expected slug %s is missing", slug)
		}
	}
	// Abbreviations people type must find their skill.
	for abbr, slug := range map[string]string{"ML": "machine-learning", "CV": "computer-vision",
		"NLP": "natural-language-processing", "RAG": "retrieval-augmented-generation", "LLM": "llm-applications"} {
		found := false
		for _, a := range bySlug[slug].AltLabels {
			found = found || a == abbr
		}
		if !found {
			t.Errorf("%s should have alternative label %q", slug, abbr)
		}
	}
	// A label or alternative label names one skill only, so typing it is unambiguous.
	owner := map[string]string{}
	for _, s := range skills {
		for _, l := range append([]string{s.Label}, s.AltLabels...) {
			k := strings.ToLower(l)
			if o, dup := owner[k]; dup && o != s.Slug {
				t.Errorf("%q names both %s and %s", l, o, s.Slug)
			}
			owner[k] = s.Slug
		}
	}
	maxDepth := 0
	for _, s := range skills {
		d := 1
		for p := s.Parent; p != ""; p = bySlug[p].Parent {
			d++
			if d > MaxDepth+1 {
				break
			}
		}
		maxDepth = max(maxDepth, d)
		if d > MaxDepth {
			t.Errorf("%s is at depth %d", s.Slug, d)
		}
	}
	if maxDepth < 3 {
		t.Errorf("deepest skill is at depth %d; the tree should use three levels", maxDepth)
	}
}

func TestCheckTreeRejects(t *testing.T) {
	sk := func(slug, parent string) Skill {
		return Skill{Slug: slug, Label: slug, Domain: DomainAI, Parent: parent}
	}
	tests := []struct {
		name   string
		skills []Skill
		want   string
	}{
		{"duplicate", []Skill{sk("a", ""), sk("a", "")}, "duplicate slug"},
		{"missing parent", []Skill{sk("a", "b")}, "does not exist"},
		{"cycle", []Skill{sk("a", "b"), sk("b", "a")}, "cycle"},
		{"too deep", []Skill{sk("a", ""), sk("b", "a"), sk("c", "b"), sk("d", "c")}, "depth 4"},
		{"cross-domain parent", []Skill{sk("a", ""), {Slug: "b", Label: "b", Domain: DomainCCI, Parent: "a"}}, "domain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckTree(tt.skills)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("CheckTree = %v, want error containing %q", err, tt.want)
			}
		})
	}
	if err := CheckTree([]Skill{sk("a", ""), sk("b", "a"), sk("c", "b")}); err != nil {
		t.Fatalf("valid tree rejected: %v", err)
	}
}

func TestParseSkillsCSVNamesTheLine(t *testing.T) {
	in := "slug,label,domain,parent,esco_uri,alt_labels\nok,OK,ai,,,\nBad Slug,Bad,ai,,,\n"
	_, err := parseSkillsCSV(strings.NewReader(in), "x.csv")
	if err == nil || !strings.Contains(err.Error(), "x.csv:3") {
		t.Fatalf("err = %v, want it to name x.csv:3", err)
	}
}

// escoDir is where the shared ESCO test package lives, relative to this package
// (the module root's sibling ../shared/esco).
func escoDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "shared", "esco"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, escoClassificationZip)); err != nil {
		t.Skipf("ESCO package not found at %s (../shared/esco from the module root): %v — skipping the checks against real ESCO data", dir, err)
	}
	return dir
}

const escoClassificationZip = "esco-v1.1.1-classification-en-csv.zip"

func TestTaxonomyESCOURIsExist(t *testing.T) {
	skills, err := Taxonomy()
	if err != nil {
		t.Fatal(err)
	}
	linked := 0
	for _, s := range skills {
		if s.ESCOURI == "" {
			continue
		}
		linked++
		if !strings.HasPrefix(s.ESCOURI, "http://data.europa.eu/esco/skill/") {
			t.Errorf("%s: ESCO URI %q is not a skill URI", s.Slug, s.ESCOURI)
		}
	}
	if linked < 50 {
		t.Errorf("only %d skills link to ESCO", linked)
	}

	dir := escoDir(t)
	zr, err := zip.OpenReader(filepath.Join(dir, escoClassificationZip))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	f, err := zr.Open("skills_en.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	header, err := cr.Read()
	if err != nil {
		t.Fatal(err)
	}
	uriCol := -1
	for i, h := range header {
		if h == "conceptUri" {
			uriCol = i
		}
	}
	if uriCol < 0 {
		t.Fatal("skills_en.csv has no conceptUri column")
	}
	known := map[string]bool{}
	for {
		rec, err := cr.Read()
		if err != nil {
			break
		}
		known[rec[uriCol]] = true
	}
	for _, s := range skills {
		if s.ESCOURI != "" && !known[s.ESCOURI] {
			t.Errorf("%s: ESCO URI %s is not in the ESCO package", s.Slug, s.ESCOURI)
		}
	}
}
