package api

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/crossover-cci/crossover/models"
)

// The observatory: public, aggregated figures. Suppression (k-anonymity) happens in models; this file
// only renders the tables as JSON or CSV.

// tableJSON renders rows as objects: dimension and figure columns by name, a figure about too few
// actors as null, with "suppressed" and the names of the suppressed figures.
func tableJSON(t *models.StatTable) []map[string]any {
	out := make([]map[string]any, 0, len(t.Rows))
	for _, r := range t.Rows {
		m := make(map[string]any, len(t.Dims)+len(t.Figures)+2)
		for i, d := range t.Dims {
			m[d] = r.Dims[i]
		}
		sup := []string{}
		for i, f := range t.Figures {
			m[f] = r.Cells[i]
			if r.Cells[i].Suppressed {
				sup = append(sup, f)
			}
		}
		m["suppressed"] = len(sup) > 0
		m["suppressed_fields"] = sup
		out = append(out, m)
	}
	return out
}

// tableCSV renders a table as CSV; a suppressed figure is written as the word "suppressed".
func tableCSV(t *models.StatTable) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(append(append([]string{}, t.Dims...), t.Figures...))
	for _, r := range t.Rows {
		rec := append([]string{}, r.Dims...)
		for _, c := range r.Cells {
			rec = append(rec, c.String())
		}
		_ = w.Write(rec)
	}
	w.Flush()
	return b.Bytes()
}

// statsFormat reads ?format=json|csv.
func statsFormat(c echo.Context) (string, error) {
	f := c.QueryParam("format")
	switch f {
	case "", "json":
		return "json", nil
	case "csv":
		return "csv", nil
	}
	return "", models.Invalid("format", "must be json or csv")
}

const suppressionNote = "Figures about fewer than 5 distinct actors are suppressed (null in JSON, \"suppressed\" in CSV). Only visible profiles are counted."

const skillsNote = "Supply and demand are rounded to the nearest multiple of 5; figures about 1 to 4 distinct actors are suppressed " +
	"(null in JSON, \"suppressed\" in CSV), and with a country filter also a figure that would let a suppressed country be recovered " +
	"by subtraction from the figure for all countries. The gap is demand − supply of the published figures. Only visible profiles are counted."

