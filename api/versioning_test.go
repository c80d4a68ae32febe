package api

import (
	"sync"
	"testing"
)

// TestConcurrentVersionedEdits: two PATCHes of a funding instrument or a practice with the same
// version — exactly one succeeds, the other gets 409, and the winner's edit is what is stored.
func TestConcurrentVersionedEdits(t *testing.T) {
	e := newEnv(t)
	admin := e.register("Ada")
	e.promote(&admin, "admin")
	if r := e.call("POST", "/api/v1/funding", newInstrument("race"), admin.Access); r.Status != 201 {
		t.Fatalf("create instrument: %d %s", r.Status, r.Raw)
	}
	pid := e.call("POST", "/api/v1/practices", practice(), admin.Access).JSON["id"].(string)
	for _, tc := range []struct{ path, field string }{
		{"/api/v1/funding/race", "name"},
		{"/api/v1/practices/" + pid, "title"},
	} {
		for round := 0; round < 5; round++ {
			v := e.call("GET", tc.path, nil, admin.Access).JSON["version"].(float64)
			var wg sync.WaitGroup
			status := make([]int, 2)
			names := []string{"Left edit", "Right edit"}
			for i := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					status[i] = e.call("PATCH", tc.path, map[string]any{tc.field: names[i], "version": v}, admin.Access).Status
				}()
			}
			wg.Wait()
			ok, conflict, winner := 0, 0, ""
			for i, s := range status {
				switch s {
				case 200:
					ok++
					winner = names[i]
				case 409:
					conflict++
				}
			}
			if ok != 1 || conflict != 1 {
				t.Fatalf("%s round %d: statuses %v", tc.path, round, status)
			}
			got := e.call("GET", tc.path, nil, admin.Access)
			if got.JSON[tc.field] != winner || got.JSON["version"] != v+1 {
				t.Fatalf("%s round %d: stored %v v%v, want %s v%v", tc.path, round, got.JSON[tc.field], got.JSON["version"], winner, v+1)
			}
		}
	}
}
