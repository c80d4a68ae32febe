package models

import (
	"context"
	"strings"
	"time"
)

// Notification is an in-app message to one user.
type Notification struct {
	ID        string     `gorm:"primaryKey" json:"id"`
	UserID    string     `json:"-"`
	Type      string     `json:"type"`
	Title     string     `json:"title"`
	Body      string     `json:"body"`
	Link      string     `json:"link"`
	ReadAt    *time.Time `json:"read_at"`
	CreatedAt time.Time  `json:"created_at"`
}

// Feedback is an actor's verdict on a suggested partner.
type Feedback struct {
	ID        string    `gorm:"primaryKey" json:"id"`
	ActorID   string    `json:"actor_id"`
	TargetID  string    `json:"target_id"`
	Verdict   string    `json:"verdict"`
	Reason    string    `json:"reason"` // the owner's own words, optional
	CreatedAt time.Time `json:"created_at"`
}

func (Feedback) TableName() string { return "match_feedback" }

// ExportedIntroduction is one introduction an actor of the user takes part in, as the export shows it.
type ExportedIntroduction struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	Status    string    `json:"status"`
	Message   string    `json:"message"`
	ActorID   string    `json:"actor_id"`
	Role      string    `json:"role"`
	Response  string    `json:"response"`
	CreatedAt time.Time `json:"created_at"`
}

// Export is everything stored about one user.
type Export struct {
	Consents      []Consent
	Actors        []*Actor
	Introductions []ExportedIntroduction
	Notifications []Notification
	Feedback      []Feedback
	Audit         []AuditEntry
	Practices     []*Practice
	Claims        []Claim
	// Cohorts the user organises, with every membership of them; Memberships: the user's actors'
	// invitations to and memberships of anyone's cohorts.
	Cohorts     []Cohort
	Members     []ExportedMembership
	Memberships []ExportedMembership
}

// ExportedMembership is one actor's place in a cohort, as the export shows it.
type ExportedMembership struct {
	CohortID    string     `json:"cohort_id"`
	CohortName  string     `json:"cohort_name"`
	ActorID     string     `json:"actor_id"`
	Status      string     `json:"status"`
	InvitedAt   time.Time  `json:"invited_at"`
	RespondedAt *time.Time `json:"responded_at"`
}

// Export gathers everything stored about userID (GDPR access and portability).
func (s *Store) Export(ctx context.Context, userID string) (*Export, error) {
	out := &Export{}
	var err error
	if out.Consents, err = s.Consents(ctx, userID); err != nil {
		return nil, err
	}
	if out.Actors, err = s.ActorsByOwner(ctx, userID); err != nil {
		return nil, err
	}
	db := s.conn(ctx)
	out.Introductions = []ExportedIntroduction{}
	err = db.Table("introduction_parties p").
		Select("i.id, i.kind, i.status, i.message, p.actor_id, p.role, p.response, i.created_at").
		Joins("JOIN introductions i ON i.id = p.introduction_id").
		Joins("JOIN actors a ON a.id = p.actor_id").
		Where("a.owner_id = ?", userID).Order("i.created_at").Scan(&out.Introductions).Error
	if err != nil {
		return nil, err
	}
	out.Notifications = []Notification{}
	if err := db.Where("user_id = ?", userID).Order("created_at").Find(&out.Notifications).Error; err != nil {
		return nil, err
	}
	out.Feedback = []Feedback{}
	if err := db.Joins("JOIN actors a ON a.id = match_feedback.actor_id").Where("a.owner_id = ?", userID).
		Order("match_feedback.created_at").Find(&out.Feedback).Error; err != nil {
		return nil, err
	}
	out.Audit = []AuditEntry{}
	if err := db.Where("user_id = ?", userID).Order("seq").Find(&out.Audit).Error; err != nil {
		return nil, err
	}
	var practices []practiceRow
	if err := db.Where("owner_id = ?", userID).Order("id").Find(&practices).Error; err != nil {
		return nil, err
	}
	out.Practices = make([]*Practice, len(practices))
	for i, r := range practices {
		out.Practices[i] = r.practice()
	}
	if err := s.loadPracticeLinks(ctx, out.Practices); err != nil {
		return nil, err
	}
	out.Claims = []Claim{}
	if err := db.Where("user_id = ?", userID).Order("created_at, id").Find(&out.Claims).Error; err != nil {
		return nil, err
	}
	out.Cohorts = []Cohort{}
	if err := db.Where("owner_id = ?", userID).Order("created_at, id").Find(&out.Cohorts).Error; err != nil {
		return nil, err
	}
	membership := func(where string) ([]ExportedMembership, error) {
		rows := []ExportedMembership{}
		err := db.Table("cohort_members m").
			Select("m.cohort_id, c.name AS cohort_name, m.actor_id, m.status, m.invited_at, m.responded_at").
			Joins("JOIN cohorts c ON c.id = m.cohort_id").Joins("JOIN actors a ON a.id = m.actor_id").
			Where(where, userID).Order("m.invited_at, m.cohort_id, m.actor_id").Scan(&rows).Error
		return rows, err
	}
	if out.Members, err = membership("c.owner_id = ?"); err != nil {
		return nil, err
	}
	if out.Memberships, err = membership("a.owner_id = ?"); err != nil {
		return nil, err
	}
	return out, nil
}

// CountRowsContaining counts rows of every table of the schema whose text holds needle (erasure tests).
func (s *Store) CountRowsContaining(ctx context.Context, needle string) (int, error) {
	var tables []string
	var err error
	if s.dialect == Postgres {
		err = s.conn(ctx).Raw("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'").Scan(&tables).Error
	} else {
		err = s.conn(ctx).Raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").Scan(&tables).Error
	}
	if err != nil {
		return 0, err
	}
	total := 0
	for _, t := range tables {
		var rows []map[string]any
		if err := s.conn(ctx).Table(t).Find(&rows).Error; err != nil {
			return 0, err
		}
		for _, r := range rows {
			for _, v := range r {
				if str, ok := v.(string); ok && strings.Contains(strings.ToLower(str), strings.ToLower(needle)) {
					total++
					break
				}
			}
		}
	}
	return total, nil
}
