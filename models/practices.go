package models

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Practice is an entry of the catalogue of AI practices in the CCIs: what was done, with which
// skills, by which actors, with what outcome, under which licence.
type Practice struct {
	ID        string    `json:"id"`
	OwnerID   *string   `json:"owner_id"`
	Title     string    `json:"title"`
	Sector    string    `json:"sector"`
	Summary   string    `json:"summary"`
	Skills    []string  `json:"skills"`
	ActorIDs  []string  `json:"actor_ids"`
	Outcome   string    `json:"outcome"`
	Links     []string  `json:"links"`
	Licence   string    `json:"licence"`
	Country   string    `json:"country"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// OwnedBy reports whether userID owns the practice.
func (p *Practice) OwnedBy(userID string) bool { return p.OwnerID != nil && *p.OwnerID == userID }

// Limits on a practice.
const (
	MaxPracticeLinks  = 10
	MaxPracticeSkills = 30
	MaxPracticeActors = 20
	MaxPracticeText   = 5000
)

type practiceRow struct {
	ID         string
	OwnerID    *string
	Title      string
	SectorSlug *string
	Summary    string
	Outcome    string
	Links      string
	Licence    string
	Country    string
	Version    int
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (practiceRow) TableName() string { return "practices" }

type practiceSkill struct {
	PracticeID string
	SkillSlug  string
}

func (practiceSkill) TableName() string { return "practice_skills" }

type practiceActor struct {
	PracticeID string
	ActorID    string
}

func (practiceActor) TableName() string { return "practice_actors" }

func (p *Practice) row() practiceRow {
	links, _ := json.Marshal(p.Links)
	r := practiceRow{ID: p.ID, OwnerID: p.OwnerID, Title: p.Title, Summary: p.Summary, Outcome: p.Outcome, Links: string(links),
		Licence: p.Licence, Country: p.Country, Version: p.Version, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
	if p.Sector != "" {
		sec := p.Sector
		r.SectorSlug = &sec
	}
	return r
}

func (r practiceRow) practice() *Practice {
	p := &Practice{ID: r.ID, OwnerID: r.OwnerID, Title: r.Title, Summary: r.Summary, Outcome: r.Outcome, Licence: r.Licence,
		Country: r.Country, Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Skills: []string{}, ActorIDs: []string{}}
	if r.SectorSlug != nil {
		p.Sector = *r.SectorSlug
	}
	_ = json.Unmarshal([]byte(r.Links), &p.Links)
	if p.Links == nil {
		p.Links = []string{}
	}
	return p
}

// PracticeInput is a full or partial practice; in a patch nil means "leave as it is".
type PracticeInput struct {
	Title, Sector, Summary, Outcome, Licence, Country *string
	Skills, ActorIDs, Links                           *[]string
}

func (in PracticeInput) apply(p *Practice) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	set(&p.Title, in.Title)
	set(&p.Sector, in.Sector)
	set(&p.Summary, in.Summary)
	set(&p.Outcome, in.Outcome)
	set(&p.Licence, in.Licence)
	if in.Country != nil {
		p.Country = strings.ToUpper(strings.TrimSpace(*in.Country))
	}
	clean := func(src *[]string) []string {
		out := make([]string, len(*src))
		for i, v := range *src {
			out[i] = strings.TrimSpace(v)
		}
		return out
	}
	if in.Skills != nil {
		p.Skills = clean(in.Skills)
	}
	if in.ActorIDs != nil {
		p.ActorIDs = clean(in.ActorIDs)
	}
	if in.Links != nil {
		p.Links = clean(in.Links)
	}
}

// licenceRe accepts SPDX-like ids and expressions ("CC-BY-4.0", "MIT OR Apache-2.0") and free text.
var licenceRe = regexp.MustCompile(`^[\p{L}\p{N} .,:;()'/+&_-]*$`)

func (s *Store) validatePractice(ctx context.Context, p *Practice, codes CodeChecker) error {
	ve := &ValidationError{}
	if n := len([]rune(p.Title)); n < 1 || n > 200 {
		ve.Add("title", "must be 1 to 200 characters")
	}
	if n := len([]rune(p.Summary)); n < 1 || n > MaxPracticeText {
		ve.Addf("summary", "must be 1 to %d characters: say what was done", MaxPracticeText)
	}
	if len([]rune(p.Outcome)) > MaxPracticeText {
		ve.Addf("outcome", "must be at most %d characters", MaxPracticeText)
	}
	if p.Sector == "" {
		ve.Add("sector", "is required: the sector the practice belongs to")
	} else if known, err := s.knownSectors(ctx, []string{p.Sector}); err != nil {
		return err
	} else if !known[p.Sector] {
		ve.Add("sector", "is not a known sector")
	}
	if p.Country != "" && (codes == nil || !codes.ValidCountry(p.Country)) {
		ve.Add("country", "must be an ISO 3166-1 alpha-2 code such as NL")
	}
	if n := len([]rune(p.Licence)); n > 100 || !licenceRe.MatchString(p.Licence) {
		ve.Add("licence", "must be an SPDX identifier such as CC-BY-4.0 or a short text of at most 100 characters")
	}
	if len(p.Links) > MaxPracticeLinks {
		ve.Addf("links", "must list at most %d links", MaxPracticeLinks)
	}
	for i, l := range p.Links {
		u, err := url.Parse(l)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(l) > 500 {
			ve.Add(fmt.Sprintf("links[%d]", i), "must be an http:// or https:// address")
		} else if slices.Index(p.Links, l) < i {
			ve.Add(fmt.Sprintf("links[%d]", i), "is listed twice")
		}
	}
	if len(p.Skills) > MaxPracticeSkills {
		ve.Addf("skills", "must list at most %d skills", MaxPracticeSkills)
	}
	known, err := s.knownSkills(ctx, p.Skills)
	if err != nil {
		return err
	}
	for i, sk := range p.Skills {
		switch {
		case !known[sk]:
			ve.Add(fmt.Sprintf("skills[%d]", i), "is not a skill of the taxonomy")
		case slices.Index(p.Skills, sk) < i:
			ve.Add(fmt.Sprintf("skills[%d]", i), "is listed twice")
		}
	}
	if len(p.ActorIDs) > MaxPracticeActors {
		ve.Addf("actor_ids", "must list at most %d actors", MaxPracticeActors)
	}
	if len(p.ActorIDs) > 0 {
		var found []string
		if err := s.conn(ctx).Model(&Actor{}).Where("id IN ? AND hidden_at IS NULL", p.ActorIDs).Pluck("id", &found).Error; err != nil {
			return err
		}
		for i, id := range p.ActorIDs {
			switch {
			case !slices.Contains(found, id):
				ve.Add(fmt.Sprintf("actor_ids[%d]", i), "is not an actor on the platform")
			case slices.Index(p.ActorIDs, id) < i:
				ve.Add(fmt.Sprintf("actor_ids[%d]", i), "is listed twice")
			}
		}
	}
	return ve.Err()
}

func (s *Store) writePracticeLinks(ctx context.Context, p *Practice) error {
	db := s.conn(ctx)
	if err := db.Where("practice_id = ?", p.ID).Delete(&practiceSkill{}).Error; err != nil {
		return err
	}
	if err := db.Where("practice_id = ?", p.ID).Delete(&practiceActor{}).Error; err != nil {
		return err
	}
	if len(p.Skills) > 0 {
		rows := make([]practiceSkill, len(p.Skills))
		for i, v := range p.Skills {
			rows[i] = practiceSkill{p.ID, v}
		}
		if err := db.Create(&rows).Error; err != nil {
			return err
		}
	}
	if len(p.ActorIDs) > 0 {
		rows := make([]practiceActor, len(p.ActorIDs))
		for i, v := range p.ActorIDs {
			rows[i] = practiceActor{p.ID, v}
		}
		if err := db.Create(&rows).Error; err != nil {
			return err
		}
	}
	return nil
}

// loadPracticeLinks fills skills and actors of a page of practices, one query per table.
func (s *Store) loadPracticeLinks(ctx context.Context, list []*Practice) error {
	if len(list) == 0 {
		return nil
	}
	byID := map[string]*Practice{}
	ids := make([]string, len(list))
	for i, p := range list {
		byID[p.ID], ids[i] = p, p.ID
	}
	var sk []practiceSkill
	if err := s.conn(ctx).Where("practice_id IN ?", ids).Order("practice_id, skill_slug").Find(&sk).Error; err != nil {
		return err
	}
	for _, v := range sk {
		byID[v.PracticeID].Skills = append(byID[v.PracticeID].Skills, v.SkillSlug)
	}
	var ac []practiceActor
	if err := s.conn(ctx).Where("practice_id IN ?", ids).Order("practice_id, actor_id").Find(&ac).Error; err != nil {
		return err
	}
	for _, v := range ac {
		byID[v.PracticeID].ActorIDs = append(byID[v.PracticeID].ActorIDs, v.ActorID)
	}
	return nil
}

func sortPracticeLists(p *Practice) {
	slices.Sort(p.Skills)
	slices.Sort(p.ActorIDs)
}

// CreatePractice validates and stores a practice owned by ownerID.
func (s *Store) CreatePractice(ctx context.Context, ownerID string, in PracticeInput, codes CodeChecker) (*Practice, error) {
	now := time.Now().UTC()
	p := &Practice{ID: newID(), OwnerID: &ownerID, Version: 1, CreatedAt: now, UpdatedAt: now,
		Skills: []string{}, ActorIDs: []string{}, Links: []string{}}
	in.apply(p)
	if err := s.validatePractice(ctx, p, codes); err != nil {
		return nil, err
	}
	sortPracticeLists(p)
	err := s.InTx(ctx, func(ctx context.Context) error {
		row := p.row()
		if err := s.conn(ctx).Create(&row).Error; err != nil {
			return err
		}
		return s.writePracticeLinks(ctx, p)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Practice loads one practice.
func (s *Store) Practice(ctx context.Context, id string) (*Practice, error) {
	var r practiceRow
	if err := s.conn(ctx).Where("id = ?", id).First(&r).Error; err != nil {
		return nil, notFound(err)
	}
	p := r.practice()
	return p, s.loadPracticeLinks(ctx, []*Practice{p})
}

// UpdatePractice applies a patch based on version; a stale version is a ConflictError.
func (s *Store) UpdatePractice(ctx context.Context, id string, version int, in PracticeInput, codes CodeChecker, now time.Time) (*Practice, error) {
	var out *Practice
	err := s.InTx(ctx, func(ctx context.Context) error {
		p, err := s.Practice(ctx, id)
		if err != nil {
			return err
		}
		if p.Version != version {
			return &ConflictError{Message: fmt.Sprintf("The practice changed since you loaded it (version %d is current, you sent %d): reload and reapply your edit.", p.Version, version), Current: p.Version}
		}
		in.apply(p)
		if err := s.validatePractice(ctx, p, codes); err != nil {
			return err
		}
		sortPracticeLists(p)
		p.Version, p.UpdatedAt = version+1, now.UTC()
		row := p.row()
		res := s.conn(ctx).Model(&practiceRow{}).Where("id = ? AND version = ?", id, version).
			Select("title", "sector_slug", "summary", "outcome", "links", "licence", "country", "version", "updated_at").Updates(&row)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return &ConflictError{Message: "The practice changed while you saved it: reload and reapply your edit.", Current: version + 1}
		}
		out = p
		return s.writePracticeLinks(ctx, p)
	})
	return out, err
}

// DeletePractice removes a practice and its links.
func (s *Store) DeletePractice(ctx context.Context, id string) error {
	res := s.conn(ctx).Where("id = ?", id).Delete(&practiceRow{})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// PracticeFilter selects practices; Skills is a node and its descendants.
type PracticeFilter struct {
	Sector, Country, Q, OwnerID, ActorID string
	Skills                               []string
	Limit                                int
	Cursor                               string
}

// ListPractices returns a page of practices in a stable order (by id) and the next cursor.
func (s *Store) ListPractices(ctx context.Context, f PracticeFilter) ([]*Practice, string, error) {
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 20
	}
	q := s.conn(ctx).Model(&practiceRow{})
	if f.Sector != "" {
		q = q.Where("sector_slug = ?", f.Sector)
	}
	if f.Country != "" {
		q = q.Where("country = ?", strings.ToUpper(f.Country))
	}
	if f.OwnerID != "" {
		q = q.Where("owner_id = ?", f.OwnerID)
	}
	if f.ActorID != "" {
		q = q.Where("EXISTS (SELECT 1 FROM practice_actors x WHERE x.practice_id = practices.id AND x.actor_id = ?)", f.ActorID)
	}
	if f.Skills != nil {
		q = q.Where("EXISTS (SELECT 1 FROM practice_skills x WHERE x.practice_id = practices.id AND x.skill_slug IN ?)", f.Skills)
	}
	if t := strings.TrimSpace(f.Q); t != "" {
		like := "%" + escapeLike(strings.ToLower(t)) + "%"
		q = q.Where("(LOWER(title) LIKE ? ESCAPE '\\' OR LOWER(summary) LIKE ? ESCAPE '\\' OR LOWER(outcome) LIKE ? ESCAPE '\\')", like, like, like)
	}
	if f.Cursor != "" {
		q = q.Where("id > ?", f.Cursor)
	}
	var rows []practiceRow
	if err := q.Order("id").Limit(f.Limit + 1).Find(&rows).Error; err != nil {
		return nil, "", err
	}
	next := ""
	if len(rows) > f.Limit {
		rows = rows[:f.Limit]
		next = rows[len(rows)-1].ID
	}
	out := make([]*Practice, len(rows))
	for i, r := range rows {
		out[i] = r.practice()
	}
	return out, next, s.loadPracticeLinks(ctx, out)
}
