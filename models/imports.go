package models

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Bulk import of actors from CSV. The whole file is read and checked as a file before anything is
// written: a file that is not CSV, or lacks a mapped column, changes nothing. Each row is then
// validated like a profile posted to the API; skills are given as labels and resolved through the
// taxonomy's preferred labels and synonyms (any language), or slugs. A real run takes the file in
// batches of rows and writes each batch's valid rows in one transaction, together with the progress
// of its import job (import_jobs); the report names every invalid row, column and reason.

// ImportFields are the actor fields a CSV column can be mapped to.
var ImportFields = []string{"name", "kind", "org_type", "country", "region", "languages", "sectors", "offers", "needs",
	"collaboration_modes", "remote", "available", "capacity", "bio", "website", "contact_email", "contact_phone", "focus"}

// importRequired must be mapped to a column of the header.
var importRequired = []string{"name", "kind", "org_type", "country", "languages"}

// ImportMapping maps an actor field to the CSV column (header text) it is read from. Unmapped fields
// are read from a column named like the field, when there is one.
type ImportMapping map[string]string

// ImportOptions say who imports and how.
type ImportOptions struct {
	OwnerID   string // the importing intermediary or admin owns the imported actors
	Mapping   ImportMapping
	DryRun    bool
	BatchSize int // rows per transaction; 200 when zero
	Codes     CodeChecker
	Preview   int // how many valid rows to return parsed (dry runs)
}

