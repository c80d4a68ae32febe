package api

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/crossover-cci/crossover/models"
)

// taxonomy is an in-memory copy of the skills tree for autocomplete and subtree filters. It reloads
// when the stored taxonomy changes (checked at most every 30 s), e.g. after an ESCO import.
type taxonomy struct {
	store *models.Store

	mu       sync.RWMutex
	stamp    string
	checked  time.Time
	skills   []models.Skill
	bySlug   map[string]int
	children map[string][]string
	labels   []labelEntry // every label, normalised, for search
	// byNorm and words are sorted indexes into labels: whole labels, and every word start within a
	// label (after a space or hyphen), so that exact, prefix and word-prefix hits are binary searches.
	byNorm []int32
	words  []wordEntry
	// text is every normalised label joined by NUL, starts[i] where label i begins in it: one
	// strings.Index pass finds q inside words.
	text   string
	starts []int32
}

type wordEntry struct {
	suffix string // the label from a word start on
	label  int32
}

type labelEntry struct {
	norm  string
	skill int
	pref  bool
}

func newTaxonomy(store *models.Store) *taxonomy { return &taxonomy{store: store} }

// get returns a consistent snapshot, reloading it when the stored taxonomy changed.
func (t *taxonomy) get(ctx context.Context) (*taxonomy, error) {
	t.mu.RLock()
	fresh := t.skills != nil && time.Since(t.checked) < 30*time.Second
	t.mu.RUnlock()
	if fresh {
		return t, nil
	}
	stamp, err := t.store.TaxonomyStamp(ctx)
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.skills != nil && stamp == t.stamp {
		t.checked = time.Now()
		return t, nil
	}
	skills, err := t.store.Skills(ctx)
	if err != nil {
		return nil, err
	}
	t.load(skills)
	t.stamp, t.checked = stamp, time.Now()
	return t, nil
}

// invalidate forces a reload at the next get.
func (t *taxonomy) invalidate() {
	t.mu.Lock()
	t.checked = time.Time{}
	t.mu.Unlock()
}

func (t *taxonomy) load(skills []models.Skill) {
	t.skills = skills
	t.bySlug = make(map[string]int, len(skills))
	t.children = map[string][]string{}
	t.labels = t.labels[:0]
	for i, s := range skills {
		t.bySlug[s.Slug] = i
		if s.Parent != "" {
			t.children[s.Parent] = append(t.children[s.Parent], s.Slug)
		}
		t.labels = append(t.labels, labelEntry{models.NormalizeLabel(s.Label), i, true})
		for _, a := range s.AltLabels {
			t.labels = append(t.labels, labelEntry{models.NormalizeLabel(a), i, false})
		}
	}
	t.byNorm = make([]int32, len(t.labels))
	t.words = t.words[:0]
	for i, l := range t.labels {
		t.byNorm[i] = int32(i)
		for k := 1; k < len(l.norm); k++ {
			if c := l.norm[k-1]; c == ' ' || c == '-' {
				t.words = append(t.words, wordEntry{l.norm[k:], int32(i)})
			}
		}
	}
	var text strings.Builder
	t.starts = make([]int32, len(t.labels))
	for i, l := range t.labels {
		t.starts[i] = int32(text.Len())
		text.WriteString(l.norm)
		text.WriteByte(0)
	}
	t.text = text.String()
	sort.Slice(t.byNorm, func(a, b int) bool { return t.labels[t.byNorm[a]].norm < t.labels[t.byNorm[b]].norm })
	sort.Slice(t.words, func(a, b int) bool { return t.words[a].suffix < t.words[b].suffix })
}

// subtree returns slug and every descendant of it; nil when slug is unknown.
func (t *taxonomy) subtree(slug string) []string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if _, ok := t.bySlug[slug]; !ok {
		return nil
	}
	out := []string{slug}
	for i := 0; i < len(out); i++ {
		out = append(out, t.children[out[i]]...)
	}
	return out
}

