package api

import (
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/crossover-cci/crossover/matching"
	"github.com/crossover-cci/crossover/models"
)

// matcher keeps this replica's matching index in step with the database: a full load at start-up,
// then the actor change feed, read after every local commit (a kick) and at least every pollEvery
// for writes made by other replicas.
type matcher struct {
	store *models.Store
	log   *slog.Logger
	now   func() time.Time

	ix       atomic.Pointer[matching.Index]
	ready    atomic.Bool
	taxStamp string
	seq      int64               // highest feed sequence seen
	gaps     map[int64]time.Time // sequence numbers below seq not seen yet, and since when
	// slowChecked is when gaps older than lateCommit were last looked for.
	slowChecked time.Time
	kick        chan struct{}
	mu          sync.Mutex // one sync at a time

	lastSync atomic.Int64 // unix nanos of the last successful sync
	// commits counts feed writes committed by this process; synced is its value when the last
	// successful sync or rebuild began. Equal means this index holds every local write.
	commits, synced atomic.Uint64
	metrics         *matcherMetrics

	cache actorCache // profiles read by the matches handler, invalidated by the change feed
}

// actorCacheSize bounds the actor snapshot cache; when full, an arbitrary entry is evicted.
const actorCacheSize = 50000

// actorCache holds read-only *models.Actor snapshots (as loaded by Store.ActorsIn: visible actors
// with their child rows) keyed by id. sync drops every actor id named by the change feed, rebuild
// drops everything. A fill records the generation before its database read and is discarded when
// any invalidation happened meanwhile, so a snapshot read before a write can never outlive the
// write's feed row. Cached actors are shared: callers must not modify them. Each entry also keeps
// the actor's public JSON (toPublic), encoded once when it is filled, which the matches handler
// writes as it is instead of encoding the same profile on every request.
type actorCache struct {
	mu      sync.Mutex
	gen     uint64
	entries map[string]cacheEntry
	loading map[string]*cacheLoad // ids a request is reading from the database right now
}

// cacheLoad is one request's database read of actors missing from the cache. A request that
// misses the same actors while it runs waits for it instead of reading them again: on a cold
// cache (a new replica taking its share of traffic) the same profiles are asked for many times
// at once, and every duplicate read queued on the pool behind the others.
type cacheLoad struct {
	gen    uint64 // the cache generation just before the read
	done   chan struct{}
	actors map[string]*models.Actor // the visible actors read; set before done closes, nil if the read failed
}

type cacheEntry struct {
	a   *models.Actor
	pub json.RawMessage
}

func (c *actorCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

func (c *actorCache) invalidate(ids ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for _, id := range ids {
		delete(c.entries, id)
	}
}

func (c *actorCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.entries = nil
}

// claim sorts ids into the cached actors (found), the ids another request is reading now (waits,
// by read), and the rest (missing), whose read mine the caller must run and hand to release (mine
// is nil when nothing is missing). Only a read begun at the current generation is waited for: it
// began after every invalidation seen so far, so it cannot return a profile older than a write
// this request must see (its caller caught up with the change feed first); the ids of an older
// read are read again.
func (c *actorCache) claim(ids []string) (found map[string]*models.Actor, waits map[*cacheLoad][]string, mine *cacheLoad, missing []string) {
	found = make(map[string]*models.Actor, len(ids))
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		if e, ok := c.entries[id]; ok {
			found[id] = e.a
			continue
		}
		if l, ok := c.loading[id]; ok && l.gen == c.gen {
			if waits == nil {
				waits = map[*cacheLoad][]string{}
			}
			waits[l] = append(waits[l], id)
			continue
		}
		if mine == nil {
			mine = &cacheLoad{gen: c.gen, done: make(chan struct{})}
			if c.loading == nil {
				c.loading = map[string]*cacheLoad{}
			}
		}
		c.loading[id] = mine
		missing = append(missing, id)
	}
	return found, waits, mine, missing
}

