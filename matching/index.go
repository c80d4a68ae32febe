package matching

import (
	"cmp"
	"math"
	"runtime"
	"slices"
	"sync"
	"time"
	"unsafe"
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
	flagPending // compacted by UpsertMany, not linked yet
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
	owner   int32  // interned OwnerID, -1 for none
	country uint16 // interned, 0 for none
	kind    Kind
	flags   uint8
	nOff    uint8
	nNeed   uint8
	nLang   uint8
	nSec    uint8
	nMode   uint8
	resp    uint8 // responsiveness: 0 unknown, else 1 + round(r*254) for r in (0,1]
	// inl holds the skills: offers (node<<2 | level-1), needs (node<<1 | must), then interned
	// languages, sectors and modes; big holds them instead when they do not fit.
	inl      [inlineSkills]uint32
	big      *[]uint32
	created  int64 // unix seconds
	capacity int32
}

const inlineSkills = 15

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
	ids   idTable  // slot <-> actor ID
	tmp   []uint32 // Upsert's working memory (under mu)
	free  []int32

	owners      interner
	langs       interner
	sectors     interner
	modes       interner
	countries   interner
	regions     map[[2]string]int32
	langNames   []string
	sectorNames []string
	modeNames   []string

	// Only candidates (available, not paused, not stale, not at capacity) are in the lists, as
	// records [slot, nOff<<8 | nNeed | 16 bits of signature, 32 bits of signature, offers...,
	// needs...] that carry the actor's skills, so a query computes both coverages while
	// streaming a list and reads a slot only for actors that can enter the top k.
	//
	// pairs[kind][offer code].list(needed node): actors of that kind offering that skill at that
	// level and needing that node (noNode when they need nothing). A partner must both offer
	// something a need of yours can use and need something you offer, so the search reads only
	// the lists of such (offer, need) pairs: far shorter than either side's.
	pairs [numKinds][]codeLists
	// needPost[kind][node]: records of actors needing node; noNeeds: actors needing nothing.
	// Used when the querying actor has no needs (every partner then covers them alike).
	needPost [numKinds][][]uint32
	noNeeds  [numKinds][]int32

	excluded map[string]map[string]struct{}

	// scratches holds the per-query working memory of idle queries, busy counts the queries
	// running: at most cap(busy) at once (a CPU-bound search gains nothing from more), so at most
	// that many scratches exist. Unlike a sync.Pool, garbage collection does not empty it: a
	// scratch holds a mark per slot (4 MB at 1M actors), and re-allocating it after every GC made
	// a loaded 1M replica spend its time allocating and collecting.
	scratches chan *scratch
	busy      chan struct{}
	exp       exposure
}

// NewIndex returns an empty index over the taxonomy (nil means none: only exact skill matches).
func NewIndex(t *Taxonomy, opts Options) *Index {
	ix := &Index{
		opts:      opts.withDefaults(),
		owners:    interner{},
		langs:     interner{},
		sectors:   interner{},
		modes:     interner{},
		countries: interner{"": 0},
		regions:   map[[2]string]int32{},
		excluded:  make(map[string]map[string]struct{}),
	}
	if t != nil {
		ix.tree = t.tree.clone()
	} else {
		ix.tree = tree{bySlug: map[string]int32{}}
	}
	ix.growLists()
	n := max(2, runtime.GOMAXPROCS(0))
	ix.scratches, ix.busy = make(chan *scratch, n), make(chan struct{}, n)
	return ix
}

func (ix *Index) growLists() {
	n := len(ix.tree.slugs)
	for k := range ix.pairs {
		for len(ix.pairs[k]) < n*4 {
			ix.pairs[k] = append(ix.pairs[k], codeLists{})
		}
	}
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
	return ix.ids.len()
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
	ix.upsertMany(actors)
}

