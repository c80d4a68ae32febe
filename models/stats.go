package models

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// The observatory: aggregated, public figures about visible actors only (hidden_at IS NULL). Every
// figure is a StatCell that knows how many distinct actors it is about; a figure about fewer than
// MinCell actors (but more than none) is suppressed before it leaves this package, so no caller can
// publish it by mistake. Zero is shown: it says nothing about anyone.

// MinCell is the k of k-anonymity: the smallest number of distinct actors a published figure may be about.
const MinCell = 5

// Rounding is the base the skills table's counts are published in (as national statistical offices
// publish small-area tables): with filters, that table could otherwise be differenced — the figure
// for all countries minus the one for country X is exactly the count of actors outside X, which may
// be 1 to 4. Rounded figures differ from the true ones by up to 2 either way, so a difference of two
// published figures only bounds a small count, never gives it.
const Rounding = 5

// round5 rounds a count to the nearest multiple of Rounding (remainders 3 and 4 round up).
func round5(n int64) int64 { return (n + Rounding/2) / Rounding * Rounding }

// roundedCell publishes a count of actors rounded to base Rounding, unless it is about 1 to
// MinCell-1 actors (suppressed) or none (0, exact).
func roundedCell(n int) StatCell {
	c := cell(int64(n), n)
	if c.Value != nil {
		*c.Value = round5(*c.Value)
	}
	return c
}

// StatCell is one published figure: Value is nil when suppressed.
type StatCell struct {
	Value      *int64
	Suppressed bool
}

// cell publishes value unless it is about 1 to MinCell-1 distinct actors.
func cell(value int64, actors int) StatCell {
	if actors > 0 && actors < MinCell {
		return StatCell{Suppressed: true}
	}
	v := value
	return StatCell{Value: &v}
}

// MarshalJSON writes the number, or null when suppressed.
func (c StatCell) MarshalJSON() ([]byte, error) {
	if c.Value == nil {
		return []byte("null"), nil
	}
	return json.Marshal(*c.Value)
}

// StatRow is one line of a table: its dimension values, then its figures in the table's order.
type StatRow struct {
	Dims  []string
	Cells []StatCell
}

// StatTable is a table of figures: Dims names the dimension columns, Figures the figure columns.
type StatTable struct {
	Name    string
	Title   string
	Dims    []string
	Figures []string
	Rows    []StatRow
}

// ---- Overview ----

// StatsOverview holds the landing page's live figures.
type StatsOverview struct {
	Actors    StatCell
	Connected StatCell // introductions connected, ever
	Requested StatCell // introductions requested, ever
	ByKind    StatTable
	BySector  StatTable
	ByCountry StatTable
}

// StatsOverview counts visible actors by kind, sector and country, and introductions.
func (s *Store) StatsOverview(ctx context.Context) (*StatsOverview, error) {
	db := s.conn(ctx)
	out := &StatsOverview{}
	var total int64
	if err := db.Model(&Actor{}).Where("hidden_at IS NULL").Count(&total).Error; err != nil {
		return nil, err
	}
	out.Actors = cell(total, int(total))

	type kv struct {
		K string
		N int64
	}
	var kinds []kv
	if err := db.Model(&Actor{}).Select("kind AS k, COUNT(*) AS n").Where("hidden_at IS NULL").Group("kind").Scan(&kinds).Error; err != nil {
		return nil, err
	}
	byKind := map[string]int64{}
	for _, r := range kinds {
		byKind[r.K] = r.N
	}
	out.ByKind = StatTable{Name: "actors_by_kind", Title: "Actors by kind", Dims: []string{"kind"}, Figures: []string{"actors"}}
	kindCounts := make([]int64, len(ActorKinds))
	for i, k := range ActorKinds {
		kindCounts[i] = byKind[k]
	}
	for i, c := range partitionCells(kindCounts) {
		out.ByKind.Rows = append(out.ByKind.Rows, StatRow{Dims: []string{ActorKinds[i]}, Cells: []StatCell{c}})
	}

	var secs []kv
	if err := db.Table("actor_sectors x").Select("x.sector_slug AS k, COUNT(DISTINCT x.actor_id) AS n").
		Joins("JOIN actors a ON a.id = x.actor_id AND a.hidden_at IS NULL").Group("x.sector_slug").Scan(&secs).Error; err != nil {
		return nil, err
	}
	bySector := map[string]int64{}
	for _, r := range secs {
		bySector[r.K] = r.N
	}
	sectors, err := s.Sectors(ctx)
	if err != nil {
		return nil, err
	}
	out.BySector = StatTable{Name: "actors_by_sector", Title: "Actors by sector", Dims: []string{"sector"}, Figures: []string{"actors"}}
	for _, sec := range sectors {
		n := bySector[sec.Slug]
		out.BySector.Rows = append(out.BySector.Rows, StatRow{Dims: []string{sec.Slug}, Cells: []StatCell{cell(n, int(n))}})
	}

	var countries []kv
	if err := db.Model(&Actor{}).Select("country AS k, COUNT(*) AS n").Where("hidden_at IS NULL").Group("country").Order("country").Scan(&countries).Error; err != nil {
		return nil, err
	}
	out.ByCountry = StatTable{Name: "actors_by_country", Title: "Actors by country", Dims: []string{"country"}, Figures: []string{"actors"}}
	countryCounts := make([]int64, len(countries))
	for i, r := range countries {
		countryCounts[i] = r.N
	}
	for i, c := range partitionCells(countryCounts) {
		out.ByCountry.Rows = append(out.ByCountry.Rows, StatRow{Dims: []string{countries[i].K}, Cells: []StatCell{c}})
	}

	intros, err := s.statIntroductions(ctx)
	if err != nil {
		return nil, err
	}
	var req, con int64
	reqActors, conActors := map[string]bool{}, map[string]bool{}
	for _, in := range intros {
		req++
		for _, p := range in.parties {
			reqActors[p] = true
		}
		if in.connected {
			con++
			for _, p := range in.parties {
				conActors[p] = true
			}
		}
	}
	out.Requested = cell(req, len(reqActors))
	out.Connected = cell(con, len(conActors))
	return out, nil
}