// release ends read l of ids with what it read (nil: it failed): the cache keeps the actors unless
// an invalidation came since, and the requests waiting for l get them.
func (c *actorCache) release(l *cacheLoad, ids []string, read map[string]*models.Actor) {
	if read != nil {
		c.fill(l.gen, read)
	}
	c.mu.Lock()
	for _, id := range ids {
		if c.loading[id] == l { // a newer read may have taken the id over
			delete(c.loading, id)
		}
	}
	c.mu.Unlock()
	l.actors = read
	close(l.done)
}

// fill stores actors read at generation gen, unless an invalidation came since.
func (c *actorCache) fill(gen uint64, actors map[string]*models.Actor) {
	pub := make(map[string]json.RawMessage, len(actors))
	for id, a := range actors {
		if b, err := json.Marshal(toPublic(a)); err == nil {
			pub[id] = b
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.entries == nil {
		c.entries = make(map[string]cacheEntry, len(actors))
	}
	for id, a := range actors {
		if _, ok := c.entries[id]; !ok && len(c.entries) >= actorCacheSize {
			for victim := range c.entries { // map order: a cheap random eviction
				delete(c.entries, victim)
				break
			}
		}
		c.entries[id] = cacheEntry{a: a, pub: pub[id]}
	}
}

// public is the public JSON of a, from the cache when a is the snapshot cached there.
func (c *actorCache) public(a *models.Actor) any {
	c.mu.Lock()
	e, ok := c.entries[a.ID]
	c.mu.Unlock()
	if ok && e.a == a && e.pub != nil {
		return e.pub
	}
	return toPublic(a)
}

// read runs a read that claim handed out and releases it however it ends: after an error or a
// panic (which the Recover middleware turns into a 500) its waiters read for themselves instead of
// waiting for a read that never finishes.
func (m *matcher) read(ctx context.Context, l *cacheLoad, ids []string) (loaded map[string]*models.Actor, err error) {
	defer func() {
		if err != nil {
			loaded = nil
		}
		m.cache.release(l, ids, loaded)
	}()
	return m.store.ActorsIn(ctx, ids)
}

// actorsIn is Store.ActorsIn through the cache. Call it after catchUp, so that every write
// committed before the request has been invalidated. Actors another request is reading at that
// moment are waited for, not read twice.
func (m *matcher) actorsIn(ctx context.Context, ids []string) (map[string]*models.Actor, error) {
	found, waits, mine, missing := m.cache.claim(ids)
	m.metrics.snapshots.WithLabelValues("cache").Add(float64(len(found)))
	if mine != nil {
		m.metrics.snapshots.WithLabelValues("read").Add(float64(len(missing)))
		loaded, err := m.read(ctx, mine, missing)
		if err != nil {
			return nil, err
		}
		maps.Copy(found, loaded)
	}
	for l, wids := range waits {
		select {
		case <-l.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		got := l.actors
		if got == nil { // that read failed: try once more here
			m.metrics.snapshots.WithLabelValues("read").Add(float64(len(wids)))
			gen := m.cache.generation()
			var err error
			if got, err = m.store.ActorsIn(ctx, wids); err != nil {
				return nil, err
			}
			m.cache.fill(gen, got)
		} else {
			m.metrics.snapshots.WithLabelValues("shared").Add(float64(len(wids)))
		}
		for _, id := range wids {
			if a, ok := got[id]; ok {
				found[id] = a
			}
		}
	}
	return found, nil
}

const (
	pollEvery = 100 * time.Millisecond
	feedPage  = 5000 // feed rows read per sync
	// A feed row may become visible after rows with higher sequence numbers (its transaction
	// committed later), and on PostgreSQL a rolled-back transaction leaves a gap for ever. A gap
	// is looked for on every sync for lateCommit, then every slowGapCheck until gapGiveUp (a
	// transaction open that long has long hit the statement and idle timeouts), then dropped with
	// a warning. At most maxGaps are tracked.
	lateCommit   = 10 * time.Second
	slowGapCheck = 5 * time.Second
	gapGiveUp    = 15 * time.Minute
	maxGaps      = 10000
)

type matcherMetrics struct {
	size, buildSeconds, lag prometheus.Gauge
	queries                 prometheus.Histogram
	snapshots               *prometheus.CounterVec
}

func newMatcherMetrics(reg *prometheus.Registry) *matcherMetrics {
	m := &matcherMetrics{
		size:         prometheus.NewGauge(prometheus.GaugeOpts{Name: "crossover_matching_index_actors", Help: "Actors held by this replica's matching index."}),
		buildSeconds: prometheus.NewGauge(prometheus.GaugeOpts{Name: "crossover_matching_index_build_seconds", Help: "Duration of the last full index build."}),
		lag:          prometheus.NewGauge(prometheus.GaugeOpts{Name: "crossover_matching_replication_lag_seconds", Help: "Time since the index last caught up with the database change feed."}),
		queries: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "crossover_matching_query_seconds", Help: "Matching query latency (engine only).",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1}}),
		snapshots: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "crossover_actor_snapshots_total",
			Help: "Profiles the matches handler needed, by where they came from: cache, read (from the database) or shared (another request's read, waited for)."},
			[]string{"source"}),
	}
	reg.MustRegister(m.size, m.buildSeconds, m.lag, m.queries, m.snapshots)
	return m
}

