// Command crossover is the whole Crossover platform in one binary: the API and web UI server and the
// commands that migrate, seed and inspect its database.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"go.opentelemetry.io/otel"

	"github.com/crossover-cci/crossover/api"
	"github.com/crossover-cci/crossover/matching"
	"github.com/crossover-cci/crossover/models"
	"github.com/crossover-cci/crossover/seeds"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "crossover:", err)
		}
		os.Exit(1)
	}
}

const usage = `crossover — AI-skills matchmaking for the cultural and creative industries

Usage: crossover <command> [flags]

Commands:
  serve          run the API and web UI (--addr, --migrate, --demo)
  migrate        up | down | status of the database schema
  seed           load reference data (--demo adds demo users and actors; --synthetic N --rand-seed S adds N synthetic actors)
  import-esco    PATH [PATH]: merge an ESCO CSV package (zip, zip + relations zip, or folder) into the taxonomy
  user           promote EMAIL --role admin|intermediary|member
  bench          engine | quality: measure the matching engine; http: load a running server (see docs/PERFORMANCE.md)
  healthcheck    GET /healthz on 127.0.0.1 and the port of CROSSOVER_ADDR; exit 0 when it answers 200
                 (the container HEALTHCHECK: distroless has no curl) (--addr, --path)
  report         --year 2026 [--out FILE]: the observatory's yearly report as one self-contained HTML file
  version        print the version
  help           this text

Configuration comes from the environment (see README.md): CROSSOVER_ADDR, DATABASE_URL,
CROSSOVER_DATA_DIR, CROSSOVER_JWT_SECRET, CROSSOVER_LOG_FORMAT, CROSSOVER_TRUSTED_PROXIES, …;
OTEL_EXPORTER_OTLP_ENDPOINT turns OpenTelemetry tracing on (docs/OPERATIONS.md).
`

// run is the whole program; main only wires it to the process.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return errors.New("no command given")
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, cfg, rest, stdout)
	case "migrate":
		return cmdMigrate(ctx, cfg, rest, stdout)
	case "seed":
		return cmdSeed(ctx, cfg, rest, stdout)
	case "user":
		return cmdUser(ctx, cfg, rest, stdout)
	case "bench":
		return cmdBench(ctx, cfg, rest, stdout)
	case "import-esco":
		return cmdImportESCO(ctx, cfg, rest, stdout)
	case "healthcheck":
		return cmdHealthcheck(ctx, cfg, rest, stdout)
	case "report":
		return cmdReport(ctx, cfg, rest, stdout)
	case "version":
		fmt.Fprintln(stdout, "crossover", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q: run `crossover help`", cmd)
}

// newLogger builds the one slog logger of the process.
func newLogger(cfg Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func newFlags(name string, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("crossover "+name, flag.ContinueOnError)
	fs.SetOutput(stdout)
	return fs
}

// openStore validates the database settings and connects.
func openStore(ctx context.Context, cfg Config, stdout io.Writer) (*models.Store, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return models.Open(ctx, models.DBConfig{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, Logger: newLogger(cfg, stdout)})
}

// prepare brings the schema up to date where allowed and loads reference data into an empty database.
func prepare(ctx context.Context, store *models.Store, migrate bool, stdout io.Writer) error {
	auto := store.Dialect() == models.SQLite || migrate
	if auto {
		n, err := store.MigrateUp(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			fmt.Fprintf(stdout, "applied %d migration(s)\n", n)
		}
	} else {
		cur, latest, behind, err := store.SchemaBehind(ctx)
		if err != nil {
			return err
		}
		if behind {
			return fmt.Errorf("the database schema is at version %d, this binary needs %d: run `crossover migrate up` (or `crossover serve --migrate`) first", cur, latest)
		}
	}
	n, err := store.SkillCount(ctx)
	if err != nil {
		return err
	}
	if n == 0 && auto {
		if err := seeds.ApplyReference(ctx, store); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "loaded reference data (taxonomy, sectors, funding instruments, directory)")
	}
	return nil
}

