package api

import (
	"testing"
)

// TestWebhookAddressGuard: a webhook may not point into a private, shared, reserved or documentation
// range in any spelling (IPv4-mapped IPv6, NAT64, numeric host forms a resolver would read as an
// address); public addresses and names are accepted. Refusals are 422 naming url, and store nothing.
func TestWebhookAddressGuard(t *testing.T) {
	e := newEnv(t)
	ana := e.register("Hooked")
	mus := e.createActor(ana.Access, museum())
	refused := []string{
		"https://100.64.0.1/x",               // carrier-grade NAT (shared address space)
		"https://100.127.255.254/x",          // its last address
		"https://198.18.0.1/x",               // benchmarking
		"https://198.19.255.1/x",             // its second /16
		"https://192.0.2.10/x",               // documentation
		"https://0.0.0.0/x",                  // this network
		"https://240.0.0.1/x",                // reserved
		"https://[2001:db8::1]/x",            // IPv6 documentation
		"https://[64:ff9b::7f00:1]/x",        // NAT64 of 127.0.0.1
		"https://[64:ff9b::a00:1]/x",         // NAT64 of 10.0.0.1
		"https://[::ffff:127.0.0.1]/x",       // IPv4-mapped loopback
		"https://[::ffff:10.0.0.1]/x",        // IPv4-mapped private
		"https://[::ffff:169.254.169.254]/x", // IPv4-mapped cloud metadata
		"https://[fc00::1]/x",                // unique local
		"https://[fe80::1%25eth0]/x",         // link-local with a zone
		"https://[2002:7f00:1::1]/x",         // 6to4 of 127.0.0.1
		"https://[2001::1]/x",                // Teredo
		"https://2130706433/x",               // 127.0.0.1 as one decimal number
		"https://0x7f000001/x",               // … as hex
		"https://127.1/x",                    // … shortened
		"https://0177.0.0.1/x",               // … octal
		"https://127.0.0.1./x",               // … with a trailing dot
		"https://hooks.0x10/x",               // a name whose last label is a number
	}
	for _, u := range refused {
		r := e.call("POST", "/api/v1/webhooks", map[string]any{"actor_id": mus, "url": u, "events": []string{"match.new"}}, ana.Access)
		if r.Status != 422 || r.fields()["url"] == nil {
			t.Errorf("%s: %d %s, want 422 naming url", u, r.Status, r.Raw)
		}
	}
	for _, u := range []string{"https://hooks.example.org/x", "https://93.184.215.14/x", "https://[2606:4700:4700::1111]/x", "https://[64:ff9b::808:808]/x", "https://hooks1.example.org/x"} {
		r := e.call("POST", "/api/v1/webhooks", map[string]any{"actor_id": mus, "url": u, "events": []string{"match.new"}}, ana.Access)
		if r.Status != 201 {
			t.Errorf("%s: %d %s, want 201", u, r.Status, r.Raw)
		}
	}
	if n := len(e.call("GET", "/api/v1/webhooks", nil, ana.Access).JSON["items"].([]any)); n != 5 {
		t.Errorf("%d webhooks stored, want the 5 public ones", n)
	}
}