func newMatcher(store *models.Store, log *slog.Logger, now func() time.Time, reg *prometheus.Registry) *matcher {
	m := &matcher{store: store, log: log, now: now, kick: make(chan struct{}, 1), gaps: map[int64]time.Time{}, metrics: newMatcherMetrics(reg)}
	store.OnCommit(func() {
		m.commits.Add(1)
		select {
		case m.kick <- struct{}{}:
		default:
		}
	})
	return m
}

// index returns the current index, nil before the first build.
func (m *matcher) index() *matching.Index { return m.ix.Load() }

// run builds the index, then follows the change feed until ctx ends.
func (m *matcher) run(ctx context.Context) {
	for ctx.Err() == nil {
		if err := m.rebuild(ctx); err != nil {
			m.log.Error("matching index build failed; retrying", "error", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(2 * time.Second):
			}
			continue
		}
		break
	}
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-m.kick:
		case <-t.C:
		}
		if err := m.sync(ctx); err != nil && ctx.Err() == nil {
			m.log.Warn("matching index sync failed", "error", err)
		}
		m.metrics.lag.Set(time.Since(time.Unix(0, m.lastSync.Load())).Seconds())
	}
}

// rebuild loads every actor and exclusion into a fresh index and swaps it in.
func (m *matcher) rebuild(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	start := time.Now()
	commits := m.commits.Load()
	seq, err := m.store.LatestChange(ctx)
	if err != nil {
		return err
	}
	stamp, err := m.store.TaxonomyStamp(ctx)
	if err != nil {
		return err
	}
	skills, err := m.store.Skills(ctx)
	if err != nil {
		return err
	}
	nodes := make([]matching.Skill, len(skills))
	for i, s := range skills {
		nodes[i] = matching.Skill{Slug: s.Slug, Parent: s.Parent, Domain: s.Domain}
	}
	tax, err := matching.NewTaxonomy(nodes)
	if err != nil {
		return err
	}
	ix := matching.NewIndex(tax, matching.Options{})
	n, err := m.store.MatchActorCount(ctx)
	if err != nil {
		return err
	}
	ix.Reserve(int(n) + int(n)/64) // a little room for profiles created while this runs
	after := ""
	for {
		page, err := m.store.MatchActorsPage(ctx, after, 5000)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			break
		}
		batch := make([]matching.Actor, len(page))
		for i, a := range page {
			batch[i] = m.toEngine(a)
		}
		ix.UpsertMany(batch)
		after = page[len(page)-1].ID
	}
	ix.Trim() // packs the lists the pages left with spare room and their old copies with holes
	pairs, err := m.store.ExcludedPairs(ctx)
	if err != nil {
		return err
	}
	for _, p := range pairs {
		ix.SetExcluded(p.A, p.B, true)
	}
	m.ix.Store(ix)
	m.cache.clear()
	m.seq, m.taxStamp, m.gaps = seq, stamp, map[int64]time.Time{}
	m.lastSync.Store(time.Now().UnixNano())
	m.synced.Store(commits)
	m.ready.Store(true)
	m.metrics.size.Set(float64(ix.Len()))
	m.metrics.buildSeconds.Set(time.Since(start).Seconds())
	m.log.Info("matching index built", "actors", ix.Len(), "seconds", time.Since(start).Seconds())
	return nil
}