// ---- Skills supply and demand ----

// SkillStatsFilter narrows the skills table. Group true counts per skill group (top-level skill).
type SkillStatsFilter struct {
	Domain, Sector, Country string
	Group                   bool
}

// skillTree is the taxonomy's parent links and domains.
type skillTree struct {
	parent map[string]string
	domain map[string]string
}

func (s *Store) skillTree(ctx context.Context) (*skillTree, error) {
	var rows []SkillRow
	if err := s.conn(ctx).Select("slug", "domain", "parent_slug").Find(&rows).Error; err != nil {
		return nil, err
	}
	t := &skillTree{parent: make(map[string]string, len(rows)), domain: make(map[string]string, len(rows))}
	for _, r := range rows {
		t.domain[r.Slug] = r.Domain
		if r.ParentSlug != nil {
			t.parent[r.Slug] = *r.ParentSlug
		}
	}
	return t, nil
}

// group is the top-level ancestor of a skill (itself when top-level); guards against cycles.
func (t *skillTree) group(slug string) string {
	for i := 0; i < 32; i++ {
		p, ok := t.parent[slug]
		if !ok || p == "" {
			return slug
		}
		slug = p
	}
	return slug
}

type actorSkill struct {
	ActorID   string
	SkillSlug string
	Country   string
}

// skillPairs lists (actor, skill) of offers or needs of visible actors matching the filter.
func (s *Store) skillPairs(ctx context.Context, table string, f SkillStatsFilter) ([]actorSkill, error) {
	q := s.conn(ctx).Table(table + " x").Select("x.actor_id, x.skill_slug, a.country").
		Joins("JOIN actors a ON a.id = x.actor_id AND a.hidden_at IS NULL")
	if f.Country != "" {
		q = q.Where("a.country = ?", strings.ToUpper(f.Country))
	}
	if f.Sector != "" {
		q = q.Where("EXISTS (SELECT 1 FROM actor_sectors y WHERE y.actor_id = a.id AND y.sector_slug = ?)", f.Sector)
	}
	if f.Domain != "" {
		q = q.Joins("JOIN skills k ON k.slug = x.skill_slug AND k.domain = ?", f.Domain)
	}
	var out []actorSkill
	err := q.Scan(&out).Error
	return out, err
}

