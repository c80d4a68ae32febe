package seeds

import (
	"archive/zip"
	"bytes"
	"crypto/sha1"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// ESCOSkill is one ESCO skill or skill group as read from the CSV package.
type ESCOSkill struct {
	URI            string
	PreferredLabel string
	AltLabels      []string
	SkillType      string // "skill/competence" or "knowledge"; "" for groups
	ReuseLevel     string // "transversal", "cross-sector", "sector-specific", "occupation-specific"; "" for groups
	Description    string
	Code           string // group code such as "S1.13"; "" for skills
}

// ESCOBroader says that Concept sits under Broader (a skill under a skill or group,
// a group under a group).
type ESCOBroader struct {
	ConceptURI, ConceptType string
	BroaderURI, BroaderType string
}

// ESCOPackage is what ReadESCO found.
type ESCOPackage struct {
	Skills  []ESCOSkill   // from skills_<lang>.csv
	Groups  []ESCOSkill   // from skillGroups_<lang>.csv, when present
	Broader []ESCOBroader // from broaderRelationsSkillPillar.csv, else derived from skillsHierarchy_<lang>.csv
	// HierarchySource names the file the Broader relations came from.
	HierarchySource string
}

var (
	escoSkillsFile    = regexp.MustCompile(`^skills_[a-z]{2}\.csv$`)
	escoGroupsFile    = regexp.MustCompile(`^skillGroups_[a-z]{2}\.csv$`)
	escoHierarchyFile = regexp.MustCompile(`^skillsHierarchy_[a-z]{2}\.csv$`)
	escoBroaderFile   = regexp.MustCompile(`^broaderRelationsSkillPillar(_[a-z]{2})?\.csv$`)
)

// escoFile is a CSV found in a zip or a folder, opened on demand.
type escoFile struct {
	name string // shown in messages: "pkg.zip:skills_en.csv" or a path
	open func() (io.ReadCloser, error)
}

// ReadESCO reads the official ESCO CSV package: the classification zip, the
// classification zip plus the relations zip, or a folder holding the extracted CSV
// files (searched recursively). It reports progress to progress (nil: silent). A
// malformed file stops it with an error naming the file, the line and the reason.
func ReadESCO(paths []string, progress io.Writer) (*ESCOPackage, error) {
	if progress == nil {
		progress = io.Discard
	}
	if len(paths) == 0 {
		return nil, errors.New("esco: no path given (pass the classification zip, optionally the relations zip, or an extracted folder)")
	}
	files := map[string]escoFile{}
	var closers []io.Closer
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("esco: %w", err)
		}
		switch {
		case info.IsDir():
			err = filepath.WalkDir(p, func(fp string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if !d.IsDir() && strings.HasSuffix(d.Name(), ".csv") {
					addESCOFile(files, d.Name(), escoFile{fp, func() (io.ReadCloser, error) { return os.Open(fp) }})
				}
				return nil
			})
			if err != nil {
				return nil, fmt.Errorf("esco: %w", err)
			}
		case strings.EqualFold(filepath.Ext(p), ".zip"):
			zr, err := zip.OpenReader(p)
			if err != nil {
				return nil, fmt.Errorf("esco: %s: %w", p, err)
			}
			closers = append(closers, zr)
			for _, f := range zr.File {
				if f.FileInfo().IsDir() || !strings.HasSuffix(f.Name, ".csv") {
					continue
				}
				addESCOFile(files, path.Base(f.Name), escoFile{filepath.Base(p) + ":" + f.Name, f.Open})
			}
		default:
			return nil, fmt.Errorf("esco: %s is neither a .zip nor a folder", p)
		}
	}

	find := func(re *regexp.Regexp) (escoFile, bool) {
		// Prefer English when several languages are present; otherwise the first by name.
		var names []string
		for n := range files {
			if re.MatchString(n) {
				names = append(names, n)
			}
		}
		if len(names) == 0 {
			return escoFile{}, false
		}
		sort.Slice(names, func(i, j int) bool {
			ei, ej := strings.Contains(names[i], "_en"), strings.Contains(names[j], "_en")
			if ei != ej {
				return ei
			}
			return names[i] < names[j]
		})
		return files[names[0]], true
	}

	pkg := &ESCOPackage{}
	skillsFile, ok := find(escoSkillsFile)
	if !ok {
		return nil, fmt.Errorf("esco: no skills_<lang>.csv in %s: pass the ESCO classification package (CSV)", strings.Join(paths, ", "))
	}
	var err error
	if pkg.Skills, err = readESCOConcepts(skillsFile, "skills", progress); err != nil {
		return nil, err
	}
	if f, ok := find(escoGroupsFile); ok {
		if pkg.Groups, err = readESCOConcepts(f, "skill groups", progress); err != nil {
			return nil, err
		}
	}
	if f, ok := find(escoBroaderFile); ok {
		pkg.Broader, err = readESCOBroader(f, progress)
		pkg.HierarchySource = f.name
	} else if f, ok := find(escoHierarchyFile); ok {
		pkg.Broader, err = readESCOHierarchy(f, progress)
		pkg.HierarchySource = f.name
	} else {
		fmt.Fprintln(progress, "esco: no broaderRelationsSkillPillar.csv or skillsHierarchy file: importing skills without hierarchy")
	}
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(progress, "esco: %d skills, %d skill groups, %d broader relations\n", len(pkg.Skills), len(pkg.Groups), len(pkg.Broader))
	return pkg, nil
}

