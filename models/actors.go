package models

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Actor kinds, organisation types, importances and collaboration modes of the contract.
var (
	ActorKinds         = []string{"cci", "ai", "intermediary"}
	OrgTypes           = []string{"freelancer", "sme", "startup", "large_company", "public_institution", "university", "research_lab", "ngo", "network"}
	Importances        = []string{"must", "nice"}
	CollaborationModes = []string{"co-creation", "commission", "mentoring", "job-exchange", "internship", "workshop", "research"}
)

// Limits on a profile.
const (
	MaxSkillsPerList = 50
	MaxBio           = 5000
	StaleAfter       = 365 * 24 * time.Hour
)

// Offer is a skill an actor brings, at a level from 1 (awareness) to 4 (expert).
type Offer struct {
	Skill string `json:"skill"`
	Level int    `json:"level"`
}

// Need is a skill an actor looks for: a must or a nice-to-have.
type Need struct {
	Skill      string `json:"skill"`
	Importance string `json:"importance"`
}

// Contact is private: shown to the owner, admins and counterparts of a connected introduction only.
type Contact struct {
	Email string `json:"email"`
	Phone string `json:"phone"`
}

// Actor is a profile on the platform: a CCI player, an AI player or an intermediary.
type Actor struct {
	ID           string     `gorm:"primaryKey" json:"id"`
	OwnerID      *string    `json:"owner_id"`
	Kind         string     `json:"kind"`
	Name         string     `json:"name"`
	OrgType      string     `json:"org_type"`
	Country      string     `json:"country"`
	Region       string     `json:"region"`
	Remote       bool       `json:"remote"`
	Available    bool       `json:"available"`
	Capacity     int        `json:"capacity"`
	Bio          string     `json:"bio"`
	Website      string     `json:"website"`
	ContactEmail string     `json:"-"`
	ContactPhone string     `json:"-"`
	Focus        string     `json:"focus,omitempty"`
	Managed      bool       `json:"managed"`
	Source       string     `json:"source"`
	Claimed      bool       `json:"claimed"`
	OpenData     bool       `json:"open_data"`
	HiddenAt     *time.Time `json:"-"`
	RenewedAt    time.Time  `json:"renewed_at"`
	StaleSince   *time.Time `gorm:"column:stale_notified_at" json:"-"`
	Version      int        `json:"version"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`

	Sectors   []string `gorm:"-" json:"sectors"`
	Languages []string `gorm:"-" json:"languages"`
	Offers    []Offer  `gorm:"-" json:"offers"`
	Needs     []Need   `gorm:"-" json:"needs"`
	Modes     []string `gorm:"-" json:"collaboration_modes"`
}

// ContactDetails returns the private contact block.
func (a *Actor) ContactDetails() Contact {
	return Contact{Email: a.ContactEmail, Phone: a.ContactPhone}
}

// Stale reports whether the profile has not been renewed for StaleAfter.
func (a *Actor) Stale(now time.Time) bool { return now.Sub(a.RenewedAt) > StaleAfter }

// Requestable reports whether somebody can answer an introduction request to the actor: it has an
// owner (a member, or an intermediary who manages it). An unclaimed directory entry has none.
// Synthetic actors, generated for load tests only, stand in for members.
func (a *Actor) Requestable() bool { return a.OwnerID != nil || a.Source == "synthetic" }

// OwnedBy reports whether userID owns the actor.
func (a *Actor) OwnedBy(userID string) bool { return a.OwnerID != nil && *a.OwnerID == userID }

type actorOffer struct {
	ActorID   string
	SkillSlug string
	Level     int
	Position  int
}

func (actorOffer) TableName() string { return "actor_offers" }

type actorNeed struct {
	ActorID    string
	SkillSlug  string
	Importance string
	Position   int
}

func (actorNeed) TableName() string { return "actor_needs" }

type actorSector struct {
	ActorID    string
	SectorSlug string
	Position   int
}