// StatsSkills is supply (actors offering) against demand (actors needing) per skill or skill group,
// with the gap (demand − supply: positive means a shortage). Rows with neither are left out.
//
// Against differencing, supply and demand are published rounded to base Rounding (1 to 4 actors:
// suppressed), and the gap is the difference of the published figures. With a country filter, the
// figure is also one cell of a partition — every actor has one country, and the unfiltered figure is
// their total — so it goes through partitionCells over all countries of that skill: a country's
// figure is suppressed as well when it would let a suppressed one be recovered by subtraction.
func (s *Store) StatsSkills(ctx context.Context, f SkillStatsFilter) (*StatTable, error) {
	tree, err := s.skillTree(ctx)
	if err != nil {
		return nil, err
	}
	country := strings.ToUpper(f.Country)
	all := f
	all.Country = "" // the partition needs every country
	offers, err := s.skillPairs(ctx, "actor_offers", all)
	if err != nil {
		return nil, err
	}
	needs, err := s.skillPairs(ctx, "actor_needs", all)
	if err != nil {
		return nil, err
	}
	key := func(slug string) string {
		if f.Group {
			return tree.group(slug)
		}
		return slug
	}
	supply, supplyN := skillSide(offers, key, country)
	demand, demandN := skillSide(needs, key, country)
	keys := map[string]bool{}
	for k, n := range supplyN {
		keys[k] = keys[k] || n > 0
	}
	for k, n := range demandN {
		keys[k] = keys[k] || n > 0
	}
	dim := "skill"
	if f.Group {
		dim = "skill_group"
	}
	t := &StatTable{Name: "skills", Title: "Skills: supply (offers) and demand (needs)", Dims: []string{dim, "domain"}, Figures: []string{"supply", "demand", "gap"}}
	var ks []string
	for k, has := range keys {
		if has {
			ks = append(ks, k)
		}
	}
	zero := roundedCell(0)
	for _, k := range ks {
		sc, dc := zero, zero
		if c, ok := supply[k]; ok {
			sc = c
		}
		if c, ok := demand[k]; ok {
			dc = c
		}
		gc := StatCell{Suppressed: true}
		if !sc.Suppressed && !dc.Suppressed {
			g := *dc.Value - *sc.Value
			gc = StatCell{Value: &g}
		}
		t.Rows = append(t.Rows, StatRow{Dims: []string{k, tree.domain[k]}, Cells: []StatCell{sc, dc, gc}})
	}
	// By published demand (a suppressed one between 0 and 5), then by name: the order tells no more
	// than the figures.
	rank := func(c StatCell) float64 {
		if c.Value == nil {
			return 2.5
		}
		return float64(*c.Value)
	}
	sort.Slice(t.Rows, func(i, j int) bool {
		if a, b := rank(t.Rows[i].Cells[1]), rank(t.Rows[j].Cells[1]); a != b {
			return a > b
		}
		return t.Rows[i].Dims[0] < t.Rows[j].Dims[0]
	})
	return t, nil
}

// skillSide counts, per key, the distinct actors of pairs (in country, when given) and publishes
// each count: rounded, suppressed when about 1 to 4 actors, and with a country, suppressed too when
// partitionCells over the key's countries says so.
func skillSide(pairs []actorSkill, key func(string) string, country string) (map[string]StatCell, map[string]int) {
	by := map[string]map[string]map[string]bool{} // key → country → actors
	for _, p := range pairs {
		k := key(p.SkillSlug)
		if by[k] == nil {
			by[k] = map[string]map[string]bool{}
		}
		if by[k][p.Country] == nil {
			by[k][p.Country] = map[string]bool{}
		}
		by[k][p.Country][p.ActorID] = true
	}
	cells, counts := map[string]StatCell{}, map[string]int{}
	for k, cs := range by {
		if country == "" {
			n := 0
			for _, actors := range cs {
				n += len(actors) // an actor has one country
			}
			cells[k], counts[k] = roundedCell(n), n
			continue
		}
		n := len(cs[country])
		counts[k] = n
		if n == 0 {
			continue
		}
		names := make([]string, 0, len(cs))
		for c := range cs {
			names = append(names, c)
		}
		sort.Strings(names)
		values := make([]int64, len(names))
		for i, c := range names {
			values[i] = int64(len(cs[c]))
		}
		part := partitionCells(values)
		c := part[slices.Index(names, country)]
		if !c.Suppressed {
			c = roundedCell(n)
		}
		cells[k] = c
	}
	return cells, counts
}

// ---- Trends ----

type versionRow struct {
	ActorID   string
	Version   int
	Kind      string
	Snapshot  string
	CreatedAt time.Time
}

// PeriodKey is the label of the month ("2026-11") or year ("2026") holding t.
func PeriodKey(t time.Time, period string) string {
	if period == "year" {
		return t.UTC().Format("2006")
	}
	return t.UTC().Format("2006-01")
}

