package seeds

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/crossover-cci/crossover/models"
)

// ESCOImportStats says what ImportESCO did.
type ESCOImportStats struct {
	ESCOMergeStats
	Before, After int64 // skills stored before and after
	Stored        int   // skills written (inserted or updated)
	ESCOSkills    int   // skills of the merged tree marked source "esco"
	WithParent    int   // skills of the merged tree that have a parent
	Labels        int   // English labels written (preferred and alternative)
	Duration      time.Duration
}

// Added is how many skills the import added to the store.
func (s ESCOImportStats) Added() int64 { return s.After - s.Before }

// importChunk is how many skills go to the store between two progress lines.
const importChunk = 2000

// ImportESCO reads an ESCO CSV package (see ReadESCO), merges it into the curated taxonomy (see
// MergeESCO) and stores the whole tree in one transaction: a malformed file stops the import before
// anything is written, and a failed write rolls everything back. Re-running it with the same package
// adds nothing. Progress lines go to progress (nil: silent).
func ImportESCO(ctx context.Context, store *models.Store, paths []string, progress io.Writer) (ESCOImportStats, error) {
	start := time.Now()
	if progress == nil {
		progress = io.Discard
	}
	var st ESCOImportStats
	pkg, err := ReadESCO(paths, progress)
	if err != nil {
		return st, err
	}
	curated, err := Taxonomy()
	if err != nil {
		return st, fmt.Errorf("taxonomy: %w", err)
	}
	merged, ms := MergeESCO(curated, pkg)
	st.ESCOMergeStats = ms
	rows := modelSkills(merged)
	for _, r := range rows {
		if r.Source == "esco" {
			st.ESCOSkills++
		}
		if r.Parent != "" {
			st.WithParent++
		}
		st.Labels += 1 + len(r.AltLabels)
	}
	fmt.Fprintf(progress, "esco: merged: %d curated skills linked, %d ESCO skills and groups added, %d labels added to curated skills\n",
		ms.Linked, ms.Added, ms.AltLabelsAdded)
	if st.Before, err = store.SkillCount(ctx); err != nil {
		return st, err
	}
	fmt.Fprintf(progress, "esco: storing %d skills in one transaction\n", len(rows))
	err = store.InTx(ctx, func(ctx context.Context) error {
		for from := 0; from < len(rows); from += importChunk {
			to := min(from+importChunk, len(rows))
			if err := store.UpsertSkills(ctx, rows[from:to]); err != nil {
				return fmt.Errorf("store skills %d–%d: %w", from+1, to, err)
			}
			fmt.Fprintf(progress, "esco:   %d/%d skills stored\n", to, len(rows))
		}
		return nil
	})
	if err != nil {
		return st, err
	}
	st.Stored = len(rows)
	if st.After, err = store.SkillCount(ctx); err != nil {
		return st, err
	}
	st.Duration = time.Since(start)
	return st, nil
}

// modelSkills maps the seeds tree to the store's rows ("crossover" curated skills are "curated" there).
func modelSkills(skills []Skill) []models.Skill {
	rows := make([]models.Skill, len(skills))
	for i, s := range skills {
		src := "curated"
		if s.Source == SourceESCO {
			src = "esco"
		}
		rows[i] = models.Skill{Slug: s.Slug, Label: s.Label, Domain: s.Domain, Parent: s.Parent, EscoURI: s.ESCOURI,
			AltLabels: s.AltLabels, Source: src}
	}
	return rows
}
