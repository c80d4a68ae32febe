package api

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/crossover-cci/crossover/models"
	"github.com/crossover-cci/crossover/models/dbtest"
	"github.com/crossover-cci/crossover/seeds"
)

// fuzzServer is one server for a whole fuzz run (a fresh database per input would be far too slow)
// with a signed-in member who owns one profile.
type fuzzServer struct {
	srv          *Server
	token, actor string
}

func newFuzzServer(f *testing.F) *fuzzServer {
	store := dbtest.New(f)
	store.SetHashParams(models.HashParams{MemoryKiB: 64, Time: 1, Threads: 1})
	if err := seeds.ApplyReference(context.Background(), store); err != nil {
		f.Fatal(err)
	}
	srv, err := NewServer(Deps{Store: store, Log: slog.New(slog.DiscardHandler), JWTSecret: testSecret, Version: "fuzz",
		Codes: seeds.Codes{}, Instruments: seeds.InstrumentRules{}})
	if err != nil {
		f.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	f.Cleanup(cancel)
	srv.Start(ctx)
	fs := &fuzzServer{srv: srv}
	st, body := fs.do("POST", "/api/v1/auth/register", "", `{"email":"fuzz@example.org","password":"a fuzzing passphrase","display_name":"Fuzz","accept_terms":true,"consent_matching":true}`)
	if st != http.StatusCreated {
		f.Fatalf("register: %d %s", st, body)
	}
	var reg struct {
		AccessToken string `json:"access_token"`
	}
	json.Unmarshal([]byte(body), &reg)
	fs.token = reg.AccessToken
	st, body = fs.do("POST", "/api/v1/actors", fs.token, fuzzActorSeeds[0])
	if st != http.StatusCreated {
		f.Fatalf("create actor: %d %s", st, body)
	}
	var a struct {
		ID string `json:"id"`
	}
	json.Unmarshal([]byte(body), &a)
	fs.actor = a.ID
	return fs
}

func (fs *fuzzServer) do(method, path, token, body string) (int, string) {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	fs.srv.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

var fuzzActorSeeds = []string{
	`{"kind":"cci","name":"Museum of Light","org_type":"public_institution","country":"NL","sectors":["museums"],"languages":["nl","en"],"offers":[{"skill":"curation","level":4}],"needs":[{"skill":"computer-vision","importance":"must"}],"collaboration_modes":["co-creation"],"remote":true,"available":true,"capacity":3,"contact":{"email":"a@example.org"}}`,
	`{"kind":"ai","name":"x","offers":[{"skill":"computer-vision","level":9}],"needs":[{"skill":"","importance":"maybe"}]}`,
	`{"kind":"cci","name":"` + strings.Repeat("é", 300) + `","sectors":null,"languages":["zz"],"website":"javascript:alert(1)"}`,
	`{"name":{"nested":true},"capacity":"3","remote":"yes","version":-1,"owner_id":"someone","role":"admin"}`,
	`{"kind":"cci"} {"kind":"ai"}`, `[]`, `null`, `{"offers":[` + strings.Repeat(`{"skill":"curation","level":1},`, 60) + `{}]}`,
}

// assertAnswer: whatever the body, the server answers with a JSON error of a 4xx status or a success,
// never a 5xx, and a rejected request stores nothing.
func assertAnswer(t *testing.T, op string, status int, body string, ok ...int) {
	t.Helper()
	for _, s := range ok {
		if status == s {
			return
		}
	}
	if status >= 500 || status < 400 {
		t.Fatalf("%s: status %d: %s", op, status, body)
	}
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	if json.Unmarshal([]byte(body), &e) != nil || e.Error.Code == "" {
		t.Fatalf("%s: %d without a JSON error: %s", op, status, body)
	}
}

// FuzzActorRequests sends arbitrary bodies to POST /actors and PATCH /actors/:id.
func FuzzActorRequests(f *testing.F) {
	for _, s := range fuzzActorSeeds {
		f.Add(s)
	}
	fs := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, body string) {
		st, out := fs.do("POST", "/api/v1/actors", fs.token, body)
		assertAnswer(t, "create", st, out, http.StatusCreated)
		if st == http.StatusCreated {
			var a map[string]any
			if err := json.Unmarshal([]byte(out), &a); err != nil || a["id"] == "" || a["version"] != float64(1) {
				t.Fatalf("created profile: %v %s", err, out)
			}
			if st, out := fs.do("GET", "/api/v1/actors/"+a["id"].(string), fs.token, ""); st != http.StatusOK {
				t.Fatalf("read back the created profile: %d %s", st, out)
			}
		}
		st, out = fs.do("PATCH", "/api/v1/actors/"+fs.actor, fs.token, body)
		assertAnswer(t, "patch", st, out, http.StatusOK, http.StatusConflict)
	})
}

// FuzzIntroductionRequests sends arbitrary bodies to POST /introductions and the transitions.
func FuzzIntroductionRequests(f *testing.F) {
	fs := newFuzzServer(f)
	for _, s := range []string{
		`{"from_actor_id":"` + fs.actor + `","to_actor_id":"` + fs.actor + `","message":"Let us collaborate on something new together."}`,
		`{"broker_actor_id":"x","actor_ids":["a","b","c"],"message":""}`,
		`{"from_actor_id":1,"notes":{"a":` + strings.Repeat("[", 100) + `}`, `{"message":"` + strings.Repeat("x", 3000) + `"}`, `{}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		st, out := fs.do("POST", "/api/v1/introductions", fs.token, body)
		assertAnswer(t, "introduce", st, out, http.StatusCreated)
		for _, action := range []string{"decline", "withdraw", "accept"} {
			st, out := fs.do("POST", "/api/v1/introductions/"+fs.actor+"/"+action, fs.token, body)
			assertAnswer(t, action, st, out)
		}
	})
}