// StatsTrends replays the kept profile versions (actor_versions) period by period: actors created in
// each period, actors created before it that changed in it (updated), and at its end the actors by kind and those offering and needing AI skills.
// Erased actors take their history with them; hidden ones are left out.
func (s *Store) StatsTrends(ctx context.Context, period string) (*StatTable, error) {
	if period != "month" && period != "year" {
		return nil, Invalid("period", "must be month or year")
	}
	tree, err := s.skillTree(ctx)
	if err != nil {
		return nil, err
	}
	// Streamed: the history can be long; only the latest state of each actor is kept.
	rows, err := s.conn(ctx).Table("actor_versions v").Select("v.actor_id, v.version, v.kind, v.snapshot, v.created_at").
		Joins("JOIN actors a ON a.id = v.actor_id AND a.hidden_at IS NULL").Order("v.created_at, v.id").Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	t := &StatTable{Name: "trends", Title: "Trends by " + period, Dims: []string{"period"},
		Figures: []string{"created", "updated", "actors", "cci", "ai", "intermediary", "ai_supply", "ai_demand"}}
	type state struct {
		kind       string
		supply, dm bool
	}
	latest := map[string]state{}
	flush := func(label string, created, updated map[string]bool) {
		kinds := map[string]int{}
		sup, dem := 0, 0
		for _, st := range latest {
			kinds[st.kind]++
			if st.supply {
				sup++
			}
			if st.dm {
				dem++
			}
		}
		n := len(latest)
		kc := partitionCells([]int64{int64(kinds["cci"]), int64(kinds["ai"]), int64(kinds["intermediary"])})
		t.Rows = append(t.Rows, StatRow{Dims: []string{label}, Cells: []StatCell{
			cell(int64(len(created)), len(created)), cell(int64(len(updated)), len(updated)), cell(int64(n), n),
			kc[0], kc[1], kc[2],
			cell(int64(sup), sup), cell(int64(dem), dem)}})
	}
	cur := ""
	created, updated := map[string]bool{}, map[string]bool{}
	seen := map[string]bool{}
	for rows.Next() {
		var v versionRow
		if err := s.conn(ctx).ScanRows(rows, &v); err != nil {
			return nil, err
		}
		k := PeriodKey(v.CreatedAt, period)
		if cur == "" {
			cur = k
		}
		for k > cur { // close the current period and every empty one up to k
			flush(cur, created, updated)
			created, updated = map[string]bool{}, map[string]bool{}
			cur = nextPeriod(cur, period)
		}
		if !seen[v.ActorID] {
			created[v.ActorID] = true
			seen[v.ActorID] = true
		} else if !created[v.ActorID] {
			updated[v.ActorID] = true
		}
		var snap struct {
			Offers []Offer `json:"offers"`
			Needs  []Need  `json:"needs"`
		}
		_ = json.Unmarshal([]byte(v.Snapshot), &snap)
		st := state{kind: v.Kind}
		for _, o := range snap.Offers {
			st.supply = st.supply || tree.domain[o.Skill] == "ai"
		}
		for _, n := range snap.Needs {
			st.dm = st.dm || tree.domain[n.Skill] == "ai"
		}
		latest[v.ActorID] = st
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if cur != "" {
		flush(cur, created, updated)
	}
	return t, nil
}

func nextPeriod(label, period string) string {
	if period == "year" {
		t, _ := time.Parse("2006", label)
		return t.AddDate(1, 0, 0).Format("2006")
	}
	t, _ := time.Parse("2006-01", label)
	return t.AddDate(0, 1, 0).Format("2006-01")
}

// ---- Introductions by CCI sector × AI skill group ----

type statIntro struct {
	id        string
	connected bool
	success   bool
	parties   []string
}

// statIntroductions loads every introduction whose parties are all still there and visible.
func (s *Store) statIntroductions(ctx context.Context) ([]*statIntro, error) {
	var rows []struct {
		ID          string
		ConnectedAt *time.Time
		ActorID     *string
		Hidden      *time.Time
	}
	err := s.conn(ctx).Table("introductions i").
		Select("i.id, i.connected_at, p.actor_id, a.hidden_at AS hidden").
		Joins("JOIN introduction_parties p ON p.introduction_id = i.id").
		Joins("LEFT JOIN actors a ON a.id = p.actor_id").Order("i.id").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	var success []string
	if err := s.conn(ctx).Table("introduction_outcomes").Where("answer IN ?", []string{"collaborating", "agreement"}).
		Distinct("introduction_id").Pluck("introduction_id", &success).Error; err != nil {
		return nil, err
	}
	ok := map[string]bool{}
	for _, id := range success {
		ok[id] = true
	}
	var out []*statIntro
	byID := map[string]*statIntro{}
	bad := map[string]bool{}
	for _, r := range rows {
		if r.ActorID == nil || r.Hidden != nil {
			bad[r.ID] = true
			continue
		}
		in := byID[r.ID]
		if in == nil {
			in = &statIntro{id: r.ID, connected: r.ConnectedAt != nil}
			in.success = in.connected && ok[r.ID]
			byID[r.ID] = in
			out = append(out, in)
		}
		in.parties = append(in.parties, *r.ActorID)
	}
	return slices.DeleteFunc(out, func(in *statIntro) bool { return bad[in.id] || len(in.parties) < 2 }), nil
}

// StatsIntroductions counts introductions requested, connected and successful (a party answered
// collaborating or agreement) per cell (sector of the CCI party × group of a skill the AI party
// offers). An introduction between a cci and an ai actor counts once in every cell it spans; each
// figure is suppressed when the introductions behind it involve fewer than MinCell distinct actors.
func (s *Store) StatsIntroductions(ctx context.Context) (*StatTable, error) {
	intros, err := s.statIntroductions(ctx)
	if err != nil {
		return nil, err
	}
	tree, err := s.skillTree(ctx)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, in := range intros {
		ids = append(ids, in.parties...)
	}
	actors, err := s.ActorsIn(ctx, ids)
	if err != nil {
		return nil, err
	}
	type agg struct {
		n      [3]int64
		actors [3]map[string]bool
	}
	cells := map[[2]string]*agg{}
	for _, in := range intros {
		var cci, ai *Actor
		for _, id := range in.parties {
			a := actors[id]
			if a == nil {
				continue
			}
			switch a.Kind {
			case "cci":
				cci = a
			case "ai":
				ai = a
			}
		}
		if cci == nil || ai == nil {
			continue
		}
		groups := map[string]bool{}
		for _, o := range ai.Offers {
			if tree.domain[o.Skill] == "ai" {
				groups[tree.group(o.Skill)] = true
			}
		}
		for _, sec := range cci.Sectors {
			for g := range groups {
				k := [2]string{sec, g}
				c := cells[k]
				if c == nil {
					c = &agg{actors: [3]map[string]bool{{}, {}, {}}}
					cells[k] = c
				}
				for i, counts := range []bool{true, in.connected, in.success} {
					if counts {
						c.n[i]++
						c.actors[i][cci.ID], c.actors[i][ai.ID] = true, true
					}
				}
			}
		}
	}
	keys := make([][2]string, 0, len(cells))
	for k := range cells {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return keys[i][0] < keys[j][0]
		}
		return keys[i][1] < keys[j][1]
	})
	t := &StatTable{Name: "introductions", Title: "Introductions by CCI sector and AI skill group",
		Dims: []string{"sector", "skill_group"}, Figures: []string{"requested", "connected", "successful"}}
	for _, k := range keys {
		c := cells[k]
		row := StatRow{Dims: []string{k[0], k[1]}}
		for i := range 3 {
			row.Cells = append(row.Cells, cell(c.n[i], len(c.actors[i])))
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

// String renders a cell for text output.
func (c StatCell) String() string {
	if c.Value == nil {
		return "suppressed"
	}
	return fmt.Sprint(*c.Value)
}

// partitionCells publishes the cells of a partition of a published total (actors by kind, by
// country): besides every cell about 1 to MinCell-1 actors, it suppresses the smallest other
// non-zero cells until at least two are suppressed and they hold at least MinCell actors together,
// so that no suppressed figure can be recovered as the total minus the published ones.
func partitionCells(values []int64) []StatCell {
	out := make([]StatCell, len(values))
	suppressed, count := int64(0), 0
	for i, v := range values {
		out[i] = cell(v, int(v))
		if out[i].Suppressed {
			suppressed += v
			count++
		}
	}
	for count > 0 && (count < 2 || suppressed < MinCell) {
		best := -1
		for i, v := range values {
			if !out[i].Suppressed && v > 0 && (best < 0 || v < values[best]) {
				best = i
			}
		}
		if best < 0 {
			break // every non-zero cell is suppressed already
		}
		out[best] = StatCell{Suppressed: true}
		suppressed += values[best]
		count++
	}
	return out
}
