package models

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Moderation: a signed-in member reports a profile or an introduction's message; an admin hides the
// profile or dismisses the report. Hiding sets actors.hidden_at: every list, match, open-data and
// statistics query already leaves hidden actors out, and a change-feed row makes each replica's
// matching index drop it. Every step is in the audit log.

// Report targets, reasons and actions.
var (
	ReportTargets = []string{"actor", "introduction"}
	ReportReasons = []string{"spam", "inappropriate", "fake", "harassment", "other"}
	ReportActions = []string{"hide", "dismiss"}
)

// MaxReportNote bounds the reporter's free text.
const MaxReportNote = 1000

// Report is one report in the moderation queue.
type Report struct {
	ID         string     `gorm:"primaryKey" json:"id"`
	ReporterID *string    `json:"reporter_id"`
	TargetType string     `json:"target_type"`
	TargetID   string     `json:"target_id"`
	Reason     string     `json:"reason"`
	Note       string     `json:"note"`
	Status     string     `json:"status"`
	Action     *string    `json:"action"`
	ResolvedBy *string    `json:"resolved_by"`
	ResolvedAt *time.Time `json:"resolved_at"`
	CreatedAt  time.Time  `json:"created_at"`
}

// NewReport is what a member files. The caller has checked that the reporter may see the target.
type NewReport struct {
	ReporterID, TargetType, TargetID, Reason, Note, IP string
}

// ValidateReport checks the fields of a report.
func ValidateReport(r NewReport) error {
	ve := &ValidationError{}
	if !slices.Contains(ReportTargets, r.TargetType) {
		ve.Add("target_type", "must be actor or introduction")
	}
	if strings.TrimSpace(r.TargetID) == "" || len(r.TargetID) > 64 {
		ve.Add("target_id", "is required")
	}
	if !slices.Contains(ReportReasons, r.Reason) {
		ve.Add("reason", "must be one of "+strings.Join(ReportReasons, ", "))
	}
	if len([]rune(r.Note)) > MaxReportNote {
		ve.Addf("note", "must be at most %d characters", MaxReportNote)
	}
	return ve.Err()
}

// CreateReport files a report; the same reporter reporting the same target again while it is open is
// a conflict.
func (s *Store) CreateReport(ctx context.Context, r NewReport) (*Report, error) {
	if err := ValidateReport(r); err != nil {
		return nil, err
	}
	rep := &Report{ID: newID(), ReporterID: &r.ReporterID, TargetType: r.TargetType, TargetID: r.TargetID, Reason: r.Reason,
		Note: strings.TrimSpace(r.Note), Status: "open", CreatedAt: time.Now().UTC()}
	err := s.InTx(ctx, func(ctx context.Context) error {
		if err := s.conn(ctx).Create(rep).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return &ConflictError{Message: "You already reported this; an admin will look at it.", State: "open"}
			}
			return err
		}
		return s.Audit(ctx, &r.ReporterID, r.IP, "report_filed", "report "+rep.ID+" on "+r.TargetType+" "+r.TargetID+": "+r.Reason)
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// ReportFilter selects a page of the queue, oldest first.
type ReportFilter struct {
	Status string
	Limit  int
	Cursor string // the id of the last report of the previous page
}

// Reports lists reports by status, oldest first (ids are time-ordered UUIDv7), and the next cursor.
func (s *Store) Reports(ctx context.Context, f ReportFilter) ([]Report, string, error) {
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 50
	}
	q := s.conn(ctx).Model(&Report{})
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.Cursor != "" {
		q = q.Where("id > ?", f.Cursor)
	}
	var out []Report
	if err := q.Order("id").Limit(f.Limit + 1).Find(&out).Error; err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > f.Limit {
		out = out[:f.Limit]
		next = out[len(out)-1].ID
	}
	return out, next, nil
}

// Report loads one report.
func (s *Store) Report(ctx context.Context, id string) (*Report, error) {
	var r Report
	if err := s.conn(ctx).Where("id = ?", id).First(&r).Error; err != nil {
		return nil, notFound(err)
	}
	return &r, nil
}

