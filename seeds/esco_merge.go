package seeds

import (
	"fmt"
	"slices"
	"strings"
)

// The four pillars at the top of ESCO's skills hierarchy ("skills", "knowledge",
// "language skills and knowledge", "transversal skills and competences"). They say
// nothing a user would pick, so MergeESCO does not import them: their children
// become top-level skills.
var escoPillars = map[string]bool{
	"http://data.europa.eu/esco/skill/335228d2-297d-4e0e-a6ee-bc6a8dc110d9": true, // skills (S)
	"http://data.europa.eu/esco/skill/c46fcb45-5c14-4ffa-abed-5a43f104bb22": true, // knowledge (K)
	"http://data.europa.eu/esco/skill/e35a5936-091d-4e87-bafe-f264e55bd656": true, // language skills and knowledge (L)
	"http://data.europa.eu/esco/skill/04a13491-b58c-4d33-8b59-8fad0d55fe9e": true, // transversal skills and competences (T)
}

// ESCOMergeStats counts what MergeESCO did.
type ESCOMergeStats struct {
	Linked         int // ESCO concepts already in the curated taxonomy (by esco_uri)
	Added          int // ESCO skills and groups added as new skills
	AltLabelsAdded int // ESCO labels added to curated skills
	Skipped        int // pillar roots left out
}

// MergeESCO merges an ESCO package into the curated taxonomy and returns the whole
// tree, parents before children, with imported skills marked Source "esco":
//
//   - a curated skill whose ESCOURI is in the package keeps its slug, label and place and
//     gains ESCO's preferred and alternative labels;
//   - every other ESCO skill and skill group becomes a skill with slug ESCOSlug(uri);
//   - its parent is one of its ESCO broader concepts, chosen deterministically: a
//     curated skill first, then a broader skill, then a group (smallest URI breaks ties);
//     ESCO's four pillar roots are left out;
//   - its domain comes from the nearest ancestor (or itself) that says one: a curated
//     skill gives its own; ISCED-F arts and humanities (02), journalism and information
//     (032) and the skill groups S1.12 artistic materials, S1.13 writing and composing,
//     S1.14 performing give "cci"; ISCED-F ICT (06) and the groups S5.1 programming and
//     S5.5 analysing digital data give "ai"; anything else is "transversal". So an
//     imported skill may sit under a parent of another domain;
//   - slugs are ESCOSlug(uri); should two collide, the later one (in package order)
//     takes "esco-" plus its whole UUID.
//
// The result is deterministic for a given input, so re-running an import is
// idempotent. Imported branches are deeper than MaxDepth; CheckTree applies to the
// curated tree only.
func MergeESCO(curated []Skill, pkg *ESCOPackage) ([]Skill, ESCOMergeStats) {
	var st ESCOMergeStats
	out := make([]Skill, 0, len(curated)+len(pkg.Skills)+len(pkg.Groups))
	curatedByURI := map[string]int{} // ESCO URI → index in out
	for _, s := range curated {
		s.AltLabels = slices.Clone(s.AltLabels)
		if s.ESCOURI != "" {
			curatedByURI[s.ESCOURI] = len(out)
		}
		out = append(out, s)
	}

	concepts := map[string]ESCOSkill{}
	var order []string
	for _, list := range [][]ESCOSkill{pkg.Groups, pkg.Skills} {
		for _, c := range list {
			if _, dup := concepts[c.URI]; !dup {
				concepts[c.URI] = c
				order = append(order, c.URI)
			}
		}
	}

	// Curated skills gain ESCO's labels.
	for uri, i := range curatedByURI {
		c, ok := concepts[uri]
		if !ok {
			continue
		}
		st.Linked++
		have := map[string]bool{strings.ToLower(out[i].Label): true}
		for _, a := range out[i].AltLabels {
			have[strings.ToLower(a)] = true
		}
		for _, l := range append([]string{c.PreferredLabel}, c.AltLabels...) {
			if !have[strings.ToLower(l)] {
				have[strings.ToLower(l)] = true
				out[i].AltLabels = append(out[i].AltLabels, l)
				st.AltLabelsAdded++
			}
		}
	}

	// Choose one parent per imported concept.
	isCurated := func(uri string) bool { _, ok := curatedByURI[uri]; return ok }
	broader := map[string][]ESCOBroader{}
	for _, b := range pkg.Broader {
		_, inPackage := concepts[b.BroaderURI]
		if isCurated(b.BroaderURI) || (inPackage && !escoPillars[b.BroaderURI]) {
			broader[b.ConceptURI] = append(broader[b.ConceptURI], b)
		}
	}
	rank := func(b ESCOBroader) int {
		switch {
		case isCurated(b.BroaderURI):
			return 0
		case b.BroaderType == "KnowledgeSkillCompetence":
			return 1
		default:
			return 2
		}
	}
	parentURI := map[string]string{}
	for uri, bs := range broader {
		best := bs[0]
		for _, b := range bs[1:] {
			if r, rb := rank(b), rank(best); r < rb || (r == rb && b.BroaderURI < best.BroaderURI) {
				best = b
			}
		}
		parentURI[uri] = best.BroaderURI
	}

	escoSlugs := map[string]string{}
	taken := map[string]bool{}
	for _, s := range out {
		taken[s.Slug] = true
	}
	for _, uri := range order {
		if isCurated(uri) || escoPillars[uri] {
			continue
		}
		slug := ESCOSlug(uri, concepts[uri].PreferredLabel)
		if taken[slug] {
			slug = "esco-" + strings.Trim(nonSlugRune.ReplaceAllString(strings.ToLower(uri[strings.LastIndex(uri, "/")+1:]), ""), "-")
			for base, n := slug, 2; taken[slug]; n++ {
				slug = fmt.Sprintf("%s-%d", base, n)
			}
		}
		taken[slug] = true
		escoSlugs[uri] = slug
	}
	slugOf := func(uri string) string {
		if i, ok := curatedByURI[uri]; ok {
			return out[i].Slug
		}
		return escoSlugs[uri]
	}

	// Cut cycles (ESCO should have none) and compute depth, domain and order.
	type node struct {
		uri    string
		depth  int
		domain string
	}
	resolved := map[string]node{}
	var resolve func(uri string, visiting map[string]bool) node
	resolve = func(uri string, visiting map[string]bool) node {
		if n, ok := resolved[uri]; ok {
			return n
		}
		if i, ok := curatedByURI[uri]; ok {
			n := node{uri, 0, out[i].Domain}
			resolved[uri] = n
			return n
		}
		visiting[uri] = true
		p, hasParent := parentURI[uri]
		if hasParent && visiting[p] {
			delete(parentURI, uri)
			hasParent = false
		}
		var n node
		if hasParent {
			pn := resolve(p, visiting)
			n = node{uri, pn.depth + 1, pn.domain}
		} else {
			n = node{uri, 1, DomainTransversal}
		}
		if d, ok := escoDomainOf(uri); ok {
			n.domain = d
		}
		delete(visiting, uri)
		resolved[uri] = n
		return n
	}
	var imported []node
	for _, uri := range order {
		if escoPillars[uri] {
			st.Skipped++
			continue
		}
		if isCurated(uri) {
			continue
		}
		imported = append(imported, resolve(uri, map[string]bool{}))
	}
	slices.SortStableFunc(imported, func(a, b node) int { return a.depth - b.depth })
	for _, n := range imported {
		c := concepts[n.uri]
		s := Skill{
			Slug: slugOf(n.uri), Label: c.PreferredLabel, Domain: n.domain, ESCOURI: n.uri,
			AltLabels: withoutLabel(c.AltLabels, c.PreferredLabel), Source: SourceESCO,
		}
		if p, ok := parentURI[n.uri]; ok {
			s.Parent = slugOf(p)
		}
		out = append(out, s)
		st.Added++
	}
	return out, st
}

