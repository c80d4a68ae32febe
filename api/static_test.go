package api

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"

	"github.com/labstack/echo/v4"
)

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The SPA's files go out compressed when the build left a compressed copy and the browser accepts
// it (brotli first, then gzip), plain otherwise; index.html answers every other path; /api never.
func TestStaticCompression(t *testing.T) {
	dist := fstest.MapFS{
		"index.html":         {Data: []byte("<html>app</html>")},
		"index.html.gz":      {Data: gz(t, "<html>app</html>")},
		"assets/app-1.js":    {Data: []byte("console.log(1)")},
		"assets/app-1.js.gz": {Data: gz(t, "console.log(1)")},
		"assets/app-1.js.br": {Data: []byte("brotli bytes")},
		"favicon.svg":        {Data: []byte("<svg/>")},
	}
	h := staticFiles(dist, true)
	e := echo.New()
	for _, tc := range []struct {
		path, accept, wantEnc, wantType, wantCache string
		wantBody                                   string
		wantVary                                   bool
	}{
		{"/assets/app-1.js", "gzip, deflate, br", "br", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable", "brotli bytes", true},
		{"/assets/app-1.js", "gzip", "gzip", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable", "", true},
		{"/assets/app-1.js", "br;q=0, gzip;q=0.5", "gzip", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable", "", true},
		{"/assets/app-1.js", "", "", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable", "console.log(1)", true},
		{"/assets/app-1.js", "identity", "", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable", "console.log(1)", true},
		{"/", "gzip", "gzip", "text/html; charset=utf-8", "no-cache", "", true},
		{"/matches", "", "", "text/html; charset=utf-8", "no-cache", "<html>app</html>", true},
		{"/favicon.svg", "gzip, br", "", "image/svg+xml", "public, max-age=3600", "<svg/>", false},
		{"/assets/app-1.js.gz", "", "", "text/html; charset=utf-8", "no-cache", "<html>app</html>", true},
	} {
		req := httptest.NewRequest("GET", tc.path, nil)
		if tc.accept != "" {
			req.Header.Set("Accept-Encoding", tc.accept)
		}
		rec := httptest.NewRecorder()
		if err := h(e.NewContext(req, rec)); err != nil {
			t.Fatalf("%s: %v", tc.path, err)
		}
		got := rec.Result()
		if got.StatusCode != http.StatusOK || got.Header.Get("Content-Encoding") != tc.wantEnc || got.Header.Get("Content-Type") != tc.wantType ||
			got.Header.Get("Cache-Control") != tc.wantCache || (got.Header.Get("Vary") == "Accept-Encoding") != tc.wantVary {
			t.Errorf("%s (Accept-Encoding %q): %d, encoding %q, type %q, cache %q, vary %q", tc.path, tc.accept, got.StatusCode,
				got.Header.Get("Content-Encoding"), got.Header.Get("Content-Type"), got.Header.Get("Cache-Control"), got.Header.Get("Vary"))
		}
		if tc.wantBody != "" && rec.Body.String() != tc.wantBody {
			t.Errorf("%s: body %q, want %q", tc.path, rec.Body.String(), tc.wantBody)
		}
		if tc.wantEnc == "gzip" {
			r, err := gzip.NewReader(rec.Body)
			if err != nil {
				t.Fatalf("%s: not gzip: %v", tc.path, err)
			}
			var plain bytes.Buffer
			_, _ = plain.ReadFrom(r)
			if plain.Len() == 0 {
				t.Errorf("%s: empty gzip body", tc.path)
			}
		}
	}
	req := httptest.NewRequest("GET", "/api/v1/nothing", nil)
	if err := h(e.NewContext(req, httptest.NewRecorder())); err != echo.ErrNotFound {
		t.Errorf("/api path: %v, want echo.ErrNotFound", err)
	}
}
