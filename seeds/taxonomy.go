package seeds

import (
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// Skill domains.
const (
	DomainAI          = "ai"
	DomainCCI         = "cci"
	DomainTransversal = "transversal"
)

// Where a skill comes from.
const (
	SourceCurated = "crossover" // the curated tree in data/skills.csv
	SourceESCO    = "esco"      // imported from an ESCO package
)

// MaxDepth is how deep the curated tree may go (a top-level skill has depth 1).
const MaxDepth = 3

// Skill is one node of the skills taxonomy. Parent is "" for a top-level skill.
// ESCOURI is set only where an ESCO concept means exactly the same skill.
type Skill struct {
	Slug      string   `json:"slug"`
	Label     string   `json:"label"`
	Domain    string   `json:"domain"`
	Parent    string   `json:"parent"`
	ESCOURI   string   `json:"esco_uri"`
	AltLabels []string `json:"alt_labels"`
	Source    string   `json:"source"`
}

var (
	slugPattern    = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	escoSkillURIRe = regexp.MustCompile(`^http://data\.europa\.eu/esco/skill/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

// ValidSlug reports whether s is a kebab-case slug (lower-case ASCII letters and digits).
func ValidSlug(s string) bool { return slugPattern.MatchString(s) }

// ValidDomain reports whether d is one of the three skill domains.
func ValidDomain(d string) bool {
	return d == DomainAI || d == DomainCCI || d == DomainTransversal
}

// Taxonomy returns the curated skills tree, parents before children, checked: unique
// slugs, known domains, existing parents in the same domain, no cycles, depth <= MaxDepth.
func Taxonomy() ([]Skill, error) {
	f, err := dataFS.Open("data/skills.csv")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	skills, err := parseSkillsCSV(f, "data/skills.csv")
	if err != nil {
		return nil, err
	}
	if err := CheckTree(skills); err != nil {
		return nil, fmt.Errorf("data/skills.csv: %w", err)
	}
	return skills, nil
}

var skillsHeader = []string{"slug", "label", "domain", "parent", "esco_uri", "alt_labels"}

func parseSkillsCSV(r io.Reader, name string) ([]Skill, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(skillsHeader)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", name, err)
	}
	for i, h := range skillsHeader {
		if header[i] != h {
			return nil, fmt.Errorf("%s: header column %d is %q, want %q", name, i+1, header[i], h)
		}
	}
	var skills []Skill
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		s := Skill{
			Slug: rec[0], Label: rec[1], Domain: rec[2], Parent: rec[3], ESCOURI: rec[4],
			Source: SourceCurated,
		}
		if rec[5] != "" {
			s.AltLabels = strings.Split(rec[5], "|")
		}
		if err := checkSkill(s); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		skills = append(skills, s)
	}
	return skills, nil
}

func checkSkill(s Skill) error {
	switch {
	case !ValidSlug(s.Slug):
		return fmt.Errorf("slug %q is not kebab-case", s.Slug)
	case strings.HasPrefix(s.Slug, "esco-"):
		return fmt.Errorf("slug %q: the esco- prefix is reserved for imported ESCO skills", s.Slug)
	case strings.TrimSpace(s.Label) == "" || s.Label != strings.TrimSpace(s.Label):
		return fmt.Errorf("skill %s: label %q is empty or padded", s.Slug, s.Label)
	case !ValidDomain(s.Domain):
		return fmt.Errorf("skill %s: unknown domain %q", s.Slug, s.Domain)
	case s.Parent == s.Slug:
		return fmt.Errorf("skill %s is its own parent", s.Slug)
	case s.ESCOURI != "" && !escoSkillURIRe.MatchString(s.ESCOURI):
		return fmt.Errorf("skill %s: %q is not an ESCO skill URI", s.Slug, s.ESCOURI)
	}
	seen := map[string]bool{strings.ToLower(s.Label): true}
	for _, a := range s.AltLabels {
		k := strings.ToLower(a)
		if strings.TrimSpace(a) == "" || a != strings.TrimSpace(a) {
			return fmt.Errorf("skill %s: alternative label %q is empty or padded", s.Slug, a)
		}
		if seen[k] {
			return fmt.Errorf("skill %s: alternative label %q repeats the label or another alternative", s.Slug, a)
		}
		seen[k] = true
	}
	return nil
}

// CheckTree checks a set of skills as a tree: unique slugs, every parent present and
// in the same domain, no cycles, depth at most MaxDepth.
func CheckTree(skills []Skill) error {
	bySlug := make(map[string]Skill, len(skills))
	for _, s := range skills {
		if _, dup := bySlug[s.Slug]; dup {
			return fmt.Errorf("duplicate slug %q", s.Slug)
		}
		bySlug[s.Slug] = s
	}
	for _, s := range skills {
		depth := 1
		seen := map[string]bool{s.Slug: true}
		for cur := s; cur.Parent != ""; depth++ {
			p, ok := bySlug[cur.Parent]
			if !ok {
				return fmt.Errorf("skill %s: parent %q does not exist", cur.Slug, cur.Parent)
			}
			if p.Domain != cur.Domain {
				return fmt.Errorf("skill %s (%s): parent %s is in domain %s", cur.Slug, cur.Domain, p.Slug, p.Domain)
			}
			if seen[p.Slug] {
				return fmt.Errorf("skill %s: cycle through %s", s.Slug, p.Slug)
			}
			seen[p.Slug] = true
			cur = p
		}
		if depth > MaxDepth {
			return fmt.Errorf("skill %s: depth %d exceeds %d", s.Slug, depth, MaxDepth)
		}
	}
	return nil
}
