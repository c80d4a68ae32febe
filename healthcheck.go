package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// cmdHealthcheck is the container health check: distroless images have no curl, so the binary asks
// itself. It talks to 127.0.0.1 on the port of CROSSOVER_ADDR (or --addr), whatever host serve binds.
func cmdHealthcheck(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	fs := newFlags("healthcheck", stdout)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "the address serve listens on (only its port is used)")
	path := fs.String("path", "/healthz", "the path to check (/readyz also checks the database and the index)")
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	if err := fs.Parse(args); err != nil {
		return err
	}
	_, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil || port == "" {
		return &configError{"CROSSOVER_ADDR", fmt.Sprintf("%q is not host:port (for example :8080)", cfg.Addr)}
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	url := "http://" + net.JoinHostPort("127.0.0.1", port) + *path
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck %s: %w", url, err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck %s: status %d", url, resp.StatusCode)
	}
	fmt.Fprintln(stdout, "ok")
	return nil
}
