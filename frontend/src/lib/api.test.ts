import { describe, it, expect, vi } from 'vitest';
import { Api, ApiError, NetworkError, optional, type TokenStore } from './api';
import type { TokenPair } from './types';

type FakeStore = Omit<TokenStore, "access" | "refresh"> & { access: string | null; refresh: string | null; pairs: TokenPair[]; cleared: number };
function store(access: string | null, refresh: string | null): FakeStore {
  return {
    access, refresh, pairs: [], cleared: 0,
    set(p: TokenPair) { this.access = p.access_token; this.refresh = p.refresh_token; this.pairs.push(p); },
    clear() { this.access = null; this.refresh = null; this.cleared++; },
  };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

type Call = { url: string; method: string; auth: string | null; body: unknown };
function fakeFetch(handler: (c: Call) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const f = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    const h = new Headers(init?.headers);
    const c = { url: String(url), method: init?.method ?? 'GET', auth: h.get('Authorization'), body: init?.body ? JSON.parse(String(init.body)) : undefined };
    calls.push(c);
    return handler(c);
  });
  return { f: f as unknown as typeof fetch, calls };
}

describe('error mapping', () => {
  it('turns a validation error into code, message and fields', async () => {
    const { f } = fakeFetch(() => json(422, { error: { code: 'validation_failed', message: 'Some fields are wrong', fields: { 'offers[2].level': 'must be 1–4', country: 'not ISO 3166-1' } } }));
    const api = new Api({ fetch: f, tokens: store('a', 'r') });
    const err = await api.createActor({} as never).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(422);
    expect(err.code).toBe('validation_failed');
    expect(err.message).toBe('Some fields are wrong');
    expect(err.fields).toEqual({ 'offers[2].level': 'must be 1–4', country: 'not ISO 3166-1' });
  });

  it('never exposes a non-JSON body (proxy HTML) as the message', async () => {
    const { f } = fakeFetch(() => new Response('<html>Bad gateway</html>', { status: 502 }));
    const api = new Api({ fetch: f, tokens: store(null, null) });
    const err = await api.sectors().catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('http_502');
    expect(err.message).toBe('');
    expect(err.fields).toEqual({});
  });

  it('reads Retry-After on 429', async () => {
    const { f } = fakeFetch(() => json(429, { error: { code: 'rate_limited', message: 'Slow down' } }, { 'Retry-After': '30' }));
    const api = new Api({ fetch: f, tokens: store(null, null) });
    const err = await api.login('a@b.eu', 'x').catch((e) => e);
    expect(err.status).toBe(429);
    expect(err.retryAfter).toBe(30);
  });

  it('maps a failed fetch to NetworkError', async () => {
    const api = new Api({ fetch: (async () => { throw new TypeError('Failed to fetch'); }) as typeof fetch, tokens: store(null, null) });
    await expect(api.sectors()).rejects.toBeInstanceOf(NetworkError);
  });

  it('optional() hides missing endpoints but not real errors', async () => {
    const { f } = fakeFetch((c) => (c.url.includes('info') ? json(404, { error: { code: 'not_found', message: 'no' } }) : json(500, { error: { code: 'internal', message: 'x' } })));
    const api = new Api({ fetch: f, tokens: store(null, null) });
    expect(await optional(api.info())).toBeUndefined();
    await expect(optional(api.overview())).rejects.toBeInstanceOf(ApiError);
  });
});

