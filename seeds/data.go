package seeds

import "embed"

// dataFS holds the curated reference data. The files are the source of truth: edit
// them, not Go code, and keep a source for every fact.
//
//go:embed data/*.csv data/*.json
var dataFS embed.FS