func (actorSector) TableName() string { return "actor_sectors" }

type actorLanguage struct {
	ActorID  string
	Lang     string
	Position int
}

func (actorLanguage) TableName() string { return "actor_languages" }

type actorMode struct {
	ActorID string
	Mode    string
}

func (actorMode) TableName() string { return "actor_modes" }

// ActorVersion is a snapshot of a profile's public fields at one version (no contact details).
type ActorVersion struct {
	ID        int64 `gorm:"primaryKey"`
	ActorID   string
	Version   int
	Kind      string
	Country   string
	Snapshot  string
	CreatedAt time.Time
}

// ActorInput is a full or partial profile. In a patch, nil means "leave as it is".
type ActorInput struct {
	Kind      *string
	Name      *string
	OrgType   *string
	Sectors   *[]string
	Country   *string
	Region    *string
	Languages *[]string
	Offers    *[]Offer
	Needs     *[]Need
	Modes     *[]string
	Remote    *bool
	Available *bool
	Capacity  *int
	Bio       *string
	Website   *string
	Contact   *Contact
	Focus     *string
	Managed   *bool
	OpenData  *bool
}

// validateActor checks a merged profile against the taxonomy, sectors and ISO codes.
func (s *Store) validateActor(ctx context.Context, a *Actor, checkCodes CodeChecker) error {
	ve := &ValidationError{}
	if !slices.Contains(ActorKinds, a.Kind) {
		ve.Add("kind", "must be one of cci, ai, intermediary")
	}
	if n := len([]rune(strings.TrimSpace(a.Name))); n < 1 || n > 200 {
		ve.Add("name", "must be 1 to 200 characters")
	}
	if !slices.Contains(OrgTypes, a.OrgType) {
		ve.Add("org_type", "must be one of "+strings.Join(OrgTypes, ", "))
	}
	if checkCodes == nil || !checkCodes.ValidCountry(a.Country) {
		ve.Add("country", "must be an ISO 3166-1 alpha-2 code such as NL")
	}
	if len([]rune(a.Region)) > 100 {
		ve.Add("region", "must be at most 100 characters")
	}
	if len(a.Languages) == 0 {
		ve.Add("languages", "must list at least one language")
	}
	seenLang := map[string]bool{}
	for i, l := range a.Languages {
		f := fmt.Sprintf("languages[%d]", i)
		if checkCodes == nil || !checkCodes.ValidLanguage(l) {
			ve.Add(f, "must be an ISO 639-1 code such as en")
		} else if seenLang[l] {
			ve.Add(f, "is listed twice")
		}
		seenLang[l] = true
	}
	if a.Capacity < 0 || a.Capacity > 100 {
		ve.Add("capacity", "must be from 0 to 100")
	}
	if len([]rune(a.Bio)) > MaxBio {
		ve.Addf("bio", "must be at most %d characters", MaxBio)
	}
	if a.Website != "" {
		u, err := url.Parse(a.Website)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(a.Website) > 500 {
			ve.Add("website", "must be an http:// or https:// address")
		}
	}
	if a.ContactEmail != "" && !strings.Contains(a.ContactEmail, "@") || len(a.ContactEmail) > 254 {
		ve.Add("contact.email", "must be an e-mail address")
	}
	if len(a.ContactPhone) > 40 {
		ve.Add("contact.phone", "must be at most 40 characters")
	}
	if len([]rune(a.Focus)) > 1000 {
		ve.Add("focus", "must be at most 1000 characters")
	}
	for i, m := range a.Modes {
		if !slices.Contains(CollaborationModes, m) {
			ve.Addf(fmt.Sprintf("collaboration_modes[%d]", i), "must be one of %s", strings.Join(CollaborationModes, ", "))
		}
	}
	if len(a.Offers) > MaxSkillsPerList {
		ve.Addf("offers", "must list at most %d skills", MaxSkillsPerList)
	}
	if len(a.Needs) > MaxSkillsPerList {
		ve.Addf("needs", "must list at most %d skills", MaxSkillsPerList)
	}
	var slugs []string
	for _, o := range a.Offers {
		slugs = append(slugs, o.Skill)
	}
	for _, n := range a.Needs {
		slugs = append(slugs, n.Skill)
	}
	known, err := s.knownSkills(ctx, slugs)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for i, o := range a.Offers {
		f := fmt.Sprintf("offers[%d]", i)
		switch {
		case !known[o.Skill]:
			ve.Add(f+".skill", "is not a skill of the taxonomy")
		case seen[o.Skill]:
			ve.Add(f+".skill", "is listed twice")
		}
		seen[o.Skill] = true
		if o.Level < 1 || o.Level > 4 {
			ve.Add(f+".level", "must be from 1 (awareness) to 4 (expert)")
		}
	}
	seen = map[string]bool{}
	for i, n := range a.Needs {
		f := fmt.Sprintf("needs[%d]", i)
		switch {
		case !known[n.Skill]:
			ve.Add(f+".skill", "is not a skill of the taxonomy")
		case seen[n.Skill]:
			ve.Add(f+".skill", "is listed twice")
		}
		seen[n.Skill] = true
		if !slices.Contains(Importances, n.Importance) {
			ve.Add(f+".importance", "must be must or nice")
		}
	}
	knownSectors, err := s.knownSectors(ctx, a.Sectors)
	if err != nil {
		return err
	}
	seenSector := map[string]bool{}
	for i, sec := range a.Sectors {
		f := fmt.Sprintf("sectors[%d]", i)
		switch {
		case !knownSectors[sec]:
			ve.Add(f, "is not a known sector")
		case seenSector[sec]:
			ve.Add(f, "is listed twice")
		}
		seenSector[sec] = true
	}
	if len(a.Sectors) > 20 {
		ve.Add("sectors", "must list at most 20 sectors")
	}
	return ve.Err()
}

