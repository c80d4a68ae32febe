package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Client talks to one Crossover server on a loopback address.
type Client struct {
	Base string
	HTTP *http.Client
}

// NewClient refuses any address that is not loopback: load is only ever sent to this machine.
func NewClient(base string, maxConns int) (*Client, error) {
	u, err := url.Parse(base)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return nil, fmt.Errorf("loadtest: %q is not an http://host:port URL", base)
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("loadtest: %s is not a loopback address: load goes to 127.0.0.1 only", host)
	}
	if maxConns <= 0 {
		maxConns = 256
	}
	tr := &http.Transport{MaxIdleConns: maxConns, MaxIdleConnsPerHost: maxConns, MaxConnsPerHost: maxConns,
		IdleConnTimeout: 30 * time.Second, DialContext: (&net.Dialer{Timeout: 2 * time.Second}).DialContext}
	return &Client{Base: u.Scheme + "://" + u.Host, HTTP: &http.Client{Transport: tr, Timeout: 30 * time.Second}}, nil
}

// Response is a status and the decoded JSON body (nil when the body is not a JSON object).
type Response struct {
	Status int
	Body   map[string]any
	Raw    []byte
}

// Do sends one request; body is JSON-encoded unless nil. A transport error has Status 0.
func (c *Client) Do(ctx context.Context, method, path, token string, body any, headers ...string) (Response, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return Response{}, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Base+path, rd)
	if err != nil {
		return Response{}, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return Response{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	r := Response{Status: resp.StatusCode, Raw: raw}
	if err != nil {
		return r, err
	}
	_ = json.Unmarshal(raw, &r.Body)
	return r, nil
}

// Get sends a GET and reads the body to the end without decoding it: what the load steps use, so
// that the generator, which shares the machine with the server, spends as little CPU as a client
// can (decoding a 20 KB matches answer into maps cost about as much CPU as the server's whole
// answer). It returns the status and the body's length.
func (c *Client) Get(ctx context.Context, path, token string) (int, int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.Base+path, nil)
	if err != nil {
		return 0, 0, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, n, err
}

// Account is a signed-in user.
type Account struct {
	ID, Email, Password, Access string
}

// Register creates an account (the server allows 20 registrations an hour per IP address).
func (c *Client) Register(ctx context.Context, email, password, name string) (Account, error) {
	r, err := c.Do(ctx, "POST", "/api/v1/auth/register", "", map[string]any{"email": email, "password": password,
		"display_name": name, "accept_terms": true, "consent_matching": true})
	if err != nil {
		return Account{}, err
	}
	if r.Status != http.StatusCreated {
		return Account{}, fmt.Errorf("register %s: %d %s", email, r.Status, r.Raw)
	}
	return accountFrom(r, email, password)
}

// Login signs an existing account in.
func (c *Client) Login(ctx context.Context, email, password string) (Account, error) {
	r, err := c.Do(ctx, "POST", "/api/v1/auth/login", "", map[string]any{"email": email, "password": password})
	if err != nil {
		return Account{}, err
	}
	if r.Status != http.StatusOK {
		return Account{}, fmt.Errorf("login %s: %d %s", email, r.Status, r.Raw)
	}
	return accountFrom(r, email, password)
}

func accountFrom(r Response, email, password string) (Account, error) {
	tok, _ := r.Body["access_token"].(string)
	user, _ := r.Body["user"].(map[string]any)
	id, _ := user["id"].(string)
	if tok == "" {
		return Account{}, errors.New("no access token in the answer")
	}
	return Account{ID: id, Email: email, Password: password, Access: tok}, nil
}

// CreateActor posts a profile; it returns the id and version.
func (c *Client) CreateActor(ctx context.Context, token string, body map[string]any) (string, int, error) {
	r, err := c.Do(ctx, "POST", "/api/v1/actors", token, body)
	if err != nil {
		return "", 0, err
	}
	if r.Status != http.StatusCreated {
		return "", 0, &StatusError{Op: "create actor", Status: r.Status, Body: string(r.Raw)}
	}
	id, _ := r.Body["id"].(string)
	return id, intOf(r.Body["version"]), nil
}

// GetActor reads a profile.
func (c *Client) GetActor(ctx context.Context, token, id string) (Response, error) {
	return c.Do(ctx, "GET", "/api/v1/actors/"+url.PathEscape(id), token, nil)
}

// PatchActor edits a profile from version; it returns the response (409 on a stale version).
func (c *Client) PatchActor(ctx context.Context, token, id string, version int, patch map[string]any) (Response, error) {
	body := map[string]any{"version": version}
	for k, v := range patch {
		body[k] = v
	}
	return c.Do(ctx, "PATCH", "/api/v1/actors/"+url.PathEscape(id), token, body)
}

// Matches asks for an actor's matches.
func (c *Client) Matches(ctx context.Context, token, id string, limit int) (Response, error) {
	return c.Do(ctx, "GET", "/api/v1/actors/"+url.PathEscape(id)+"/matches?limit="+strconv.Itoa(limit), token, nil)
}

// Ready says whether GET /readyz answers 200.
func (c *Client) Ready(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	r, err := c.Do(ctx, "GET", "/readyz", "", nil)
	return err == nil && r.Status == http.StatusOK
}

// WaitReady polls /readyz until it answers 200 or timeout passes.
func (c *Client) WaitReady(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if c.Ready(ctx) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return fmt.Errorf("%s did not become ready within %s", c.Base, timeout)
}

// StatusError is an unexpected status.
type StatusError struct {
	Op     string
	Status int
	Body   string
}

func (e *StatusError) Error() string {
	b := e.Body
	if len(b) > 300 {
		b = b[:300] + "…"
	}
	return fmt.Sprintf("%s: status %d: %s", e.Op, e.Status, b)
}

func intOf(v any) int {
	f, _ := v.(float64)
	return int(f)
}

// IntOf reads a JSON number as an int (0 when it is not one).
func IntOf(v any) int { return intOf(v) }
