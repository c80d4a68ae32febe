package loadtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
)

// Catalog is the reference data a valid profile draws from, read from the server.
type Catalog struct {
	AISkills, CCISkills, Sectors []string
}

// LoadCatalog reads skills and sectors from the public endpoints.
func (c *Client) LoadCatalog(ctx context.Context) (*Catalog, error) {
	cat := &Catalog{}
	for _, d := range []struct {
		domain string
		dst    *[]string
	}{{"ai", &cat.AISkills}, {"cci", &cat.CCISkills}} {
		r, err := c.Do(ctx, "GET", "/api/v1/skills?domain="+d.domain+"&limit=100", "", nil)
		if err != nil {
			return nil, err
		}
		if r.Status != http.StatusOK {
			return nil, &StatusError{Op: "skills", Status: r.Status, Body: string(r.Raw)}
		}
		for _, it := range items(r) {
			if s, _ := it["slug"].(string); s != "" {
				*d.dst = append(*d.dst, s)
			}
		}
	}
	r, err := c.Do(ctx, "GET", "/api/v1/sectors", "", nil)
	if err != nil {
		return nil, err
	}
	for _, it := range items(r) {
		if s, _ := it["slug"].(string); s != "" {
			cat.Sectors = append(cat.Sectors, s)
		}
	}
	if len(cat.AISkills) < 5 || len(cat.CCISkills) < 5 || len(cat.Sectors) < 2 {
		return nil, fmt.Errorf("the server's reference data is too small (%d AI skills, %d CCI skills, %d sectors): run `crossover seed`",
			len(cat.AISkills), len(cat.CCISkills), len(cat.Sectors))
	}
	return cat, nil
}

func items(r Response) []map[string]any {
	raw, _ := r.Body["items"].([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, x := range raw {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

var (
	countries = []string{"NL", "BE", "FR", "DE", "IT", "ES", "PT", "PL", "AT", "SE", "DK", "FI", "IE", "CZ", "EE"}
	languages = []string{"en", "fr", "de", "nl", "it", "es", "pl"}
	modes     = []string{"co-creation", "commission", "mentoring", "job-exchange", "internship", "workshop", "research"}
	orgTypes  = []string{"freelancer", "sme", "startup", "large_company", "public_institution", "university", "research_lab", "ngo"}
)

func pick(r *rand.Rand, from []string, n int) []string {
	n = min(n, len(from))
	idx := r.Perm(len(from))[:n]
	out := make([]string, n)
	for i, j := range idx {
		out[i] = from[j]
	}
	slices.Sort(out)
	return out
}

// Profile returns a valid, plausible profile: AI actors offer AI skills and need CCI skills, and the
// other way round, so that matches exist.
func (cat *Catalog) Profile(r *rand.Rand, n int) map[string]any {
	kind, offers, needs := "cci", cat.CCISkills, cat.AISkills
	if n%2 == 1 {
		kind, offers, needs = "ai", cat.AISkills, cat.CCISkills
	}
	var off, need []map[string]any
	for _, s := range pick(r, offers, 2+r.IntN(3)) {
		off = append(off, map[string]any{"skill": s, "level": 1 + r.IntN(4)})
	}
	for i, s := range pick(r, needs, 1+r.IntN(3)) {
		imp := "nice"
		if i == 0 {
			imp = "must"
		}
		need = append(need, map[string]any{"skill": s, "importance": imp})
	}
	langs := []string{"en"}
	if r.IntN(2) == 0 {
		langs = append(langs, languages[1+r.IntN(len(languages)-1)])
	}
	return map[string]any{
		"kind": kind, "name": fmt.Sprintf("Load test %s actor %d", kind, n), "org_type": orgTypes[r.IntN(len(orgTypes))],
		"sectors": pick(r, cat.Sectors, 1+r.IntN(2)), "country": countries[r.IntN(len(countries))], "languages": langs,
		"offers": off, "needs": need, "collaboration_modes": pick(r, modes, 1+r.IntN(3)),
		"remote": r.IntN(3) > 0, "available": true, "capacity": 1 + r.IntN(5),
		"bio": "A synthetic profile created by the load generator.",
	}
}

// Populate creates n profiles owned by token with the given concurrency; progress (may be nil) is
// called every 1000 profiles. It returns the ids in creation order.
func (c *Client) Populate(ctx context.Context, cat *Catalog, token string, n, workers int, seed uint64, progress func(done int)) ([]string, error) {
	ids := make([]string, n)
	var next, done atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	for w := 0; w < max(1, workers); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				r := rand.New(rand.NewPCG(seed, uint64(i)))
				id, _, err := c.CreateActor(ctx, token, cat.Profile(r, i))
				if err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				ids[i] = id
				if d := done.Add(1); progress != nil && d%1000 == 0 {
					progress(int(d))
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	return ids, ctx.Err()
}
