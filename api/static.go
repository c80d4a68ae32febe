package api

import (
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/crossover-cci/crossover/frontend"
)

const placeholderPage = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Crossover</title>
<body style="font-family:system-ui;max-width:40rem;margin:4rem auto;line-height:1.5">
<h1>Crossover</h1><p>The API is running at <code>/api/v1</code>. The web UI was not built into this binary:
run <code>make build</code> with Node.js installed to include it.</p></body></html>`

// static serves the embedded SPA: real files with long caching for hashed assets, index.html (never
// cached) for every other path. It never answers /api/… paths: those get the JSON 404.
func (s *Server) static() echo.HandlerFunc {
	return staticFiles(frontend.Dist(), frontend.Built())
}

// staticFiles serves dist. A file the build compressed beforehand (name.br, name.gz beside it) is
// sent compressed to a browser that accepts that encoding, brotli first.
func staticFiles(dist fs.FS, built bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		p := c.Request().URL.Path
		if strings.HasPrefix(p, "/api/") || p == "/api" {
			return echo.ErrNotFound
		}
		if !built {
			c.Response().Header().Set("Cache-Control", "no-cache")
			return c.HTML(http.StatusOK, placeholderPage)
		}
		name := strings.TrimPrefix(path.Clean(p), "/")
		if name != "" && name != "index.html" && !strings.HasSuffix(name, ".br") && !strings.HasSuffix(name, ".gz") {
			if st, err := fs.Stat(dist, name); err == nil && !st.IsDir() {
				if strings.HasPrefix(name, "assets/") {
					c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
				} else {
					c.Response().Header().Set("Cache-Control", "public, max-age=3600")
				}
				return serveFile(c, dist, name)
			}
		}
		c.Response().Header().Set("Cache-Control", "no-cache")
		return serveFile(c, dist, "index.html")
	}
}

// encodings are the precompressed variants, in order of preference.
var encodings = []struct{ name, ext string }{{"br", ".br"}, {"gzip", ".gz"}}

func serveFile(c echo.Context, dist fs.FS, name string) error {
	h := c.Response().Header()
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = echo.MIMEOctetStream
	}
	h.Set(echo.HeaderContentType, ctype)
	accept := c.Request().Header.Get(echo.HeaderAcceptEncoding)
	varied := false
	for _, e := range encodings {
		if _, err := fs.Stat(dist, name+e.ext); err != nil {
			continue
		}
		if !varied {
			h.Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
			varied = true
		}
		if !accepts(accept, e.name) {
			continue
		}
		body, err := fs.ReadFile(dist, name+e.ext)
		if err != nil {
			return err
		}
		h.Set(echo.HeaderContentEncoding, e.name)
		h.Set(echo.HeaderContentLength, strconv.Itoa(len(body)))
		return c.Blob(http.StatusOK, ctype, body)
	}
	body, err := fs.ReadFile(dist, name)
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, ctype, body)
}

// accepts reports whether an Accept-Encoding header allows the coding (a q of 0 refuses it).
func accepts(header, coding string) bool {
	for _, part := range strings.Split(header, ",") {
		tok, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(tok), coding) {
			continue
		}
		if q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q="); ok {
			if v, err := strconv.ParseFloat(q, 64); err == nil && v == 0 {
				return false
			}
		}
		return true
	}
	return false
}