// CodeChecker validates ISO country and language codes (seeds provides the full lists).
type CodeChecker interface {
	ValidCountry(code string) bool
	ValidLanguage(code string) bool
}

func (s *Store) knownSkills(ctx context.Context, slugs []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(slugs) == 0 {
		return out, nil
	}
	var found []string
	if err := s.conn(ctx).Model(&SkillRow{}).Where("slug IN ?", slugs).Pluck("slug", &found).Error; err != nil {
		return nil, err
	}
	for _, f := range found {
		out[f] = true
	}
	return out, nil
}

func (s *Store) knownSectors(ctx context.Context, slugs []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(slugs) == 0 {
		return out, nil
	}
	var found []string
	if err := s.conn(ctx).Model(&Sector{}).Where("slug IN ?", slugs).Pluck("slug", &found).Error; err != nil {
		return nil, err
	}
	for _, f := range found {
		out[f] = true
	}
	return out, nil
}

// apply merges an input into a, field by field.
func (in ActorInput) apply(a *Actor) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	set(&a.Kind, in.Kind)
	set(&a.Name, in.Name)
	set(&a.OrgType, in.OrgType)
	if in.Country != nil {
		a.Country = strings.ToUpper(strings.TrimSpace(*in.Country))
	}
	set(&a.Region, in.Region)
	set(&a.Bio, in.Bio)
	set(&a.Website, in.Website)
	set(&a.Focus, in.Focus)
	if in.Sectors != nil {
		a.Sectors = *in.Sectors
	}
	if in.Languages != nil {
		a.Languages = make([]string, len(*in.Languages))
		for i, l := range *in.Languages {
			a.Languages[i] = strings.ToLower(strings.TrimSpace(l))
		}
	}
	if in.Offers != nil {
		a.Offers = *in.Offers
	}
	if in.Needs != nil {
		a.Needs = *in.Needs
	}
	if in.Modes != nil {
		a.Modes = *in.Modes
	}
	if in.Remote != nil {
		a.Remote = *in.Remote
	}
	if in.Available != nil {
		a.Available = *in.Available
	}
	if in.Capacity != nil {
		a.Capacity = *in.Capacity
	}
	if in.Contact != nil {
		a.ContactEmail = strings.TrimSpace(in.Contact.Email)
		a.ContactPhone = strings.TrimSpace(in.Contact.Phone)
	}
	if in.Managed != nil {
		a.Managed = *in.Managed
	}
	if in.OpenData != nil {
		a.OpenData = *in.OpenData
	}
}

