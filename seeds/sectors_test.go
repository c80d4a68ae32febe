package seeds

import "testing"

func TestSectors(t *testing.T) {
	sectors, err := Sectors()
	if err != nil {
		t.Fatal(err)
	}
	bySlug := map[string]Sector{}
	regulation := 0
	for _, s := range sectors {
		bySlug[s.Slug] = s
		if s.NACEVersion != NACEVersion2 {
			t.Errorf("%s: nace_version %q", s.Slug, s.NACEVersion)
		}
		if s.Basis == BasisRegulation {
			regulation++
		}
	}
	for _, slug := range []string{"architecture", "archives-libraries", "museums", "heritage", "artistic-crafts",
		"audiovisual", "film", "games", "design", "fashion", "festivals", "music", "literature", "performing-arts",
		"publishing", "radio", "visual-arts", "news-media", "advertising", "cultural-education", "translation", "television"} {
		if _, ok := bySlug[slug]; !ok {
			t.Errorf("sector %s missing", slug)
		}
	}
	if regulation < 13 {
		t.Errorf("%d sectors carry the Regulation (EU) 2021/818 basis, want all 13 domains covered", regulation)
	}
	if got := bySlug["music"].NACE; len(got) == 0 || got[0] != "59.20" {
		t.Errorf("music NACE = %v", got)
	}
}
