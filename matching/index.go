package matching

import (
	"slices"
	"sync"
	"time"
)

// Limits on what one actor can declare; extra entries are ignored (the API validates well below).
const (
	maxOffers = 64
	maxNeeds  = 64
)

const (
	flagAlive uint8 = 1 << iota
	flagCandidate
	flagManaged
	flagRemote
)

// overflowBit stands for "some value beyond the 63 first interned ones" in a set mask; sets with
// it are compared exactly (rare: Europe has fewer than 63 languages in use on the platform).
const overflowBit = uint64(1) << 63

// slot is the compact form of an actor, exactly two cache lines: what a query reads of a
// candidate (sets, place, flags and, for most actors, all its skills) sits in them. The ID lives
// in Index.ids, read only for results and ties.
type slot struct {
	langs   uint64
	sectors uint64
	modes   uint64
	region  int32  // interned country/region, -1 for none
	country uint16 // interned, 0 for none
	kind    Kind
	flags   uint8
	nOff    uint8
	nNeed   uint8
	nLang   uint8
	nSec    uint8
	nMode   uint8
	_       [3]byte
	// inl holds the skills: offers (node<<2 | level-1), needs (node<<1 | must), then interned
	// languages, sectors and modes; big holds them instead when they do not fit.
	inl      [inlineSkills]uint32
	big      *[]uint32
	created  int64 // unix seconds
	owner    int32 // interned OwnerID, -1 for none
	capacity int32
}

const inlineSkills = 16

func (s *slot) sk() []uint32 {
	if s.big != nil {
		return *s.big
	}
	return s.inl[:]
}
func (s *slot) offers() []uint32 { return s.sk()[:s.nOff] }
func (s *slot) needs() []uint32  { return s.sk()[s.nOff : int(s.nOff)+int(s.nNeed)] }
func (s *slot) langIDs() []uint32 {
	o := int(s.nOff) + int(s.nNeed)
	return s.sk()[o : o+int(s.nLang)]
}
func (s *slot) sectorIDs() []uint32 {
	o := int(s.nOff) + int(s.nNeed) + int(s.nLang)
	return s.sk()[o : o+int(s.nSec)]
}
func (s *slot) modeIDs() []uint32 {
	o := int(s.nOff) + int(s.nNeed) + int(s.nLang) + int(s.nSec)
	return s.sk()[o : o+int(s.nMode)]
}
func (s *slot) is(f uint8) bool { return s.flags&f != 0 }

type interner map[string]uint32

func (in interner) id(s string) uint32 {
	if v, ok := in[s]; ok {
		return v
	}
	v := uint32(len(in))
	in[s] = v
	return v
}

func bit(id uint32) uint64 {
	if id >= 63 {
		return overflowBit
	}
	return 1 << id
}

// overlap reports whether two interned sets share a value.
func overlap(ma, mb uint64, la, lb []uint32) bool {
	x := ma & mb
	if x&^overflowBit != 0 {
		return true
	}
	if x == 0 {
		return false
	}
	for _, i := range la {
		if i < 63 {
			continue
		}
		for _, j := range lb {
			if i == j {
				return true
			}
		}
	}
	return false
}

func shared(la, lb []uint32) []uint32 {
	var out []uint32
	for _, i := range la {
		for _, j := range lb {
			if i == j {
				out = append(out, i)
				break
			}
		}
	}
	return out
}

// Index holds every actor in compact form with inverted lists from skill to actors. Match,
// MatchExact and BruteForce may run concurrently with Upsert, Remove and SetExcluded.
type Index struct {
	opts Options

	mu    sync.RWMutex
	tree  tree
	slots []slot
	ids   []string // by slot
	tmp   []uint32 // Upsert's working memory (under mu)
	free  []int32
	byID  map[string]int32

	owners       interner
	ownerMembers map[int32][]int32
	langs        interner
	sectors      interner
	modes        interner
	countries    interner
	regions      interner
	langNames    []string
	sectorNames  []string
	modeNames    []string

	// Only candidates (available, not paused, not stale, not at capacity) are in the lists.
	// pairs[pairKey(kind, offered node, level, needed node)]: actors of that kind offering the
	// node at that level and needing the other node (noNode when they need nothing). A partner
	// must both offer something a need of yours can use and need something you offer, so the
	// search reads only the lists of such (offer, need) pairs: far shorter than either side's.
	pairs map[uint64][]int32
	// needPost[kind][node]: actors needing node; noNeeds: actors needing nothing. Used when the
	// querying actor has no needs (every partner then covers them alike).
	needPost [numKinds][][]int32
	noNeeds  [numKinds][]int32

	excluded map[string]map[string]struct{}

	pool sync.Pool // *scratch
	exp  exposure
}

