package matching

import (
	"fmt"
	"strings"
)

// Skill is one node of the skills taxonomy. Domain is "ai", "cci" or "transversal".
type Skill struct {
	Slug   string
	Parent string
	Domain string
}

// Taxonomy is an immutable skills tree. It is tolerant: a parent that is not in the list makes
// the node a root, and a parent chain that loops is cut at the node that closes the loop.
type Taxonomy struct {
	skills []Skill
	tree   tree
}

// NewTaxonomy builds a taxonomy. It fails only on an empty or duplicate slug.
func NewTaxonomy(skills []Skill) (*Taxonomy, error) {
	t := &Taxonomy{skills: append([]Skill(nil), skills...)}
	t.tree.bySlug = make(map[string]int32, len(skills))
	for _, s := range skills {
		if s.Slug == "" {
			return nil, fmt.Errorf("matching: taxonomy: empty slug")
		}
		if _, dup := t.tree.bySlug[s.Slug]; dup {
			return nil, fmt.Errorf("matching: taxonomy: duplicate slug %q", s.Slug)
		}
		t.tree.add(s.Slug)
	}
	for i, s := range skills {
		p, ok := t.tree.bySlug[s.Parent]
		if !ok || s.Parent == s.Slug {
			continue
		}
		// Refuse a parent link that would close a cycle.
		cycle := false
		for a := p; a >= 0; a = t.tree.parent[a] {
			if a == int32(i) {
				cycle = true
				break
			}
		}
		if !cycle {
			t.tree.parent[i] = p
		}
	}
	t.tree.linkChildren()
	return t, nil
}

// Len is the number of skills.
func (t *Taxonomy) Len() int { return len(t.skills) }

// Skills returns a copy of the nodes.
func (t *Taxonomy) Skills() []Skill { return append([]Skill(nil), t.skills...) }

// Taxonomy similarity weights: how much of a need an offer of a related skill covers.
const (
	SimExact   = 1.0 // the very skill
	SimParent  = 0.6 // the offer is the parent (broader) or a child (narrower) of the need
	SimSibling = 0.3 // the offer shares the need's parent
)

// Relations between a needed and an offered skill.
const (
	relNone = iota
	relExact
	relBroader  // offer is the need's parent
	relNarrower // offer is a child of the need
	relSibling
)

var relSim = [...]float64{relNone: 0, relExact: SimExact, relBroader: SimParent, relNarrower: SimParent, relSibling: SimSibling}

// tree is the index's own copy of the taxonomy, extended with skills actors use that the
// taxonomy does not know (they become roots: only exact matches count for them).
type tree struct {
	slugs    []string
	parent   []int32
	children [][]int32
	bySlug   map[string]int32
}

func (t *tree) add(slug string) int32 {
	id := int32(len(t.slugs))
	t.slugs = append(t.slugs, slug)
	t.parent = append(t.parent, -1)
	t.children = append(t.children, nil)
	t.bySlug[slug] = id
	return id
}

func (t *tree) linkChildren() {
	for i, p := range t.parent {
		if p >= 0 {
			t.children[p] = append(t.children[p], int32(i))
		}
	}
}

func (t *tree) clone() tree {
	c := tree{
		slugs:    append([]string(nil), t.slugs...),
		parent:   append([]int32(nil), t.parent...),
		children: make([][]int32, len(t.children)),
		bySlug:   make(map[string]int32, len(t.bySlug)),
	}
	for i, ch := range t.children {
		c.children[i] = append([]int32(nil), ch...)
	}
	for k, v := range t.bySlug {
		c.bySlug[k] = v
	}
	return c
}

// rel is the relation of an offered skill to a needed one.
func (t *tree) rel(need, offer int32) int {
	if need == offer {
		return relExact
	}
	pn, po := t.parent[need], t.parent[offer]
	if pn == offer {
		return relBroader
	}
	if po == need {
		return relNarrower
	}
	if pn >= 0 && pn == po {
		return relSibling
	}
	return relNone
}

func (t *tree) sim(need, offer int32) float64 {
	if need == offer {
		return SimExact
	}
	pn, po := t.parent[need], t.parent[offer]
	if pn == offer || po == need {
		return SimParent
	}
	if pn >= 0 && pn == po {
		return SimSibling
	}
	return 0
}

// related calls fn for every node an offer of which gives credit for a need of node n.
func (t *tree) related(n int32, fn func(node int32, sim float64)) {
	fn(n, SimExact)
	p := t.parent[n]
	if p >= 0 {
		fn(p, SimParent)
	}
	for _, c := range t.children[n] {
		fn(c, SimParent)
	}
	if p >= 0 {
		for _, s := range t.children[p] {
			if s != n {
				fn(s, SimSibling)
			}
		}
	}
}

// label turns a slug into words for messages.
func label(slug string) string { return strings.ReplaceAll(slug, "-", " ") }
