package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect names the database behind a Store.
type Dialect string

const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// DBConfig says which database to open. An empty URL means the embedded SQLite file in DataDir.
type DBConfig struct {
	URL           string
	DataDir       string
	MaxOpenConns  int
	SlowThreshold time.Duration
	Logger        *slog.Logger
}

// ParseDialect checks a DATABASE_URL and says which dialect it names.
func ParseDialect(rawURL string) (Dialect, error) {
	if rawURL == "" {
		return SQLite, nil
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", fmt.Errorf("DATABASE_URL is not a URL: %v", err)
	}
	switch u.Scheme {
	case "postgres", "postgresql":
		return Postgres, nil
	case "sqlite", "file":
		return SQLite, nil
	}
	return "", fmt.Errorf("DATABASE_URL has unknown scheme %q: use postgres://… or leave it unset for the embedded SQLite file", u.Scheme)
}

// Open connects to the configured database and returns a Store on it. It does not migrate.
func Open(ctx context.Context, cfg DBConfig) (*Store, error) {
	dialect, err := ParseDialect(cfg.URL)
	if err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	slow := cfg.SlowThreshold
	if slow == 0 {
		slow = 200 * time.Millisecond
	}
	gcfg := &gorm.Config{
		TranslateError:         true,
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Now().UTC() },
		Logger: logger.NewSlogLogger(log, logger.Config{
			SlowThreshold:             slow,
			LogLevel:                  logger.Warn,
			IgnoreRecordNotFoundError: true,
			ParameterizedQueries:      true,
		}),
	}
	var db *gorm.DB
	var path string
	switch dialect {
	case Postgres:
		db, err = gorm.Open(postgres.Open(cfg.URL), gcfg)
	case SQLite:
		path, err = sqlitePath(cfg)
		if err != nil {
			return nil, err
		}
		// WAL for concurrent readers, a busy timeout instead of "database is locked", foreign keys on.
		dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
		db, err = gorm.Open(sqlite.Open(dsn), gcfg)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	switch dialect {
	case Postgres:
		n := cfg.MaxOpenConns
		if n <= 0 {
			n = 20
		}
		sqlDB.SetMaxOpenConns(n)
		sqlDB.SetMaxIdleConns(n)
		sqlDB.SetConnMaxLifetime(30 * time.Minute)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	case SQLite:
		// One writer at a time is what SQLite does anyway; a small pool keeps readers concurrent.
		sqlDB.SetMaxOpenConns(8)
		sqlDB.SetConnMaxLifetime(0)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("connect to %s database: %w", dialect, err)
	}
	return &Store{db: db, dialect: dialect, path: path, log: log, users: newUserCache()}, nil
}

func sqlitePath(cfg DBConfig) (string, error) {
	if strings.HasPrefix(cfg.URL, "sqlite://") {
		return strings.TrimPrefix(cfg.URL, "sqlite://"), nil
	}
	if strings.HasPrefix(cfg.URL, "file:") {
		return strings.TrimPrefix(cfg.URL, "file:"), nil
	}
	dir := cfg.DataDir
	if dir == "" {
		dir = "data"
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", fmt.Errorf("create data dir %s: %w", dir, err)
	}
	return filepath.Join(dir, "crossover.db"), nil
}

// Store is Crossover's data access: every query of the product goes through its methods.
type Store struct {
	db      *gorm.DB
	dialect Dialect
	path    string
	log     *slog.Logger
	hooks   []func(Change)
	hash    *HashParams
	users   *userCache
	links   string // absolute base of links in e-mails (the public URL); empty: links stay relative
}

// Dialect says which database the store is on.
func (s *Store) Dialect() Dialect { return s.dialect }

// Path is the SQLite file, empty on PostgreSQL.
func (s *Store) Path() string { return s.path }

// SQLDB exposes the connection pool for migrations and pool metrics.
func (s *Store) SQLDB() (*sql.DB, error) { return s.db.DB() }

// Close closes the pool.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

type txKey struct{}

// InTx runs fn in one transaction: every Store method called with the ctx it is given joins it.
// An error from fn rolls everything back.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return fn(ctx)
	}
	w := &txWrites{}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return fn(context.WithValue(context.WithValue(ctx, txKey{}, tx), txWritesKey{}, w))
	})
	if err == nil {
		s.afterCommit(w)
	}
	return err
}

// txWrites records what an outermost transaction wrote that in-process readers cache or follow, so
// that they hear of it once it has committed, never before (a reader that refilled a cache between
// the write and the commit would keep the old row).
type txWrites struct{ changes, users bool }

type txWritesKey struct{}

// wrote marks a write: inside a transaction it is announced when the outermost one commits,
// outside one it has committed already and is announced now.
func (s *Store) wrote(ctx context.Context, mark func(*txWrites)) {
	if w, ok := ctx.Value(txWritesKey{}).(*txWrites); ok {
		mark(w)
		return
	}
	w := &txWrites{}
	mark(w)
	s.afterCommit(w)
}

func (s *Store) afterCommit(w *txWrites) {
	if w.users {
		s.users.invalidate()
	}
	if w.changes {
		s.committed()
	}
}

// conn is where every query starts: the transaction in ctx, or the pool.
func (s *Store) conn(ctx context.Context) *gorm.DB {
	if tx, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return tx.WithContext(ctx)
	}
	return s.db.WithContext(ctx)
}

// notFound turns gorm's not-found into the domain's.
func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return err
}

// Exec runs one statement outside any model: schema administration in tests and tools only.
func (s *Store) Exec(ctx context.Context, sql string, args ...any) error {
	return s.conn(ctx).Exec(sql, args...).Error
}

func strconvI(n int64) string { return strconv.FormatInt(n, 10) }
