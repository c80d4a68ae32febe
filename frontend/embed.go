package frontend

import (
	"embed"
	"io/fs"
)

// dist holds the output of `npm run build`. The all: prefix keeps dist/.keep so the
// directive compiles on a fresh clone where the UI has not been built yet.
//
//go:embed all:dist
var dist embed.FS

// Dist returns the built UI as a file system rooted at dist/ (index.html at its top).
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		// fs.Sub fails only on an invalid path; "dist" is a constant, valid one.
		panic(err)
	}
	return sub
}

// Built reports whether the UI was built before the binary: false means only dist/.keep is embedded,
// and the server should say so instead of serving an empty page.
func Built() bool {
	_, err := fs.Stat(dist, "dist/index.html")
	return err == nil
}
