package seeds

import "testing"

func TestDirectory(t *testing.T) {
	entries, err := Directory()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, d := range entries {
		names[d.Slug] = true
	}
	// The networks the policy recommendations name.
	for _, slug := range []string{"de-effenaar", "lorentz-center", "cwi", "creativity-works", "ai-builders-club",
		"mozilla-builders-responsible-ai-challenge", "nl-ai-coalition", "starts", "eit-culture-creativity"} {
		if !names[slug] {
			t.Errorf("directory lacks %s", slug)
		}
	}
	if len(entries) < 15 {
		t.Errorf("%d directory entries", len(entries))
	}
}
