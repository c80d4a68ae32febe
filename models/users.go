package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/mail"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
)

// Roles. Nobody assigns their own: admins grant intermediary, the command line grants admin.
const (
	RoleMember       = "member"
	RoleIntermediary = "intermediary"
	RoleAdmin        = "admin"
)

// ValidRole reports whether r is one of the roles.
func ValidRole(r string) bool { return r == RoleMember || r == RoleIntermediary || r == RoleAdmin }

// User is an account.
type User struct {
	ID               string    `gorm:"primaryKey" json:"id"`
	Email            string    `json:"email"`
	PasswordHash     string    `json:"-"`
	DisplayName      string    `json:"display_name"`
	Role             string    `json:"role"`
	TokensValidAfter time.Time `json:"-"`
	MatchingPaused   bool      `json:"matching_paused"`
	DigestOptOut     bool      `json:"digest_opt_out"`
	Version          int       `json:"version"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

// Consent records one decision of a user about one purpose, with the terms version it was given under.
type Consent struct {
	ID           string    `gorm:"primaryKey" json:"id"`
	UserID       string    `json:"-"`
	Purpose      string    `json:"purpose"`
	TermsVersion string    `json:"terms_version"`
	Granted      bool      `json:"granted"`
	CreatedAt    time.Time `json:"created_at"`
}

// RefreshToken is stored by hash only. Tokens of one login form a family; rotation spends the old one.
type RefreshToken struct {
	ID        string `gorm:"primaryKey"`
	UserID    string
	FamilyID  string
	TokenHash string
	ExpiresAt time.Time
	SpentAt   *time.Time
	RevokedAt *time.Time
	CreatedAt time.Time
}

// AuditEntry is one security event. It never holds a password, a token or an e-mail address.
type AuditEntry struct {
	Seq       int64     `gorm:"primaryKey;column:seq" json:"seq"`
	UserID    *string   `json:"user_id"`
	IP        string    `json:"ip"`
	Event     string    `json:"event"`
	Detail    string    `json:"detail"`
	CreatedAt time.Time `json:"created_at"`
}

func (AuditEntry) TableName() string { return "audit_log" }

// TermsVersion is the version of the terms that consents are recorded against.
const TermsVersion = "2026-11"

// Lifetimes of tokens and the grace for a retried refresh.
const (
	RefreshLifetime = 30 * 24 * time.Hour
	RefreshGrace    = 10 * time.Second
)

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// NormalizeEmail trims and lower-cases an address.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Registration is what a new account is made from.
type Registration struct {
	Email, Password, DisplayName string
	AcceptTerms, ConsentMatching *bool
	IP                           string
}

// Register validates, hashes the password with argon2id and creates a member account.
func (s *Store) Register(ctx context.Context, r Registration) (*User, error) {
	ve := &ValidationError{}
	email := NormalizeEmail(r.Email)
	if a, err := mail.ParseAddress(email); email == "" || err != nil || a.Address != email || len(email) > 254 {
		ve.Add("email", "must be a valid e-mail address")
	}
	if p := passwordProblem(r.Password); p != "" {
		ve.Add("password", p)
	}
	name := strings.TrimSpace(r.DisplayName)
	if n := len([]rune(name)); n < 1 || n > 100 {
		ve.Add("display_name", "must be 1 to 100 characters")
	}
	if r.AcceptTerms != nil && !*r.AcceptTerms {
		ve.Add("accept_terms", "must be accepted to create an account")
	}
	if err := ve.Err(); err != nil {
		return nil, err
	}
	hash, err := hashPassword(r.Password, s.hashParams())
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	u := &User{ID: newID(), Email: email, PasswordHash: hash, DisplayName: name, Role: RoleMember,
		TokensValidAfter: now, Version: 1, CreatedAt: now, UpdatedAt: now}
	err = s.InTx(ctx, func(ctx context.Context) error {
		if err := s.conn(ctx).Create(u).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return Invalid("email", "is already registered")
			}
			return err
		}
		consents := []Consent{}
		if r.AcceptTerms != nil {
			consents = append(consents, Consent{ID: newID(), UserID: u.ID, Purpose: "terms", TermsVersion: TermsVersion, Granted: *r.AcceptTerms, CreatedAt: now})
		}
		matching := r.ConsentMatching == nil || *r.ConsentMatching
		consents = append(consents, Consent{ID: newID(), UserID: u.ID, Purpose: "matching", TermsVersion: TermsVersion, Granted: matching, CreatedAt: now})
		if !matching {
			u.MatchingPaused = true
			if err := s.conn(ctx).Model(u).Update("matching_paused", true).Error; err != nil {
				return err
			}
		}
		if err := s.conn(ctx).Create(&consents).Error; err != nil {
			return err
		}
		return s.Audit(ctx, &u.ID, r.IP, "register", "")
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// dummyHash is checked against when the e-mail is unknown, so that login takes similar time either way.
var dummyHash, _ = hashPassword("crossover-timing-equaliser", DefaultHashParams)

// Authenticate checks e-mail and password. Unknown e-mail and wrong password give the same error.
func (s *Store) Authenticate(ctx context.Context, email, password, ip string) (*User, error) {
	var u User
	err := s.conn(ctx).Where("email = ?", NormalizeEmail(email)).First(&u).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, err
	}
	if err != nil {
		checkPassword(dummyHash, password)
		_ = s.Audit(ctx, nil, ip, "login_failed", "")
		return nil, ErrUnauthorized
	}
	if !checkPassword(u.PasswordHash, password) {
		_ = s.Audit(ctx, &u.ID, ip, "login_failed", "")
		return nil, ErrUnauthorized
	}
	_ = s.Audit(ctx, &u.ID, ip, "login_ok", "")
	return &u, nil
}

// UserByID loads an account.
func (s *Store) UserByID(ctx context.Context, id string) (*User, error) {
	var u User
	if err := s.conn(ctx).Where("id = ?", id).First(&u).Error; err != nil {
		return nil, notFound(err)
	}
	return &u, nil
}

// UserByEmail loads an account by its (normalised) e-mail.
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	var u User
	if err := s.conn(ctx).Where("email = ?", NormalizeEmail(email)).First(&u).Error; err != nil {
		return nil, notFound(err)
	}
	return &u, nil
}

func hashToken(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

func newOpaqueToken() (string, error) {
	var b [32]byte // 256 bits
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// Session is one login: its refresh family and the refresh token just issued in it. Access tokens
// carry the family, so that ending the family ends them too.
type Session struct {
	Family, Refresh string
}

// IssueRefresh starts a new family (a login) or continues one, and returns the opaque token.
func (s *Store) IssueRefresh(ctx context.Context, userID, familyID string) (Session, error) {
	tok, err := newOpaqueToken()
	if err != nil {
		return Session{}, err
	}
	if familyID == "" {
		familyID = newID()
	}
	now := time.Now().UTC()
	rt := RefreshToken{ID: newID(), UserID: userID, FamilyID: familyID, TokenHash: hashToken(tok), ExpiresAt: now.Add(RefreshLifetime), CreatedAt: now}
	if err := s.conn(ctx).Create(&rt).Error; err != nil {
		return Session{}, err
	}
	return Session{Family: familyID, Refresh: tok}, nil
}

// RotateRefresh spends a refresh token and returns its user and a new token of the same family.
// Each token has exactly one successor: the spend is a conditional update, so of concurrent
// refreshes with one token only one gets a new token; the others, and a retry within RefreshGrace,
// are refused without harm to the family. A token spent longer ago is a reuse: the whole family is
// revoked (RFC 9700 §4.14).
func (s *Store) RotateRefresh(ctx context.Context, token, ip string) (*User, Session, error) {
	var user *User
	var next Session
	var reused bool
	err := s.InTx(ctx, func(ctx context.Context) error {
		var rt RefreshToken
		if err := s.conn(ctx).Where("token_hash = ?", hashToken(token)).First(&rt).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrUnauthorized
			}
			return err
		}
		now := time.Now().UTC()
		if rt.RevokedAt != nil || now.After(rt.ExpiresAt) {
			return ErrUnauthorized
		}
		if rt.SpentAt != nil {
			reused = now.Sub(*rt.SpentAt) > RefreshGrace
			if reused {
				return nil
			}
			return ErrUnauthorized
		}
		res := s.conn(ctx).Model(&RefreshToken{}).Where("id = ? AND spent_at IS NULL AND revoked_at IS NULL", rt.ID).Update("spent_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 { // another refresh with this token won
			return ErrUnauthorized
		}
		u, err := s.UserByID(ctx, rt.UserID)
		if err != nil {
			return err
		}
		if next, err = s.IssueRefresh(ctx, rt.UserID, rt.FamilyID); err != nil {
			return err
		}
		user = u
		return s.Audit(ctx, &u.ID, ip, "refresh", "")
	})
	if err != nil {
		return nil, Session{}, err
	}
	if reused {
		var rt RefreshToken
		if err := s.conn(ctx).Where("token_hash = ?", hashToken(token)).First(&rt).Error; err != nil {
			return nil, Session{}, notFound(err)
		}
		if err := s.RevokeFamily(ctx, rt.FamilyID); err != nil {
			return nil, Session{}, err
		}
		_ = s.Audit(ctx, &rt.UserID, ip, "refresh_reuse", "family revoked")
		return nil, Session{}, ErrUnauthorized
	}
	return user, next, nil
}

// SessionLive reports whether a refresh family exists for the user and none of its tokens has been
// revoked (logout, reuse detection, password change). The authentication middleware asks it on
// every request, so that ending a session ends its access tokens on every replica at once.
func (s *Store) SessionLive(ctx context.Context, userID, familyID string) (bool, error) {
	var row struct{ Total, Revoked int64 }
	err := s.conn(ctx).Model(&RefreshToken{}).Select("COUNT(*) AS total, COUNT(revoked_at) AS revoked").
		Where("family_id = ? AND user_id = ?", familyID, userID).Scan(&row).Error
	if err != nil {
		return false, err
	}
	return row.Total > 0 && row.Revoked == 0, nil
}

// RevokeFamily ends every token of one login.
func (s *Store) RevokeFamily(ctx context.Context, familyID string) error {
	return s.conn(ctx).Model(&RefreshToken{}).Where("family_id = ? AND revoked_at IS NULL", familyID).
		Update("revoked_at", time.Now().UTC()).Error
}

// FamilyOf returns the family of a refresh token, for logout.
func (s *Store) FamilyOf(ctx context.Context, token, userID string) (string, error) {
	var rt RefreshToken
	if err := s.conn(ctx).Where("token_hash = ? AND user_id = ?", hashToken(token), userID).First(&rt).Error; err != nil {
		return "", notFound(err)
	}
	return rt.FamilyID, nil
}

// RevokeAllSessions revokes every refresh family of a user and every access token issued before now.
func (s *Store) RevokeAllSessions(ctx context.Context, userID string) error {
	now := time.Now().UTC()
	return s.InTx(ctx, func(ctx context.Context) error {
		if err := s.conn(ctx).Model(&RefreshToken{}).Where("user_id = ? AND revoked_at IS NULL", userID).Update("revoked_at", now).Error; err != nil {
			return err
		}
		s.usersChanged(ctx)
		return s.conn(ctx).Model(&User{}).Where("id = ?", userID).Update("tokens_valid_after", now).Error
	})
}

// ChangePassword checks the current password, stores the new hash and ends every session.
func (s *Store) ChangePassword(ctx context.Context, userID, current, next, ip string) error {
	u, err := s.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	if !checkPassword(u.PasswordHash, current) {
		return Invalid("current_password", "is not your current password")
	}
	if p := passwordProblem(next); p != "" {
		return Invalid("new_password", p)
	}
	hash, err := hashPassword(next, s.hashParams())
	if err != nil {
		return err
	}
	return s.InTx(ctx, func(ctx context.Context) error {
		s.usersChanged(ctx)
		if err := s.conn(ctx).Model(&User{}).Where("id = ?", userID).
			Updates(map[string]any{"password_hash": hash, "updated_at": time.Now().UTC(), "version": gorm.Expr("version + 1")}).Error; err != nil {
			return err
		}
		if err := s.RevokeAllSessions(ctx, userID); err != nil {
			return err
		}
		return s.Audit(ctx, &userID, ip, "password_changed", "")
	})
}

// SetRole changes a user's role (admins only; the caller checks) and ends their sessions so that the
// new role applies at once.
func (s *Store) SetRole(ctx context.Context, actorUserID *string, userID, role, ip string) (*User, error) {
	if !ValidRole(role) {
		return nil, Invalid("role", "must be member, intermediary or admin")
	}
	err := s.InTx(ctx, func(ctx context.Context) error {
		s.usersChanged(ctx)
		res := s.conn(ctx).Model(&User{}).Where("id = ?", userID).
			Updates(map[string]any{"role": role, "updated_at": time.Now().UTC(), "version": gorm.Expr("version + 1")})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		return s.Audit(ctx, actorUserID, ip, "role_changed", "user "+userID+" → "+role)
	})
	if err != nil {
		return nil, err
	}
	return s.UserByID(ctx, userID)
}

// UserSettings is a partial update of the caller's own settings.
type UserSettings struct {
	DisplayName    *string
	MatchingPaused *bool
	DigestOptOut   *bool
	OpenData       *bool
}

// UpdateSettings changes the caller's own settings and records consent changes.
func (s *Store) UpdateSettings(ctx context.Context, userID string, in UserSettings) (*User, error) {
	updates := map[string]any{}
	if in.DisplayName != nil {
		name := strings.TrimSpace(*in.DisplayName)
		if n := len([]rune(name)); n < 1 || n > 100 {
			return nil, Invalid("display_name", "must be 1 to 100 characters")
		}
		updates["display_name"] = name
	}
	if in.MatchingPaused != nil {
		updates["matching_paused"] = *in.MatchingPaused
	}
	if in.DigestOptOut != nil {
		updates["digest_opt_out"] = *in.DigestOptOut
	}
	now := time.Now().UTC()
	err := s.InTx(ctx, func(ctx context.Context) error {
		if len(updates) > 0 {
			updates["updated_at"] = now
			updates["version"] = gorm.Expr("version + 1")
			s.usersChanged(ctx)
			if err := s.conn(ctx).Model(&User{}).Where("id = ?", userID).Updates(updates).Error; err != nil {
				return err
			}
		}
		record := func(purpose string, granted bool) error {
			return s.conn(ctx).Create(&Consent{ID: newID(), UserID: userID, Purpose: purpose, TermsVersion: TermsVersion, Granted: granted, CreatedAt: now}).Error
		}
		if in.MatchingPaused != nil {
			if err := record("matching", !*in.MatchingPaused); err != nil {
				return err
			}
			if err := s.touchOwnerActors(ctx, userID); err != nil {
				return err
			}
			if *in.MatchingPaused { // open received introduction requests are declined with a readable reason
				if err := s.autoDeclineOwner(ctx, userID, now); err != nil {
					return err
				}
			}
		}
		if in.DigestOptOut != nil {
			if err := record("digest", !*in.DigestOptOut); err != nil {
				return err
			}
		}
		if in.OpenData != nil {
			if err := record("open_data", *in.OpenData); err != nil {
				return err
			}
			if err := s.conn(ctx).Model(&Actor{}).Where("owner_id = ?", userID).Update("open_data", *in.OpenData).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.committed()
	return s.UserByID(ctx, userID)
}

// Consents lists a user's consent decisions, oldest first.
func (s *Store) Consents(ctx context.Context, userID string) ([]Consent, error) {
	var out []Consent
	err := s.conn(ctx).Where("user_id = ?", userID).Order("created_at, id").Find(&out).Error
	return out, err
}

// Audit appends a security event.
func (s *Store) Audit(ctx context.Context, userID *string, ip, event, detail string) error {
	return s.conn(ctx).Create(&AuditEntry{UserID: userID, IP: ip, Event: event, Detail: detail, CreatedAt: time.Now().UTC()}).Error
}

// AuditLog returns the newest entries, for admins and tests.
func (s *Store) AuditLog(ctx context.Context, userID string, limit int) ([]AuditEntry, error) {
	var out []AuditEntry
	q := s.conn(ctx).Order("seq DESC").Limit(limit)
	if userID != "" {
		q = q.Where("user_id = ?", userID)
	}
	err := q.Find(&out).Error
	return out, err
}

// EraseUser deletes the account and everything it owns. Introductions keep the other party's side;
// the erased party's actor reference becomes NULL ("deleted member").
func (s *Store) EraseUser(ctx context.Context, userID, ip string) error {
	err := s.InTx(ctx, func(ctx context.Context) error {
		var actorIDs []string
		if err := s.conn(ctx).Model(&Actor{}).Where("owner_id = ?", userID).Pluck("id", &actorIDs).Error; err != nil {
			return err
		}
		if err := s.closeForDeparture(ctx, actorIDs, time.Now()); err != nil {
			return err
		}
		for _, id := range actorIDs {
			if err := s.recordChange(ctx, id, ChangeDelete, ""); err != nil {
				return err
			}
		}
		if len(actorIDs) > 0 {
			if err := s.conn(ctx).Where("actor_id IN ?", actorIDs).Delete(&ActorVersion{}).Error; err != nil {
				return err
			}
		}
		s.usersChanged(ctx)
		res := s.conn(ctx).Where("id = ?", userID).Delete(&User{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		return s.Audit(ctx, &userID, ip, "erasure", "account and owned actors deleted")
	})
	if err == nil {
		s.committed()
	}
	return err
}

func (s *Store) hashParams() HashParams {
	if s.hash != nil {
		return *s.hash
	}
	return DefaultHashParams
}

// SetLinkBase sets the public base URL that links in e-mails start with.
func (s *Store) SetLinkBase(base string) { s.links = base }

// SetHashParams changes the cost of new password hashes (tests lower it; production keeps the default).
func (s *Store) SetHashParams(p HashParams) { s.hash = &p }
