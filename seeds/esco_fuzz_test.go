package seeds

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// stringFile is an ESCO CSV file held in memory.
func stringFile(name, body string) escoFile {
	return escoFile{name: name, open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(body)), nil }}
}

// FuzzESCOReader feeds arbitrary skills, skill groups, broader relations and hierarchy files to the
// ESCO CSV reader, and what it accepts to MergeESCO with the curated taxonomy. Whatever the input:
// no panic; the reader either names the file in its error or returns concepts with ESCO URIs,
// preferred labels and no repeated URI, relations between two distinct ESCO URIs; the merged tree
// has unique, valid slugs, and every parent comes before its children.
func FuzzESCOReader(f *testing.F) {
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join("testdata", "esco", "good", name))
		if err != nil {
			f.Fatal(err)
		}
		return string(b)
	}
	skills, groups, broader := read("skills_en.csv"), read("skillGroups_en.csv"), read("broaderRelationsSkillPillar.csv")
	hierarchy := "Level 0 URI,Level 0 preferred term,Level 1 URI,Level 1 preferred term\n" +
		"http://data.europa.eu/esco/skill/S0,root,http://data.europa.eu/esco/skill/S0.1,sub\nhttp://data.europa.eu/esco/skill/S1\n"
	f.Add(skills, groups, broader, hierarchy, false)
	f.Add(skills, groups, "", hierarchy, true)
	f.Add("\ufeffconceptUri,preferredLabel\nhttp://data.europa.eu/esco/skill/x,\"a\nb\"\n", "", "conceptUri,broaderUri\nhttp://data.europa.eu/esco/skill/x,http://data.europa.eu/esco/skill/x\n", "", false)
	f.Add("conceptUri,preferredLabel\nhttp://data.europa.eu/esco/skill/S1.1,one\nhttp://data.europa.eu/esco/skill/s1-1,two\n", "", "", "", true)
	f.Add("conceptUri,preferredLabel\n\"unclosed,x\n", "conceptUri\n", "broaderUri\n", "Level 0 URI\n", false)
	curated, err := Taxonomy()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, skills, groups, broader, hierarchy string, useHierarchy bool) {
		pkg := &ESCOPackage{}
		var err error
		if pkg.Skills, err = readESCOConcepts(stringFile("skills_en.csv", skills), "skills", io.Discard); err != nil {
			if !strings.HasPrefix(err.Error(), "skills_en.csv: ") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		if pkg.Groups, err = readESCOConcepts(stringFile("skillGroups_en.csv", groups), "skill groups", io.Discard); err != nil {
			return
		}
		if useHierarchy {
			pkg.Broader, err = readESCOHierarchy(stringFile("skillsHierarchy_en.csv", hierarchy), io.Discard)
		} else {
			pkg.Broader, err = readESCOBroader(stringFile("broaderRelationsSkillPillar.csv", broader), io.Discard)
		}
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, s := range pkg.Skills {
			if !strings.HasPrefix(s.URI, escoURIPrefix) || s.PreferredLabel == "" || seen[s.URI] {
				t.Fatalf("accepted skill %+v", s)
			}
			seen[s.URI] = true
		}
		for _, b := range pkg.Broader {
			if !strings.HasPrefix(b.ConceptURI, escoURIPrefix) || !strings.HasPrefix(b.BroaderURI, escoURIPrefix) || b.ConceptURI == b.BroaderURI {
				t.Fatalf("accepted relation %+v", b)
			}
		}
		merged, _ := MergeESCO(curated, pkg)
		slugs := map[string]bool{}
		for _, s := range merged {
			if slugs[s.Slug] || !ValidSlug(s.Slug) || !strings.HasPrefix(s.Slug, "esco-") && s.Source == "esco" {
				t.Fatalf("slug %q repeated or not esco-: %+v", s.Slug, s)
			}
			if s.Parent != "" && !slugs[s.Parent] {
				t.Fatalf("%s comes before its parent %s", s.Slug, s.Parent)
			}
			slugs[s.Slug] = true
		}
	})
}
