package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/crossover-cci/crossover/api"
	"github.com/crossover-cci/crossover/models"
)

// Config is every setting of the process: defaults in code, then the environment, then flags.
type Config struct {
	Addr            string
	DatabaseURL     string
	DataDir         string
	JWTSecret       string
	LogFormat       string
	LogLevel        string
	TrustedProxies  []netip.Prefix
	BodyLimit       int64
	RequestTimeout  time.Duration
	ShutdownTimeout time.Duration
	SMTPURL         string
	IntroExpiry     time.Duration
	WorkerInterval  time.Duration // between runs of the background jobs (expiry, outcome questions, outbox)
	PublicURL       string        // absolute base of links in open data and e-mails; derived from Addr when unset
	Tracing         TracingConfig
}

// TracingConfig is the part of the standard OTEL_* environment that decides whether Crossover
// traces and that it checks before serving; the OTLP exporter and the SDK read the rest themselves.
type TracingConfig struct {
	Endpoint, EndpointVar string // OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else OTEL_EXPORTER_OTLP_ENDPOINT
	Protocol, ProtocolVar string // OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL
	Sampler, SamplerArg   string // OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG
	Disabled              bool   // OTEL_SDK_DISABLED=true
}

// On reports whether traces are exported: an OTLP endpoint is set and the SDK is not disabled.
func (t TracingConfig) On() bool { return t.Endpoint != "" && !t.Disabled }

func defaultConfig() Config {
	return Config{
		Addr:            ":8080",
		DataDir:         "data",
		LogFormat:       "text",
		LogLevel:        "info",
		BodyLimit:       1 << 20,
		RequestTimeout:  30 * time.Second,
		ShutdownTimeout: 20 * time.Second,
		IntroExpiry:     14 * 24 * time.Hour,
		WorkerInterval:  30 * time.Second,
	}
}

// configError names the setting that is wrong and why, in one line.
type configError struct{ setting, problem string }

func (e *configError) Error() string { return "invalid configuration: " + e.setting + ": " + e.problem }

// loadConfig reads the environment into cfg. Flags are bound later by each subcommand.
func loadConfig(getenv func(string) string) (Config, error) {
	cfg := defaultConfig()
	str := func(name string, dst *string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	str("CROSSOVER_ADDR", &cfg.Addr)
	str("DATABASE_URL", &cfg.DatabaseURL)
	str("CROSSOVER_DATA_DIR", &cfg.DataDir)
	str("CROSSOVER_JWT_SECRET", &cfg.JWTSecret)
	str("CROSSOVER_LOG_FORMAT", &cfg.LogFormat)
	str("CROSSOVER_LOG_LEVEL", &cfg.LogLevel)
	str("CROSSOVER_SMTP_URL", &cfg.SMTPURL)
	str("CROSSOVER_PUBLIC_URL", &cfg.PublicURL)
	for _, name := range []string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"} {
		if v := strings.TrimSpace(getenv(name)); v != "" && cfg.Tracing.Endpoint == "" {
			cfg.Tracing.Endpoint, cfg.Tracing.EndpointVar = v, name
		}
	}
	for _, name := range []string{"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"} {
		if v := strings.TrimSpace(getenv(name)); v != "" && cfg.Tracing.Protocol == "" {
			cfg.Tracing.Protocol, cfg.Tracing.ProtocolVar = v, name
		}
	}
	cfg.Tracing.Sampler = strings.TrimSpace(getenv("OTEL_TRACES_SAMPLER"))
	cfg.Tracing.SamplerArg = strings.TrimSpace(getenv("OTEL_TRACES_SAMPLER_ARG"))
	cfg.Tracing.Disabled = strings.EqualFold(strings.TrimSpace(getenv("OTEL_SDK_DISABLED")), "true")
	if v := getenv("CROSSOVER_TRUSTED_PROXIES"); v != "" {
		for _, part := range strings.Split(v, ",") {
			p, err := netip.ParsePrefix(strings.TrimSpace(part))
			if err != nil {
				return cfg, &configError{"CROSSOVER_TRUSTED_PROXIES", fmt.Sprintf("%q is not a CIDR such as 10.0.0.0/8", part)}
			}
			cfg.TrustedProxies = append(cfg.TrustedProxies, p)
		}
	}
	if v := getenv("CROSSOVER_BODY_LIMIT"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1024 {
			return cfg, &configError{"CROSSOVER_BODY_LIMIT", "must be a number of bytes ≥ 1024"}
		}
		cfg.BodyLimit = n
	}
	for name, dst := range map[string]*time.Duration{
		"CROSSOVER_REQUEST_TIMEOUT":  &cfg.RequestTimeout,
		"CROSSOVER_SHUTDOWN_TIMEOUT": &cfg.ShutdownTimeout,
		"CROSSOVER_INTRO_EXPIRY":     &cfg.IntroExpiry,
		"CROSSOVER_WORKER_INTERVAL":  &cfg.WorkerInterval,
	} {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return cfg, &configError{name, fmt.Sprintf("%q is not a positive duration such as 30s or 336h", v)}
			}
			*dst = d
		}
	}
	return cfg, nil
}