func cmdServe(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	fs := newFlags("serve", stdout)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address host:port")
	migrate := fs.Bool("migrate", false, "apply pending migrations and load reference data before serving (PostgreSQL)")
	demo := fs.Bool("demo", false, "add demo users and actors")
	cfg.bindDB(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.validateServe(); err != nil {
		return err
	}
	secret, err := cfg.jwtSecret()
	if err != nil {
		return err
	}
	log := newLogger(cfg, stdout)
	store, err := openStore(ctx, cfg, stdout)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := prepare(ctx, store, *migrate, stdout); err != nil {
		return err
	}
	if *demo {
		if err := seedDemo(ctx, store, stdout); err != nil {
			return err
		}
	}
	handler, err := api.NewServer(api.Deps{Store: store, Log: log, JWTSecret: secret, Version: version,
		TrustedProxies: cfg.TrustedProxies, BodyLimit: cfg.BodyLimit, RequestTimeout: cfg.RequestTimeout, Codes: seeds.Codes{}, Instruments: seeds.InstrumentRules{},
		IntroLimits: cfg.introLimits(), PublicURL: cfg.PublicURL})
	if err != nil {
		return err
	}
	handler.Start(ctx)
	go handler.RunWebhooks(ctx, 30*time.Second)
	// Background jobs (introduction expiry, outcome questions, e-mail outbox) stop with the server.
	mailer, err := models.NewMailer(cfg.SMTPURL, "", log)
	if err != nil {
		return &configError{"CROSSOVER_SMTP_URL", err.Error()}
	}
	wctx, stopWorkers := context.WithCancel(ctx)
	workersDone := make(chan struct{})
	go func() {
		defer close(workersDone)
		(&models.Workers{Store: store, Mailer: mailer, Log: log, Interval: cfg.WorkerInterval, DigestRule: handler.DigestRule()}).Run(wctx)
	}()
	defer func() { stopWorkers(); <-workersDone }()
	tp, err := newTracing(ctx, cfg.Tracing, nil)
	if err != nil {
		return err
	}
	if tp != nil {
		if err := store.Trace(tp); err != nil {
			return fmt.Errorf("tracing: %w", err)
		}
		// Export failures (collector down) are logged, never returned to a request.
		otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) { log.Warn("tracing", "error", err) }))
		// On an early return; after a graceful shutdown this is a no-op.
		defer func() {
			fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = tp.Shutdown(fctx)
		}()
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	srv := &http.Server{
		Handler:           traceHandler(handler, tp),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      cfg.RequestTimeout + 10*time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	log.Info("serving", "url", "http://"+displayAddr(ln.Addr()), "database", string(store.Dialect()), "version", version,
		"tracing", cfg.Tracing.On())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// In-flight requests finish; new connections are refused; the deadline bounds the wait.
	log.Info("shutting down", "deadline", cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	// Background CSV imports stopped with ctx: their batch in flight rolled back and the job is
	// marked failed (interrupted); wait for that record within the same deadline.
	if err := handler.WaitImports(sctx); err != nil {
		log.Warn("background imports still stopping at the shutdown deadline", "error", err)
	}
	// The spans still in the batch go out within what is left of the same deadline.
	if tp != nil {
		if err := tp.Shutdown(sctx); err != nil {
			log.Warn("tracing: spans not flushed by the shutdown deadline", "error", err)
		}
	}
	log.Info("stopped")
	return nil
}

func displayAddr(a net.Addr) string {
	s := a.String()
	for _, any := range []string{"[::]:", "0.0.0.0:"} {
		if strings.HasPrefix(s, any) {
			return "localhost:" + strings.TrimPrefix(s, any)
		}
	}
	return s
}

func cmdMigrate(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	fs := newFlags("migrate", stdout)
	cfg.bindDB(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: crossover migrate up|down|status")
	}
	store, err := openStore(ctx, cfg, stdout)
	if err != nil {
		return err
	}
	defer store.Close()
	switch fs.Arg(0) {
	case "up":
		n, err := store.MigrateUp(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "applied %d migration(s); the schema is up to date\n", n)
	case "down":
		if err := store.MigrateDown(ctx); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "rolled back the latest migration")
	case "status":
		st, err := store.MigrationStatus(ctx)
		if err != nil {
			return err
		}
		for _, m := range st {
			state := "pending"
			if m.Applied {
				state = "applied"
			}
			fmt.Fprintf(stdout, "%05d  %-8s %s\n", m.Version, state, m.Name)
		}
	default:
		return fmt.Errorf("unknown migrate action %q: use up, down or status", fs.Arg(0))
	}
	return nil
}

