package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/crossover-cci/crossover/models"
)

// Open data (FAIR): the profiles of actors who opted in (open_data) as schema.org JSON-LD, a bulk dump,
// and the skills taxonomy as SKOS. Public fields only: never contact details, owner or settings.

const (
	dataLicence     = "https://creativecommons.org/licenses/by/4.0/"
	dataLicenceName = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
	escoAttribution = "This service uses the ESCO classification of the European Commission (https://esco.ec.europa.eu), © European Union, licensed CC BY 4.0."
)

// openContext is the JSON-LD context of every open-data document.
var openContext = map[string]any{
	"@vocab":  "https://schema.org/",
	"schema":  "https://schema.org/",
	"skos":    "http://www.w3.org/2004/02/skos/core#",
	"dcat":    "http://www.w3.org/ns/dcat#",
	"dct":     "http://purl.org/dc/terms/",
	"esco":    "http://data.europa.eu/esco/skill/",
	"license": map[string]any{"@id": "schema:license", "@type": "@id"},
}

// skillTerm is a skill as a schema.org DefinedTerm: its ESCO concept when it has one, else ours.
func skillTerm(base string, sk models.Skill) map[string]any {
	id := base + "/api/v1/open/taxonomy#" + sk.Slug
	t := map[string]any{"@type": "DefinedTerm", "@id": id, "termCode": sk.Slug, "name": sk.Label,
		"inDefinedTermSet": base + "/api/v1/open/taxonomy"}
	if sk.EscoURI != "" {
		t["@id"] = sk.EscoURI
		t["sameAs"] = id
	}
	return t
}

// openActor is one actor as schema.org JSON-LD. Built field by field from public fields: adding a
// field to models.Actor never leaks it here.
func openActor(base string, tax *taxonomy, a *models.Actor) map[string]any {
	typ := "Organization"
	if a.OrgType == "freelancer" {
		typ = "Person"
	}
	knows := []any{}
	for _, o := range a.Offers {
		if sk, ok := tax.skill(o.Skill); ok {
			t := skillTerm(base, sk)
			t["description"] = "level " + []string{"", "1 awareness", "2 working", "3 advanced", "4 expert"}[min(max(o.Level, 0), 4)]
			knows = append(knows, t)
		}
	}
	seeks := []any{}
	for _, n := range a.Needs {
		if sk, ok := tax.skill(n.Skill); ok {
			seeks = append(seeks, map[string]any{"@type": "Demand", "name": sk.Label,
				"description": map[string]string{"must": "required", "nice": "nice to have"}[n.Importance],
				"itemOffered": map[string]any{"@type": "Service", "serviceType": sk.Label, "category": skillTerm(base, sk)}})
		}
	}
	props := []any{
		map[string]any{"@type": "PropertyValue", "propertyID": "crossover:kind", "value": a.Kind},
		map[string]any{"@type": "PropertyValue", "propertyID": "crossover:org_type", "value": a.OrgType},
	}
	for _, s := range a.Sectors {
		props = append(props, map[string]any{"@type": "PropertyValue", "propertyID": "crossover:sector", "value": s})
	}
	for _, m := range a.Modes {
		props = append(props, map[string]any{"@type": "PropertyValue", "propertyID": "crossover:collaboration_mode", "value": m})
	}
	out := map[string]any{
		"@type":              typ,
		"@id":                base + "/api/v1/open/actors/" + a.ID,
		"identifier":         a.ID,
		"name":               a.Name,
		"address":            map[string]any{"@type": "PostalAddress", "addressCountry": a.Country, "addressRegion": a.Region},
		"knowsLanguage":      a.Languages,
		"knowsAbout":         knows,
		"seeks":              seeks,
		"additionalProperty": props,
		"dateModified":       a.UpdatedAt.UTC().Format(time.RFC3339),
	}
	if a.Bio != "" {
		out["description"] = a.Bio
	}
	if a.Website != "" {
		out["url"] = a.Website
	}
	return out
}