func addESCOFile(files map[string]escoFile, base string, f escoFile) {
	if _, dup := files[base]; !dup {
		files[base] = f
	}
}

// csvTable reads a CSV file with a header, strictly: every row must have as many
// fields as the header. Errors name the file and line.
type csvTable struct {
	file escoFile
	rc   io.ReadCloser
	r    *csv.Reader
	col  map[string]int
}

func openCSV(f escoFile, required ...string) (*csvTable, error) {
	rc, err := f.open()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.name, err)
	}
	r := csv.NewReader(&bomSkipper{r: rc})
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		rc.Close()
		if err == io.EOF {
			return nil, fmt.Errorf("%s: line 1: empty file, expected a header", f.name)
		}
		return nil, csvError(f.name, err)
	}
	r.FieldsPerRecord = len(header)
	t := &csvTable{file: f, rc: rc, r: r, col: map[string]int{}}
	for i, h := range header {
		t.col[strings.TrimSpace(h)] = i
	}
	for _, c := range required {
		if _, ok := t.col[c]; !ok {
			rc.Close()
			return nil, fmt.Errorf("%s: line 1: missing column %q (header: %s)", f.name, c, strings.Join(header, ","))
		}
	}
	return t, nil
}

// next returns the next record and its first line, io.EOF at the end.
func (t *csvTable) next() ([]string, int, error) {
	rec, err := t.r.Read()
	if err == io.EOF {
		return nil, 0, io.EOF
	}
	if err != nil {
		return nil, 0, csvError(t.file.name, err)
	}
	line, _ := t.r.FieldPos(0)
	return rec, line, nil
}

func (t *csvTable) get(rec []string, col string) string {
	if i, ok := t.col[col]; ok && i < len(rec) {
		return strings.TrimSpace(rec[i])
	}
	return ""
}

func (t *csvTable) close() { t.rc.Close() }

func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: line %d: %w", name, pe.Line, pe.Err)
	}
	return fmt.Errorf("%s: %w", name, err)
}

const escoURIPrefix = "http://data.europa.eu/esco/"

func readESCOConcepts(f escoFile, what string, progress io.Writer) ([]ESCOSkill, error) {
	t, err := openCSV(f, "conceptUri", "preferredLabel")
	if err != nil {
		return nil, err
	}
	defer t.close()
	fmt.Fprintf(progress, "esco: reading %s from %s\n", what, f.name)
	var out []ESCOSkill
	seen := map[string]int{}
	for {
		rec, line, err := t.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		s := ESCOSkill{
			URI:            t.get(rec, "conceptUri"),
			PreferredLabel: t.get(rec, "preferredLabel"),
			AltLabels:      splitLabels(t.get(rec, "altLabels")),
			SkillType:      t.get(rec, "skillType"),
			ReuseLevel:     t.get(rec, "reuseLevel"),
			Description:    t.get(rec, "description"),
			Code:           t.get(rec, "code"),
		}
		switch {
		case !strings.HasPrefix(s.URI, escoURIPrefix):
			return nil, fmt.Errorf("%s: line %d: conceptUri %q is not an ESCO URI", f.name, line, s.URI)
		case s.PreferredLabel == "":
			return nil, fmt.Errorf("%s: line %d: %s has no preferredLabel", f.name, line, s.URI)
		}
		if first, dup := seen[s.URI]; dup {
			return nil, fmt.Errorf("%s: line %d: conceptUri %s repeats line %d", f.name, line, s.URI, first)
		}
		seen[s.URI] = line
		out = append(out, s)
		if len(out)%5000 == 0 {
			fmt.Fprintf(progress, "esco:   %d %s\n", len(out), what)
		}
	}
	fmt.Fprintf(progress, "esco:   %d %s read\n", len(out), what)
	return out, nil
}

// splitLabels splits ESCO's newline-separated label list, dropping blanks and repeats.
func splitLabels(s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}

