package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestOpenDataOnlyOptedInAndNoContact(t *testing.T) {
	e := newEnv(t)
	ana, bob := e.register("Ana"), e.register("Bob")
	m := museum()
	anaMuseum := e.createActor(ana.Access, m)
	s := startup()
	s["contact"] = map[string]any{"email": "secret-founder@seeing.example.org", "phone": "+32 555 0101"}
	anaStartup := e.createActor(ana.Access, s)
	hiddenOne := e.createActor(ana.Access, map[string]any{"kind": "ai", "name": "Hidden Lab", "org_type": "research_lab", "country": "DE",
		"languages": []string{"de"}, "contact": map[string]any{"email": "hidden@lab.example.org"}})
	b := museum()
	b["name"], b["contact"] = "Bob's Gallery", map[string]any{"email": "bob-private@gallery.example.org", "phone": "+33 1 00 00 00"}
	bobActor := e.createActor(bob.Access, b)

	// Before anyone opts in, the dataset is empty.
	r := e.call("GET", "/api/v1/open/actors", nil, "")
	if r.Status != 200 || len(r.JSON["@graph"].([]any)) != 0 {
		t.Fatalf("empty dataset: %d %s", r.Status, r.Raw)
	}
	// Ana opts in: all her actors join; Bob's stays out; a hidden one is out.
	if r := e.call("PATCH", "/api/v1/me", map[string]any{"open_data": true}, ana.Access); r.Status != 200 {
		t.Fatalf("opt in: %d %s", r.Status, r.Raw)
	}
	e.hideDirectly(hiddenOne)

	r = e.call("GET", "/api/v1/open/actors", nil, "")
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/ld+json") {
		t.Fatalf("open actors: %d %v", r.Status, r.Header)
	}
	graph := r.JSON["@graph"].([]any)
	ids := map[string]map[string]any{}
	for _, x := range graph {
		m := x.(map[string]any)
		ids[m["identifier"].(string)] = m
	}
	if len(ids) != 2 || ids[anaMuseum] == nil || ids[anaStartup] == nil {
		t.Fatalf("open actors = %v, want Ana's two visible actors", keys(ids))
	}
	if ids[bobActor] != nil || ids[hiddenOne] != nil {
		t.Error("a non-opted or hidden actor is published")
	}
	if r.JSON["license"] != dataLicence || !strings.Contains(r.Header.Get("Link"), "creativecommons.org/licenses/by/4.0") {
		t.Errorf("licence missing: %v %v", r.JSON["license"], r.Header.Get("Link"))
	}
	mus := ids[anaMuseum]
	if mus["@type"] != "Organization" || mus["name"] != "Museum of Light" {
		t.Errorf("museum = %v", mus)
	}
	// knowsAbout carries ESCO URIs where the skill has one; seeks carries the needs.
	st := ids[anaStartup]
	cv := st["knowsAbout"].([]any)[0].(map[string]any)
	if !strings.HasPrefix(cv["@id"].(string), "http://data.europa.eu/esco/skill/") || cv["termCode"] != "computer-vision" {
		t.Errorf("knowsAbout = %v, want the ESCO concept of computer vision", cv)
	}
	seeks := mus["seeks"].([]any)
	if len(seeks) != 2 || seeks[0].(map[string]any)["@type"] != "Demand" {
		t.Errorf("seeks = %v", seeks)
	}

	// No contact anywhere: not in the page, the dump, one actor, or the dataset description.
	dump := e.call("GET", "/api/v1/open/dump", nil, "")
	one := e.call("GET", "/api/v1/open/actors/"+anaStartup, nil, "")
	meta := e.call("GET", "/api/v1/open", nil, "")
	for name, x := range map[string]resp{"page": r, "dump": dump, "one": one, "dataset": meta} {
		if x.Status != 200 {
			t.Fatalf("%s: %d %s", name, x.Status, x.Raw)
		}
		for _, secret := range []string{"curator@light.example.org", "+31 30 000 0000", "secret-founder@", "+32 555 0101", "bob-private@", "hidden@lab", "Hidden Lab", "Bob's Gallery", "owner_id", "\"email\"", "telephone", ana.ID, bob.ID} {
			if strings.Contains(x.Raw, secret) {
				t.Errorf("%s publishes %q", name, secret)
			}
		}
	}
	var d map[string]any
	if err := json.Unmarshal([]byte(dump.Raw), &d); err != nil {
		t.Fatalf("dump is not one JSON document: %v", err)
	}
	if n := len(d["@graph"].([]any)); n != 2 || !strings.Contains(dump.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("dump has %d actors", n)
	}
	if e.call("GET", "/api/v1/open/actors/"+bobActor, nil, "").Status != 404 || e.call("GET", "/api/v1/open/actors/"+hiddenOne, nil, "").Status != 404 {
		t.Error("a non-opted or hidden actor must be 404")
	}
	if !strings.Contains(meta.Raw, "ESCO") || meta.JSON["license"] != dataLicence {
		t.Errorf("dataset: %s", meta.Raw)
	}

	// Opting out removes them again.
	e.call("PATCH", "/api/v1/me", map[string]any{"open_data": false}, ana.Access)
	if r := e.call("GET", "/api/v1/open/actors", nil, ""); len(r.JSON["@graph"].([]any)) != 0 {
		t.Error("opted-out actors are still published")
	}
}