func cmdSeed(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	fs := newFlags("seed", stdout)
	demo := fs.Bool("demo", false, "add demo users and actors")
	synthetic := fs.Int("synthetic", 0, "add N deterministic synthetic actors (benchmarks, load tests)")
	randSeed := fs.Uint64("rand-seed", 1, "seed of the synthetic actors: the same seed gives the same data")
	cfg.bindDB(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *synthetic < 0 || *synthetic > 10_000_000 {
		return errors.New("--synthetic must be from 0 to 10000000")
	}
	store, err := openStore(ctx, cfg, stdout)
	if err != nil {
		return err
	}
	defer store.Close()
	if _, _, behind, err := store.SchemaBehind(ctx); err != nil {
		return err
	} else if behind {
		return errors.New("the database schema is behind: run `crossover migrate up` first")
	}
	if err := seeds.ApplyReference(ctx, store); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "reference data is up to date (taxonomy, sectors, funding instruments, directory)")
	if *demo {
		if err := seedDemo(ctx, store, stdout); err != nil {
			return err
		}
	}
	if *synthetic > 0 {
		res, err := seeds.ApplySynthetic(ctx, store, *synthetic, *randSeed, stdout)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "synthetic: %d actors (seed %d), %d new, stored in %s\nsynthetic checksum: sha256:%s\n",
			res.Generated, *randSeed, res.Inserted, res.Insert.Round(time.Millisecond), res.Checksum)
	}
	return nil
}

func seedDemo(ctx context.Context, store *models.Store, stdout io.Writer) error {
	if err := seeds.ApplyDemo(ctx, store); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "demo data loaded; demo logins (password "+seeds.DemoPassword+"):")
	for _, l := range seeds.DemoLogins {
		fmt.Fprintf(stdout, "  %-28s %s\n", l.Email, l.Role)
	}
	fmt.Fprintln(stdout, "  every other demo profile signs in as its name in lower case, words joined by dots, e.g. "+seeds.DemoEmail("Sonarai Labs"))
	return nil
}

func cmdUser(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	const use = "usage: crossover user promote EMAIL --role admin|intermediary|member"
	if len(args) == 0 || args[0] != "promote" {
		return errors.New(use)
	}
	fs := newFlags("user promote", stdout)
	role := fs.String("role", "admin", "the role to grant")
	cfg.bindDB(fs)
	rest := args[1:]
	var email string
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") { // the e-mail may come before the flags
		email, rest = rest[0], rest[1:]
	}
	if err := fs.Parse(rest); err != nil {
		return err
	}
	if email == "" && fs.NArg() == 1 {
		email = fs.Arg(0)
	}
	if email == "" {
		return errors.New(use)
	}
	store, err := openStore(ctx, cfg, stdout)
	if err != nil {
		return err
	}
	defer store.Close()
	u, err := store.UserByEmail(ctx, email)
	if errors.Is(err, models.ErrNotFound) {
		return fmt.Errorf("no account with e-mail %s", models.NormalizeEmail(email))
	}
	if err != nil {
		return err
	}
	if _, err := store.SetRole(ctx, nil, u.ID, *role, "cli"); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s is now %s\n", u.Email, *role)
	return nil
}