describe('refresh on 401', () => {
  it('refreshes once and retries with the new token', async () => {
    const { f, calls } = fakeFetch((c) => {
      if (c.url.endsWith('/auth/refresh')) return json(200, { access_token: 'new', refresh_token: 'r2', expires_in: 900 });
      return c.auth === 'Bearer new' ? json(200, { id: 'u1', email: 'a@b.eu', display_name: 'A', role: 'member' }) : json(401, { error: { code: 'unauthenticated', message: 'expired' } });
    });
    const tokens = store('old', 'r1');
    const api = new Api({ fetch: f, tokens });
    const me = await api.me();
    expect(me.id).toBe('u1');
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/me', '/api/v1/auth/refresh', '/api/v1/me']);
    expect(calls[1].body).toEqual({ refresh_token: 'r1' });
    expect(tokens.access).toBe('new');
    expect(tokens.refresh).toBe('r2');
  });

  it('does not loop when the retry is refused too', async () => {
    const { f, calls } = fakeFetch((c) => c.url.endsWith('/auth/refresh')
      ? json(200, { access_token: 'new', refresh_token: 'r2', expires_in: 900 })
      : json(401, { error: { code: 'unauthenticated', message: 'no' } }));
    const api = new Api({ fetch: f, tokens: store('old', 'r1') });
    const err = await api.me().catch((e) => e);
    expect(err.status).toBe(401);
    expect(calls.length).toBe(3);
  });

  it('ends the session when the refresh token is refused', async () => {
    const { f, calls } = fakeFetch(() => json(401, { error: { code: 'unauthenticated', message: 'spent' } }));
    const tokens = store('old', 'r1');
    const lost = vi.fn();
    const api = new Api({ fetch: f, tokens, onSessionLost: lost });
    const err = await api.me().catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(401);
    expect(calls.length).toBe(2);
    expect(tokens.cleared).toBe(1);
    expect(tokens.refresh).toBeNull();
    expect(lost).toHaveBeenCalledOnce();
  });

  it('shares one refresh between parallel requests', async () => {
    let refreshes = 0;
    const { f } = fakeFetch(async (c) => {
      if (c.url.endsWith('/auth/refresh')) { refreshes++; await new Promise((r) => setTimeout(r, 5)); return json(200, { access_token: 'new', refresh_token: 'r2', expires_in: 900 }); }
      return c.auth === 'Bearer new' ? json(200, { items: [] }) : json(401, { error: { code: 'unauthenticated', message: 'expired' } });
    });
    const api = new Api({ fetch: f, tokens: store('old', 'r1') });
    await Promise.all([api.sectors(), api.skills('vision'), api.introductions('sent')]);
    expect(refreshes).toBe(1);
  });

  it('does not refresh on a wrong password (auth endpoints)', async () => {
    const { f, calls } = fakeFetch(() => json(401, { error: { code: 'invalid_credentials', message: 'Wrong email or password' } }));
    const api = new Api({ fetch: f, tokens: store(null, 'r1') });
    const err = await api.login('a@b.eu', 'wrongwrongwrong').catch((e) => e);
    expect(err.code).toBe('invalid_credentials');
    expect(calls.length).toBe(1);
  });

  it('does not refresh without a refresh token', async () => {
    const { f, calls } = fakeFetch(() => json(401, { error: { code: 'unauthenticated', message: 'no' } }));
    const api = new Api({ fetch: f, tokens: store(null, null) });
    await expect(api.me()).rejects.toBeInstanceOf(ApiError);
    expect(calls.length).toBe(1);
  });

  it('keeps the tokens when the refresh fails for network reasons', async () => {
    const tokens = store('old', 'r1');
    const f = (async (url: RequestInfo | URL) => {
      if (String(url).endsWith('/auth/refresh')) throw new TypeError('offline');
      return json(401, { error: { code: 'unauthenticated', message: 'expired' } });
    }) as typeof fetch;
    const api = new Api({ fetch: f, tokens });
    await expect(api.me()).rejects.toBeInstanceOf(NetworkError);
    expect(tokens.refresh).toBe('r1');
  });
});

describe('requests', () => {
  it('sends the version in body and If-Match on PATCH', async () => {
    let seen: { body: unknown; ifMatch: string | null } | undefined;
    const f = (async (_u: RequestInfo | URL, init?: RequestInit) => {
      seen = { body: JSON.parse(String(init?.body)), ifMatch: new Headers(init?.headers).get('If-Match') };
      return json(200, { id: 'x', version: 4 });
    }) as typeof fetch;
    const api = new Api({ fetch: f, tokens: store('a', 'r') });
    await api.patchActor('x', 3, { name: 'Museum' });
    expect(seen).toEqual({ body: { name: 'Museum', version: 3 }, ifMatch: '3' });
  });

  it('stores tokens after login', async () => {
    const { f } = fakeFetch(() => json(200, { user: { id: 'u', email: 'a@b.eu', display_name: 'A', role: 'member' }, access_token: 'a1', refresh_token: 'r1', expires_in: 900 }));
    const tokens = store(null, null);
    await new Api({ fetch: f, tokens }).login('a@b.eu', 'long-enough-pw');
    expect(tokens.access).toBe('a1');
    expect(tokens.refresh).toBe('r1');
  });
});

describe('observatory, claims and consortium', () => {
  it('asks for skills figures with the filters and builds the CSV link', async () => {
    const { f, calls } = fakeFetch(() => json(200, { items: [{ skill: 'computer-vision', domain: 'ai', supply: 7, demand: null, gap: null, suppressed: true }] }));
    const api = new Api({ fetch: f, tokens: store(null, null) });
    const r = await api.statsSkills({ domain: 'ai', sector: '', country: 'NL', by: 'group' });
    expect(calls[0].url).toBe('/api/v1/stats/skills?domain=ai&country=NL&by=group');
    expect(r.items[0].demand).toBeNull();
    expect(api.statsCsvUrl('skills', { domain: 'ai', country: undefined })).toBe('/api/v1/stats/skills?domain=ai&format=csv');
    await api.statsTrends();
    expect(calls[1].url).toBe('/api/v1/stats/trends?period=month');
  });

  it('claims an entry with a message', async () => {
    const { f, calls } = fakeFetch(() => json(201, { id: 'c1', actor_id: 'a1', user_id: 'u1', status: 'pending' }));
    const api = new Api({ fetch: f, tokens: store('t', 'r') });
    const c = await api.claimActor('a1', 'I run it');
    expect(calls[0]).toMatchObject({ url: '/api/v1/actors/a1/claim', method: 'POST', body: { message: 'I run it' } });
    expect(c.status).toBe('pending');
  });

  it('re-queries a consortium with the chosen partners', async () => {
    const { f, calls } = fakeFetch(() => json(200, { items: [], current: { members: [], satisfies_rules: false, coverage: 0.5, gaps: ['x'] } }));
    const api = new Api({ fetch: f, tokens: store('t', 'r') });
    await api.consortium('i1', 'lead', []);
    await api.consortium('i1', 'lead', ['p1', 'p2']);
    expect(calls[0].url).toBe('/api/v1/funding/i1/consortium?actor=lead');
    expect(calls[1].url).toBe('/api/v1/funding/i1/consortium?actor=lead&with=p1%2Cp2');
  });
});