func TestOpenDataPaginationAndDump(t *testing.T) {
	e := newEnv(t)
	ids := e.population(620, 11) // more than one dump chunk of 500
	if err := e.store.Exec(context.Background(), "UPDATE actors SET open_data = ? WHERE source = ?", true, "synthetic"); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	url := "/api/v1/open/actors?limit=250"
	for pages := 0; url != ""; pages++ {
		r := e.call("GET", url, nil, "")
		if r.Status != 200 || pages > 5 {
			t.Fatalf("%s: %d", url, r.Status)
		}
		for _, x := range r.JSON["@graph"].([]any) {
			seen[x.(map[string]any)["identifier"].(string)] = true
		}
		url = ""
		if n, ok := r.JSON["next"].(string); ok {
			url = n[strings.Index(n, "/api/"):]
		}
	}
	if len(seen) != len(ids) {
		t.Errorf("paged through %d actors, want %d", len(seen), len(ids))
	}
	dump := e.call("GET", "/api/v1/open/dump", nil, "")
	var d map[string]any
	if err := json.Unmarshal([]byte(dump.Raw), &d); err != nil {
		t.Fatal(err)
	}
	if n := len(d["@graph"].([]any)); n != len(ids) {
		t.Errorf("dump has %d actors, want %d", n, len(ids))
	}
	if e.call("GET", "/api/v1/open/actors?limit=0", nil, "").Status != 422 {
		t.Error("limit=0 must be 422")
	}
}

func TestOpenTaxonomyIsSKOS(t *testing.T) {
	e := newEnv(t)
	r := e.call("GET", "/api/v1/open/taxonomy", nil, "")
	if r.Status != http.StatusOK {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	n, _ := e.store.SkillCount(context.Background())
	graph := r.JSON["@graph"].([]any)
	if len(graph) != int(n)+1 {
		t.Fatalf("%d nodes, want %d concepts and the scheme", len(graph), n)
	}
	scheme := graph[0].(map[string]any)
	if scheme["@type"] != "skos:ConceptScheme" || !strings.Contains(fmt.Sprint(scheme["dct:rights"]), "ESCO") {
		t.Errorf("scheme = %v", scheme)
	}
	var found bool
	for _, x := range graph[1:] {
		c := x.(map[string]any)
		if c["@type"] != "skos:Concept" {
			t.Fatalf("not a concept: %v", c)
		}
		if c["skos:notation"] == "computer-vision" {
			found = true
			m, _ := c["skos:exactMatch"].(map[string]any)
			if !strings.HasPrefix(fmt.Sprint(m["@id"]), "http://data.europa.eu/esco/skill/") {
				t.Errorf("computer-vision exactMatch = %v", c["skos:exactMatch"])
			}
		}
		if c["skos:notation"] == "image-classification" {
			if b, _ := c["skos:broader"].(map[string]any); !strings.HasSuffix(fmt.Sprint(b["@id"]), "#computer-vision") {
				t.Errorf("image-classification broader = %v", c["skos:broader"])
			}
		}
	}
	if !found {
		t.Error("computer-vision is not in the scheme")
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