// bindDB adds the flags every database-using subcommand shares.
func (c *Config) bindDB(fs *flag.FlagSet) {
	fs.StringVar(&c.DatabaseURL, "database-url", c.DatabaseURL, "PostgreSQL URL (postgres://…); empty: embedded SQLite in the data dir")
	fs.StringVar(&c.DataDir, "data-dir", c.DataDir, "directory of the embedded SQLite file and generated secrets")
}

// validate checks the settings that every subcommand uses.
func (c *Config) validate() error {
	if _, err := models.ParseDialect(c.DatabaseURL); err != nil {
		return &configError{"DATABASE_URL", strings.TrimPrefix(err.Error(), "DATABASE_URL ")}
	}
	switch c.LogFormat {
	case "json", "text":
	default:
		return &configError{"CROSSOVER_LOG_FORMAT", fmt.Sprintf("%q is neither json nor text", c.LogFormat)}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return &configError{"CROSSOVER_LOG_LEVEL", fmt.Sprintf("%q is not one of debug, info, warn, error", c.LogLevel)}
	}
	return nil
}

// validateServe checks what serve needs on top of validate.
func (c *Config) validateServe() error {
	if err := c.validate(); err != nil {
		return err
	}
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return &configError{"CROSSOVER_ADDR", fmt.Sprintf("%q is not host:port (for example :8080 or 127.0.0.1:8080)", c.Addr)}
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return &configError{"CROSSOVER_ADDR", fmt.Sprintf("port %q is not a number from 0 to 65535", port)}
	}
	if host != "" && net.ParseIP(host) == nil && host != "localhost" {
		return &configError{"CROSSOVER_ADDR", fmt.Sprintf("host %q is not an IP address or localhost", host)}
	}
	if err := c.resolvePublicURL(host, port); err != nil {
		return err
	}
	return c.Tracing.validate()
}

// resolvePublicURL checks CROSSOVER_PUBLIC_URL or, when it is unset, derives http://host:port from
// the listen address (localhost for an unspecified host): right for a local run, while a deployment
// behind a proxy or TLS sets its public https URL.
func (c *Config) resolvePublicURL(host, port string) error {
	if c.PublicURL == "" {
		if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
			host = "localhost"
		}
		c.PublicURL = "http://" + net.JoinHostPort(host, port)
		return nil
	}
	u, err := api.ParsePublicURL(c.PublicURL)
	if err != nil {
		return &configError{"CROSSOVER_PUBLIC_URL", err.Error()}
	}
	c.PublicURL = u
	return nil
}

// validate checks the OTEL_* settings the SDK would otherwise only complain about on stderr, or
// ignore, once serving: a typo must not silently leave an operator without traces.
func (t TracingConfig) validate() error {
	if !t.On() {
		return nil
	}
	u, err := url.Parse(t.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &configError{t.EndpointVar, fmt.Sprintf("%q is not an http:// or https:// URL such as http://otel-collector:4318", t.Endpoint)}
	}
	if t.Protocol != "" && t.Protocol != "http/protobuf" {
		return &configError{t.ProtocolVar, fmt.Sprintf("%q is not supported: Crossover exports OTLP over HTTP (http/protobuf, port 4318)", t.Protocol)}
	}
	ratio := false
	switch t.Sampler {
	case "", "always_on", "always_off", "parentbased_always_on", "parentbased_always_off":
	case "traceidratio", "parentbased_traceidratio":
		ratio = true
	default:
		return &configError{"OTEL_TRACES_SAMPLER", fmt.Sprintf("%q is not one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio", t.Sampler)}
	}
	if ratio && t.SamplerArg != "" {
		if r, err := strconv.ParseFloat(t.SamplerArg, 64); err != nil || r < 0 || r > 1 {
			return &configError{"OTEL_TRACES_SAMPLER_ARG", fmt.Sprintf("%q is not a sampling ratio from 0 to 1", t.SamplerArg)}
		}
	}
	return nil
}

// jwtSecret returns the signing key: from the environment, or on the embedded default generated once
// and kept in the data dir with mode 0600. PostgreSQL deployments must set it.
func (c *Config) jwtSecret() ([]byte, error) {
	if c.JWTSecret != "" {
		if len(c.JWTSecret) < 32 {
			return nil, &configError{"CROSSOVER_JWT_SECRET", "must be at least 32 bytes long"}
		}
		return []byte(c.JWTSecret), nil
	}
	if d, _ := models.ParseDialect(c.DatabaseURL); d == models.Postgres {
		return nil, &configError{"CROSSOVER_JWT_SECRET", "is required with PostgreSQL (every replica must share it): set it to 32 or more random bytes, e.g. `openssl rand -hex 32`"}
	}
	path := filepath.Join(c.DataDir, "jwt-secret")
	if b, err := os.ReadFile(path); err == nil {
		if len(b) < 32 {
			return nil, &configError{path, "holds a secret shorter than 32 bytes: delete it to generate a new one"}
		}
		return b, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
		return nil, err
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, err
	}
	secret := []byte(hex.EncodeToString(raw[:]))
	if err := os.WriteFile(path, secret, 0o600); err != nil {
		return nil, fmt.Errorf("store generated JWT secret: %w", err)
	}
	return secret, nil
}

// introLimits are the introduction limits with the configured expiry.
func (c *Config) introLimits() models.IntroLimits {
	l := models.DefaultIntroLimits
	l.Expiry = c.IntroExpiry
	return l
}