// sync applies the feed rows not applied yet. Upserts re-read the actor, so applying a row twice is
// harmless; a changed taxonomy (an ESCO import) triggers a full rebuild.
func (m *matcher) sync(ctx context.Context) error {
	if stamp, err := m.store.TaxonomyStamp(ctx); err != nil {
		return err
	} else if stamp != m.taxStamp {
		return m.rebuild(ctx)
	}
	return m.syncNow(ctx)
}

// syncNow applies the feed at once (without the taxonomy check of sync), for a reader that found a
// profile in the database that this replica's index does not hold yet.
func (m *matcher) syncNow(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.applyFeed(ctx)
}

// applyFeed applies the feed rows after m.seq (and the late ones); the caller holds m.mu.
func (m *matcher) applyFeed(ctx context.Context) error {
	ix := m.ix.Load()
	if ix == nil {
		return nil
	}
	commits := m.commits.Load()
	changes, err := m.store.ChangesSince(ctx, m.seq, feedPage)
	if err != nil {
		return err
	}
	m.invalidate(changes) // before m.seq moves past them, even if the rest of this sync fails
	now := m.now()
	for _, c := range changes {
		for g := m.seq + 1; g < c.Seq && len(m.gaps) < maxGaps; g++ {
			m.gaps[g] = now
		}
		m.seq = max(m.seq, c.Seq)
	}
	if len(m.gaps) > 0 {
		slow := now.Sub(m.slowChecked) >= slowGapCheck
		if slow {
			m.slowChecked = now
		}
		waiting, dropped := make([]int64, 0, len(m.gaps)), 0
		for g, since := range m.gaps {
			switch age := now.Sub(since); {
			case age > gapGiveUp:
				delete(m.gaps, g)
				dropped++
			case age <= lateCommit || slow:
				waiting = append(waiting, g)
			}
		}
		if dropped > 0 {
			m.log.Warn("matching: change feed gaps given up (rolled-back transactions)", "count", dropped)
		}
		if len(waiting) > 0 {
			late, err := m.store.ChangesIn(ctx, waiting)
			if err != nil {
				return err
			}
			m.invalidate(late)
			for _, c := range late {
				delete(m.gaps, c.Seq)
			}
			changes = append(late, changes...)
		}
	}
	upserts := map[string]bool{}
	for _, c := range changes {
		switch c.Op {
		case models.ChangeUpsert:
			upserts[c.ActorID] = true
		case models.ChangeDelete:
			delete(upserts, c.ActorID)
			ix.Remove(c.ActorID)
		case models.ChangeExclude, models.ChangeInclude:
			ix.SetExcluded(c.ActorID, c.OtherID, c.Op == models.ChangeExclude)
			// Introductions change how busy both actors are.
			upserts[c.ActorID], upserts[c.OtherID] = true, true
		}
	}
	if len(upserts) > 0 {
		ids := make([]string, 0, len(upserts))
		for id := range upserts {
			if id != "" {
				ids = append(ids, id)
			}
		}
		loaded, err := m.store.MatchActorsByID(ctx, ids)
		if err != nil {
			return err
		}
		found := map[string]bool{}
		for _, a := range loaded {
			found[a.ID] = true
			ix.Upsert(m.toEngine(a))
		}
		for _, id := range ids {
			if !found[id] {
				ix.Remove(id) // deleted or hidden since
			}
		}
	}
	m.lastSync.Store(time.Now().UnixNano())
	if len(changes) < feedPage { // a full page leaves rows for the next sync
		m.synced.Store(commits)
	}
	m.metrics.size.Set(float64(ix.Len()))
	return nil
}

