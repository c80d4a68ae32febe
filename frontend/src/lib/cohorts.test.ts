import { describe, it, expect, vi } from 'vitest';
import { Api, ApiError } from './api';
import { capacityUse, checkCohort, cohortApi, draftSummary, funnelSteps, pairable, type Draft, type DraftPair, type Funnel, type CohortMember } from './cohorts';

const pair = (id: string, a: string, b: string, score: number, extra: Partial<DraftPair> = {}): DraftPair => ({
  id, cci_actor_id: a, cci_name: a, ai_actor_id: b, ai_name: b, score, source: 'optimal', introduction_id: null, introduction_status: null, published_at: null, ...extra,
});
const draft = (pairs: DraftPair[], extra: Partial<Draft> = {}): Draft => ({
  cohort_id: 'c', method: 'm', drafted_at: '2026-05-01T00:00:00Z', min_score: 0.2, total: pairs.reduce((s, p) => s + p.score, 0),
  greedy: { pairs: 1, total: 0.5 }, candidates: 4, current_total: pairs.reduce((s, p) => s + p.score, 0),
  published: pairs.filter((p) => p.introduction_id).length, unpublished: pairs.filter((p) => !p.introduction_id).length, pairs, ...extra,
});

describe('checkCohort', () => {
  it('needs a name of at most 200 characters', () => {
    expect(checkCohort({ name: '  ' })?.field).toBe('name');
    expect(checkCohort({ name: 'x'.repeat(201) })?.field).toBe('name');
    expect(checkCohort({ name: 'Hub days' })).toBeNull();
  });
  it('takes calendar days only, in order', () => {
    expect(checkCohort({ name: 'A', starts_on: '2026-02-30' })).toEqual({ field: 'starts_on', key: 'cohort.err.date' });
    expect(checkCohort({ name: 'A', ends_on: '4 May' })?.field).toBe('ends_on');
    expect(checkCohort({ name: 'A', starts_on: '2026-05-04', ends_on: '2026-05-03' })).toEqual({ field: 'ends_on', key: 'cohort.err.order' });
    expect(checkCohort({ name: 'A', starts_on: '2026-05-04', ends_on: '2026-05-04' })).toBeNull();
    expect(checkCohort({ name: 'A', starts_on: null, ends_on: '' })).toBeNull();
  });
});

describe('funnelSteps', () => {
  const f: Funnel = { cohort_id: 'c', invited: 10, joined: 8, declined: 1, invitations_pending: 1, profiles_complete: 4, completeness_mean: 80,
    introductions_requested: 0, introductions: {}, connected: 0, outcomes: {} };
  it('gives each stage its share of the stage it comes from, none of a zero', () => {
    const s = funnelSteps(f);
    expect(s.map((x) => x.key)).toEqual(['invited', 'joined', 'profiles_complete', 'introductions_requested', 'connected']);
    expect(s.map((x) => x.rate)).toEqual([null, 0.8, 0.5, null, null]);
  });
  it('counts connected among the introductions proposed, which are pairs and no share of members', () => {
    const s = funnelSteps({ ...f, introductions_requested: 12, connected: 3 });
    expect(s[3]).toEqual({ key: 'introductions_requested', count: 12, rate: null });
    expect(s[4].rate).toBeCloseTo(0.25);
  });
});

describe('draftSummary', () => {
  it('reports the gain over greedy and whether the draft was edited', () => {
    const d = draft([pair('1', 'a', 'x', 0.4), pair('2', 'b', 'y', 0.35)]);
    const s = draftSummary(d);
    expect(s.gain).toBeCloseTo(0.5); // 0.75 vs 0.5
    expect(s.edited).toBe(false);
    expect(draftSummary({ ...d, pairs: d.pairs.slice(1), current_total: 0.35 }).edited).toBe(true);
    expect(draftSummary(draft([pair('1', 'a', 'x', 0.4, { source: 'manual' })])).edited).toBe(true);
  });
  it('has no gain without a run or a greedy total', () => {
    expect(draftSummary(draft([], { total: null, greedy: null })).gain).toBeNull();
    expect(draftSummary(draft([], { greedy: { pairs: 0, total: 0 } })).gain).toBeNull();
  });
});

describe('capacityUse and pairable', () => {
  const m = (actor_id: string, kind: string, capacity: number, status: CohortMember['status'] = 'joined'): CohortMember => ({
    actor_id, name: actor_id, kind, country: 'NL', capacity, status, managed_by_organiser: false, completeness: 50, invited_at: '', responded_at: null });
  it('counts pairs per actor and names those beyond capacity', () => {
    const { used, over } = capacityUse([pair('1', 'a', 'x', 1), pair('2', 'a', 'y', 1), pair('3', 'b', 'x', 1)], [m('a', 'cci', 1), m('b', 'cci', 2), m('x', 'ai', 2), m('y', 'ai', 1)]);
    expect(used).toEqual({ a: 2, b: 1, x: 2, y: 1 });
    expect(over).toEqual(['a']);
  });
  it('pairs only joined members, by side', () => {
    const p = pairable([m('a', 'cci', 1), m('b', 'cci', 1, 'invited'), m('x', 'ai', 1), m('y', 'ai', 1, 'declined')]);
    expect(p.cci.map((x) => x.actor_id)).toEqual(['a']);
    expect(p.ai.map((x) => x.actor_id)).toEqual(['x']);
  });
});

describe('cohortApi', () => {
  const make = (res: Response) => {
    const f = vi.fn(async () => res);
    const api = new Api({ fetch: f as unknown as typeof fetch, tokens: { access: 'tok', refresh: null, set() {}, clear() {} } });
    return { f, c: cohortApi(api) };
  };
  it('sends the version with a patch and escapes ids', async () => {
    const { f, c } = make(new Response('{"id":"a/b"}', { status: 200 }));
    await c.patch('a/b', 3, { name: 'N' });
    const [url, init] = f.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/cohorts/a%2Fb');
    expect(JSON.parse(init.body as string)).toEqual({ name: 'N', version: 3 });
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer tok');
  });
  it('reads the funnel CSV as text with the token', async () => {
    const { f, c } = make(new Response('stage,count\ninvited,2\n', { status: 200, headers: { 'Content-Type': 'text/csv' } }));
    expect(await c.funnelCsv('c1')).toContain('invited,2');
    expect((f.mock.calls[0] as unknown as [string])[0]).toBe('/api/v1/cohorts/c1/funnel?format=csv');
  });
  it('turns a refused pair into an ApiError naming the field', async () => {
    const { c } = make(new Response(JSON.stringify({ error: { code: 'validation_failed', message: 'm', fields: { ai_actor_id: 'no language in common' } } }), { status: 422 }));
    await expect(c.addPair('c', 'a', 'b')).rejects.toSatisfy((e: unknown) => e instanceof ApiError && e.fields.ai_actor_id === 'no language in common');
  });
});