// NewIndex returns an empty index over the taxonomy (nil means none: only exact skill matches).
func NewIndex(t *Taxonomy, opts Options) *Index {
	ix := &Index{
		opts:         opts.withDefaults(),
		byID:         make(map[string]int32),
		owners:       interner{},
		ownerMembers: make(map[int32][]int32),
		langs:        interner{},
		sectors:      interner{},
		modes:        interner{},
		countries:    interner{"": 0},
		regions:      interner{},
		excluded:     make(map[string]map[string]struct{}),
		pairs:        make(map[uint64][]int32),
	}
	if t != nil {
		ix.tree = t.tree.clone()
	} else {
		ix.tree = tree{bySlug: map[string]int32{}}
	}
	ix.growLists()
	ix.pool.New = func() any { return new(scratch) }
	return ix
}

func (ix *Index) growLists() {
	n := len(ix.tree.slugs)
	for k := range ix.needPost {
		for len(ix.needPost[k]) < n {
			ix.needPost[k] = append(ix.needPost[k], nil)
		}
	}
}

func (ix *Index) node(slug string) int32 {
	if id, ok := ix.tree.bySlug[slug]; ok {
		return id
	}
	id := ix.tree.add(slug)
	ix.growLists()
	return id
}

// Len is the number of actors held.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.byID)
}

// Upsert adds or replaces an actor (matched by ID).
func (ix *Index) Upsert(a Actor) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.upsert(&a)
}

// UpsertMany adds or replaces many actors under one lock: the fast path for building at start-up.
func (ix *Index) UpsertMany(actors []Actor) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for i := range actors {
		ix.upsert(&actors[i])
	}
}

// Remove drops an actor; unknown IDs are ignored.
func (ix *Index) Remove(id string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	s, ok := ix.byID[id]
	if !ok {
		return
	}
	ix.unlink(s)
	ix.slots[s] = slot{}
	ix.ids[s] = ""
	delete(ix.byID, id)
	ix.free = append(ix.free, s)
}

// SetExcluded marks (or clears) a pair that must not be matched: one side said "not interested",
// or an introduction between them is in progress. It is symmetric and may name actors not yet held.
func (ix *Index) SetExcluded(a, b string, excluded bool) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	set := func(x, y string) {
		m := ix.excluded[x]
		if excluded {
			if m == nil {
				m = make(map[string]struct{})
				ix.excluded[x] = m
			}
			m[y] = struct{}{}
			return
		}
		delete(m, y)
		if len(m) == 0 {
			delete(ix.excluded, x)
		}
	}
	set(a, b)
	set(b, a)
}

func (ix *Index) isExcluded(a, b string) bool {
	_, ok := ix.excluded[a][b]
	return ok
}

func (ix *Index) upsert(a *Actor) {
	s, exists := ix.byID[a.ID]
	if exists {
		ix.unlink(s)
	} else if n := len(ix.free); n > 0 {
		s = ix.free[n-1]
		ix.free = ix.free[:n-1]
		ix.exp.reset(s)
	} else {
		s = int32(len(ix.slots))
		ix.slots = append(ix.slots, slot{})
		ix.ids = append(ix.ids, "")
		ix.exp.reset(s)
	}
	ix.byID[a.ID] = s
	ix.ids[s] = a.ID
	ix.slots[s] = ix.compact(a)
	ix.link(s)
}

