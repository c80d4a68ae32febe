package seeds

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/crossover-cci/crossover/models"
)

// SyntheticEpoch is every synthetic actor's creation time (plus one second per actor), so that the
// same seed gives the same rows on every database and every day.
var SyntheticEpoch = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

type weighted[T any] struct {
	items   []T
	cumul   []float64
	totalWt float64
}

func newWeighted[T any](pairs ...any) weighted[T] {
	var w weighted[T]
	for i := 0; i+1 < len(pairs); i += 2 {
		w.items = append(w.items, pairs[i].(T))
		w.totalWt += float64(pairs[i+1].(int))
		w.cumul = append(w.cumul, w.totalWt)
	}
	return w
}

func (w weighted[T]) pick(r *rand.Rand) T {
	x := r.Float64() * w.totalWt
	i, _ := slices.BinarySearch(w.cumul, x)
	return w.items[min(i, len(w.items)-1)]
}

// Proportions: a platform for the CCIs has more CCI actors than AI ones, and few intermediaries.
var (
	synthKinds   = newWeighted[string]("cci", 55, "ai", 35, "intermediary", 10)
	synthOrgType = map[string]weighted[string]{
		"cci": newWeighted[string]("freelancer", 35, "sme", 30, "public_institution", 12, "ngo", 10, "large_company", 5,
			"university", 5, "network", 3),
		"ai":           newWeighted[string]("startup", 40, "sme", 30, "research_lab", 12, "university", 10, "large_company", 6, "freelancer", 2),
		"intermediary": newWeighted[string]("network", 50, "public_institution", 20, "ngo", 15, "university", 10, "sme", 5),
	}
	// Countries roughly by the size of their cultural and creative workforce.
	synthCountries = newWeighted[string]("DE", 16, "FR", 14, "IT", 11, "ES", 10, "NL", 7, "PL", 6, "BE", 4, "SE", 4, "AT", 3,
		"PT", 3, "DK", 2, "FI", 2, "IE", 2, "CZ", 2, "GR", 2, "RO", 2, "HU", 2, "EE", 1, "LT", 1, "LV", 1, "SI", 1,
		"SK", 1, "HR", 1, "BG", 1, "LU", 1, "CY", 1, "MT", 1, "NO", 1)
	synthCities = map[string][]string{
		"DE": {"Berlin", "Hamburg", "München", "Köln", "Leipzig"}, "FR": {"Paris", "Lyon", "Marseille", "Lille", "Nantes"},
		"IT": {"Milano", "Roma", "Torino", "Bologna", "Napoli"}, "ES": {"Madrid", "Barcelona", "Valencia", "Sevilla", "Bilbao"},
		"NL": {"Amsterdam", "Rotterdam", "Eindhoven", "Utrecht", "Den Haag"}, "PL": {"Warszawa", "Kraków", "Wrocław", "Gdańsk"},
		"BE": {"Brussels", "Antwerpen", "Gent", "Liège"}, "SE": {"Stockholm", "Göteborg", "Malmö"}, "AT": {"Wien", "Graz", "Linz"},
		"PT": {"Lisboa", "Porto"}, "DK": {"København", "Aarhus"}, "FI": {"Helsinki", "Tampere"}, "IE": {"Dublin", "Galway"},
		"CZ": {"Praha", "Brno"}, "GR": {"Athina", "Thessaloniki"}, "RO": {"București", "Cluj-Napoca"}, "HU": {"Budapest"},
		"EE": {"Tallinn", "Tartu"}, "LT": {"Vilnius"}, "LV": {"Rīga"}, "SI": {"Ljubljana"}, "SK": {"Bratislava"},
		"HR": {"Zagreb"}, "BG": {"Sofia"}, "LU": {"Luxembourg"}, "CY": {"Nicosia"}, "MT": {"Valletta"}, "NO": {"Oslo", "Bergen"},
	}
	synthSyllables = []string{"ar", "lu", "mi", "no", "ve", "ka", "ri", "so", "ta", "el", "quo", "zen", "ma", "da", "li", "or",
		"nova", "pix", "son", "lux", "vox", "fil", "ton", "gra", "mu", "sa", "te", "vi", "ro", "la"}
	synthSuffix = map[string][]string{
		"cci":          {"Studio", "Collective", "Atelier", "Theatre", "Records", "Films", "Museum", "Archive", "Press", "Games", "Design", "Gallery"},
		"ai":           {"AI", "Labs", "Analytics", "Machines", "Vision", "Intelligence", "Data", "Robotics", "Systems", "Neural"},
		"intermediary": {"Hub", "Network", "Cluster", "Lab", "Alliance", "Foundation", "Platform", "Exchange"},
	}
	synthBio = map[string][]string{
		"cci": {"We make %s work and want to try AI in our practice.", "A %s organisation looking for technical partners for a first AI project.",
			"Working in %s; curious how machine learning could help our audience and archive."},
		"ai": {"We build AI products and look for %s partners who know the field.", "Applied machine learning team with a focus on %s.",
			"Research-driven AI company; we want domain experts from %s to shape our tools."},
		"intermediary": {"We connect %s organisations with technology partners and funding.", "A hub for %s and AI: events, matchmaking and training.",
			"Programmes and brokerage for %s and digital innovation."},
	}
)