// invalidate drops every actor named by the feed rows from the snapshot cache.
func (m *matcher) invalidate(changes []models.Change) {
	if len(changes) == 0 {
		return
	}
	ids := make([]string, 0, 2*len(changes))
	for _, c := range changes {
		ids = append(ids, c.ActorID)
		if c.OtherID != "" {
			ids = append(ids, c.OtherID)
		}
	}
	m.cache.invalidate(ids...)
}

// catchUp syncs when this process has committed feed writes since the last sync began, so that a
// reader sees every write made through this replica before its request (read-your-writes) without
// asking the database on every request. Writes through other replicas arrive with the next poll
// (pollEvery) or kick; TestScaleOut measures that delay against the 1 s target.
// Requests that arrive together after a write wait for one sync instead of each running its own;
// taxonomy changes are left to the follower's loop.
func (m *matcher) catchUp(ctx context.Context) error {
	if m.commits.Load() == m.synced.Load() {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.commits.Load() == m.synced.Load() { // synced while this request waited for the lock
		return nil
	}
	return m.applyFeed(ctx)
}

func (m *matcher) toEngine(a models.MatchActor) matching.Actor {
	kind, _ := matching.ParseKind(a.Kind)
	out := matching.Actor{ID: a.ID, Managed: a.Managed, Kind: kind, Languages: a.Languages, Sectors: a.Sectors,
		Modes: a.Modes, Country: a.Country, Region: a.Region, Remote: a.Remote, Available: a.Available,
		Paused: a.OwnerPaused, Stale: a.Stale(m.now()), Unclaimed: !a.Requestable(), Capacity: a.Capacity, ActiveIntroductions: a.ActiveIntroductions,
		Responsiveness: a.Responsiveness, CreatedAt: a.CreatedAt}
	if a.OwnerID != nil {
		out.OwnerID = *a.OwnerID
	}
	out.Offers = make([]matching.Offer, len(a.Offers))
	for i, o := range a.Offers {
		out.Offers[i] = matching.Offer{Skill: o.Skill, Level: o.Level}
	}
	out.Needs = make([]matching.Need, len(a.Needs))
	for i, n := range a.Needs {
		out.Needs[i] = matching.Need{Skill: n.Skill, Must: n.Importance == "must"}
	}
	return out
}

// DigestRule is the weekly digest's filter: a partner the live index would let be suggested to one
// of the user's actors (models.DigestRule). Before the index is loaded it keeps nothing, so a digest
// never names a partner the rules have not checked.
func (s *Server) DigestRule() models.DigestRule {
	return func(mine []string, partner string) bool {
		ix := s.matcher.index()
		if ix == nil {
			return false
		}
		for _, a := range mine {
			if ix.Allowed(a, partner) {
				return true
			}
		}
		return false
	}
}

// errIndexLoading answers a request that needs the matching index before this replica has built it.
func errIndexLoading() error {
	return &apiError{Status: http.StatusServiceUnavailable, Code: "index_loading", Message: "The matching index is still loading: try again in a moment."}
}

// liveIndex is the matching index caught up with every write committed before the call (the
// change feed applied), or errIndexLoading while it is being built.
func (s *Server) liveIndex(ctx context.Context) (*matching.Index, error) {
	ix := s.matcher.index()
	if ix == nil {
		return nil, errIndexLoading()
	}
	if err := s.matcher.catchUp(ctx); err != nil {
		return nil, err
	}
	return ix, nil
}
