package matching

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite matching/testdata golden files")

// TestGolden pins the ranking, scores and reasons of a fixed scenario: a change in scoring shows
// up as a diff in testdata/golden.json (go test ./matching -run Golden -update rewrites it).
func TestGolden(t *testing.T) {
	tax, err := NewTaxonomy(SyntheticTaxonomy(11))
	if err != nil {
		t.Fatal(err)
	}
	actors := Synthetic(400, 11, tax.Skills())
	ix := NewIndex(tax, Options{})
	ix.UpsertMany(actors)
	type golden struct {
		Query   Query
		Results []Result
	}
	var out []golden
	for i := 0; i < len(actors); i += 57 {
		q := Query{ActorID: actors[i].ID, Kind: Counterpart(actors[i].Kind), Limit: 3, Explain: true}
		res, err := ix.MatchExact(q)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, golden{q, res})
	}
	got, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "golden.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("results differ from %s; if the change is intended, rerun with -update and review the diff", path)
	}
}
