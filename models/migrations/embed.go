// Package migrations embeds Crossover's versioned SQL migrations, one folder per dialect.
package migrations

import "embed"

// FS holds postgres/*.sql and sqlite/*.sql.
//
//go:embed postgres/*.sql sqlite/*.sql
var FS embed.FS