func (t *taxonomy) skill(slug string) (models.Skill, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	i, ok := t.bySlug[slug]
	if !ok {
		return models.Skill{}, false
	}
	return t.skills[i], true
}

func (t *taxonomy) all() []models.Skill {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return append([]models.Skill(nil), t.skills...)
}

func licenceHeaders(c echo.Context) {
	c.Response().Header().Add("Link", "<"+dataLicence+`>; rel="license"`)
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
}

// openDataset describes the dataset (DCAT), its licence and attribution.
func (s *Server) openDataset(c echo.Context) error {
	base := s.publicURL
	n, err := s.store.OpenActorCount(c.Request().Context())
	if err != nil {
		return err
	}
	licenceHeaders(c)
	return c.JSON(http.StatusOK, map[string]any{
		"@context": openContext, "@type": []string{"Dataset", "dcat:Dataset"}, "@id": base + "/api/v1/open",
		"name":        "Crossover open data: AI and creative actors and their skills",
		"description": "Public profiles of the actors of the Crossover platform who opted in to the open dataset (never contact details), and the skills taxonomy. Aggregated figures: /api/v1/stats.",
		"license":     dataLicence, "dct:license": dataLicenceName,
		"creditText":          "Crossover platform (CC BY 4.0). " + escoAttribution,
		"isAccessibleForFree": true, "size": n,
		"distribution": []any{
			map[string]any{"@type": "DataDownload", "contentUrl": base + "/api/v1/open/dump", "encodingFormat": "application/ld+json", "name": "All opted-in actors (bulk)"},
			map[string]any{"@type": "DataDownload", "contentUrl": base + "/api/v1/open/actors", "encodingFormat": "application/ld+json", "name": "Actors, paginated"},
			map[string]any{"@type": "DataDownload", "contentUrl": base + "/api/v1/open/taxonomy", "encodingFormat": "application/ld+json", "name": "Skills taxonomy (SKOS)"},
		},
	})
}

func (s *Server) openActors(c echo.Context) error {
	limit, err := queryInt(c, "limit", 100, 1, 500)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	tax, err := s.taxonomy.get(ctx)
	if err != nil {
		return err
	}
	page, err := s.store.OpenActors(ctx, c.QueryParam("cursor"), limit+1)
	if err != nil {
		return err
	}
	base := s.publicURL
	var next any
	if len(page) > limit {
		page = page[:limit]
		next = base + "/api/v1/open/actors?limit=" + itoa(limit) + "&cursor=" + page[len(page)-1].ID
	}
	graph := make([]any, len(page))
	for i, a := range page {
		graph[i] = openActor(base, tax, a)
	}
	licenceHeaders(c)
	c.Response().Header().Set(echo.HeaderContentType, "application/ld+json; charset=utf-8")
	c.Response().WriteHeader(http.StatusOK)
	return json.NewEncoder(c.Response()).Encode(map[string]any{
		"@context": openContext, "@id": base + "/api/v1/open/actors", "license": dataLicence,
		"creditText": "Crossover platform (CC BY 4.0). " + escoAttribution, "@graph": graph, "next": next,
	})
}