// ImportRowError is one problem of one row. Row counts lines as a spreadsheet does: the header is row 1.
type ImportRowError struct {
	Row    int    `json:"row"`
	Column string `json:"column"`
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// UnresolvedSkill is a skill label no taxonomy label or synonym matched, with the rows using it.
type UnresolvedSkill struct {
	Label string `json:"label"`
	Rows  []int  `json:"rows"`
}

// ImportReport is the outcome of an import or a dry run.
type ImportReport struct {
	DryRun      bool              `json:"dry_run"`
	Rows        int               `json:"rows"`
	Valid       int               `json:"valid"`
	Invalid     int               `json:"invalid"`
	Imported    int               `json:"imported"`
	Batches     int               `json:"batches"`
	BatchSize   int               `json:"batch_size"`
	Mapping     ImportMapping     `json:"mapping"`
	Errors      []ImportRowError  `json:"errors"`
	InvalidRows []int             `json:"invalid_rows"`
	Unresolved  []UnresolvedSkill `json:"unresolved_skills"`
	Preview     []*Actor          `json:"preview,omitempty"`
	ActorIDs    []string          `json:"actor_ids,omitempty"`
	JobID       string            `json:"job_id,omitempty"` // the import job of a real run (GET /imports/:id)
}

// ImportFileError says the file itself cannot be read (not CSV, no header): nothing was imported.
type ImportFileError struct {
	Message string
	Err     error // the read error behind it, if any
}

func (e *ImportFileError) Error() string { return e.Message }
func (e *ImportFileError) Unwrap() error { return e.Err }

// skillResolver finds a skill by slug or normalised label: a preferred label wins over synonyms; a
// label two skills share as equals is ambiguous.
type skillResolver struct {
	pref, alt map[string][]string
	slugs     map[string]bool
}

func (s *Store) skillResolver(ctx context.Context) (*skillResolver, error) {
	var labels []SkillLabel
	if err := s.conn(ctx).Select("skill_slug", "kind", "norm").Find(&labels).Error; err != nil {
		return nil, err
	}
	var slugs []string
	if err := s.conn(ctx).Model(&SkillRow{}).Pluck("slug", &slugs).Error; err != nil {
		return nil, err
	}
	r := &skillResolver{pref: map[string][]string{}, alt: map[string][]string{}, slugs: map[string]bool{}}
	for _, sl := range slugs {
		r.slugs[sl] = true
	}
	add := func(m map[string][]string, k, slug string) {
		for _, x := range m[k] {
			if x == slug {
				return
			}
		}
		m[k] = append(m[k], slug)
	}
	for _, l := range labels {
		if l.Kind == "pref" {
			add(r.pref, l.Norm, l.SkillSlug)
		} else {
			add(r.alt, l.Norm, l.SkillSlug)
		}
	}
	return r, nil
}

// resolve returns the slug of a label, or why it cannot.
func (r *skillResolver) resolve(label string) (string, string) {
	n := NormalizeLabel(label)
	if r.slugs[n] {
		return n, ""
	}
	for _, m := range []map[string][]string{r.pref, r.alt} {
		switch got := m[n]; len(got) {
		case 0:
		case 1:
			return got[0], ""
		default:
			sort.Strings(got)
			return "", fmt.Sprintf("skill %q is ambiguous (%s): use the slug", label, strings.Join(got, ", "))
		}
	}
	return "", fmt.Sprintf("unknown skill %q", label)
}

var listSep = regexp.MustCompile(`\s*[;|]\s*`)

func splitList(v string) []string {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	var out []string
	for _, p := range listSep.Split(v, -1) {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

func parseBool(v string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "yes", "y", "1", "oui", "ja":
		return true, true
	case "false", "no", "n", "0", "non", "nein":
		return false, true
	}
	return false, false
}

// ImportActorsCSV reads, checks and (unless DryRun) imports actors from a CSV file, without a job
// record: PrepareImport, then Run.
func (s *Store) ImportActorsCSV(ctx context.Context, r io.Reader, opt ImportOptions) (*ImportReport, error) {
	p, err := s.PrepareImport(ctx, r, opt)
	if err != nil {
		return nil, err
	}
	return p.Run(ctx, nil)
}

// PreparedImport is a file that has been read as CSV and whose mapping has been checked: nothing is
// written yet, and a file that got this far can only fail row by row (or on a database error).
type PreparedImport struct {
	s        *Store
	opt      ImportOptions
	header   []string
	records  [][]string // the data rows, blank lines included (they keep the row numbers right)
	col      map[string]int
	mapping  ImportMapping
	resolver *skillResolver
	rows     int // data rows, blank lines left out
}

// Rows is the number of data rows of the file (blank lines left out).
func (p *PreparedImport) Rows() int { return p.rows }

// DryRun says whether Run will write nothing.
func (p *PreparedImport) DryRun() bool { return p.opt.DryRun }

// PrepareImport reads the whole file and checks it as a file: CSV syntax (*ImportFileError) and the
// mapping against the header (*ValidationError). It writes nothing.
func (s *Store) PrepareImport(ctx context.Context, r io.Reader, opt ImportOptions) (*PreparedImport, error) {
	if opt.BatchSize <= 0 {
		opt.BatchSize = 200
	}
	cr := csv.NewReader(r)
	cr.TrimLeadingSpace = true
	records, err := cr.ReadAll()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, &ImportFileError{Message: fmt.Sprintf("The file is not valid CSV: row %d, column %d: %v. Nothing was imported.", pe.StartLine, pe.Column, pe.Err)}
		}
		// A read error (the body limit, a client gone) is kept for the caller to tell apart.
		return nil, &ImportFileError{Message: "The file could not be read as CSV. Nothing was imported.", Err: err}
	}
	if len(records) == 0 {
		return nil, &ImportFileError{Message: "The file is empty: the first row must name the columns. Nothing was imported."}
	}
	header := records[0]
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff") // a spreadsheet's byte-order mark
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	// The effective mapping: explicit entries, else a column named like the field.
	mapping := ImportMapping{}
	ve := &ValidationError{}
	known := map[string]bool{}
	for _, f := range ImportFields {
		known[f] = true
	}
	for f, c := range opt.Mapping {
		if !known[f] {
			ve.Add("mapping."+f, "is not an importable field: use one of "+strings.Join(ImportFields, ", "))
			continue
		}
		if _, ok := col[c]; !ok {
			ve.Addf("mapping."+f, "column %q is not in the header", c)
			continue
		}
		mapping[f] = c
	}
	for _, f := range ImportFields {
		if _, ok := mapping[f]; !ok {
			if _, ok := col[f]; ok && opt.Mapping[f] == "" {
				mapping[f] = f
			}
		}
	}
	for _, f := range importRequired {
		if _, ok := mapping[f]; !ok && ve.Fields["mapping."+f] == "" {
			ve.Addf("mapping."+f, "is required: name the column that holds %s (the header has: %s)", f, strings.Join(header, ", "))
		}
	}
	if err := ve.Err(); err != nil {
		return nil, err
	}
	resolver, err := s.skillResolver(ctx)
	if err != nil {
		return nil, err
	}
	p := &PreparedImport{s: s, opt: opt, header: header, records: records[1:], col: col, mapping: mapping, resolver: resolver}
	for _, rec := range p.records {
		if !p.blank(rec) {
			p.rows++
		}
	}
	return p, nil
}