func withoutLabel(alts []string, label string) []string {
	var out []string
	for _, a := range alts {
		if !strings.EqualFold(a, label) {
			out = append(out, a)
		}
	}
	return out
}

// escoDomainGroups are the ESCO skill groups that decide a domain (see MergeESCO).
var escoDomainGroups = map[string]string{
	"http://data.europa.eu/esco/skill/c85f95ae-34fb-487b-b3d5-10803eee619d": DomainCCI, // S1.12 creating artistic, visual or instructive materials
	"http://data.europa.eu/esco/skill/2f661409-3e56-46ab-95d7-6ec7786fc1c0": DomainCCI, // S1.13 writing and composing
	"http://data.europa.eu/esco/skill/ac88053e-c9b5-43cf-ace1-f506bcfdc8cb": DomainCCI, // S1.14 performing and entertaining
	"http://data.europa.eu/esco/skill/d6e4373a-ef2c-4b64-9dc6-4140846f6609": DomainAI,  // S5.1 programming computer systems
	"http://data.europa.eu/esco/skill/28d2ab6c-38a2-476e-85fe-7982fd242943": DomainAI,  // S5.5 accessing and analysing digital data
}

// escoDomainOf returns the domain an ESCO node decides by itself, if any.
func escoDomainOf(uri string) (string, bool) {
	if d, ok := escoDomainGroups[uri]; ok {
		return d, true
	}
	field, ok := strings.CutPrefix(uri, escoURIPrefix+"isced-f/")
	switch {
	case ok && (strings.HasPrefix(field, "02") || strings.HasPrefix(field, "032")):
		return DomainCCI, true
	case ok && strings.HasPrefix(field, "06"):
		return DomainAI, true
	}
	return "", false
}