// synthPools are the skills of each domain in popularity order: a Zipf law over the index makes a
// few skills very common and most rare, as in real profiles.
type synthPools struct {
	byDomain map[string][]string
	zipf     map[string]*rand.Zipf
	sectors  []string
	secZipf  *rand.Zipf
}

func newSynthPools(r *rand.Rand, skills []Skill, sectors []Sector) synthPools {
	p := synthPools{byDomain: map[string][]string{}, zipf: map[string]*rand.Zipf{}}
	for _, s := range skills {
		p.byDomain[s.Domain] = append(p.byDomain[s.Domain], s.Slug)
	}
	// Domains in a fixed order: the generator's draws must not depend on map iteration.
	for _, d := range []string{DomainAI, DomainCCI, DomainTransversal} {
		list := p.byDomain[d]
		slices.Sort(list)
		r.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })
		p.zipf[d] = rand.NewZipf(r, 1.07, 3, uint64(len(list)-1))
	}
	for _, s := range sectors {
		p.sectors = append(p.sectors, s.Slug)
	}
	r.Shuffle(len(p.sectors), func(i, j int) { p.sectors[i], p.sectors[j] = p.sectors[j], p.sectors[i] })
	p.secZipf = rand.NewZipf(r, 1.2, 2, uint64(len(p.sectors)-1))
	return p
}

func (p synthPools) skill(domain string) string { return p.byDomain[domain][p.zipf[domain].Uint64()] }