// Reserve makes room for n more actors at once. A paged build that knows its size calls it
// first: the slot array (128 B an actor) is then allocated once, not grown by a quarter at a
// time and copied again by Trim (at 1M a transient 150 MB on top of the 122 MB it keeps).
func (ix *Index) Reserve(n int) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.slots = slices.Grow(ix.slots, n)
	ix.ids.reserve(n)
}

// Trim gives back the spare capacity that building in several UpsertMany calls leaves in the
// lists (append growth keeps up to twice what a list holds): call it once after a paged build.
// Results do not change.
//
// The pair lists are copied, in the order of their addresses, into chunks of packChunk words,
// each list ending where its capacity ends. Clipping them one by one instead (as before the fifth
// session) left the heap's small-object spans a patchwork of live lists and the dead copies that
// growing had left behind: at 1M actors 130 MB of holes that Go's memory limit counts as used, so
// a replica under GOMEMLIMIT collected garbage without pause. Copied in address order, the old
// spans empty one after another and the collector can hand them to the chunks, so Trim needs
// little memory beyond the lists while it runs (under a memory limit; without one the heap may
// grow by the lists' size until the next collection). A packed list that later grows is copied
// out of its chunk by append, as any full slice is; the chunk goes when its last list does.
func (ix *Index) Trim() {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.packPairs()
	for k := range ix.pairs {
		for i := range ix.pairs[k] {
			cl := &ix.pairs[k][i]
			cl.needs, cl.lists = clip(cl.needs), clip(cl.lists)
		}
		for n := range ix.needPost[k] {
			ix.needPost[k][n] = clip(ix.needPost[k][n])
		}
		ix.noNeeds[k] = clip(ix.noNeeds[k])
	}
	ix.slots = clip(ix.slots)
	ix.ids.trim()
}

// packChunk is the size of Trim's chunks in words (1 MB): a large object for Go's allocator, so
// chunks leave no holes among small objects. Lists over an eighth of it are clipped on their own.
const packChunk = 1 << 18

func (ix *Index) packPairs() {
	var refs []*[]uint32
	left := 0 // words still to pack: the last chunk is no larger than they need
	for k := range ix.pairs {
		for i := range ix.pairs[k] {
			cl := &ix.pairs[k][i]
			for j := range cl.lists {
				if l := cl.lists[j]; len(l) > packChunk/8 {
					cl.lists[j] = clip(l)
				} else if len(l) > 0 {
					refs = append(refs, &cl.lists[j])
					left += len(l)
				}
			}
		}
	}
	addr := func(r *[]uint32) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(*r))) }
	slices.SortFunc(refs, func(a, b *[]uint32) int { return cmp.Compare(addr(a), addr(b)) })
	var chunk []uint32
	for _, r := range refs {
		l := *r
		if len(l) > cap(chunk)-len(chunk) {
			chunk = make([]uint32, 0, min(packChunk, left))
		}
		left -= len(l)
		off := len(chunk)
		chunk = append(chunk, l...)
		*r = chunk[off:len(chunk):len(chunk)]
	}
}

// getScratch waits for a query slot and returns working memory for it; putScratch gives both back.
func (ix *Index) getScratch() *scratch {
	ix.busy <- struct{}{}
	select {
	case sc := <-ix.scratches:
		return sc
	default:
		return new(scratch)
	}
}

func (ix *Index) putScratch(sc *scratch) {
	ix.scratches <- sc // never blocks: at most cap(busy) scratches exist
	<-ix.busy
}

// clip returns l, or a copy of exactly its length when more than an eighth of its capacity is spare.
func clip[S ~[]E, E any](l S) S {
	if cap(l)-len(l) <= len(l)/8 {
		return l
	}
	return append(make(S, 0, len(l)), l...)
}

