package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/crossover-cci/crossover/models"
)

// TestWriteMatchItemsSameBytes: the hand-spliced answer is byte for byte what encoding/json gives
// for the same items (HTML escaping, number format, field order), for a cached actor's JSON and a
// publicActor alike, with a Content-Length and no chunking; ?pretty still indents.
func TestWriteMatchItemsSameBytes(t *testing.T) {
	pub := publicActor{ID: "a1", Kind: "ai", Name: `Ünïcode <b>&</b> "quoted"`, Sectors: []string{"music"},
		Languages: []string{"en"}, Offers: []models.Offer{{Skill: "nlp", Level: 3}}, Needs: []models.Need{},
		Modes: []string{}, UpdatedAt: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
	raw, err := json.Marshal(pub)
	if err != nil {
		t.Fatal(err)
	}
	reasons := []reasonView{{Code: "need_met_exact", Message: "They offer <NLP> & more", Direction: "they_bring", Level: 3}}
	shared := sharedOverview{Languages: []string{"en"}, Sectors: []string{}, Modes: []string{}}
	items := []matchView{
		{Actor: json.RawMessage(raw), Score: 0.48432432432432426, Forward: 1.0 / 3, Backward: 0.7, Reasons: reasons, Shared: shared},
		{Actor: pub, Score: 1e-7, Forward: 0, Backward: 1, Reasons: []reasonView{}, Shared: shared},
	}
	// What c.JSON wrote before: the same fields, the actor inline.
	type inline struct {
		Actor    any            `json:"actor"`
		Score    float64        `json:"score"`
		Forward  float64        `json:"forward"`
		Backward float64        `json:"backward"`
		Reasons  []reasonView   `json:"reasons"`
		Shared   sharedOverview `json:"shared"`
	}
	var want bytes.Buffer
	var in []inline
	for _, v := range items {
		in = append(in, inline{v.Actor, v.Score, v.Forward, v.Backward, v.Reasons, v.Shared})
	}
	if err := json.NewEncoder(&want).Encode(map[string]any{"items": in}); err != nil {
		t.Fatal(err)
	}

	e := echo.New()
	for _, tc := range []struct {
		name  string
		items []matchView
		want  string
	}{{"two items", items, want.String()}, {"none", []matchView{}, "{\"items\":[]}\n"}} {
		rec := httptest.NewRecorder()
		c := e.NewContext(httptest.NewRequest(http.MethodGet, "/x", nil), rec)
		if err := writeMatchItems(c, tc.items, nil); err != nil {
			t.Fatal(err)
		}
		if got := rec.Body.String(); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
		if cl := rec.Header().Get("Content-Length"); cl != strconv.Itoa(len(tc.want)) {
			t.Errorf("%s: Content-Length %q, want %d", tc.name, cl, len(tc.want))
		}
		if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s: Content-Type %q", tc.name, ct)
		}
	}

	rec := httptest.NewRecorder()
	c := e.NewContext(httptest.NewRequest(http.MethodGet, "/x?pretty", nil), rec)
	if err := writeMatchItems(c, items, nil); err != nil {
		t.Fatal(err)
	}
	var got, exp any
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatalf("pretty answer is not JSON: %v", err)
	}
	_ = json.Unmarshal(want.Bytes(), &exp)
	if !bytes.Contains(rec.Body.Bytes(), []byte("\n  \"items\": [")) {
		t.Errorf("?pretty is not indented: %.80s", rec.Body.String())
	}
	g, _ := json.Marshal(got)
	x, _ := json.Marshal(exp)
	if !bytes.Equal(g, x) {
		t.Errorf("?pretty answer differs:\n got %s\nwant %s", g, x)
	}
}
