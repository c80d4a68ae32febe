package main

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"os"
	"strings"
	"time"

	"github.com/crossover-cci/crossover/models"
)

// cmdReport writes the yearly observatory report: one self-contained HTML file (inline CSS and SVG, no
// external assets) with the figures of /api/v1/stats, suppressed the same way.
func cmdReport(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	fs := newFlags("report", stdout)
	year := fs.Int("year", time.Now().UTC().Year(), "the year the trends cover")
	out := fs.String("out", "", "the HTML file to write (default crossover-report-YEAR.html)")
	cfg.bindDB(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *year < 2000 || *year > 2100 {
		return errors.New("--year must be a year such as 2026")
	}
	if *out == "" {
		*out = fmt.Sprintf("crossover-report-%d.html", *year)
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
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	if err := writeReport(ctx, store, *year, time.Now().UTC(), f); err != nil {
		f.Close()
		os.Remove(*out)
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s\n", *out)
	return nil
}

// reportSection is one table of the report with its chart.
type reportSection struct {
	Title   string
	Note    string
	Table   *models.StatTable
	Chart   template.HTML
	Headers []string
	Rows    [][]string
}

// writeReport renders the figures into w.
func writeReport(ctx context.Context, store *models.Store, year int, now time.Time, w io.Writer) error {
	ov, err := store.StatsOverview(ctx)
	if err != nil {
		return err
	}
	groups, err := store.StatsSkills(ctx, models.SkillStatsFilter{Group: true})
	if err != nil {
		return err
	}
	aiSkills, err := store.StatsSkills(ctx, models.SkillStatsFilter{Domain: "ai"})
	if err != nil {
		return err
	}
	trends, err := store.StatsTrends(ctx, "month")
	if err != nil {
		return err
	}
	intros, err := store.StatsIntroductions(ctx)
	if err != nil {
		return err
	}
	// The trends of the report's year only.
	inYear := *trends
	inYear.Rows = nil
	for _, r := range trends.Rows {
		if strings.HasPrefix(r.Dims[0], fmt.Sprint(year)) {
			inYear.Rows = append(inYear.Rows, r)
		}
	}
	sections := []reportSection{
		section("Actors by kind", "", &ov.ByKind, 0),
		section("Actors by sector", "", &ov.BySector, 0),
		section("Actors by country", "", &ov.ByCountry, 0),
		section("Skills supply and demand by skill group", "Supply: actors offering a skill of the group; demand: actors needing one; gap = demand − supply (positive: a shortage).", groups, 1),
		section("AI skills: supply and demand", "Every AI skill anyone offers or needs.", aiSkills, 1),
		section(fmt.Sprintf("Trends in %d, by month", year), "From the kept profile versions; actors and the AI columns are counted at the end of each month.", &inYear, 2),
		section("Introductions by CCI sector and AI skill group", "Successful: connected, and a party answered collaborating or agreement.", intros, 0),
	}
	data := map[string]any{
		"Year": year, "Generated": now.Format("2006-01-02 15:04 UTC"), "K": models.MinCell,
		"Actors": ov.Actors.String(), "Requested": ov.Requested.String(), "Connected": ov.Connected.String(),
		"Sections": sections,
	}
	return reportTemplate.Execute(w, data)
}

// section renders a table and a bar chart of one of its figures (skipping the dimension columns
// after the first for the label).
func section(title, note string, t *models.StatTable, figure int) reportSection {
	s := reportSection{Title: title, Note: note, Table: t, Headers: append(append([]string{}, t.Dims...), t.Figures...)}
	for _, r := range t.Rows {
		row := append([]string{}, r.Dims...)
		for _, c := range r.Cells {
			row = append(row, c.String())
		}
		s.Rows = append(s.Rows, row)
	}
	s.Chart = barChart(t, figure)
	return s
}

// barChart draws one horizontal bar per row as inline SVG; a suppressed figure is drawn as a hatched
// note instead of a bar. The figure plotted is Figures[figure] (and, for skills, supply beside demand).
func barChart(t *models.StatTable, figure int) template.HTML {
	if len(t.Rows) == 0 {
		return template.HTML(`<p class="empty">No data yet.</p>`)
	}
	series := []int{figure}
	if t.Name == "skills" { // supply and demand side by side
		series = []int{0, 1}
	}
	colors := []string{"#2a6f97", "#e07a5f"}
	var max int64 = 1
	for _, r := range t.Rows {
		for _, f := range series {
			if v := r.Cells[f].Value; v != nil && *v > max {
				max = *v
			}
		}
	}
	const labelW, barW, rowH = 220, 420, 18
	groupH := rowH*len(series) + 6
	h := groupH*len(t.Rows) + 30
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`,
		labelW+barW+80, h, labelW+barW+80, h)
	fmt.Fprintf(&b, `<title>%s</title>`, template.HTMLEscapeString(t.Title))
	for i, r := range t.Rows {
		y := i*groupH + 4
		label := r.Dims[0]
		if t.Name == "introductions" {
			label = strings.Join(r.Dims, " × ")
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`, labelW-6, y+rowH-5, template.HTMLEscapeString(label))
		for j, f := range series {
			yy := y + j*rowH
			c := r.Cells[f]
			if c.Value == nil {
				fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#888" font-style="italic">suppressed (fewer than %d actors)</text>`, labelW, yy+rowH-5, models.MinCell)
				continue
			}
			w := int(float64(*c.Value) / float64(max) * barW)
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%s %s: %d</title></rect>`,
				labelW, yy, w, rowH-3, colors[j%len(colors)], template.HTMLEscapeString(r.Dims[0]), t.Figures[f], *c.Value)
			fmt.Fprintf(&b, `<text x="%d" y="%d">%d</text>`, labelW+w+4, yy+rowH-5, *c.Value)
		}
	}
	if len(series) > 1 {
		ly := h - 10
		for j, f := range series {
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d">%s</text>`,
				labelW+j*110, ly-9, colors[j], labelW+j*110+14, ly, t.Figures[f])
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every text in it went through HTMLEscapeString
}

var reportTemplate = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Crossover observatory — AI skills in the cultural and creative industries, {{.Year}}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 980px; margin: 2em auto; padding: 0 1em; color: #1d1d1f; }
h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
.figures { display: flex; gap: 2em; } .figures div { font-size: 2em; font-weight: bold; } .figures span { display: block; font-size: .45em; font-weight: normal; color: #555; }
table { border-collapse: collapse; margin: 1em 0; font-size: .9em; } th, td { padding: .2em .6em; border-bottom: 1px solid #eee; text-align: left; }
td.n { text-align: right; } .note { color: #555; font-size: .9em; } details { margin: .5em 0 1.5em; }
</style>
</head>
<body>
<h1>Crossover observatory: AI skills in the cultural and creative industries, {{.Year}}</h1>
<p class="note">Generated {{.Generated}}. Counts cover visible profiles only. k-anonymity: a figure about fewer than {{.K}} distinct actors is suppressed and shown as "suppressed". Input to the yearly skills agenda.</p>
<div class="figures">
<div id="actors">{{.Actors}}<span>actors</span></div>
<div id="requested">{{.Requested}}<span>introductions requested</span></div>
<div id="connected">{{.Connected}}<span>introductions connected</span></div>
</div>
{{range .Sections}}
<section>
<h2>{{.Title}}</h2>
{{if .Note}}<p class="note">{{.Note}}</p>{{end}}
{{.Chart}}
<details><summary>Table</summary>
<table>
<thead><tr>{{range .Headers}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>{{end}}</tbody>
</table>
</details>
</section>
{{end}}
<p class="note">Data: Crossover platform, licensed CC BY 4.0. Skills taxonomy links to ESCO (© European Union, CC BY 4.0).</p>
</body>
</html>
`))