// Remove drops an actor; unknown IDs are ignored.
func (ix *Index) Remove(id string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	s, ok := ix.ids.slot(id)
	if !ok {
		return
	}
	ix.unlink(s)
	ix.slots[s] = slot{}
	ix.ids.drop(s, id)
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
	s, exists := ix.ids.slot(a.ID)
	if exists {
		ix.unlink(s)
	} else {
		s = ix.newSlot(a.ID)
	}
	ix.slots[s] = ix.compact(a)
	ix.link(s)
}

func (ix *Index) newSlot(id string) int32 {
	var s int32
	if n := len(ix.free); n > 0 {
		s = ix.free[n-1]
		ix.free = ix.free[:n-1]
	} else {
		s = int32(len(ix.slots))
		ix.slots = append(ix.slots, slot{})
	}
	ix.exp.reset(s)
	ix.ids.set(s, id)
	return s
}

// upsertMany links new actors in bulk: every list grows once, to its final size.
func (ix *Index) upsertMany(actors []Actor) {
	ix.ids.reserve(len(actors))
	ix.slots = slices.Grow(ix.slots, len(actors))
	var fresh []int32
	for i := range actors {
		a := &actors[i]
		s, exists := ix.ids.slot(a.ID)
		if exists && !ix.slots[s].is(flagPending) {
			ix.upsert(a)
			continue
		}
		if !exists {
			s = ix.newSlot(a.ID)
			fresh = append(fresh, s)
		}
		c := ix.compact(a)
		c.flags |= flagPending
		ix.slots[s] = c
	}
	// Each kind has its own lists: link the kinds in parallel.
	var byKind [numKinds][]int32
	for _, s := range fresh {
		c := &ix.slots[s]
		c.flags &^= flagPending
		if c.is(flagCandidate) {
			byKind[c.kind] = append(byKind[c.kind], s)
		}
	}
	var wg sync.WaitGroup
	for k, slots := range byKind {
		if len(slots) > 0 {
			wg.Go(func() { ix.linkMany(Kind(k), slots) })
		}
	}
	wg.Wait()
}

// linkMany links candidates of kind k; every list grows once, to its final size. It touches
// only kind k's lists, so kinds can be linked concurrently.
func (ix *Index) linkMany(k Kind, slots []int32) {
	needLen := make([]int, len(ix.tree.slugs))
	noNeedLen := 0
	for _, s := range slots {
		c := &ix.slots[s]
		rec := recordHead + int(c.nOff) + int(c.nNeed)
		for _, o := range c.offers() {
			cl := &ix.pairs[k][o]
			if c.nNeed == 0 {
				cl.reserve(noNode, rec)
			}
			for _, n := range c.needs() {
				cl.reserve(n>>1, rec)
			}
		}
		for _, n := range c.needs() {
			needLen[n>>1] += recordHead + int(c.nNeed)
		}
		if c.nNeed == 0 {
			noNeedLen++
		}
	}
	for i := range ix.pairs[k] {
		ix.pairs[k][i].grow()
	}
	for n, l := range needLen {
		if l > 0 {
			ix.needPost[k][n] = slices.Grow(ix.needPost[k][n], l)
		}
	}
	ix.noNeeds[k] = slices.Grow(ix.noNeeds[k], noNeedLen)
	for _, s := range slots {
		ix.link(s)
	}
}