func readESCOBroader(f escoFile, progress io.Writer) ([]ESCOBroader, error) {
	t, err := openCSV(f, "conceptUri", "broaderUri")
	if err != nil {
		return nil, err
	}
	defer t.close()
	fmt.Fprintf(progress, "esco: reading broader relations from %s\n", f.name)
	var out []ESCOBroader
	for {
		rec, line, err := t.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		b := ESCOBroader{
			ConceptURI: t.get(rec, "conceptUri"), ConceptType: t.get(rec, "conceptType"),
			BroaderURI: t.get(rec, "broaderUri"), BroaderType: t.get(rec, "broaderType"),
		}
		if !strings.HasPrefix(b.ConceptURI, escoURIPrefix) || !strings.HasPrefix(b.BroaderURI, escoURIPrefix) {
			return nil, fmt.Errorf("%s: line %d: conceptUri %q and broaderUri %q must both be ESCO URIs", f.name, line, b.ConceptURI, b.BroaderURI)
		}
		if b.ConceptURI == b.BroaderURI {
			return nil, fmt.Errorf("%s: line %d: %s is its own broader concept", f.name, line, b.ConceptURI)
		}
		out = append(out, b)
		if len(out)%10000 == 0 {
			fmt.Fprintf(progress, "esco:   %d relations\n", len(out))
		}
	}
	fmt.Fprintf(progress, "esco:   %d broader relations read\n", len(out))
	return out, nil
}

// readESCOHierarchy derives group-to-group relations from skillsHierarchy_<lang>.csv
// (columns "Level 0 URI" … "Level 3 URI"): each level sits under the one before it.
func readESCOHierarchy(f escoFile, progress io.Writer) ([]ESCOBroader, error) {
	t, err := openCSV(f, "Level 0 URI", "Level 1 URI")
	if err != nil {
		return nil, err
	}
	defer t.close()
	// ESCO writes this file with short rows (trailing empty columns left out), so
	// unlike the other files it is read with a variable number of fields.
	t.r.FieldsPerRecord = -1
	fmt.Fprintf(progress, "esco: no relations file; deriving the skill-group hierarchy from %s\n", f.name)
	var out []ESCOBroader
	seen := map[[2]string]bool{}
	for {
		rec, line, err := t.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		prev := ""
		for level := 0; level <= 3; level++ {
			uri := t.get(rec, fmt.Sprintf("Level %d URI", level))
			if uri == "" {
				break
			}
			if !strings.HasPrefix(uri, escoURIPrefix) {
				return nil, fmt.Errorf("%s: line %d: Level %d URI %q is not an ESCO URI", f.name, line, level, uri)
			}
			// A row that repeats a concept at the next level names no relation (a concept is never its own broader).
			if prev != "" && uri != prev && !seen[[2]string{uri, prev}] {
				seen[[2]string{uri, prev}] = true
				out = append(out, ESCOBroader{ConceptURI: uri, ConceptType: "SkillGroup", BroaderURI: prev, BroaderType: "SkillGroup"})
			}
			prev = uri
		}
	}
	fmt.Fprintf(progress, "esco:   %d broader relations derived\n", len(out))
	return out, nil
}

// bomSkipper drops a leading UTF-8 byte order mark, which some ESCO exports carry.
type bomSkipper struct {
	r       io.Reader
	checked bool
}

func (b *bomSkipper) Read(p []byte) (int, error) {
	if !b.checked {
		b.checked = true
		head := make([]byte, 3)
		n, err := io.ReadFull(b.r, head)
		head = head[:n]
		if !bytes.Equal(head, []byte{0xEF, 0xBB, 0xBF}) {
			b.r = io.MultiReader(bytes.NewReader(head), b.r)
		}
		if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
			return 0, err
		}
	}
	return b.r.Read(p)
}

var (
	escoUUIDRe  = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	nonSlugRune = regexp.MustCompile(`[^a-z0-9]+`)
)

// ESCOSlug returns the taxonomy slug of an imported ESCO concept. It depends on the
// URI only (labels change between ESCO versions), starts with "esco-", which curated
// slugs never do, and is unique across the package: the first 12 hex digits of the
// concept's UUID ("esco-0005c1515b5a"), or the readable code of URIs without one
// ("esco-isced-f-0000", "esco-s1-1-1"). label is used only when the URI carries no
// identifier at all.
func ESCOSlug(uri, label string) string {
	rest := strings.TrimPrefix(strings.TrimSpace(uri), escoURIPrefix)
	id := rest[strings.LastIndex(rest, "/")+1:]
	if escoUUIDRe.MatchString(strings.ToLower(id)) {
		return "esco-" + strings.ReplaceAll(strings.ToLower(id), "-", "")[:12]
	}
	if rest != "" && rest != strings.TrimSpace(uri) {
		// Non-UUID identifiers: keep the kind for ISCED and other schemes, drop the generic "skill/".
		code := strings.TrimPrefix(rest, "skill/")
		if s := strings.Trim(nonSlugRune.ReplaceAllString(strings.ToLower(code), "-"), "-"); s != "" {
			return "esco-" + s
		}
	}
	sum := sha1.Sum([]byte(uri))
	base := strings.Trim(nonSlugRune.ReplaceAllString(strings.ToLower(label), "-"), "-")
	if len(base) > 40 {
		base = strings.Trim(base[:40], "-")
	}
	if base == "" {
		return "esco-" + hex.EncodeToString(sum[:6])
	}
	return "esco-" + base + "-" + hex.EncodeToString(sum[:4])
}
