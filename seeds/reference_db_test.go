package seeds

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/crossover-cci/crossover/models"
)

// TestApplyReferenceInstrumentsAndDirectory: the instruments are stored fact for fact, the directory
// as unclaimed intermediaries without owner or contact, and a second run adds and changes nothing.
func TestApplyReferenceInstrumentsAndDirectory(t *testing.T) {
	ctx := context.Background()
	store := referenceStore(t)
	list, err := Instruments()
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := store.InstrumentCount(ctx); n != int64(len(list)) {
		t.Fatalf("%d instruments stored, want %d", n, len(list))
	}
	first := map[string]*models.Instrument{}
	for _, in := range list {
		got, err := store.Instrument(ctx, in.Slug)
		if err != nil {
			t.Fatalf("%s: %v", in.Slug, err)
		}
		first[in.Slug] = got
		back, ve := instrumentFromModel(*got)
		if ve.Err() != nil {
			t.Fatalf("%s: %v", in.Slug, ve)
		}
		want := in
		for _, l := range []*[]string{&want.SkillsFocus, &want.SectorsFocus} {
			*l = slices.Sorted(slices.Values(*l))
		}
		for _, l := range []*[]string{&want.OtherTypes, &back.OtherTypes, &want.SkillsFocus, &want.SectorsFocus, &back.SkillsFocus, &back.SectorsFocus} {
			if *l == nil {
				*l = []string{}
			}
		}
		wj, _ := json.Marshal(want)
		bj, _ := json.Marshal(back)
		if string(wj) != string(bj) {
			t.Errorf("%s stored differently:\n got %s\nwant %s", in.Slug, bj, wj)
		}
		if got.Version != 1 || got.CreatedBy != nil {
			t.Errorf("%s: version %d, created_by %v", in.Slug, got.Version, got.CreatedBy)
		}
	}
	entries, _ := Directory()
	actors, _, err := store.ListActors(ctx, models.ActorFilter{Kind: "intermediary", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	dir := 0
	for _, a := range actors {
		if a.Source != "directory" {
			continue
		}
		dir++
		if a.OwnerID != nil || a.Claimed || a.ContactEmail != "" || a.ContactPhone != "" {
			t.Errorf("%s: owner %v claimed %v contact %q %q", a.Name, a.OwnerID, a.Claimed, a.ContactEmail, a.ContactPhone)
		}
	}
	if dir != len(entries) {
		t.Fatalf("%d directory actors, want %d", dir, len(entries))
	}

	if err := ApplyReference(ctx, store); err != nil {
		t.Fatal(err)
	}
	if n, _ := store.InstrumentCount(ctx); n != int64(len(list)) {
		t.Errorf("re-run: %d instruments", n)
	}
	for slug, before := range first {
		after, _ := store.Instrument(ctx, slug)
		if !reflect.DeepEqual(after, before) {
			t.Errorf("re-run changed %s", slug)
		}
	}
	again, _, _ := store.ListActors(ctx, models.ActorFilter{Kind: "intermediary", Limit: 100})
	if len(again) != len(actors) {
		t.Errorf("re-run: %d intermediaries, had %d", len(again), len(actors))
	}
}