// ResolveReport closes an open report. hide hides the actor concerned (for an introduction: the actor
// who wrote its message, given by the caller as hideActorID) and closes every open report on the same
// target; dismiss closes this report only.
func (s *Store) ResolveReport(ctx context.Context, adminID, id, action, hideActorID, ip string) (*Report, error) {
	if !slices.Contains(ReportActions, action) {
		return nil, Invalid("action", "must be hide or dismiss")
	}
	now := time.Now().UTC()
	var out *Report
	err := s.InTx(ctx, func(ctx context.Context) error {
		r, err := s.Report(ctx, id)
		if err != nil {
			return err
		}
		if r.Status != "open" {
			return &ConflictError{Message: "This report is already resolved.", State: r.Status}
		}
		upd := map[string]any{"status": "resolved", "action": action, "resolved_by": adminID, "resolved_at": now}
		q := s.conn(ctx).Model(&Report{}).Where("status = 'open'")
		if action == "hide" {
			if hideActorID == "" {
				return &ConflictError{Message: "There is no actor left to hide for this report.", State: "gone"}
			}
			if err := s.setHidden(ctx, adminID, hideActorID, true, "report "+r.ID+": "+r.Reason, ip, now); err != nil && !errors.Is(err, errAlreadyHidden) {
				return err
			}
			q = q.Where("target_type = ? AND target_id = ?", r.TargetType, r.TargetID)
		} else {
			q = q.Where("id = ?", r.ID)
		}
		if err := q.Updates(upd).Error; err != nil {
			return err
		}
		if err := s.Audit(ctx, &adminID, ip, "report_resolved", "report "+r.ID+": "+action); err != nil {
			return err
		}
		out, err = s.Report(ctx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.committed()
	return out, nil
}

var errAlreadyHidden = errors.New("already in that state")

// HideActor hides a profile (admin). Hiding a hidden profile is a conflict.
func (s *Store) HideActor(ctx context.Context, adminID, actorID, reason, ip string) error {
	return s.hideOrRestore(ctx, adminID, actorID, true, reason, ip)
}

// RestoreActor shows a hidden profile again (admin). Restoring a visible one is a conflict.
func (s *Store) RestoreActor(ctx context.Context, adminID, actorID, reason, ip string) error {
	return s.hideOrRestore(ctx, adminID, actorID, false, reason, ip)
}

func (s *Store) hideOrRestore(ctx context.Context, adminID, actorID string, hide bool, reason, ip string) error {
	err := s.InTx(ctx, func(ctx context.Context) error {
		return s.setHidden(ctx, adminID, actorID, hide, reason, ip, time.Now().UTC())
	})
	if errors.Is(err, errAlreadyHidden) {
		if hide {
			return &ConflictError{Message: "This profile is already hidden.", State: "hidden"}
		}
		return &ConflictError{Message: "This profile is not hidden.", State: "visible"}
	}
	if err == nil {
		s.committed()
	}
	return err
}

// setHidden flips hidden_at inside the caller's transaction, puts the actor on the change feed (the
// index reloads it, finds it hidden and drops it; or finds it back) and writes the audit entry.
func (s *Store) setHidden(ctx context.Context, adminID, actorID string, hide bool, reason, ip string, now time.Time) error {
	var n int64
	if err := s.conn(ctx).Model(&Actor{}).Where("id = ?", actorID).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	q := s.conn(ctx).Model(&Actor{}).Where("id = ?", actorID)
	var res *gorm.DB
	if hide {
		res = q.Where("hidden_at IS NULL").Update("hidden_at", now)
	} else {
		res = q.Where("hidden_at IS NOT NULL").Update("hidden_at", nil)
	}
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return errAlreadyHidden
	}
	if err := s.recordChange(ctx, actorID, ChangeUpsert, ""); err != nil {
		return err
	}
	event, detail := "actor_hidden", "actor "+actorID
	if !hide {
		event = "actor_restored"
	}
	if reason = strings.TrimSpace(reason); reason != "" {
		detail += ": " + reason
	}
	return s.Audit(ctx, &adminID, ip, event, detail)
}

// ActorHidden reports whether an actor exists and is hidden (admins look at hidden profiles).
func (s *Store) ActorHidden(ctx context.Context, id string) (bool, error) {
	var a Actor
	if err := s.conn(ctx).Select("id", "hidden_at").Where("id = ?", id).First(&a).Error; err != nil {
		return false, notFound(err)
	}
	return a.HiddenAt != nil, nil
}
