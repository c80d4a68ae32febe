package api

import (
	"context"
	"fmt"
	"testing"

	"github.com/crossover-cci/crossover/models"
	"github.com/crossover-cci/crossover/seeds"
)

// interval is what a published figure tells an attacker about the true count.
func interval(v any) (lo, hi int64) {
	switch x := v.(type) {
	case nil: // suppressed: small, or hidden to protect a small one (then any size)
		return 1, 1 << 30
	case float64:
		n := int64(x)
		if n == 0 {
			return 0, 0
		}
		return max(5, n-2), n + 2 // rounded to the nearest 5
	}
	panic(fmt.Sprint("unexpected figure ", v))
}

// TestStatsSkillsDifferencingAttack plays the attacker who subtracts filtered figures from the
// unfiltered one to learn a count below 5. The population makes the attack exact on true counts;
// on the published figures every candidate value 1–4 stays possible.
func TestStatsSkillsDifferencingAttack(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	add := func(n int, skill, country string, sectors ...string) {
		for i := range n {
			a := &models.Actor{Kind: "ai", Name: fmt.Sprintf("%s %s %d", skill, country, i), OrgType: "sme", Country: country,
				Languages: []string{"en"}, Sectors: sectors, Available: true, Capacity: 3, Source: "synthetic",
				Offers: []models.Offer{{Skill: skill, Level: 3}}}
			if err := e.store.ImportActor(ctx, a, seeds.Codes{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	// 1. all − NL = BE: 12 in NL, 2 in BE.
	add(12, "image-classification", "NL")
	add(2, "image-classification", "BE")
	// 2. the whole partition: all − NL − BE = FR, with 7, 7 and 4 (rounding alone would give FR away:
	// all 18 → 20 ≥ 18, NL and BE 7 → 5 ≤ 7, so FR ≥ 18 − 14 = 4).
	add(7, "object-detection", "NL")
	add(7, "object-detection", "BE")
	add(4, "object-detection", "FR")
	// 3. a sector filter: 10 in music, 3 elsewhere.
	add(10, "machine-translation", "DE", "music")
	add(3, "machine-translation", "DE", "film")

	supply := func(query, skill string) any {
		t.Helper()
		r := e.call("GET", "/api/v1/stats/skills"+query, nil, "")
		if r.Status != 200 {
			t.Fatalf("%s: %d %s", query, r.Status, r.Raw)
		}
		row := rowsBy(t, r, "skill")[skill]
		if row == nil {
			return float64(0)
		}
		return row["supply"]
	}
	truth := func(skill, where string, args ...any) int64 {
		return e.sqlCounts(`SELECT 'n', COUNT(DISTINCT x.actor_id) FROM actor_offers x JOIN actors a ON a.id = x.actor_id
			WHERE a.hidden_at IS NULL AND x.skill_slug = ?`+where, append([]any{skill}, args...)...)["n"]
	}
	countries := []string{"NL", "BE", "FR", "DE", "IT", "ES", "PL", "AT", "SE", "PT"}

	// candidates: the values 1–4 of the target that the published figures leave possible, given
	// total = sum of the parts (each in its interval).
	candidates := func(total any, parts []any) []int64 {
		tlo, thi := interval(total)
		var slo, shi int64
		for _, p := range parts {
			lo, hi := interval(p)
			slo, shi = slo+lo, shi+hi
		}
		var out []int64
		for v := int64(1); v <= 4; v++ {
			if tlo-v <= shi && thi-v >= slo {
				out = append(out, v)
			}
		}
		return out
	}

	for _, tc := range []struct{ skill, target string }{{"image-classification", "BE"}, {"object-detection", "FR"}} {
		all := supply("", tc.skill)
		var parts []any
		exact := truth(tc.skill, "")
		for _, c := range countries {
			if c == tc.target {
				if got := supply("?country="+c, tc.skill); got != nil {
					t.Errorf("%s in %s published as %v", tc.skill, c, got)
				}
				continue
			}
			parts = append(parts, supply("?country="+c, tc.skill))
			exact -= truth(tc.skill, " AND a.country = ?", c)
		}
		if want := truth(tc.skill, " AND a.country = ?", tc.target); exact != want || want >= 5 {
			t.Fatalf("set-up: on true counts the attack gives %d, the target is %d", exact, want)
		}
		if got := candidates(all, parts); len(got) < 2 {
			t.Errorf("%s: the published figures (all %v, other countries %v) pin %s down to %v", tc.skill, all, parts, tc.target, got)
		} else {
			t.Logf("%s: all %v, other countries %v: %s could be any of %v", tc.skill, all, parts, tc.target, got)
		}
	}

	// The sector filter: all − music = the 3 actors elsewhere.
	all, music := supply("", "machine-translation"), supply("?sector=music", "machine-translation")
	if truth("machine-translation", "")-truth("machine-translation", " AND EXISTS (SELECT 1 FROM actor_sectors y WHERE y.actor_id = a.id AND y.sector_slug = 'music')") != 3 {
		t.Fatal("set-up: the sector difference is not 3")
	}
	if got := candidates(all, []any{music}); len(got) < 2 {
		t.Errorf("audio-generation: all %v, music %v pin the rest down to %v", all, music, got)
	}
}