func (ix *Index) compact(a *Actor) slot {
	c := slot{owner: -1, region: -1, kind: a.Kind, flags: flagAlive}
	if a.OwnerID != "" {
		c.owner = int32(ix.owners.id(a.OwnerID))
	}
	if a.Country != "" {
		c.country = uint16(ix.countries.id(a.Country))
		if a.Region != "" {
			key := [2]string{a.Country, a.Region}
			r, ok := ix.regions[key]
			if !ok {
				r = int32(len(ix.regions))
				ix.regions[key] = r
			}
			c.region = r
		}
	}
	if a.Capacity > 0 {
		c.capacity = int32(min(a.Capacity, 1<<30))
	}
	if !a.CreatedAt.IsZero() {
		c.created = a.CreatedAt.Unix()
	}
	if r := a.Responsiveness; r > 0 {
		c.resp = 1 + uint8(math.Round(min(r, 1)*254))
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
	if !c.is(flagCandidate) {
		return
	}
	k := c.kind
	offers, needs := c.offers(), c.needs()
	sig := ix.signature(c)
	hdr := uint32(c.nOff)<<8 | uint32(c.nNeed) | uint32(sig)<<16
	add := func(l []uint32) []uint32 {
		l = append(l, uint32(s), hdr, uint32(sig>>16))
		l = append(l, offers...)
		return append(l, needs...)
	}
	for _, o := range offers {
		cl := &ix.pairs[k][o]
		if len(needs) == 0 {
			l := cl.at(noNode)
			*l = add(*l)
		}
		for _, n := range needs {
			l := cl.at(n >> 1)
			*l = add(*l)
		}
	}
	for _, n := range needs {
		l := ix.needPost[k][n>>1]
		l = append(l, uint32(s), uint32(c.nNeed)|uint32(sig)<<16, uint32(sig>>16))
		ix.needPost[k][n>>1] = append(l, needs...)
	}
	if len(needs) == 0 {
		ix.noNeeds[k] = append(ix.noNeeds[k], s)
	}
}

// unlink removes a slot from every list. Removal scans the list: writes are rare next to reads.
func (ix *Index) unlink(s int32) {
	c := &ix.slots[s]
	if !c.is(flagCandidate) {
		return
	}
	k := c.kind
	for _, o := range c.offers() {
		cl := &ix.pairs[k][o]
		if c.nNeed == 0 {
			cl.remove(noNode, s)
		}
		for _, n := range c.needs() {
			cl.remove(n>>1, s)
		}
	}
	for _, n := range c.needs() {
		ix.needPost[k][n>>1] = removeRecord(ix.needPost[k][n>>1], s, needRecordLen)
	}
	if c.nNeed == 0 {
		ix.noNeeds[k] = removeFrom(ix.noNeeds[k], s)
	}
}

// recordHead is the slot, the header (counts in bits 0-15, the context signature's first 16 bits
// above them) and the signature's other 32 bits.
const recordHead = 3

func pairRecordLen(hdr uint32) int { return recordHead + int(hdr>>8&0xff) + int(hdr&0xff) }
func needRecordLen(hdr uint32) int { return recordHead + int(hdr&0xff) }

// recordSig is the context signature of the record at l[i].
func recordSig(l []uint32, i int) uint64 { return uint64(l[i+1]>>16) | uint64(l[i+2])<<16 }

// A context signature folds what the hard language rule and the context factor look at into
// 48 bits carried by every list record, so that a query can bound a candidate's score without
// reading its slot: folding only merges values, so "no overlap" and "different country" are
// certain while "overlap" only may be. 48 bits, not 64: a record stores them in the free half of
// its header word and one more word (3 words of head, not 4: 51 B less per actor).
const (
	sigLangBits   = 14 // bits 0-13: languages, id % 14
	sigSectorBits = 10 // bits 14-23: sectors, id % 10
	sigModeBits   = 6  // bits 24-29: modes, id % 6
	sigLangShift  = 0
	sigSecShift   = sigLangShift + sigLangBits
	sigModeShift  = sigSecShift + sigSectorBits
	sigRegShift   = sigModeShift + sigModeBits // bits 30-36: region, 0 none, else 1 + id % 127
	sigCtryShift  = sigRegShift + 7            // bits 37-46: country id, sigCtryMax = "some country past sigCtryMax-1"
	sigCtryMax    = 1023
	sigRemote     = uint64(1) << 47
	sigLangMask   = uint64(1)<<sigLangBits - 1
	sigSecMask    = (uint64(1)<<sigSectorBits - 1) << sigSecShift
	sigModeMask   = (uint64(1)<<sigModeBits - 1) << sigModeShift
)

func (ix *Index) signature(c *slot) uint64 {
	var sig uint64
	for _, id := range c.langIDs() {
		sig |= 1 << (sigLangShift + id%sigLangBits)
	}
	for _, id := range c.sectorIDs() {
		sig |= 1 << (sigSecShift + id%sigSectorBits)
	}
	for _, id := range c.modeIDs() {
		sig |= 1 << (sigModeShift + id%sigModeBits)
	}
	if c.region >= 0 {
		sig |= uint64(1+c.region%127) << sigRegShift
	}
	sig |= uint64(min(c.country, sigCtryMax)) << sigCtryShift
	if c.is(flagRemote) {
		sig |= sigRemote
	}
	return sig
}

// ctxBound is at least ctxFactor(a, b) for any a, b with these signatures: the same bonuses,
// added in the same order, for every condition that may hold.
func ctxBound(a, b uint64) float64 {
	c := ctxBase
	if a&b&sigSecMask != 0 {
		c += bonusSector
	}
	ca, cb := a>>sigCtryShift&sigCtryMax, b>>sigCtryShift&sigCtryMax
	sameCountry := ca != 0 && cb != 0 && (ca == cb || ca == sigCtryMax || cb == sigCtryMax)
	if sameCountry {
		c += bonusCountry
		ra, rb := a>>sigRegShift&127, b>>sigRegShift&127
		if ra != 0 && ra == rb {
			c += bonusRegion
		}
	}
	if a&b&sigModeMask != 0 {
		c += bonusModes
	}
	if sameCountry || (a&b&sigRemote != 0) {
		c += bonusRemote
	}
	return min(c, 1)
}

// removeRecord deletes slot s's record from a list of records, keeping the others in order.
func removeRecord(l []uint32, s int32, size func(hdr uint32) int) []uint32 {
	for i := 0; i < len(l); {
		n := size(l[i+1])
		if l[i] == uint32(s) {
			copy(l[i:], l[i+n:])
			return l[:len(l)-n]
		}
		i += n
	}
	return l
}

// noNode stands for "no need" in a pair key.
const noNode = 1<<30 - 1

// codeLists holds, for one offer code, the pair lists by needed node (sorted), so that a query
// finds a pair list with a short binary search in memory it has just touched.
type codeLists struct {
	needs []uint32
	lists [][]uint32
	cnt   []int // UpsertMany's reservations, nil otherwise
}

func (cl *codeLists) find(need uint32) []uint32 {
	if i, ok := slices.BinarySearch(cl.needs, need); ok {
		return cl.lists[i]
	}
	return nil
}

// at returns the list of need, creating it.
func (cl *codeLists) at(need uint32) *[]uint32 { return &cl.lists[cl.index(need)] }

func (cl *codeLists) index(need uint32) int {
	i, ok := slices.BinarySearch(cl.needs, need)
	if !ok {
		cl.needs = slices.Insert(cl.needs, i, need)
		cl.lists = slices.Insert(cl.lists, i, nil)
		if cl.cnt != nil {
			cl.cnt = slices.Insert(cl.cnt, i, 0)
		}
	}
	return i
}

func (cl *codeLists) reserve(need uint32, words int) {
	if cl.cnt == nil {
		cl.cnt = make([]int, len(cl.needs))
	}
	cl.cnt[cl.index(need)] += words
}

func (cl *codeLists) grow() {
	for i, n := range cl.cnt {
		cl.lists[i] = slices.Grow(cl.lists[i], n)
	}
	cl.cnt = nil
}

func (cl *codeLists) remove(need uint32, s int32) {
	i, ok := slices.BinarySearch(cl.needs, need)
	if !ok {
		return
	}
	if l := removeRecord(cl.lists[i], s, pairRecordLen); len(l) > 0 {
		cl.lists[i] = l
		return
	}
	cl.needs = slices.Delete(cl.needs, i, i+1)
	cl.lists = slices.Delete(cl.lists, i, i+1)
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