func cmdImportESCO(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	const use = "usage: crossover import-esco PATH [PATH] (the ESCO classification zip, optionally the relations zip, or an extracted folder; download from https://esco.ec.europa.eu/en/use-esco/download)"
	fs := newFlags("import-esco", stdout)
	cfg.bindDB(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() < 1 || fs.NArg() > 2 {
		return errors.New(use)
	}
	store, err := openStore(ctx, cfg, stdout)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := prepare(ctx, store, false, stdout); err != nil {
		return err
	}
	st, err := seeds.ImportESCO(ctx, store, fs.Args(), stdout)
	if err != nil {
		return fmt.Errorf("import-esco: %w (nothing was stored)", err)
	}
	fmt.Fprintf(stdout, "imported ESCO: %d skills stored (%d from ESCO, %d with a parent, %d labels); %d skills before, %d after, %d added; took %s\n",
		st.Stored, st.ESCOSkills, st.WithParent, st.Labels, st.Before, st.After, st.Added(), st.Duration.Round(time.Millisecond))
	return nil
}

// benchSkills is the curated taxonomy as the engine sees it.
func benchSkills() ([]matching.Skill, error) {
	tax, err := seeds.Taxonomy()
	if err != nil {
		return nil, err
	}
	out := make([]matching.Skill, len(tax))
	for i, s := range tax {
		out[i] = matching.Skill{Slug: s.Slug, Parent: s.Parent, Domain: s.Domain}
	}
	return out, nil
}

func cmdBench(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	const use = "usage: crossover bench engine|quality|http [flags]"
	if len(args) == 0 {
		return errors.New(use)
	}
	skills, err := benchSkills()
	if err != nil {
		return err
	}
	switch args[0] {
	case "http":
		return cmdBenchHTTP(ctx, args[1:], stdout)
	case "engine":
		fs := newFlags("bench engine", stdout)
		n := fs.Int("actors", 100_000, "synthetic actors")
		q := fs.Int("queries", 1000, "queries")
		k := fs.Int("k", 20, "list length")
		seed := fs.Int64("rand-seed", 1, "seed of the synthetic data")
		pg := fs.String("postgres", "", "PostgreSQL URL: also time the SQL a team would naturally write (tables bench_* are created and dropped)")
		sqlQ := fs.Int("sql-queries", 0, "with --postgres: run only the first N queries in SQL (0: all)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		bc := matching.EngineBenchConfig{Actors: *n, Queries: *q, K: *k, Seed: *seed, Skills: skills, SQLQueries: *sqlQ}
		if *pg != "" {
			store, err := models.Open(ctx, models.DBConfig{URL: *pg})
			if err != nil {
				return err
			}
			defer store.Close()
			bc.SQLBaseline = func(ctx context.Context, actors []matching.Actor, queries []string, k int) (time.Duration, time.Duration, error) {
				return sqlBaseline(ctx, store, actors, queries, k)
			}
		}
		return matching.RunEngineBench(ctx, bc, stdout)
	case "quality":
		fs := newFlags("bench quality", stdout)
		noise := fs.Int("noise", 4000, "background actors")
		pairs := fs.Int("pairs", 150, "planted complementary pairs")
		seed := fs.Int64("rand-seed", 1, "seed")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		_, err := matching.EvaluateQuality(matching.QualityConfig{Noise: *noise, Pairs: *pairs, Seed: *seed, Skills: skills}, stdout)
		return err
	}
	return errors.New(use)
}

// sqlBaseline maps the engine's synthetic actors onto the store's SQL baseline.
func sqlBaseline(ctx context.Context, store *models.Store, actors []matching.Actor, queries []string, k int) (time.Duration, time.Duration, error) {
	pos := make(map[string]int, len(actors))
	rows := make([]models.BenchActor, len(actors))
	for i, a := range actors {
		pos[a.ID] = i
		b := models.BenchActor{Kind: int16(a.Kind)}
		for _, o := range a.Offers {
			b.Offers = append(b.Offers, o.Skill)
		}
		for _, n := range a.Needs {
			b.Needs = append(b.Needs, n.Skill)
		}
		rows[i] = b
	}
	qs := make([]int, len(queries))
	wanted := make([]int16, len(queries))
	for i, id := range queries {
		qs[i] = pos[id]
		wanted[i] = int16(matching.Counterpart(actors[pos[id]].Kind))
	}
	p50, p99, _, err := store.SQLBaseline(ctx, rows, qs, wanted, k)
	return p50, p99, err
}