// distinct draws n distinct values from draw (fewer if draw keeps repeating).
func distinct(n int, draw func() string) []string {
	var out []string
	for tries := 0; len(out) < n && tries < n*10; tries++ {
		if v := draw(); !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// uuidFrom makes a version-4-shaped UUID from the generator, so that ids depend on the seed only.
func uuidFrom(r *rand.Rand) string {
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := r.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// Synthetic generates n realistic actors from seed: kinds in realistic proportions, Zipf-distributed
// skill popularity over the curated taxonomy, AI actors offering AI skills and needing CCI knowledge
// and the other way round, intermediaries offering transversal skills, languages that fit the
// country, sectors, remote flags and capacity. The same seed gives the same actors (ids included).
func Synthetic(n int, seed uint64) ([]*models.Actor, error) {
	skills, err := Taxonomy()
	if err != nil {
		return nil, err
	}
	sectors, err := Sectors()
	if err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(seed, 0x63726f73736f7672)) // "crossovr"
	pools := newSynthPools(r, skills, sectors)
	out := make([]*models.Actor, n)
	for i := range out {
		kind := synthKinds.pick(r)
		country := synthCountries.pick(r)
		at := SyntheticEpoch.Add(time.Duration(i) * time.Second)
		a := &models.Actor{ID: uuidFrom(r), Kind: kind, OrgType: synthOrgType[kind].pick(r), Country: country,
			Source: "synthetic", Claimed: false, Version: 1, CreatedAt: at, UpdatedAt: at, RenewedAt: at,
			Remote: r.Float64() < 0.6, Available: r.Float64() < 0.9, Capacity: 1 + int(r.ExpFloat64()*3)%10}
		if cities := synthCities[country]; len(cities) > 0 {
			a.Region = cities[r.IntN(len(cities))]
		}
		name := ""
		for k := 0; k < 2+r.IntN(2); k++ {
			name += synthSyllables[r.IntN(len(synthSyllables))]
		}
		suffixes := synthSuffix[kind]
		a.Name = strings.ToUpper(name[:1]) + name[1:] + " " + suffixes[r.IntN(len(suffixes))] + " " + strconv.Itoa(i+1)

		a.Sectors = distinct(1+r.IntN(3), func() string { return pools.sectors[pools.secZipf.Uint64()] })
		a.Languages = synthLanguages(r, country, kind)

		offerDomain, needDomain := "cci", "ai"
		switch kind {
		case "ai":
			offerDomain, needDomain = "ai", "cci"
		case "intermediary":
			offerDomain, needDomain = "transversal", ""
		}
		offers := distinct(2+r.IntN(5), func() string { return pools.skill(offerDomain) })
		if kind != "intermediary" && r.Float64() < 0.4 {
			offers = append(offers, distinct(1, func() string { return pools.skill("transversal") })...)
		} else if kind == "intermediary" {
			other := []string{"ai", "cci"}[r.IntN(2)]
			offers = append(offers, distinct(1+r.IntN(2), func() string { return pools.skill(other) })...)
		}
		offers = uniqueStrings(offers)
		for _, s := range offers {
			a.Offers = append(a.Offers, models.Offer{Skill: s, Level: 2 + r.IntN(3)})
		}
		var needs []string
		if needDomain != "" {
			needs = distinct(1+r.IntN(4), func() string { return pools.skill(needDomain) })
		} else if r.Float64() < 0.5 {
			needs = distinct(1+r.IntN(2), func() string { return pools.skill([]string{"ai", "cci"}[r.IntN(2)]) })
		}
		a.Needs = []models.Need{}
		for _, s := range needs {
			if slices.Contains(offers, s) {
				continue
			}
			imp := "nice"
			if r.Float64() < 0.4 {
				imp = "must"
			}
			a.Needs = append(a.Needs, models.Need{Skill: s, Importance: imp})
		}
		a.Modes = distinct(1+r.IntN(3), func() string { return models.CollaborationModes[r.IntN(len(models.CollaborationModes))] })
		slices.Sort(a.Modes)
		sectorLabel := strings.ReplaceAll(a.Sectors[0], "-", " ")
		tmpl := synthBio[kind]
		a.Bio = fmt.Sprintf(tmpl[r.IntN(len(tmpl))], sectorLabel)
		out[i] = a
	}
	return out, nil
}

func uniqueStrings(in []string) []string {
	var out []string
	for _, v := range in {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// synthLanguages: the first national language always, other national ones sometimes, English
// mostly (AI teams and intermediaries nearly always).
func synthLanguages(r *rand.Rand, country, kind string) []string {
	national := countryLanguages[country]
	out := []string{national[0]}
	for _, l := range national[1:] {
		if r.Float64() < 0.3 {
			out = append(out, l)
		}
	}
	pEN := 0.75
	if kind != "cci" {
		pEN = 0.97
	}
	if !slices.Contains(out, "en") && r.Float64() < pEN {
		out = append(out, "en")
	}
	return out
}

// ActorsChecksum is the SHA-256 of a canonical dump of actors ordered by id: every stored field
// of the profile and its child rows (not the database's own sequence numbers). Two runs, or what was
// generated and what is read back, compare equal exactly when the data is the same.
func ActorsChecksum(actors []*models.Actor) string {
	sorted := slices.Clone(actors)
	slices.SortFunc(sorted, func(a, b *models.Actor) int { return strings.Compare(a.ID, b.ID) })
	h := sha256.New()
	for _, a := range sorted {
		writeCanonical(h, a)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func writeCanonical(w io.Writer, a *models.Actor) {
	owner := ""
	if a.OwnerID != nil {
		owner = *a.OwnerID
	}
	fmt.Fprintf(w, "%s|%s|%s|%q|%s|%s|%q|%t|%t|%d|%q|%q|%s|%t|%d|%s|%s|%s\n", a.ID, owner, a.Kind, a.Name, a.OrgType,
		a.Country, a.Region, a.Remote, a.Available, a.Capacity, a.Bio, a.Website, a.Source, a.Claimed, a.Version,
		a.CreatedAt.UTC().Format(time.RFC3339), a.UpdatedAt.UTC().Format(time.RFC3339), a.RenewedAt.UTC().Format(time.RFC3339))
	fmt.Fprintf(w, " sectors=%s languages=%s modes=%s\n", strings.Join(a.Sectors, ","), strings.Join(a.Languages, ","), strings.Join(a.Modes, ","))
	for _, o := range a.Offers {
		fmt.Fprintf(w, " offer=%s:%d", o.Skill, o.Level)
	}
	for _, n := range a.Needs {
		fmt.Fprintf(w, " need=%s:%s", n.Skill, n.Importance)
	}
	fmt.Fprintln(w)
}

// SyntheticResult says what ApplySynthetic did.
type SyntheticResult struct {
	Generated, Inserted int
	Checksum            string
	Generate, Insert    time.Duration
}

// ApplySynthetic generates n actors from seed and stores those not stored yet (by id), in bulk. The
// checksum is over all n generated actors, so two runs with the same seed print the same one.
func ApplySynthetic(ctx context.Context, store *models.Store, n int, seed uint64, progress io.Writer) (SyntheticResult, error) {
	if progress == nil {
		progress = io.Discard
	}
	var res SyntheticResult
	start := time.Now()
	actors, err := Synthetic(n, seed)
	if err != nil {
		return res, err
	}
	res.Generated, res.Checksum, res.Generate = len(actors), ActorsChecksum(actors), time.Since(start)
	fmt.Fprintf(progress, "synthetic: generated %d actors in %s\n", n, res.Generate.Round(time.Millisecond))
	existing, err := store.ActorIDsBySource(ctx, "synthetic")
	if err != nil {
		return res, err
	}
	fresh := actors[:0:0]
	for _, a := range actors {
		if !existing[a.ID] {
			fresh = append(fresh, a)
		}
	}
	start = time.Now()
	// Chunks of 10,000 actors, each in its own transaction (atomic: a chunk is stored whole or not at
	// all, and a re-run completes what is missing). PostgreSQL takes four at once: the foreign-key
	// checks of COPY are CPU-bound, and SQLite has one writer anyway.
	const chunk = 10000
	workers := 1
	if store.Dialect() == models.Postgres {
		workers = 4
	}
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
		next     = make(chan []*models.Actor)
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for part := range next {
				err := store.BulkInsertActors(ctx, part, 1000)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				if err == nil {
					res.Inserted += len(part)
					fmt.Fprintf(progress, "synthetic:   %d/%d stored\n", res.Inserted, len(fresh))
				}
				mu.Unlock()
			}
		}()
	}
	for from := 0; from < len(fresh); from += chunk {
		mu.Lock()
		failed := firstErr != nil
		mu.Unlock()
		if failed {
			break
		}
		next <- fresh[from:min(from+chunk, len(fresh))]
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return res, firstErr
	}
	res.Insert = time.Since(start)
	return res, nil
}
