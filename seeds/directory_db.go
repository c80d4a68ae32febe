package seeds

import (
	"context"
	"fmt"
	"strings"

	"github.com/crossover-cci/crossover/models"
)

// directoryCodes accepts an empty country: some directory entries are EU-wide initiatives with no
// single seat (the country stays unknown until the organisation claims its entry and says).
type directoryCodes struct{ Codes }

func (c directoryCodes) ValidCountry(code string) bool {
	return code == "" || c.Codes.ValidCountry(code)
}

// DirectoryActor maps a directory entry to an unclaimed intermediary actor: public facts only
// (name, country, city, focus, sectors, the skills it brokers as offers, website), no owner, no contact.
func DirectoryActor(d DirectoryEntry) *models.Actor {
	a := &models.Actor{Kind: "intermediary", Name: d.Name, OrgType: "network", Country: d.Country, Region: d.City,
		Remote: d.Scope == "european" || d.Scope == "international", Available: true, Capacity: 10,
		Bio: d.Focus, Focus: d.Focus, Website: d.Website, Source: "directory", Claimed: false,
		Sectors: append([]string{}, d.FocusSectors...), Languages: LanguagesOf(d.Country),
		Offers: []models.Offer{}, Needs: []models.Need{}, Modes: []string{}}
	for _, s := range d.FocusSkills {
		a.Offers = append(a.Offers, models.Offer{Skill: s, Level: 3})
	}
	for _, svc := range d.Services {
		switch svc {
		case "training", "events":
			a.Modes = appendNew(a.Modes, "workshop")
		case "matchmaking", "network":
			a.Modes = appendNew(a.Modes, "mentoring")
		case "research", "living_lab":
			a.Modes = appendNew(a.Modes, "research")
		case "residencies":
			a.Modes = appendNew(a.Modes, "co-creation")
		}
	}
	if d.Website != "" && len(d.Website) > 500 {
		a.Website = ""
	}
	a.Name = strings.TrimSpace(a.Name)
	return a
}

func appendNew(list []string, v string) []string {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

// loadDirectory adds the directory entries that are not stored yet (by name or website), unclaimed.
func loadDirectory(ctx context.Context, store *models.Store) error {
	entries, err := Directory()
	if err != nil {
		return fmt.Errorf("directory: %w", err)
	}
	names, websites, err := store.DirectoryKeys(ctx)
	if err != nil {
		return err
	}
	for _, d := range entries {
		if names[d.Name] || (d.Website != "" && websites[d.Website]) {
			continue
		}
		if err := store.ImportActor(ctx, DirectoryActor(d), directoryCodes{}); err != nil {
			return fmt.Errorf("directory entry %s: %w", d.Slug, err)
		}
	}
	return nil
}
