package seeds

import (
	"context"
	"fmt"
	"strings"

	"github.com/crossover-cci/crossover/models"
)

// Codes checks ISO country and language codes against the full lists in this package.
type Codes struct{}

func (Codes) ValidCountry(code string) bool  { return ValidCountry(code) }
func (Codes) ValidLanguage(code string) bool { return ValidLanguage(code) }

// CountrySet and CountrySetNames expose the named country sets of eligibility rules (the API's
// funding matcher reads them through Codes, since api does not import seeds).
func (Codes) CountrySet(name string) ([]string, bool) { return CountrySet(name) }
func (Codes) CountrySetNames() []string               { return CountrySetNames() }

// ApplyReference loads the reference data (skills taxonomy, sectors, funding instruments, directory of
// intermediaries) into the store. It is idempotent:
// running it again updates what changed and adds nothing twice.
func ApplyReference(ctx context.Context, store *models.Store) error {
	skills, err := Taxonomy()
	if err != nil {
		return fmt.Errorf("taxonomy: %w", err)
	}
	rows := make([]models.Skill, len(skills))
	for i, s := range skills {
		src := "curated"
		if s.Source == SourceESCO {
			src = "esco"
		}
		rows[i] = models.Skill{Slug: s.Slug, Label: s.Label, Domain: s.Domain, Parent: s.Parent, EscoURI: s.ESCOURI,
			AltLabels: s.AltLabels, Source: src}
	}
	sectors, err := Sectors()
	if err != nil {
		return fmt.Errorf("sectors: %w", err)
	}
	secRows := make([]models.Sector, len(sectors))
	for i, s := range sectors {
		secRows[i] = models.Sector{Slug: s.Slug, Label: s.Label, NACE: strings.Join(s.NACE, ","), NACEVersion: s.NACEVersion, Position: i}
	}
	return store.InTx(ctx, func(ctx context.Context) error {
		if err := keepImportedLabels(ctx, store, rows); err != nil {
			return err
		}
		if err := store.UpsertSkills(ctx, rows); err != nil {
			return fmt.Errorf("store skills: %w", err)
		}
		if err := store.UpsertSectors(ctx, secRows); err != nil {
			return fmt.Errorf("store sectors: %w", err)
		}
		if err := loadInstruments(ctx, store); err != nil {
			return err
		}
		return loadDirectory(ctx, store)
	})
}

// keepImportedLabels keeps the synonyms an ESCO import gave curated skills: reloading the curated
// tree must not undo `crossover import-esco`.
func keepImportedLabels(ctx context.Context, store *models.Store, rows []models.Skill) error {
	stored, err := store.Skills(ctx)
	if err != nil {
		return err
	}
	imported := false
	alts := make(map[string][]string, len(stored))
	for _, s := range stored {
		imported = imported || s.Source == "esco"
		alts[s.Slug] = s.AltLabels
	}
	if !imported {
		return nil
	}
	for i := range rows {
		have := map[string]bool{strings.ToLower(rows[i].Label): true}
		for _, a := range rows[i].AltLabels {
			have[strings.ToLower(a)] = true
		}
		for _, a := range alts[rows[i].Slug] {
			if !have[strings.ToLower(a)] {
				have[strings.ToLower(a)] = true
				rows[i].AltLabels = append(rows[i].AltLabels, a)
			}
		}
	}
	return nil
}