// search ranks skills whose labels match q: exact label, then label prefix, then a word of the label
// starting with q, then q anywhere; preferred labels before synonyms; curated skills before ESCO ones;
// shorter labels first.
func (t *taxonomy) search(q, domain string, limit int) []models.Skill {
	t.mu.RLock()
	defer t.mu.RUnlock()
	nq := models.NormalizeLabel(q)
	type hit struct {
		skill, rank, length int
	}
	// best[skill] is 1 + the index of the skill's best hit in hits.
	best := make([]int32, len(t.skills))
	var hits []hit
	consider := func(li, rank int) {
		l := &t.labels[li]
		if domain != "" && t.skills[l.skill].Domain != domain {
			return
		}
		rank *= 2
		if !l.pref {
			rank++
		}
		h := hit{l.skill, rank, len(l.norm)}
		if b := best[l.skill]; b == 0 {
			hits = append(hits, h)
			best[l.skill] = int32(len(hits))
		} else if old := hits[b-1]; h.rank < old.rank || (h.rank == old.rank && h.length < old.length) {
			hits[b-1] = h
		}
	}
	if nq == "" {
		for li := range t.labels {
			consider(li, 4)
		}
	} else {
		lo := sort.Search(len(t.byNorm), func(i int) bool { return t.labels[t.byNorm[i]].norm >= nq })
		for i := lo; i < len(t.byNorm) && strings.HasPrefix(t.labels[t.byNorm[i]].norm, nq); i++ {
			if li := int(t.byNorm[i]); t.labels[li].norm == nq {
				consider(li, 0)
			} else {
				consider(li, 1)
			}
		}
		lo = sort.Search(len(t.words), func(i int) bool { return t.words[i].suffix >= nq })
		for i := lo; i < len(t.words) && strings.HasPrefix(t.words[i].suffix, nq); i++ {
			consider(int(t.words[i].label), 2)
		}
		// q inside a word ranks below every hit above: scan for it only when they leave room.
		if len(hits) < limit && !strings.ContainsRune(nq, 0) {
			for pos := 0; pos < len(t.text); {
				k := strings.Index(t.text[pos:], nq)
				if k < 0 {
					break
				}
				li := sort.Search(len(t.starts), func(i int) bool { return int(t.starts[i]) > pos+k }) - 1
				consider(li, 3)
				pos = int(t.starts[li]) + len(t.labels[li].norm) + 1
			}
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if a.rank != b.rank {
			return a.rank < b.rank
		}
		// The curated tree is written for this domain; ESCO enriches it. At equal rank a curated skill
		// comes first, so that "machine" finds machine learning before ESCO's "machine tools".
		if ea, eb := t.skills[a.skill].Source == "esco", t.skills[b.skill].Source == "esco"; ea != eb {
			return eb
		}
		if a.length != b.length {
			return a.length < b.length
		}
		return t.skills[a.skill].Slug < t.skills[b.skill].Slug
	})
	if len(hits) > limit {
		hits = hits[:limit]
	}
	out := make([]models.Skill, len(hits))
	for i, h := range hits {
		out[i] = t.skills[h.skill]
	}
	return out
}

func (s *Server) listSkills(c echo.Context) error {
	limit, err := queryInt(c, "limit", 20, 1, 100)
	if err != nil {
		return err
	}
	domain := c.QueryParam("domain")
	if domain != "" && domain != "ai" && domain != "cci" && domain != "transversal" {
		return models.Invalid("domain", "must be ai, cci or transversal")
	}
	if len(c.QueryParam("q")) > 200 {
		return models.Invalid("q", "must be at most 200 characters")
	}
	tax, err := s.taxonomy.get(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": tax.search(c.QueryParam("q"), domain, limit)})
}

type sectorView struct {
	Slug        string   `json:"slug"`
	Label       string   `json:"label"`
	NACE        []string `json:"nace"`
	NACEVersion string   `json:"nace_version"`
}

func (s *Server) listSectors(c echo.Context) error {
	sectors, err := s.store.Sectors(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]sectorView, len(sectors))
	for i, sec := range sectors {
		out[i] = sectorView{sec.Slug, sec.Label, sec.NACECodes(), sec.NACEVersion}
	}
	return c.JSON(http.StatusOK, map[string]any{"items": out})
}