// CreateActor validates and stores a new profile owned by ownerID.
func (s *Store) CreateActor(ctx context.Context, ownerID string, in ActorInput, codes CodeChecker) (*Actor, error) {
	now := time.Now().UTC()
	a := &Actor{ID: newID(), OwnerID: &ownerID, Available: true, Capacity: 3, Source: "user", Claimed: true,
		RenewedAt: now, Version: 1, CreatedAt: now, UpdatedAt: now}
	if in.Kind == nil {
		in.Kind = new(string)
	}
	in.apply(a)
	if err := s.validateActor(ctx, a, codes); err != nil {
		return nil, err
	}
	err := s.InTx(ctx, func(ctx context.Context) error { return s.insertActor(ctx, a) })
	if err != nil {
		return nil, err
	}
	s.committed()
	return a, nil
}

// insertActor writes a new actor with its child rows, snapshot and change-feed row.
func (s *Store) insertActor(ctx context.Context, a *Actor) error {
	if err := s.conn(ctx).Omit("Sectors", "Languages", "Offers", "Needs", "Modes").Create(a).Error; err != nil {
		return err
	}
	if err := s.writeChildren(ctx, a); err != nil {
		return err
	}
	return s.afterActorWrite(ctx, a)
}

func (s *Store) afterActorWrite(ctx context.Context, a *Actor) error {
	snap, _ := json.Marshal(struct {
		Sectors   []string `json:"sectors"`
		Languages []string `json:"languages"`
		Offers    []Offer  `json:"offers"`
		Needs     []Need   `json:"needs"`
		OrgType   string   `json:"org_type"`
	}{a.Sectors, a.Languages, a.Offers, a.Needs, a.OrgType})
	if err := s.conn(ctx).Create(&ActorVersion{ActorID: a.ID, Version: a.Version, Kind: a.Kind, Country: a.Country,
		Snapshot: string(snap), CreatedAt: a.UpdatedAt}).Error; err != nil {
		return err
	}
	return s.recordChange(ctx, a.ID, ChangeUpsert, "")
}

func (s *Store) writeChildren(ctx context.Context, a *Actor) error {
	db := s.conn(ctx)
	for _, m := range []any{&actorOffer{}, &actorNeed{}, &actorSector{}, &actorLanguage{}, &actorMode{}} {
		if err := db.Where("actor_id = ?", a.ID).Delete(m).Error; err != nil {
			return err
		}
	}
	if len(a.Offers) > 0 {
		rows := make([]actorOffer, len(a.Offers))
		for i, o := range a.Offers {
			rows[i] = actorOffer{a.ID, o.Skill, o.Level, i}
		}
		if err := db.Create(&rows).Error; err != nil {
			return err
		}
	}
	if len(a.Needs) > 0 {
		rows := make([]actorNeed, len(a.Needs))
		for i, n := range a.Needs {
			rows[i] = actorNeed{a.ID, n.Skill, n.Importance, i}
		}
		if err := db.Create(&rows).Error; err != nil {
			return err
		}
	}
	if len(a.Sectors) > 0 {
		rows := make([]actorSector, len(a.Sectors))
		for i, v := range a.Sectors {
			rows[i] = actorSector{a.ID, v, i}
		}
		if err := db.Create(&rows).Error; err != nil {
			return err
		}
	}
	if len(a.Languages) > 0 {
		rows := make([]actorLanguage, len(a.Languages))
		for i, v := range a.Languages {
			rows[i] = actorLanguage{a.ID, v, i}
		}
		if err := db.Create(&rows).Error; err != nil {
			return err
		}
	}
	if len(a.Modes) > 0 {
		rows := make([]actorMode, 0, len(a.Modes))
		seen := map[string]bool{}
		for _, v := range a.Modes {
			if !seen[v] {
				rows = append(rows, actorMode{a.ID, v})
				seen[v] = true
			}
		}
		if err := db.Create(&rows).Error; err != nil {
			return err
		}
	}
	return nil
}

