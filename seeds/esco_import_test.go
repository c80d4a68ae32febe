package seeds

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/crossover-cci/crossover/models"
	"github.com/crossover-cci/crossover/models/dbtest"
)

func referenceStore(t *testing.T) *models.Store {
	t.Helper()
	store := dbtest.New(t)
	if err := ApplyReference(context.Background(), store); err != nil {
		t.Fatal(err)
	}
	return store
}

func storedSkills(t *testing.T, store *models.Store) []models.Skill {
	t.Helper()
	skills, err := store.Skills(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return skills
}

func TestImportESCOFixture(t *testing.T) {
	ctx := context.Background()
	store := referenceStore(t)
	before := storedSkills(t, store)
	st, err := ImportESCO(ctx, store, []string{fixture("good")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The fixture links to no curated skill: its 3 skills and 2 groups minus the pillar-less root all come in.
	if st.Added() != int64(st.ESCOMergeStats.Added) || st.Added() == 0 {
		t.Fatalf("stats = %+v", st)
	}
	after := storedSkills(t, store)
	if len(after) != len(before)+int(st.Added()) {
		t.Fatalf("%d skills stored, want %d", len(after), len(before)+int(st.Added()))
	}
	for _, s := range after {
		if s.EscoURI != "" && strings.Contains(s.EscoURI, "00000000-0000-4000-8000") && s.Source != "esco" {
			t.Errorf("%s imported with source %q", s.Slug, s.Source)
		}
	}
}

// TestImportESCOMalformedChangesNothing: a broken file stops the import with file, line and reason,
// before anything is written.
func TestImportESCOMalformedChangesNothing(t *testing.T) {
	ctx := context.Background()
	store := referenceStore(t)
	before := storedSkills(t, store)
	for _, dir := range []string{"bad-quote", "bad-fields", "bad-uri", "bad-relation", "missing-column", "no-skills"} {
		_, err := ImportESCO(ctx, store, []string{fixture(dir)}, nil)
		if err == nil {
			t.Fatalf("%s: imported without error", dir)
		}
		if dir != "no-skills" && !strings.Contains(err.Error(), ".csv") {
			t.Errorf("%s: error does not name the file: %v", dir, err)
		}
		if dir != "no-skills" && dir != "missing-column" && !strings.Contains(err.Error(), "line ") {
			t.Errorf("%s: error does not name the line: %v", dir, err)
		}
		if after := storedSkills(t, store); !reflect.DeepEqual(after, before) {
			t.Fatalf("%s: the taxonomy changed (%d → %d skills)", dir, len(before), len(after))
		}
	}
}

// cancelAfter is a progress writer that cancels the import once it has stored a first chunk.
type cancelAfter struct {
	mu     sync.Mutex
	cancel context.CancelFunc
}

func (c *cancelAfter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if strings.Contains(string(p), "skills stored") {
		c.cancel()
	}
	return len(p), nil
}

// TestImportESCOReal imports the real ESCO package: at least 13,000 skills with their hierarchy,
// idempotent, and all or nothing.
func TestImportESCOReal(t *testing.T) {
	dir := escoDir(t)
	paths := []string{filepath.Join(dir, escoClassificationZip), filepath.Join(dir, "esco-v1.1.1-relations-csv.zip")}
	ctx := context.Background()
	store := referenceStore(t)
	curated := storedSkills(t, store)

	// A write that fails half-way leaves the taxonomy as it was: one transaction.
	cctx, cancel := context.WithCancel(ctx)
	_, err := ImportESCO(cctx, store, paths, &cancelAfter{cancel: cancel})
	cancel()
	if err == nil || !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled import: err = %v", err)
	}
	if after := storedSkills(t, store); !reflect.DeepEqual(after, curated) {
		t.Fatalf("a cancelled import left %d skills (had %d)", len(after), len(curated))
	}

	st, err := ImportESCO(ctx, store, paths, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.After < 13000 || st.ESCOSkills < 13000 || st.Added() < 13000 {
		t.Fatalf("imported too little: %+v", st)
	}
	skills := storedSkills(t, store)
	bySlug := map[string]models.Skill{}
	for _, s := range skills {
		bySlug[s.Slug] = s
	}
	esco, withParent, deep := 0, 0, 0
	for _, s := range skills {
		if s.Source != "esco" {
			continue
		}
		esco++
		if s.EscoURI == "" {
			t.Fatalf("%s: ESCO skill without URI", s.Slug)
		}
		if s.Parent == "" {
			continue
		}
		withParent++
		p, ok := bySlug[s.Parent]
		if !ok {
			t.Fatalf("%s: parent %s is not stored", s.Slug, s.Parent)
		}
		if p.Parent != "" {
			deep++
		}
	}
	if esco < 13000 || withParent < esco*9/10 || deep < 1000 {
		t.Errorf("hierarchy: %d ESCO skills, %d with a parent, %d at depth ≥ 3", esco, withParent, deep)
	}
	// Curated skills linked to ESCO keep their slug and source and gain ESCO's synonyms.
	if ml := bySlug["machine-learning"]; ml.Source != "curated" || ml.Label != "Machine learning" {
		t.Errorf("machine-learning after import = %+v", ml)
	}

	again, err := ImportESCO(ctx, store, paths, nil)
	if err != nil {
		t.Fatal(err)
	}
	if again.Added() != 0 {
		t.Errorf("re-run added %d skills", again.Added())
	}
	if rerun := storedSkills(t, store); !reflect.DeepEqual(rerun, skills) {
		t.Error("re-running the import changed the taxonomy")
	}

	// A malformed file on top of the imported taxonomy changes nothing either.
	if _, err := ImportESCO(ctx, store, []string{fixture("bad-quote")}, nil); err == nil {
		t.Fatal("malformed fixture imported")
	}
	if n, _ := store.SkillCount(ctx); n != st.After {
		t.Errorf("after a failed import: %d skills, want %d", n, st.After)
	}
}
