package api

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/crossover-cci/crossover/models"
)

// Deps is everything the HTTP layer needs; NewServer keeps no package-level state.
type Deps struct {
	Store          *models.Store
	Log            *slog.Logger
	JWTSecret      []byte
	Version        string
	TrustedProxies []netip.Prefix
	BodyLimit      int64         // bytes; 1 MiB when zero
	RequestTimeout time.Duration // per request; 30 s when zero
	Registry       *prometheus.Registry
	Now            func() time.Time   // the clock; time.Now when nil (tests move it)
	Codes          models.CodeChecker // ISO country and language codes
	IntroLimits    models.IntroLimits // introduction limits and expiry; models.DefaultIntroLimits when zero
	Instruments    InstrumentChecker  // rules for editors' funding instruments; writes are refused when nil
	PublicURL      string             // absolute base URL of every link the API writes; http://localhost:8080 when empty
}

// Server is Crossover's HTTP API and embedded web UI.
type Server struct {
	e           *echo.Echo
	store       *models.Store
	log         *slog.Logger
	version     string
	registry    *prometheus.Registry
	metrics     *httpMetrics
	now         func() time.Time
	codes       models.CodeChecker
	taxonomy    *taxonomy
	introLimits models.IntroLimits
	matcher     *matcher
	instruments InstrumentChecker
	bg          context.Context // the context given to Start: background imports stop with it
	imports     sync.WaitGroup  // background imports in flight
	auth        *auth
	publicURL   string // scheme://host[:port][/path] without a trailing slash; never taken from a request
}

// NewServer builds the echo instance with its middleware and every route.
func NewServer(d Deps) (*Server, error) {
	if d.Store == nil || d.Codes == nil {
		return nil, fmt.Errorf("api: a store and code lists are required")
	}
	if len(d.JWTSecret) < 32 {
		return nil, fmt.Errorf("api: the JWT secret must be at least 32 bytes")
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.BodyLimit == 0 {
		d.BodyLimit = 1 << 20
	}
	if d.RequestTimeout == 0 {
		d.RequestTimeout = 30 * time.Second
	}
	if d.Registry == nil {
		d.Registry = prometheus.NewRegistry()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	publicURL, err := ParsePublicURL(d.PublicURL)
	if err != nil {
		return nil, fmt.Errorf("api: PublicURL: %w", err)
	}
	d.Store.SetLinkBase(publicURL) // e-mails link to the same public address as the API
	s := &Server{e: echo.New(), store: d.Store, log: d.Log, version: d.Version, registry: d.Registry, now: d.Now,
		codes: d.Codes, taxonomy: newTaxonomy(d.Store), bg: context.Background(), publicURL: publicURL}
	s.metrics = newHTTPMetrics(d.Registry)
	registerStoreMetrics(d.Registry, d.Store, d.Log)
	s.instruments = d.Instruments
	s.introLimits = d.IntroLimits
	if s.introLimits == (models.IntroLimits{}) {
		s.introLimits = models.DefaultIntroLimits
	}
	s.matcher = newMatcher(d.Store, d.Log, d.Now, d.Registry)
	e := s.e
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = ipExtractor(d.TrustedProxies)

	e.Use(middleware.RequestID())
	e.Use(traceRoute)
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true, LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
		s.log.Error("panic", "request_id", c.Response().Header().Get(echo.HeaderXRequestID), "error", err, "stack", string(stack))
		return err
	}}))
	e.Use(s.metrics.middleware)
	e.Use(middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogURIPath: true, LogMethod: true, LogLatency: true, LogRemoteIP: true, LogRequestID: true,
		HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			attrs := []any{"method", v.Method, "path", v.URIPath, "status", v.Status,
				"ms", float64(v.Latency.Microseconds()) / 1000, "ip", v.RemoteIP, "request_id", v.RequestID}
			if uid, ok := c.Get(userIDKey).(string); ok {
				attrs = append(attrs, "user_id", uid)
			}
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
			}
			s.log.Log(c.Request().Context(), level, "request", attrs...)
			return nil
		},
	}))
	e.Use(middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection: "0", ContentTypeNosniff: "nosniff", XFrameOptions: "DENY",
		ReferrerPolicy:        "strict-origin-when-cross-origin",
		ContentSecurityPolicy: "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
	}))
	e.Use(middleware.BodyLimit(strconv.FormatInt(d.BodyLimit, 10)))
	e.Use(middleware.ContextTimeout(d.RequestTimeout))

	s.auth = newAuth(d.JWTSecret, d.Store, d.Log, d.Now)
	s.routes(s.auth)
	return s, nil
}

// Start runs the background work of this replica (the matching index follower, the saved-search
// check) until ctx ends.
func (s *Server) Start(ctx context.Context) {
	s.bg = ctx
	go s.matcher.run(ctx)
	go s.runSavedSearches(ctx)
}

// WaitImports waits until the background imports have stopped (they stop when the context given to
// Start ends: the batch in flight rolls back and the job is marked failed), or ctx ends.
func (s *Server) WaitImports(ctx context.Context) error {
	done := make(chan struct{})
	go func() { s.imports.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ServeHTTP makes the server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.e.ServeHTTP(w, r) }

// Routes lists method and path of every registered route (the OpenAPI test walks them).
func (s *Server) Routes() []*echo.Route { return s.e.Routes() }

// ParsePublicURL checks the public base URL of the service and returns it without a trailing slash:
// an absolute http or https URL with a host, optionally a path, and nothing else (no credentials,
// query or fragment). Empty means http://localhost:8080. Absolute links are built from it alone, never
// from a request's Host or X-Forwarded-* headers, which any client can set.
func ParsePublicURL(raw string) (string, error) {
	if raw == "" {
		return "http://localhost:8080", nil
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "":
		return "", fmt.Errorf("%q is not an absolute http:// or https:// URL such as https://crossover.example.org", raw)
	case u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#"):
		return "", fmt.Errorf("%q must not carry credentials, a query or a fragment", raw)
	case u.Port() != "" && !validPort(u.Port()):
		return "", fmt.Errorf("%q has an invalid port", raw)
	}
	return strings.TrimRight(u.Scheme+"://"+u.Host+u.EscapedPath(), "/"), nil
}

func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n > 0 && n <= 65535
}

// ipExtractor trusts X-Forwarded-For only from the configured proxy ranges, never by default: a
// forged header must not change the IP that rate limits and the audit log see.
func ipExtractor(trusted []netip.Prefix) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range trusted {
		p = p.Masked()
		opts = append(opts, echo.TrustIPRange(&net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		return &apiError{Status: http.StatusServiceUnavailable, Code: "not_ready", Message: "The database does not answer."}
	}
	if !s.matcher.ready.Load() {
		return &apiError{Status: http.StatusServiceUnavailable, Code: "not_ready", Message: "The matching index is still loading."}
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

func (s *Server) info(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]any{
		"name":     "crossover",
		"version":  s.version,
		"database": string(s.store.Dialect()),
	})
}