func (ix *Index) compact(a *Actor) slot {
	c := slot{owner: -1, region: -1, kind: a.Kind, flags: flagAlive}
	if a.OwnerID != "" {
		c.owner = int32(ix.owners.id(a.OwnerID))
	}
	if a.Country != "" {
		c.country = uint16(ix.countries.id(a.Country))
		if a.Region != "" {
			c.region = int32(ix.regions.id(a.Country + "/" + a.Region))
		}
	}
	if a.Capacity > 0 {
		c.capacity = int32(min(a.Capacity, 1<<30))
	}
	if !a.CreatedAt.IsZero() {
		c.created = a.CreatedAt.Unix()
	}
	if a.Managed {
		c.flags |= flagManaged
	}
	if a.Remote {
		c.flags |= flagRemote
	}
	if a.candidate() && a.Kind.valid() {
		c.flags |= flagCandidate
	}

	sk := ix.tmp[:0]
	defer func() { ix.tmp = sk[:0] }()
	// Offers: one per skill, the highest level wins.
	for _, o := range a.Offers {
		if o.Skill == "" || int(c.nOff) >= maxOffers {
			continue
		}
		lvl := uint32(min(max(o.Level, 1), 4) - 1)
		n := uint32(ix.node(o.Skill))
		dup := false
		for i, v := range sk[:c.nOff] {
			if v>>2 == n {
				dup = true
				if v&3 < lvl {
					sk[i] = n<<2 | lvl
				}
				break
			}
		}
		if !dup {
			sk = append(sk, n<<2|lvl)
			c.nOff++
		}
	}
	// Needs: one per skill, must wins over nice.
	for _, nd := range a.Needs {
		if nd.Skill == "" || int(c.nNeed) >= maxNeeds {
			continue
		}
		n := uint32(ix.node(nd.Skill))
		var must uint32
		if nd.Must {
			must = 1
		}
		dup := false
		for i, v := range sk[c.nOff:] {
			if v>>1 == n {
				dup = true
				sk[int(c.nOff)+i] = v | must
				break
			}
		}
		if !dup {
			sk = append(sk, n<<1|must)
			c.nNeed++
		}
	}
	addSet := func(vals []string, in interner, names *[]string, mask *uint64, count *uint8) {
		start := len(sk)
		for _, v := range vals {
			if v == "" || *count == 255 {
				continue
			}
			id := in.id(v)
			if int(id) >= len(*names) {
				*names = append(*names, v)
			}
			dup := false
			for _, x := range sk[start:] {
				if x == id {
					dup = true
					break
				}
			}
			if !dup {
				sk = append(sk, id)
				*mask |= bit(id)
				*count++
			}
		}
	}
	addSet(a.Languages, ix.langs, &ix.langNames, &c.langs, &c.nLang)
	addSet(a.Sectors, ix.sectors, &ix.sectorNames, &c.sectors, &c.nSec)
	addSet(a.Modes, ix.modes, &ix.modeNames, &c.modes, &c.nMode)
	if len(sk) <= inlineSkills {
		copy(c.inl[:], sk)
	} else {
		own := slices.Clone(sk)
		c.big = &own
	}
	return c
}

func (ix *Index) link(s int32) {
	c := &ix.slots[s]
	if c.owner >= 0 {
		ix.ownerMembers[c.owner] = append(ix.ownerMembers[c.owner], s)
	}
	if !c.is(flagCandidate) {
		return
	}
	k := c.kind
	for _, o := range c.offers() {
		if c.nNeed == 0 {
			key := pairKey(k, o, noNode)
			ix.pairs[key] = append(ix.pairs[key], s)
		}
		for _, n := range c.needs() {
			key := pairKey(k, o, n>>1)
			ix.pairs[key] = append(ix.pairs[key], s)
		}
	}
	for _, n := range c.needs() {
		ix.needPost[k][n>>1] = append(ix.needPost[k][n>>1], s)
	}
	if c.nNeed == 0 {
		ix.noNeeds[k] = append(ix.noNeeds[k], s)
	}
}