// blank: a blank line is not a row.
func (p *PreparedImport) blank(rec []string) bool {
	return len(rec) == 1 && strings.TrimSpace(rec[0]) == "" && len(p.header) > 1
}

// Run checks the rows and, unless it is a dry run, writes the valid ones. The file is taken
// BatchSize rows at a time: the valid rows of each batch are written in one transaction, which also
// records the job's progress (job may be nil), so the job never counts a row that is not committed.
// An invalid row is reported and skipped; it never stops the import. A database error stops it: the
// batches committed before stay, the job is marked failed, and the report says how far it got.
func (p *PreparedImport) Run(ctx context.Context, job *ImportJob) (*ImportReport, error) {
	s, opt := p.s, p.opt
	rep := &ImportReport{DryRun: opt.DryRun, Rows: p.rows, BatchSize: opt.BatchSize, Mapping: p.mapping,
		Errors: []ImportRowError{}, InvalidRows: []int{}, Unresolved: []UnresolvedSkill{}}
	if job != nil {
		rep.JobID = job.ID
	}
	unresolved := map[string][]int{}
	var preview, pending []*Actor
	processed := 0
	flush := func() error {
		if opt.DryRun || (len(pending) == 0 && job == nil) {
			pending = pending[:0]
			return nil
		}
		err := s.InTx(ctx, func(ctx context.Context) error {
			for _, a := range pending {
				if err := s.insertActor(ctx, a); err != nil {
					return err
				}
			}
			if job == nil {
				return nil
			}
			batches := rep.Batches
			if len(pending) > 0 {
				batches++
			}
			return s.conn(ctx).Model(&ImportJob{}).Where("id = ?", job.ID).Updates(map[string]any{
				"rows_processed": processed, "imported": rep.Imported + len(pending), "failed": len(rep.InvalidRows),
				"batches": batches, "updated_at": time.Now().UTC()}).Error
		})
		if err != nil {
			return fmt.Errorf("import batch %d (rows after %d imported ones): %w", rep.Batches+1, rep.Imported, err)
		}
		if len(pending) > 0 {
			s.committed()
			rep.Batches++
			rep.Imported += len(pending)
			for _, a := range pending {
				rep.ActorIDs = append(rep.ActorIDs, a.ID)
			}
		}
		pending = pending[:0]
		return nil
	}
	fail := func(err error) (*ImportReport, error) {
		rep.Valid, rep.Invalid = rep.Imported, len(rep.InvalidRows)
		if job != nil {
			why := "The import stopped on a database error after " + strconv.Itoa(rep.Imported) + " rows were imported in full batches; the rest was not."
			if ctx.Err() != nil {
				why = "The import was interrupted (the request ended or the server stopped) after " + strconv.Itoa(rep.Imported) +
					" rows were imported in full batches; the rest was not."
			}
			// The request's or the server's context may be over: the record must still say so.
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			_ = s.finishImportJob(fctx, job.ID, ImportFailed, why, rep, processed)
		}
		return rep, err
	}
	for i, rec := range p.records {
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		row := i + 2
		if !p.blank(rec) {
			processed++
			a, errs := s.importRow(ctx, rec, p.mapping, p.col, p.resolver, opt, unresolved, row)
			switch {
			case len(errs) > 0:
				rep.Errors = append(rep.Errors, errs...)
				rep.InvalidRows = append(rep.InvalidRows, row)
			case opt.DryRun:
				rep.Valid++
				if len(preview) < opt.Preview {
					preview = append(preview, a)
				}
			default:
				pending = append(pending, a)
			}
		}
		if (i+1)%opt.BatchSize == 0 {
			if err := flush(); err != nil {
				return fail(err)
			}
		}
	}
	if err := flush(); err != nil {
		return fail(err)
	}
	if !opt.DryRun {
		rep.Valid = rep.Imported
	}
	rep.Invalid = len(rep.InvalidRows)
	for label, rows := range unresolved {
		rep.Unresolved = append(rep.Unresolved, UnresolvedSkill{Label: label, Rows: rows})
	}
	sort.Slice(rep.Unresolved, func(i, j int) bool { return rep.Unresolved[i].Label < rep.Unresolved[j].Label })
	if opt.DryRun && opt.Preview > 0 {
		rep.Preview = preview
	}
	if job != nil {
		if err := s.finishImportJob(ctx, job.ID, ImportDone, "", rep, processed); err != nil {
			return rep, fmt.Errorf("import: record the finished job: %w", err)
		}
	}
	return rep, nil
}

