package models

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/crossover-cci/crossover/models/migrations"
)

// MigrationState is one migration and whether it is applied.
type MigrationState struct {
	Version int64
	Name    string
	Applied bool
}

func (s *Store) migrator() (*goose.Provider, error) {
	sqlDB, err := s.db.DB()
	if err != nil {
		return nil, err
	}
	dir, dialect := "sqlite", goose.DialectSQLite3
	var opts []goose.ProviderOption
	if s.dialect == Postgres {
		dir, dialect = "postgres", goose.DialectPostgres
		// Several replicas may start at once: an advisory lock lets one of them migrate.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	sub, err := fs.Sub(migrations.FS, dir)
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(dialect, sqlDB, sub, opts...)
}

// MigrateUp applies every pending migration and returns how many ran. Running it twice is harmless.
func (s *Store) MigrateUp(ctx context.Context) (int, error) {
	p, err := s.migrator()
	if err != nil {
		return 0, err
	}
	res, err := p.Up(ctx)
	if err != nil {
		return len(res), fmt.Errorf("migrate up: %w", err)
	}
	return len(res), nil
}

// MigrateDown rolls back the latest migration.
func (s *Store) MigrateDown(ctx context.Context) error {
	p, err := s.migrator()
	if err != nil {
		return err
	}
	if _, err := p.Down(ctx); err != nil {
		return fmt.Errorf("migrate down: %w", err)
	}
	return nil
}

// MigrationStatus lists every embedded migration and whether it is applied.
func (s *Store) MigrationStatus(ctx context.Context) ([]MigrationState, error) {
	p, err := s.migrator()
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]MigrationState, 0, len(st))
	for _, m := range st {
		out = append(out, MigrationState{Version: m.Source.Version, Name: m.Source.Path, Applied: m.State == goose.StateApplied})
	}
	return out, nil
}

// SchemaBehind reports the current and latest versions when migrations are pending.
func (s *Store) SchemaBehind(ctx context.Context) (current, latest int64, behind bool, err error) {
	p, err := s.migrator()
	if err != nil {
		return 0, 0, false, err
	}
	current, latest, err = p.GetVersions(ctx)
	if err != nil {
		return 0, 0, false, err
	}
	return current, latest, current < latest, nil
}
