package api

import (
	"io/fs"
	"net/http"
	"path"
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
	dist := frontend.Dist()
	built := frontend.Built()
	files := http.FileServer(http.FS(dist))
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
		if name != "" && name != "index.html" {
			if st, err := fs.Stat(dist, name); err == nil && !st.IsDir() {
				if strings.HasPrefix(name, "assets/") {
					c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
				} else {
					c.Response().Header().Set("Cache-Control", "public, max-age=3600")
				}
				files.ServeHTTP(c.Response(), c.Request())
				return nil
			}
		}
		index, err := fs.ReadFile(dist, "index.html")
		if err != nil {
			return err
		}
		c.Response().Header().Set("Cache-Control", "no-cache")
		return c.HTMLBlob(http.StatusOK, index)
	}
}