// openDump streams every opted-in actor as one JSON-LD document, reading 500 at a time.
func (s *Server) openDump(c echo.Context) error {
	ctx := c.Request().Context()
	tax, err := s.taxonomy.get(ctx)
	if err != nil {
		return err
	}
	first, err := s.store.OpenActors(ctx, "", 500)
	if err != nil {
		return err
	}
	base := s.publicURL
	licenceHeaders(c)
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "application/ld+json; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="crossover-open-actors.jsonld"`)
	c.Response().WriteHeader(http.StatusOK)
	w := c.Response()
	head, _ := json.Marshal(openContext)
	w.Write([]byte(`{"@context":` + string(head) + `,"@id":` + quote(base+"/api/v1/open/dump") + `,"license":` + quote(dataLicence) +
		`,"creditText":` + quote("Crossover platform (CC BY 4.0). "+escoAttribution) + `,"dateCreated":` + quote(s.now().UTC().Format(time.RFC3339)) + `,"@graph":[`))
	n, page := 0, first
	for len(page) > 0 {
		for _, a := range page {
			b, _ := json.Marshal(openActor(base, tax, a))
			if n > 0 {
				w.Write([]byte(","))
			}
			w.Write(b)
			n++
		}
		w.Flush()
		if len(page) < 500 {
			break
		}
		if page, err = s.store.OpenActors(ctx, page[len(page)-1].ID, 500); err != nil {
			// The status is sent: end the document visibly broken rather than pretend it is whole.
			s.log.Error("open dump", "error", err)
			return nil
		}
	}
	w.Write([]byte(`]}` + "\n"))
	return nil
}

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

// openTaxonomy is the skills taxonomy as a SKOS concept scheme in JSON-LD, with ESCO exact matches.
func (s *Server) openTaxonomy(c echo.Context) error {
	tax, err := s.taxonomy.get(c.Request().Context())
	if err != nil {
		return err
	}
	base := s.publicURL
	scheme := base + "/api/v1/open/taxonomy"
	var concepts, tops []any
	for _, sk := range tax.all() {
		id := scheme + "#" + sk.Slug
		con := map[string]any{"@id": id, "@type": "skos:Concept", "skos:notation": sk.Slug,
			"skos:prefLabel": map[string]any{"@value": sk.Label, "@language": "en"}, "skos:inScheme": map[string]any{"@id": scheme},
			"crossover:domain": sk.Domain}
		if len(sk.AltLabels) > 0 {
			alts := make([]any, len(sk.AltLabels))
			for i, l := range sk.AltLabels {
				alts[i] = map[string]any{"@value": l, "@language": "en"}
			}
			con["skos:altLabel"] = alts
		}
		if sk.Parent != "" {
			con["skos:broader"] = map[string]any{"@id": scheme + "#" + sk.Parent}
		} else {
			con["skos:topConceptOf"] = map[string]any{"@id": scheme}
			tops = append(tops, map[string]any{"@id": id})
		}
		if sk.EscoURI != "" {
			con["skos:exactMatch"] = map[string]any{"@id": sk.EscoURI}
		}
		concepts = append(concepts, con)
	}
	ctx := map[string]any{"skos": "http://www.w3.org/2004/02/skos/core#", "dct": "http://purl.org/dc/terms/",
		"crossover": base + "/api/v1/open/vocab#", "esco": "http://data.europa.eu/esco/skill/"}
	licenceHeaders(c)
	c.Response().Header().Set(echo.HeaderContentType, "application/ld+json; charset=utf-8")
	c.Response().WriteHeader(http.StatusOK)
	return json.NewEncoder(c.Response()).Encode(map[string]any{
		"@context": ctx,
		"@graph": append([]any{map[string]any{"@id": scheme, "@type": "skos:ConceptScheme",
			"dct:title": "Crossover skills taxonomy (AI, creative and transversal skills)", "dct:license": map[string]any{"@id": dataLicence},
			"dct:rights": strings.TrimSpace("Crossover taxonomy CC BY 4.0. " + escoAttribution), "skos:hasTopConcept": tops}}, concepts...),
	})
}

func (s *Server) openActorOne(c echo.Context) error {
	ctx := c.Request().Context()
	a, err := s.store.OpenActor(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	tax, err := s.taxonomy.get(ctx)
	if err != nil {
		return err
	}
	doc := openActor(s.publicURL, tax, a)
	doc["@context"] = openContext
	doc["license"] = dataLicence
	licenceHeaders(c)
	c.Response().Header().Set(echo.HeaderContentType, "application/ld+json; charset=utf-8")
	c.Response().WriteHeader(http.StatusOK)
	return json.NewEncoder(c.Response()).Encode(doc)
}