// Actor loads one profile with its child rows. Hidden (moderated) profiles are not found.
func (s *Store) Actor(ctx context.Context, id string) (*Actor, error) {
	var a Actor
	if err := s.conn(ctx).Where("id = ? AND hidden_at IS NULL", id).First(&a).Error; err != nil {
		return nil, notFound(err)
	}
	list := []*Actor{&a}
	if err := s.loadChildren(ctx, list); err != nil {
		return nil, err
	}
	return &a, nil
}

// loadChildren fills the child slices of a page of actors with one query per child table.
func (s *Store) loadChildren(ctx context.Context, actors []*Actor) error {
	ids := make([]string, len(actors))
	for i, a := range actors {
		ids[i] = a.ID
		resetChildren(a)
	}
	for chunk := range slices.Chunk(ids, 500) {
		if err := s.fillChildren(ctx, actors, "actor_id IN ?", chunk); err != nil {
			return err
		}
	}
	return nil
}

// loadChildrenRange fills a page of actors sorted by id with one range scan per child table: far
// cheaper than IN lists for the index's bulk load. Rows of actors in the range but not in the page
// (hidden ones) are skipped.
func (s *Store) loadChildrenRange(ctx context.Context, page []*Actor) error {
	if len(page) == 0 {
		return nil
	}
	for _, a := range page {
		resetChildren(a)
	}
	return s.fillChildren(ctx, page, "actor_id >= ? AND actor_id <= ?", page[0].ID, page[len(page)-1].ID)
}

func resetChildren(a *Actor) {
	a.Offers, a.Needs, a.Sectors, a.Languages, a.Modes = []Offer{}, []Need{}, []string{}, []string{}, []string{}
}

// fillChildren reads the child rows selected by where and attaches them to the actors they belong to.
func (s *Store) fillChildren(ctx context.Context, actors []*Actor, where string, args ...any) error {
	byID := make(map[string]*Actor, len(actors))
	for _, a := range actors {
		byID[a.ID] = a
	}
	db := s.conn(ctx)
	var offers []actorOffer
	if err := db.Where(where, args...).Order("actor_id, position").Find(&offers).Error; err != nil {
		return err
	}
	for _, o := range offers {
		if a := byID[o.ActorID]; a != nil {
			a.Offers = append(a.Offers, Offer{o.SkillSlug, o.Level})
		}
	}
	var needs []actorNeed
	if err := db.Where(where, args...).Order("actor_id, position").Find(&needs).Error; err != nil {
		return err
	}
	for _, n := range needs {
		if a := byID[n.ActorID]; a != nil {
			a.Needs = append(a.Needs, Need{n.SkillSlug, n.Importance})
		}
	}
	var sectors []actorSector
	if err := db.Where(where, args...).Order("actor_id, position").Find(&sectors).Error; err != nil {
		return err
	}
	for _, v := range sectors {
		if a := byID[v.ActorID]; a != nil {
			a.Sectors = append(a.Sectors, v.SectorSlug)
		}
	}
	var langs []actorLanguage
	if err := db.Where(where, args...).Order("actor_id, position").Find(&langs).Error; err != nil {
		return err
	}
	for _, v := range langs {
		if a := byID[v.ActorID]; a != nil {
			a.Languages = append(a.Languages, v.Lang)
		}
	}
	var modes []actorMode
	if err := db.Where(where, args...).Order("actor_id, mode").Find(&modes).Error; err != nil {
		return err
	}
	for _, v := range modes {
		if a := byID[v.ActorID]; a != nil {
			a.Modes = append(a.Modes, v.Mode)
		}
	}
	return nil
}