// unlink removes a slot from every list. Lists are unordered, so removal is a scan plus a swap:
// writes are rare next to reads.
func (ix *Index) unlink(s int32) {
	c := &ix.slots[s]
	if c.owner >= 0 {
		m := removeFrom(ix.ownerMembers[c.owner], s)
		if len(m) == 0 {
			delete(ix.ownerMembers, c.owner)
		} else {
			ix.ownerMembers[c.owner] = m
		}
	}
	if !c.is(flagCandidate) {
		return
	}
	k := c.kind
	drop := func(key uint64) {
		if l := removeFrom(ix.pairs[key], s); len(l) > 0 {
			ix.pairs[key] = l
		} else {
			delete(ix.pairs, key)
		}
	}
	for _, o := range c.offers() {
		if c.nNeed == 0 {
			drop(pairKey(k, o, noNode))
		}
		for _, n := range c.needs() {
			drop(pairKey(k, o, n>>1))
		}
	}
	for _, n := range c.needs() {
		ix.needPost[k][n>>1] = removeFrom(ix.needPost[k][n>>1], s)
	}
	if c.nNeed == 0 {
		ix.noNeeds[k] = removeFrom(ix.noNeeds[k], s)
	}
}

// noNode stands for "no need" in a pair key.
const noNode = 1<<30 - 1

// pairKey packs kind, offer (node<<2 | level-1) and needed node.
func pairKey(k Kind, offer, need uint32) uint64 {
	return uint64(k)<<62 | uint64(offer)<<30 | uint64(need)
}

func removeFrom(l []int32, s int32) []int32 {
	for i, v := range l {
		if v == s {
			l[i] = l[len(l)-1]
			return l[:len(l)-1]
		}
	}
	return l
}

// Options tune the exposure-control step of Match. The zero value means the defaults below.
type Options struct {
	// ExposureWindow is the sliding window over which appearances are counted (default 7 days).
	ExposureWindow time.Duration
	// ExposureShare is the share of the lists served in the window (for the partner's kind) that
	// one actor of full capacity may appear in (default 0.03).
	ExposureShare float64
	// ExposureFloor is the number of appearances every actor is allowed whatever the share
	// (default 10), so that a quiet window does not hide everyone.
	ExposureFloor int
	// CapacityRef is the capacity that earns the full share; an actor with capacity c gets
	// min(c, CapacityRef)/CapacityRef of it. Capacity 0 (no declared limit) counts as CapacityRef.
	// Default 3.
	CapacityRef int
	// ExposurePenalty scales a candidate's score down by up to this fraction as it uses its
	// budget (default 0.4).
	ExposurePenalty float64
	// Oversample: exposure re-ranking picks from the exact top Limit*Oversample (default 4).
	Oversample int
	// ColdStartPeriod and ColdStartBoost: an actor created less than ColdStartPeriod ago gets its
	// score multiplied by up to 1+ColdStartBoost, decaying linearly with age (defaults 30 days, 0.10).
	ColdStartPeriod time.Duration
	ColdStartBoost  float64
	// DisableExposure makes Match return the exact ranking.
	DisableExposure bool
}

func (o Options) withDefaults() Options {
	if o.ExposureWindow <= 0 {
		o.ExposureWindow = 7 * 24 * time.Hour
	}
	if o.ExposureShare <= 0 {
		o.ExposureShare = 0.03
	}
	if o.ExposureFloor <= 0 {
		o.ExposureFloor = 10
	}
	if o.CapacityRef <= 0 {
		o.CapacityRef = 3
	}
	if o.ExposurePenalty <= 0 {
		o.ExposurePenalty = 0.4
	}
	o.ExposurePenalty = min(o.ExposurePenalty, 0.9)
	if o.Oversample <= 0 {
		o.Oversample = 4
	}
	if o.ColdStartPeriod <= 0 {
		o.ColdStartPeriod = 30 * 24 * time.Hour
	}
	if o.ColdStartBoost <= 0 {
		o.ColdStartBoost = 0.10
	}
	o.ColdStartBoost = min(o.ColdStartBoost, 0.5)
	return o
}