// importRow turns one record into a validated actor, or the row's errors.
func (s *Store) importRow(ctx context.Context, rec []string, mapping ImportMapping, col map[string]int, resolver *skillResolver,
	opt ImportOptions, unresolved map[string][]int, row int) (*Actor, []ImportRowError) {
	var errs []ImportRowError
	fail := func(field, reason string) {
		errs = append(errs, ImportRowError{Row: row, Column: mapping[field], Field: field, Reason: reason})
	}
	get := func(field string) string {
		c, ok := mapping[field]
		if !ok {
			return ""
		}
		if i := col[c]; i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	now := time.Now().UTC()
	owner := opt.OwnerID
	a := &Actor{ID: newID(), OwnerID: &owner, Kind: strings.ToLower(get("kind")), Name: get("name"), OrgType: strings.ToLower(get("org_type")),
		Country: strings.ToUpper(get("country")), Region: get("region"), Bio: get("bio"), Website: get("website"),
		ContactEmail: get("contact_email"), ContactPhone: get("contact_phone"), Focus: get("focus"),
		Available: true, Capacity: 3, Managed: true, Source: "import", Claimed: true,
		RenewedAt: now, Version: 1, CreatedAt: now, UpdatedAt: now,
		Languages: []string{}, Sectors: []string{}, Offers: []Offer{}, Needs: []Need{}, Modes: []string{}}
	for _, l := range splitList(get("languages")) {
		a.Languages = append(a.Languages, strings.ToLower(l))
	}
	a.Sectors = append(a.Sectors, splitList(get("sectors"))...)
	a.Modes = append(a.Modes, splitList(get("collaboration_modes"))...)
	for _, f := range []struct {
		name string
		dst  *bool
	}{{"remote", &a.Remote}, {"available", &a.Available}} {
		if v := get(f.name); v != "" {
			b, ok := parseBool(v)
			if !ok {
				fail(f.name, "must be true or false (or yes/no)")
			}
			*f.dst = b
		}
	}
	if v := get("capacity"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			fail("capacity", "must be a whole number from 0 to 100")
		}
		a.Capacity = n
	}
	skill := func(field, item string) (string, string) {
		// "label:suffix", where the suffix is a level (offers) or an importance (needs).
		label, suffix := item, ""
		if i := strings.LastIndex(item, ":"); i > 0 {
			label, suffix = strings.TrimSpace(item[:i]), strings.ToLower(strings.TrimSpace(item[i+1:]))
		}
		slug, why := resolver.resolve(label)
		if why != "" {
			fail(field, why)
			if strings.HasPrefix(why, "unknown") {
				k := NormalizeLabel(label)
				if rows := unresolved[k]; len(rows) == 0 || rows[len(rows)-1] != row {
					unresolved[k] = append(rows, row)
				}
			}
		}
		return slug, suffix
	}
	for _, item := range splitList(get("offers")) {
		slug, suffix := skill("offers", item)
		level := 2
		if suffix != "" {
			n, err := strconv.Atoi(suffix)
			if err != nil || n < 1 || n > 4 {
				fail("offers", fmt.Sprintf("level of %q must be 1 to 4", item))
			}
			level = n
		}
		if slug != "" {
			a.Offers = append(a.Offers, Offer{Skill: slug, Level: level})
		}
	}
	for _, item := range splitList(get("needs")) {
		slug, suffix := skill("needs", item)
		imp := "must"
		if suffix != "" {
			if suffix != "must" && suffix != "nice" {
				fail("needs", fmt.Sprintf("importance of %q must be must or nice", item))
			}
			imp = suffix
		}
		if slug != "" {
			a.Needs = append(a.Needs, Need{Skill: slug, Importance: imp})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if err := s.validateActor(ctx, a, opt.Codes); err != nil {
		var ve *ValidationError
		if !errors.As(err, &ve) {
			return nil, []ImportRowError{{Row: row, Reason: err.Error()}}
		}
		paths := make([]string, 0, len(ve.Fields))
		for p := range ve.Fields {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		for _, p := range paths {
			field := p
			if i := strings.IndexAny(field, "[."); i > 0 {
				field = field[:i]
			}
			if field == "contact" {
				field = "contact_" + strings.TrimPrefix(p, "contact.")
			}
			reason := ve.Fields[p]
			if p != field {
				reason = p + " " + reason
			}
			fail(field, reason)
		}
		return nil, errs
	}
	return a, nil
}

// ImportMappingRow is a saved column mapping.
type ImportMappingRow struct {
	ID        string        `gorm:"primaryKey" json:"id"`
	OwnerID   string        `json:"-"`
	Name      string        `json:"name"`
	Mapping   string        `json:"-"`
	Fields    ImportMapping `gorm:"-" json:"mapping"`
	CreatedAt time.Time     `json:"created_at"`
}

func (ImportMappingRow) TableName() string { return "import_mappings" }

// SaveImportMapping stores a named mapping for a user; the same name again is a conflict.
func (s *Store) SaveImportMapping(ctx context.Context, ownerID, name string, m ImportMapping) (*ImportMappingRow, error) {
	ve := &ValidationError{}
	name = strings.TrimSpace(name)
	if n := len([]rune(name)); n < 1 || n > 100 {
		ve.Add("name", "must be 1 to 100 characters")
	}
	if len(m) == 0 {
		ve.Add("mapping", "must map at least one field to a column")
	}
	for f, c := range m {
		if !slices.Contains(ImportFields, f) {
			ve.Add("mapping."+f, "is not an importable field: use one of "+strings.Join(ImportFields, ", "))
		} else if strings.TrimSpace(c) == "" || len(c) > 200 {
			ve.Add("mapping."+f, "must name a column (at most 200 characters)")
		}
	}
	if err := ve.Err(); err != nil {
		return nil, err
	}
	raw, _ := json.Marshal(m)
	row := &ImportMappingRow{ID: newID(), OwnerID: ownerID, Name: name, Mapping: string(raw), Fields: m, CreatedAt: time.Now().UTC()}
	if err := s.conn(ctx).Omit("Fields").Create(row).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return nil, &ConflictError{Message: "You already have a mapping with this name."}
		}
		return nil, err
	}
	return row, nil
}

// ImportMappings lists a user's saved mappings by name.
func (s *Store) ImportMappings(ctx context.Context, ownerID string) ([]ImportMappingRow, error) {
	var out []ImportMappingRow
	if err := s.conn(ctx).Where("owner_id = ?", ownerID).Order("name").Find(&out).Error; err != nil {
		return nil, err
	}
	for i := range out {
		_ = json.Unmarshal([]byte(out[i].Mapping), &out[i].Fields)
	}
	return out, nil
}

// ImportMappingByID loads one of a user's mappings.
func (s *Store) ImportMappingByID(ctx context.Context, ownerID, id string) (*ImportMappingRow, error) {
	var r ImportMappingRow
	if err := s.conn(ctx).Where("id = ? AND owner_id = ?", id, ownerID).First(&r).Error; err != nil {
		return nil, notFound(err)
	}
	_ = json.Unmarshal([]byte(r.Mapping), &r.Fields)
	return &r, nil
}

// DeleteImportMapping removes one of a user's mappings.
func (s *Store) DeleteImportMapping(ctx context.Context, ownerID, id string) error {
	res := s.conn(ctx).Where("id = ? AND owner_id = ?", id, ownerID).Delete(&ImportMappingRow{})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// Import job states.
const (
	ImportRunning = "running"
	ImportDone    = "done"
	ImportFailed  = "failed"
)

// ImportStaleAfter: a running job whose progress has not moved for this long was interrupted (the
// server stopped mid-import, or crashed) and is shown as failed. A batch commits in seconds.
const ImportStaleAfter = 5 * time.Minute

// ImportJob is the record of one real import: its progress while it runs, updated in the
// transaction of each committed batch, and its report when it is over.
type ImportJob struct {
	ID            string        `gorm:"primaryKey" json:"id"`
	OwnerID       string        `json:"owner_id"`
	State         string        `json:"state"`
	Async         bool          `json:"async"`
	RowsTotal     int           `json:"rows_total"`
	RowsProcessed int           `json:"rows_processed"`
	Imported      int           `json:"imported"`
	Failed        int           `json:"failed"`
	Batches       int           `json:"batches"`
	BatchSize     int           `json:"batch_size"`
	Error         string        `json:"error,omitempty"`
	Report        string        `json:"-"`
	Result        *ImportReport `gorm:"-" json:"report,omitempty"`
	CreatedAt     time.Time     `json:"created_at"`
	UpdatedAt     time.Time     `json:"updated_at"`
	FinishedAt    *time.Time    `json:"finished_at"`
}

func (ImportJob) TableName() string { return "import_jobs" }

// StartImportJob records that a prepared real import starts, owned by the importing user.
func (s *Store) StartImportJob(ctx context.Context, p *PreparedImport, async bool) (*ImportJob, error) {
	if p.opt.DryRun {
		return nil, errors.New("import: a dry run has no job")
	}
	now := time.Now().UTC()
	j := &ImportJob{ID: newID(), OwnerID: p.opt.OwnerID, State: ImportRunning, Async: async, RowsTotal: p.rows,
		BatchSize: p.opt.BatchSize, CreatedAt: now, UpdatedAt: now}
	if err := s.conn(ctx).Omit("Result").Create(j).Error; err != nil {
		return nil, err
	}
	return j, nil
}

// finishImportJob records the end of a job with its report (the preview and the actor ids left out).
func (s *Store) finishImportJob(ctx context.Context, id, state, why string, rep *ImportReport, processed int) error {
	kept := *rep
	kept.Preview, kept.ActorIDs = nil, nil
	raw, _ := json.Marshal(kept)
	now := time.Now().UTC()
	return s.conn(ctx).Model(&ImportJob{}).Where("id = ?", id).Updates(map[string]any{
		"state": state, "error": why, "report": string(raw), "rows_processed": processed, "imported": rep.Imported,
		"failed": len(rep.InvalidRows), "batches": rep.Batches, "updated_at": now, "finished_at": now}).Error
}

// failStaleImports marks the running jobs without progress for ImportStaleAfter as failed: their
// import died with its server. Their committed batches stay; the counts say how many.
func (s *Store) failStaleImports(ctx context.Context) error {
	now := time.Now().UTC()
	return s.conn(ctx).Model(&ImportJob{}).Where("state = ? AND updated_at < ?", ImportRunning, now.Add(-ImportStaleAfter)).
		Updates(map[string]any{"state": ImportFailed, "finished_at": now, "updated_at": now,
			"error": "The import was interrupted (the server stopped) and made no progress since; the rows counted as imported were committed, the rest was not."}).Error
}

// ImportJobByID loads a job with its report. Who may see it is the caller's question.
func (s *Store) ImportJobByID(ctx context.Context, id string) (*ImportJob, error) {
	if err := s.failStaleImports(ctx); err != nil {
		return nil, err
	}
	var j ImportJob
	if err := s.conn(ctx).Where("id = ?", id).First(&j).Error; err != nil {
		return nil, notFound(err)
	}
	if j.Report != "" {
		j.Result = &ImportReport{}
		if err := json.Unmarshal([]byte(j.Report), j.Result); err != nil {
			return nil, fmt.Errorf("import job %s: report: %w", id, err)
		}
	}
	return &j, nil
}

// ImportJobs lists a user's jobs, newest first, without their reports.
func (s *Store) ImportJobs(ctx context.Context, ownerID string, limit int) ([]ImportJob, error) {
	if err := s.failStaleImports(ctx); err != nil {
		return nil, err
	}
	var out []ImportJob
	err := s.conn(ctx).Omit("report").Where("owner_id = ?", ownerID).Order("created_at DESC, id DESC").Limit(limit).Find(&out).Error
	return out, err
}