// UpdateActor applies a patch based on version. A stale version is a ConflictError with the current one.
func (s *Store) UpdateActor(ctx context.Context, id string, version int, in ActorInput, codes CodeChecker, now time.Time) (*Actor, error) {
	var out *Actor
	err := s.InTx(ctx, func(ctx context.Context) error {
		a, err := s.Actor(ctx, id)
		if err != nil {
			return err
		}
		if a.Version != version {
			return &ConflictError{Message: fmt.Sprintf("The profile changed since you loaded it (version %d is current, you sent %d): reload and reapply your edit.", a.Version, version), Current: a.Version}
		}
		in.apply(a)
		if err := s.validateActor(ctx, a, codes); err != nil {
			return err
		}
		a.UpdatedAt = now.UTC()
		a.RenewedAt = now.UTC()
		a.StaleSince = nil
		a.Version = version + 1
		res := s.conn(ctx).Model(&Actor{}).Where("id = ? AND version = ?", id, version).
			Select("kind", "name", "org_type", "country", "region", "remote", "available", "capacity", "bio", "website",
						"contact_email", "contact_phone", "focus", "managed", "open_data", "renewed_at", "stale_notified_at", "version", "updated_at").
			UpdateColumns(a) // UpdateColumns: updated_at is the given now, not gorm's clock
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return &ConflictError{Message: "The profile changed while you saved it: reload and reapply your edit.", Current: version + 1}
		}
		if err := s.writeChildren(ctx, a); err != nil {
			return err
		}
		if err := s.afterActorWrite(ctx, a); err != nil {
			return err
		}
		if !a.Available { // its open received requests are declined with a reason the senders can read
			if _, err := s.AutoDeclineReceived(ctx, []string{a.ID}, "unavailable", now); err != nil {
				return err
			}
		}
		out = a
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.committed()
	return out, nil
}

// DeleteActor removes a profile and everything hanging from it.
func (s *Store) DeleteActor(ctx context.Context, id string) error {
	err := s.InTx(ctx, func(ctx context.Context) error {
		if err := s.closeForDeparture(ctx, []string{id}, time.Now()); err != nil {
			return err
		}
		res := s.conn(ctx).Where("id = ?", id).Delete(&Actor{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		if err := s.conn(ctx).Where("actor_id = ?", id).Delete(&ActorVersion{}).Error; err != nil {
			return err
		}
		return s.recordChange(ctx, id, ChangeDelete, "")
	})
	if err == nil {
		s.committed()
	}
	return err
}

// touchOwnerActors puts every actor of a user on the change feed (for example after pausing matching).
func (s *Store) touchOwnerActors(ctx context.Context, userID string) error {
	var ids []string
	if err := s.conn(ctx).Model(&Actor{}).Where("owner_id = ?", userID).Pluck("id", &ids).Error; err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.recordChange(ctx, id, ChangeUpsert, ""); err != nil {
			return err
		}
	}
	return nil
}

// ActorFilter selects actors in a list. Skills is the set of skill slugs (a node and its descendants).
type ActorFilter struct {
	Kind, Sector, Country, Language, Q string
	Skills                             []string
	OwnerID                            string
	Limit                              int
	Cursor                             string
}

// ListActors returns a page of visible actors in a stable order (by id) and the next cursor.
func (s *Store) ListActors(ctx context.Context, f ActorFilter) ([]*Actor, string, error) {
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 20
	}
	q := s.conn(ctx).Model(&Actor{}).Where("hidden_at IS NULL")
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	if f.Country != "" {
		q = q.Where("country = ?", strings.ToUpper(f.Country))
	}
	if f.OwnerID != "" {
		q = q.Where("owner_id = ?", f.OwnerID)
	}
	if f.Sector != "" {
		q = q.Where("EXISTS (SELECT 1 FROM actor_sectors x WHERE x.actor_id = actors.id AND x.sector_slug = ?)", f.Sector)
	}
	if f.Language != "" {
		q = q.Where("EXISTS (SELECT 1 FROM actor_languages x WHERE x.actor_id = actors.id AND x.lang = ?)", strings.ToLower(f.Language))
	}
	if f.Skills != nil {
		q = q.Where("(EXISTS (SELECT 1 FROM actor_offers x WHERE x.actor_id = actors.id AND x.skill_slug IN ?) OR EXISTS (SELECT 1 FROM actor_needs x WHERE x.actor_id = actors.id AND x.skill_slug IN ?))", f.Skills, f.Skills)
	}
	if t := strings.TrimSpace(f.Q); t != "" {
		like := "%" + escapeLike(strings.ToLower(t)) + "%"
		q = q.Where("(LOWER(name) LIKE ? ESCAPE '\\' OR LOWER(bio) LIKE ? ESCAPE '\\')", like, like)
	}
	if f.Cursor != "" {
		q = q.Where("id > ?", f.Cursor)
	}
	var page []*Actor
	if err := q.Order("id").Limit(f.Limit + 1).Find(&page).Error; err != nil {
		return nil, "", err
	}
	next := ""
	if len(page) > f.Limit {
		page = page[:f.Limit]
		next = page[len(page)-1].ID
	}
	if err := s.loadChildren(ctx, page); err != nil {
		return nil, "", err
	}
	return page, next, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// ActorsByOwner lists every actor of one user (export, policy checks).
func (s *Store) ActorsByOwner(ctx context.Context, userID string) ([]*Actor, error) {
	var out []*Actor
	if err := s.conn(ctx).Where("owner_id = ?", userID).Order("id").Find(&out).Error; err != nil {
		return nil, err
	}
	return out, s.loadChildren(ctx, out)
}

// ConnectedWith reports whether userID owns an actor that has a connected introduction with actorID.
func (s *Store) ConnectedWith(ctx context.Context, userID, actorID string) (bool, error) {
	var n int64
	err := s.conn(ctx).Table("introduction_parties AS mine").
		Joins("JOIN introductions i ON i.id = mine.introduction_id AND i.status = ?", "connected").
		Joins("JOIN introduction_parties theirs ON theirs.introduction_id = i.id AND theirs.actor_id = ?", actorID).
		Joins("JOIN actors a ON a.id = mine.actor_id AND a.owner_id = ?", userID).
		Where("mine.actor_id <> theirs.actor_id").
		Count(&n).Error
	return n > 0, err
}

// ImportActor validates and stores a complete actor made by seeds, imports or the directory (its
// OwnerID and Source are kept as given; Claimed follows OwnerID).
func (s *Store) ImportActor(ctx context.Context, a *Actor, codes CodeChecker) error {
	now := time.Now().UTC()
	a.Claimed = a.OwnerID != nil
	if a.ID == "" {
		a.ID = newID()
	}
	a.Version, a.CreatedAt, a.UpdatedAt, a.RenewedAt = 1, now, now, now
	if err := s.validateActor(ctx, a, codes); err != nil {
		return err
	}
	if err := s.InTx(ctx, func(ctx context.Context) error { return s.insertActor(ctx, a) }); err != nil {
		return err
	}
	s.committed()
	return nil
}

// ActorNamesBySource lists the names of actors of one source (seeds use it to stay idempotent).
func (s *Store) ActorNamesBySource(ctx context.Context, source string) (map[string]bool, error) {
	var names []string
	if err := s.conn(ctx).Model(&Actor{}).Where("source = ?", source).Pluck("name", &names).Error; err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(names))
	for _, n := range names {
		out[n] = true
	}
	return out, nil
}
