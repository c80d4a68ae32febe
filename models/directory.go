package models

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Claim is a request by a signed-in user to take over an unclaimed directory entry.
type Claim struct {
	ID        string     `gorm:"primaryKey" json:"id"`
	ActorID   string     `json:"actor_id"`
	UserID    string     `json:"user_id"`
	Message   string     `json:"message"`
	Status    string     `json:"status"` // pending | approved | rejected
	DecidedBy *string    `json:"decided_by"`
	DecidedAt *time.Time `json:"decided_at"`
	CreatedAt time.Time  `json:"created_at"`
}

func (Claim) TableName() string { return "directory_claims" }

// Claim statuses.
const (
	ClaimPending  = "pending"
	ClaimApproved = "approved"
	ClaimRejected = "rejected"
)

// MaxClaimMessage bounds what a claimant writes to the admins.
const MaxClaimMessage = 2000

// DirectoryKeys lists the names and websites of the directory's actors, claimed or not, so that
// reloading the directory adds nothing twice even after an organisation renamed its entry.
func (s *Store) DirectoryKeys(ctx context.Context) (names, websites map[string]bool, err error) {
	var rows []struct{ Name, Website string }
	if err := s.conn(ctx).Model(&Actor{}).Where("source = ?", "directory").Select("name, website").Find(&rows).Error; err != nil {
		return nil, nil, err
	}
	names, websites = map[string]bool{}, map[string]bool{}
	for _, r := range rows {
		names[r.Name] = true
		if r.Website != "" {
			websites[r.Website] = true
		}
	}
	return names, websites, nil
}

// ClaimActor records userID's request to claim a directory entry. Only unclaimed directory entries
// can be claimed, and a user has at most one pending claim per entry.
func (s *Store) ClaimActor(ctx context.Context, actorID, userID, message, ip string) (*Claim, error) {
	message = strings.TrimSpace(message)
	if n := len([]rune(message)); n < 1 || n > MaxClaimMessage {
		return nil, Invalid("message", "must be 1 to 2000 characters: say who you are and how you are linked to the organisation")
	}
	c := &Claim{ID: newID(), ActorID: actorID, UserID: userID, Message: message, Status: ClaimPending, CreatedAt: time.Now().UTC()}
	err := s.InTx(ctx, func(ctx context.Context) error {
		a, err := s.Actor(ctx, actorID)
		if err != nil {
			return err
		}
		if a.Source != "directory" || a.Claimed {
			return &ConflictError{Message: "Only unclaimed directory entries can be claimed; this profile already has an owner."}
		}
		var n int64
		if err := s.conn(ctx).Model(&Claim{}).Where("actor_id = ? AND user_id = ? AND status = ?", actorID, userID, ClaimPending).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return &ConflictError{Message: "You already asked to claim this entry; an admin will decide."}
		}
		if err := s.conn(ctx).Create(c).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return &ConflictError{Message: "You already asked to claim this entry; an admin will decide."}
			}
			return err
		}
		return s.Audit(ctx, &userID, ip, "claim_requested", "claim "+c.ID+" actor "+actorID)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Claims lists claims with the given status ("" for all), oldest first.
func (s *Store) Claims(ctx context.Context, status string, limit int) ([]Claim, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	q := s.conn(ctx).Order("created_at, id").Limit(limit)
	if status != "" {
		q = q.Where("status = ?", status)
	}
	var out []Claim
	return out, q.Find(&out).Error
}

// DecideClaim approves or rejects a pending claim. Approval makes the claimant the owner of the
// entry (claimed), gives them the intermediary role unless they are an admin, and rejects the
// other pending claims on the same entry. Every decision is audit-logged.
func (s *Store) DecideClaim(ctx context.Context, claimID, adminID string, approve bool, ip string) (*Claim, error) {
	var out Claim
	err := s.InTx(ctx, func(ctx context.Context) error {
		if err := s.conn(ctx).Where("id = ?", claimID).First(&out).Error; err != nil {
			return notFound(err)
		}
		if out.Status != ClaimPending {
			return &ConflictError{Message: "This claim was already decided (" + out.Status + ").", State: out.Status}
		}
		now := time.Now().UTC()
		status := ClaimRejected
		if approve {
			status = ClaimApproved
		}
		res := s.conn(ctx).Model(&Claim{}).Where("id = ? AND status = ?", claimID, ClaimPending).
			Updates(map[string]any{"status": status, "decided_by": adminID, "decided_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return &ConflictError{Message: "This claim was decided meanwhile."}
		}
		out.Status, out.DecidedBy, out.DecidedAt = status, &adminID, &now
		if !approve {
			return s.Audit(ctx, &adminID, ip, "claim_rejected", "claim "+claimID+" actor "+out.ActorID+" user "+out.UserID)
		}
		res = s.conn(ctx).Model(&Actor{}).Where("id = ? AND claimed = ? AND source = ?", out.ActorID, false, "directory").
			Updates(map[string]any{"owner_id": out.UserID, "claimed": true, "renewed_at": now, "updated_at": now,
				"version": gorm.Expr("version + 1")})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return &ConflictError{Message: "The entry was claimed meanwhile or no longer exists."}
		}
		if err := s.conn(ctx).Model(&Claim{}).Where("actor_id = ? AND status = ?", out.ActorID, ClaimPending).
			Updates(map[string]any{"status": ClaimRejected, "decided_by": adminID, "decided_at": now}).Error; err != nil {
			return err
		}
		u, err := s.UserByID(ctx, out.UserID)
		if err != nil {
			return err
		}
		if u.Role == RoleMember {
			if _, err := s.SetRole(ctx, &adminID, u.ID, RoleIntermediary, ip); err != nil {
				return err
			}
		}
		if err := s.recordChange(ctx, out.ActorID, ChangeUpsert, ""); err != nil {
			return err
		}
		return s.Audit(ctx, &adminID, ip, "claim_approved", "claim "+claimID+" actor "+out.ActorID+" user "+out.UserID)
	})
	if err != nil {
		return nil, err
	}
	if approve {
		s.committed()
	}
	return &out, nil
}

// AdoptActor gives an actor of the source with that name, still without an owner, to ownerID
// (claimed). Seeds use it so that every demo profile has somebody who can answer a request.
func (s *Store) AdoptActor(ctx context.Context, source, name, ownerID string) error {
	err := s.InTx(ctx, func(ctx context.Context) error {
		var ids []string
		if err := s.conn(ctx).Model(&Actor{}).Where("source = ? AND name = ? AND owner_id IS NULL", source, name).
			Pluck("id", &ids).Error; err != nil {
			return err
		}
		for _, id := range ids {
			if err := s.conn(ctx).Model(&Actor{}).Where("id = ?", id).
				Updates(map[string]any{"owner_id": ownerID, "claimed": true, "version": gorm.Expr("version + 1")}).Error; err != nil {
				return err
			}
			if err := s.recordChange(ctx, id, ChangeUpsert, ""); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		s.committed()
	}
	return err
}
