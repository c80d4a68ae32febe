package matching

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseUUID(t *testing.T) {
	for _, id := range []string{"01a21e47-1221-7ee2-9d0e-ef0f256b2a97", "00000000-0000-0000-0000-000000000000",
		"ffffffff-ffff-ffff-ffff-ffffffffffff"} {
		k, ok := parseUUID(id)
		if !ok || formatUUID(k) != id {
			t.Errorf("%s: ok %v, back %s", id, ok, formatUUID(k))
		}
	}
	for _, id := range []string{"", "act-0000001", "01A21E47-1221-7EE2-9D0E-EF0F256B2A97", // upper case: kept as a string
		"01a21e47-1221-7ee2-9d0e-ef0f256b2a9", "01a21e47-1221-7ee2-9d0e-ef0f256b2a970", "01a21e4711221-7ee2-9d0e-ef0f256b2a97",
		"01a21e47-1221-7ee2-9d0e-ef0f256b2a9g", "{1a21e47-1221-7ee2-9d0e-ef0f256b2a97"} {
		if _, ok := parseUUID(id); ok {
			t.Errorf("%q taken for a canonical UUID", id)
		}
	}
}

// TestUUIDIDsSameResults: an index whose IDs are UUIDs (16-byte keys) and other strings mixed
// ranks exactly as one holding the same actors under string IDs that sort the same way: same
// lists, same tie order, same exclusions, through updates and removals.
func TestUUIDIDsSameResults(t *testing.T) {
	tax, err := NewTaxonomy(SyntheticTaxonomy(5))
	if err != nil {
		t.Fatal(err)
	}
	plain := Synthetic(1500, 5, tax.Skills())
	mapped := make([]Actor, len(plain))
	toUUID, back := map[string]string{}, map[string]string{}
	for i, a := range plain {
		id := SyntheticUUID(i + 1) // sorts as act-%07d does
		if i%7 == 3 {
			id += "x" // not a UUID: the string path, in the same order
		}
		toUUID[a.ID], back[id] = id, a.ID
		a.ID = id
		mapped[i] = a
	}
	ixA, ixB := NewIndex(tax, Options{}), NewIndex(tax, Options{})
	ixA.UpsertMany(plain)
	ixB.UpsertMany(mapped)
	for i := 0; i < len(plain); i += 50 {
		ixA.SetExcluded(plain[i].ID, plain[i+1].ID, true)
		ixB.SetExcluded(mapped[i].ID, mapped[i+1].ID, true)
	}
	for i := 0; i < len(plain); i += 97 {
		ixA.Remove(plain[i].ID)
		ixB.Remove(mapped[i].ID)
		a, b := plain[i+1], mapped[i+1]
		a.Needs, b.Needs = append(a.Needs, Need{Skill: "computer-vision"}), append(b.Needs, Need{Skill: "computer-vision"})
		ixA.Upsert(a)
		ixB.Upsert(b)
	}
	if ixA.Len() != ixB.Len() {
		t.Fatalf("Len %d vs %d", ixA.Len(), ixB.Len())
	}
	for i := 1; i < len(plain); i += 13 {
		for _, k := range []int{5, 50} {
			qa := Query{ActorID: plain[i].ID, Limit: k}
			qb := Query{ActorID: mapped[i].ID, Limit: k}
			ra, errA := ixA.MatchExact(qa)
			rb, errB := ixB.MatchExact(qb)
			if (errA == nil) != (errB == nil) {
				t.Fatalf("%s: errors %v vs %v", plain[i].ID, errA, errB)
			}
			for j := range rb {
				if strings.HasPrefix(rb[j].ActorID, "act-") {
					t.Fatalf("unmapped ID %s", rb[j].ActorID)
				}
				rb[j].ActorID = back[rb[j].ActorID]
			}
			if !reflect.DeepEqual(ra, rb) {
				t.Fatalf("%s k=%d: results differ\n plain %v\n uuid  %v", plain[i].ID, k, ra, rb)
			}
			bf, _ := ixB.BruteForce(qb)
			for j := range bf {
				bf[j].ActorID = back[bf[j].ActorID]
			}
			if errB == nil && !reflect.DeepEqual(stripReasons(rb), stripReasons(bf)) {
				t.Fatalf("%s k=%d: pruned and brute force differ on UUID IDs", plain[i].ID, k)
			}
		}
	}
	if _, err := ixB.MatchExact(Query{ActorID: mapped[0].ID}); err != ErrUnknownActor {
		t.Errorf("a removed UUID actor: %v", err)
	}
}

func stripReasons(rs []Result) []Result {
	out := make([]Result, len(rs))
	for i, r := range rs {
		r.Reasons = nil
		out[i] = r
	}
	return out
}