func (s *Server) sendTable(c echo.Context, format string, t *models.StatTable, extra map[string]any) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=60")
	if format == "csv" {
		c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="crossover-`+t.Name+`.csv"`)
		return c.Blob(http.StatusOK, "text/csv; charset=utf-8", tableCSV(t))
	}
	body := map[string]any{"items": tableJSON(t), "k": models.MinCell, "note": suppressionNote,
		"generated_at": s.now().UTC().Format(time.RFC3339)}
	for k, v := range extra {
		body[k] = v
	}
	return c.JSON(http.StatusOK, body)
}

func (s *Server) statsOverview(c echo.Context) error {
	format, err := statsFormat(c)
	if err != nil {
		return err
	}
	o, err := s.store.StatsOverview(c.Request().Context())
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=60")
	if format == "csv" {
		t := &models.StatTable{Name: "overview", Dims: []string{"dimension", "key"}, Figures: []string{"value"}}
		t.Rows = append(t.Rows,
			models.StatRow{Dims: []string{"total", "actors"}, Cells: []models.StatCell{o.Actors}},
			models.StatRow{Dims: []string{"introductions", "requested"}, Cells: []models.StatCell{o.Requested}},
			models.StatRow{Dims: []string{"introductions", "connected"}, Cells: []models.StatCell{o.Connected}})
		for _, sub := range []models.StatTable{o.ByKind, o.BySector, o.ByCountry} {
			for _, r := range sub.Rows {
				t.Rows = append(t.Rows, models.StatRow{Dims: []string{sub.Dims[0], r.Dims[0]}, Cells: r.Cells})
			}
		}
		return s.sendTable(c, format, t, nil)
	}
	return c.JSON(http.StatusOK, map[string]any{
		"actors":        o.Actors,
		"introductions": map[string]any{"requested": o.Requested, "connected": o.Connected},
		"by_kind":       tableJSON(&o.ByKind),
		"by_sector":     tableJSON(&o.BySector),
		"by_country":    tableJSON(&o.ByCountry),
		"k":             models.MinCell, "note": suppressionNote,
		"generated_at": s.now().UTC().Format(time.RFC3339),
	})
}

func (s *Server) statsSkills(c echo.Context) error {
	format, err := statsFormat(c)
	if err != nil {
		return err
	}
	f := models.SkillStatsFilter{Domain: c.QueryParam("domain"), Sector: c.QueryParam("sector"), Country: c.QueryParam("country")}
	ve := &models.ValidationError{}
	if f.Domain != "" && f.Domain != "ai" && f.Domain != "cci" && f.Domain != "transversal" {
		ve.Add("domain", "must be ai, cci or transversal")
	}
	if f.Country != "" && !s.codes.ValidCountry(f.Country) {
		ve.Add("country", "must be an ISO 3166-1 alpha-2 code such as NL")
	}
	switch c.QueryParam("by") {
	case "", "skill":
	case "group":
		f.Group = true
	default:
		ve.Add("by", "must be skill or group")
	}
	if f.Sector != "" {
		sectors, err := s.store.Sectors(c.Request().Context())
		if err != nil {
			return err
		}
		known := false
		for _, sec := range sectors {
			known = known || sec.Slug == f.Sector
		}
		if !known {
			ve.Add("sector", "is not a known sector")
		}
	}
	if err := ve.Err(); err != nil {
		return err
	}
	t, err := s.store.StatsSkills(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return s.sendTable(c, format, t, map[string]any{"rounding": models.Rounding, "note": skillsNote, "filter": map[string]any{"domain": f.Domain, "sector": f.Sector, "country": f.Country, "by": map[bool]string{true: "group", false: "skill"}[f.Group]}})
}

func (s *Server) statsTrends(c echo.Context) error {
	format, err := statsFormat(c)
	if err != nil {
		return err
	}
	period := c.QueryParam("period")
	if period == "" {
		period = "month"
	}
	t, err := s.store.StatsTrends(c.Request().Context(), period)
	if err != nil {
		return err
	}
	return s.sendTable(c, format, t, map[string]any{"period": period})
}

func (s *Server) statsIntroductions(c echo.Context) error {
	format, err := statsFormat(c)
	if err != nil {
		return err
	}
	t, err := s.store.StatsIntroductions(c.Request().Context())
	if err != nil {
		return err
	}
	return s.sendTable(c, format, t, nil)
}

// cachedPublic keeps the successful answers of an expensive public endpoint for a minute, keyed by
// the request URI, so that a busy landing page (or a script) does not recount the database on every
// request. The figures are aggregates that change slowly; Cache-Control already says 60 s. The map
// is bounded: varying the query cannot grow it without limit.
func (s *Server) cachedPublic(h echo.HandlerFunc) echo.HandlerFunc {
	const ttl, maxEntries = time.Minute, 256
	type entry struct {
		at     time.Time
		header http.Header
		body   []byte
	}
	var mu sync.Mutex
	entries := map[string]entry{}
	return func(c echo.Context) error {
		key := c.Request().URL.RequestURI()
		now := time.Now()
		mu.Lock()
		e, ok := entries[key]
		mu.Unlock()
		res := c.Response()
		if ok && now.Sub(e.at) < ttl {
			for k, v := range e.header {
				res.Header()[k] = v
			}
			res.Header().Set("Age", strconv.Itoa(int(now.Sub(e.at).Seconds())))
			res.WriteHeader(http.StatusOK)
			_, err := res.Write(e.body)
			return err
		}
		orig := res.Writer
		rec := &bufferedWriter{header: http.Header{}}
		res.Writer = rec
		err := h(c)
		res.Writer = orig
		if rec.status == 0 { // nothing written: an error, which the error handler answers
			return err
		}
		for k, v := range rec.header {
			orig.Header()[k] = v
		}
		orig.WriteHeader(rec.status)
		if _, werr := orig.Write(rec.body.Bytes()); werr != nil && err == nil {
			err = werr
		}
		if err == nil && rec.status == http.StatusOK {
			mu.Lock()
			if len(entries) >= maxEntries {
				clear(entries)
			}
			entries[key] = entry{at: now, header: rec.header.Clone(), body: rec.body.Bytes()}
			mu.Unlock()
		}
		return err
	}
}

// bufferedWriter holds a response until the handler is done.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *bufferedWriter) Header() http.Header { return w.header }
func (w *bufferedWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(b)
}
func (w *bufferedWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}
