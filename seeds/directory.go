package seeds

import (
	"fmt"
	"net/url"
	"slices"
)

// Services an intermediary offers.
var IntermediaryServices = []string{"training", "matchmaking", "events", "living_lab", "funding_advice", "funding", "research", "residencies", "network", "advocacy"}

// Geographic reach of an intermediary.
var IntermediaryScopes = []string{"local", "national", "european", "international"}

// DirectoryEntry is an intermediary (network, lab, hub, fund, programme) listed from
// public facts only. Entries start unclaimed; empty fields are facts not verified.
type DirectoryEntry struct {
	Slug          string   `json:"slug"`
	Name          string   `json:"name"`
	Country       string   `json:"country"` // seat, ISO 3166-1 alpha-2; "" for EU-wide initiatives or unknown
	City          string   `json:"city,omitempty"`
	Scope         string   `json:"scope"`
	FocusSectors  []string `json:"focus_sectors"`
	FocusSkills   []string `json:"focus_skills"` // skills it brokers or builds
	Services      []string `json:"services"`
	Focus         string   `json:"focus"`
	Website       string   `json:"website"`
	Source        string   `json:"source"`
	NamedInPolicy bool     `json:"named_in_policy"` // named in the policy recommendations Crossover answers
	Note          string   `json:"note,omitempty"`
}

// Directory returns the intermediaries, checked against the taxonomy and sectors.
func Directory() ([]DirectoryEntry, error) {
	var file struct {
		Source  string           `json:"_source"`
		Entries []DirectoryEntry `json:"entries"`
	}
	if err := decodeData("data/directory.json", &file); err != nil {
		return nil, err
	}
	skills, err := Taxonomy()
	if err != nil {
		return nil, err
	}
	sectors, err := Sectors()
	if err != nil {
		return nil, err
	}
	ref := NewReferenceIndex(skills, sectors)
	seen := map[string]bool{}
	for _, d := range file.Entries {
		if err := ref.checkEntry(d); err != nil {
			return nil, fmt.Errorf("data/directory.json: entry %q: %w", d.Slug, err)
		}
		if seen[d.Slug] {
			return nil, fmt.Errorf("data/directory.json: duplicate entry %q", d.Slug)
		}
		seen[d.Slug] = true
	}
	return file.Entries, nil
}

func (r ReferenceIndex) checkEntry(d DirectoryEntry) error {
	switch {
	case !ValidSlug(d.Slug):
		return fmt.Errorf("slug is not kebab-case")
	case d.Name == "" || d.Focus == "":
		return fmt.Errorf("name and focus are required")
	case d.Country != "" && !ValidCountry(d.Country):
		return fmt.Errorf("country %q is not ISO 3166-1 alpha-2", d.Country)
	case d.Scope != "" && !slices.Contains(IntermediaryScopes, d.Scope):
		return fmt.Errorf("scope %q is not one of %v", d.Scope, IntermediaryScopes)
	}
	for _, s := range d.FocusSectors {
		if !r.sectors[s] {
			return fmt.Errorf("unknown sector %q", s)
		}
	}
	for _, s := range d.FocusSkills {
		if !r.skills[s] {
			return fmt.Errorf("unknown skill %q", s)
		}
	}
	for _, s := range d.Services {
		if !slices.Contains(IntermediaryServices, s) {
			return fmt.Errorf("service %q is not one of %v", s, IntermediaryServices)
		}
	}
	for _, u := range []string{d.Website, d.Source} {
		if u == "" {
			continue
		}
		if p, err := url.Parse(u); err != nil || p.Scheme != "https" || p.Host == "" {
			return fmt.Errorf("%q is not an https URL", u)
		}
	}
	return nil
}
