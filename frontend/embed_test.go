package frontend

import (
	"io/fs"
	"testing"
)

// The embedded tree is rooted at dist/: index.html at the top once built, never a "dist/" prefix.
func TestDistRootedAtDist(t *testing.T) {
	d := Dist()
	if _, err := fs.Stat(d, "dist"); err == nil {
		t.Fatal("Dist() still has a dist/ directory at its root")
	}
	_, err := fs.Stat(d, "index.html")
	if Built() != (err == nil) {
		t.Fatalf("Built() = %v but index.html stat error = %v", Built(), err)
	}
	if !Built() {
		if _, err := fs.Stat(d, ".keep"); err != nil {
			t.Fatalf("unbuilt UI should still embed .keep: %v", err)
		}
	}
}
