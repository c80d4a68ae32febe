package models

import (
	"context"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm/clause"
)

// SkillRow is a node of the skills taxonomy.
type SkillRow struct {
	Slug       string `gorm:"primaryKey"`
	Domain     string
	ParentSlug *string
	EscoURI    *string `gorm:"column:esco_uri"`
	Source     string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (SkillRow) TableName() string { return "skills" }

// SkillLabel is one label of a skill in one language: the preferred one or a synonym.
type SkillLabel struct {
	ID        int64 `gorm:"primaryKey"`
	SkillSlug string
	Lang      string
	Kind      string
	Label     string
	Norm      string
}

// Sector is a cultural and creative sector with its NACE codes.
type Sector struct {
	Slug        string `gorm:"primaryKey" json:"slug"`
	Label       string `json:"label"`
	NACE        string `gorm:"column:nace" json:"-"`
	NACEVersion string `gorm:"column:nace_version" json:"nace_version"`
	Position    int    `json:"-"`
}

// NACECodes splits the stored codes.
func (s Sector) NACECodes() []string {
	if s.NACE == "" {
		return []string{}
	}
	return strings.Split(s.NACE, ",")
}

// Skill is a taxonomy node with its English labels, as the API and the matching engine see it.
type Skill struct {
	Slug      string   `json:"slug"`
	Label     string   `json:"label"`
	Domain    string   `json:"domain"`
	Parent    string   `json:"parent"`
	EscoURI   string   `json:"esco_uri"`
	AltLabels []string `json:"alt_labels"`
	Source    string   `json:"source"`
}

// NormalizeLabel lower-cases and strips accents, for case- and accent-insensitive search.
func NormalizeLabel(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(strings.TrimSpace(out))
}

// UpsertSkills merges skills and their English labels in one transaction: existing slugs are updated,
// their labels replaced. Re-running with the same input changes nothing.
func (s *Store) UpsertSkills(ctx context.Context, skills []Skill) error {
	now := time.Now().UTC()
	return s.InTx(ctx, func(ctx context.Context) error {
		db := s.conn(ctx)
		for start := 0; start < len(skills); start += 500 {
			end := min(start+500, len(skills))
			rows := make([]SkillRow, 0, end-start)
			slugs := make([]string, 0, end-start)
			var labels []SkillLabel
			for _, sk := range skills[start:end] {
				r := SkillRow{Slug: sk.Slug, Domain: sk.Domain, Source: sk.Source, CreatedAt: now, UpdatedAt: now}
				if r.Source == "" {
					r.Source = "curated"
				}
				if sk.Parent != "" {
					p := sk.Parent
					r.ParentSlug = &p
				}
				if sk.EscoURI != "" {
					u := sk.EscoURI
					r.EscoURI = &u
				}
				rows = append(rows, r)
				slugs = append(slugs, sk.Slug)
				labels = append(labels, SkillLabel{SkillSlug: sk.Slug, Lang: "en", Kind: "pref", Label: sk.Label, Norm: NormalizeLabel(sk.Label)})
				seen := map[string]bool{strings.ToLower(sk.Label): true}
				for _, alt := range sk.AltLabels {
					alt = strings.TrimSpace(alt)
					if alt == "" || seen[strings.ToLower(alt)] {
						continue
					}
					seen[strings.ToLower(alt)] = true
					labels = append(labels, SkillLabel{SkillSlug: sk.Slug, Lang: "en", Kind: "alt", Label: alt, Norm: NormalizeLabel(alt)})
				}
			}
			if err := db.Clauses(clause.OnConflict{
				Columns:   []clause.Column{{Name: "slug"}},
				DoUpdates: clause.AssignmentColumns([]string{"domain", "parent_slug", "esco_uri", "source", "updated_at"}),
			}).Create(&rows).Error; err != nil {
				return err
			}
			if err := db.Where("skill_slug IN ? AND lang = ?", slugs, "en").Delete(&SkillLabel{}).Error; err != nil {
				return err
			}
			if err := db.CreateInBatches(labels, 500).Error; err != nil {
				return err
			}
		}
		return nil
	})
}

// Skills returns the whole taxonomy with English labels, ordered by slug.
func (s *Store) Skills(ctx context.Context) ([]Skill, error) {
	var rows []SkillRow
	if err := s.conn(ctx).Order("slug").Find(&rows).Error; err != nil {
		return nil, err
	}
	var labels []SkillLabel
	if err := s.conn(ctx).Where("lang = ?", "en").Order("id").Find(&labels).Error; err != nil {
		return nil, err
	}
	idx := make(map[string]int, len(rows))
	out := make([]Skill, len(rows))
	for i, r := range rows {
		idx[r.Slug] = i
		out[i] = Skill{Slug: r.Slug, Domain: r.Domain, Source: r.Source, AltLabels: []string{}}
		if r.ParentSlug != nil {
			out[i].Parent = *r.ParentSlug
		}
		if r.EscoURI != nil {
			out[i].EscoURI = *r.EscoURI
		}
	}
	for _, l := range labels {
		i, ok := idx[l.SkillSlug]
		if !ok {
			continue
		}
		if l.Kind == "pref" {
			out[i].Label = l.Label
		} else {
			out[i].AltLabels = append(out[i].AltLabels, l.Label)
		}
	}
	return out, nil
}

// SkillCount is the number of taxonomy nodes.
func (s *Store) SkillCount(ctx context.Context) (int64, error) {
	var n int64
	err := s.conn(ctx).Model(&SkillRow{}).Count(&n).Error
	return n, err
}

// TaxonomyStamp changes whenever the taxonomy does, so caches know when to reload.
func (s *Store) TaxonomyStamp(ctx context.Context) (string, error) {
	var r struct {
		N int64
		T *string
	}
	err := s.conn(ctx).Model(&SkillRow{}).Select("COUNT(*) AS n, CAST(MAX(updated_at) AS TEXT) AS t").Scan(&r).Error
	if err != nil {
		return "", err
	}
	t := ""
	if r.T != nil {
		t = *r.T
	}
	return strings.Join([]string{t, strconvI(r.N)}, "/"), nil
}

// UpsertSectors stores the sectors (idempotent).
func (s *Store) UpsertSectors(ctx context.Context, sectors []Sector) error {
	if len(sectors) == 0 {
		return nil
	}
	return s.conn(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "slug"}},
		DoUpdates: clause.AssignmentColumns([]string{"label", "nace", "nace_version", "position"}),
	}).Create(&sectors).Error
}

// Sectors lists the sectors in their display order.
func (s *Store) Sectors(ctx context.Context) ([]Sector, error) {
	var out []Sector
	err := s.conn(ctx).Order("position, slug").Find(&out).Error
	return out, err
}
