// The one way the UI talks to the server. Typed from the contract (src/lib/types.ts).
// Every failure becomes an ApiError (the server answered) or a NetworkError (it did not),
// so screens never see raw JSON and can keep the user's input on a network failure.
import type {
  Actor, ActorInput, AuthResponse, BrokerFigures, Claim, Consortium, ErrorBody, Feedback, Fit, FundingMatch, Instrument, Introduction, MatchPage,
  Notification, Overview, Page, SavedQuery, SavedSearch, Sector, Skill, SkillStatsFilter, SkillStatsRow, StatsTable, TokenPair, TrendRow, User,
} from './types';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: Record<string, string>;
  /** Seconds, from Retry-After on 429. */
  readonly retryAfter?: number;
  /** The decoded body, for callers that need more than code and message (409 carries the current object). */
  readonly body?: unknown;

  constructor(status: number, code: string, message: string, fields: Record<string, string> = {}, retryAfter?: number, body?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.retryAfter = retryAfter;
    this.body = body;
  }
}

/** The request never got an answer: offline, DNS, server down, CORS. */
export class NetworkError extends Error {
  constructor(cause?: unknown) {
    super('network_error');
    this.name = 'NetworkError';
    this.cause = cause;
  }
}

/** Where the client finds and keeps tokens; the auth store implements it. */
export interface TokenStore {
  readonly access: string | null;
  readonly refresh: string | null;
  set(pair: TokenPair): void;
  clear(): void;
}

export interface ApiOptions {
  fetch?: typeof fetch;
  base?: string;
  tokens: TokenStore;
  /** Called once when a refresh fails: the session is over. */
  onSessionLost?: () => void;
}

function isErrorBody(x: unknown): x is ErrorBody {
  return typeof x === 'object' && x !== null && 'error' in x &&
    typeof (x as ErrorBody).error === 'object' && (x as ErrorBody).error !== null &&
    typeof (x as ErrorBody).error.code === 'string';
}

/** Turns any non-2xx response into an ApiError, whatever its body (JSON error, HTML from a proxy, nothing). */
export async function toApiError(res: Response): Promise<ApiError> {
  let body: unknown;
  const text = await res.text().catch(() => '');
  try { body = text ? JSON.parse(text) : undefined; } catch { body = undefined; }
  const ra = res.headers.get('Retry-After');
  const retryAfter = ra && /^\d+$/.test(ra) ? Number(ra) : undefined;
  if (isErrorBody(body)) {
    const e = body.error;
    return new ApiError(res.status, e.code, e.message || '', e.fields ?? {}, retryAfter, body);
  }
  return new ApiError(res.status, `http_${res.status}`, '', {}, retryAfter, body);
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
interface RequestOpts { auth?: boolean; headers?: Record<string, string>; raw?: boolean }

function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

export class Api {
  private readonly f: typeof fetch;
  private readonly base: string;
  private readonly tokens: TokenStore;
  private readonly onSessionLost?: () => void;
  private refreshing: Promise<boolean> | null = null;

  constructor(opts: ApiOptions) {
    this.f = opts.fetch ?? ((...a) => fetch(...a));
    this.base = opts.base ?? '';
    this.tokens = opts.tokens;
    this.onSessionLost = opts.onSessionLost;
  }

  private async send(method: Method, path: string, body: unknown, opts: RequestOpts): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (opts.auth !== false && this.tokens.access) headers.Authorization = `Bearer ${this.tokens.access}`;
    try {
      return await this.f(this.base + path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new NetworkError(err);
    }
  }

  /** One refresh at a time: parallel 401s wait for the same attempt. */
  refresh(): Promise<boolean> {
    if (!this.refreshing) {
      this.refreshing = this.doRefresh().finally(() => { this.refreshing = null; });
    }
    return this.refreshing;
  }

  private async doRefresh(): Promise<boolean> {
    const rt = this.tokens.refresh;
    if (!rt) return false;
    let res: Response;
    try {
      res = await this.send('POST', '/api/v1/auth/refresh', { refresh_token: rt }, { auth: false });
    } catch (e) {
      throw e; // a network failure is not a lost session: keep the tokens
    }
    if (!res.ok) {
      this.tokens.clear();
      this.onSessionLost?.();
      return false;
    }
    const pair = (await res.json()) as TokenPair;
    this.tokens.set(pair);
    return true;
  }

  async request<T>(method: Method, path: string, body?: unknown, opts: RequestOpts = {}): Promise<T> {
    let res = await this.send(method, path, body, opts);
    // Refresh once on 401, then retry once; auth endpoints answer 401 for wrong passwords and must not loop.
    if (res.status === 401 && opts.auth !== false && !path.startsWith('/api/v1/auth/') && this.tokens.refresh) {
      if (await this.refresh()) res = await this.send(method, path, body, opts);
    }
    if (!res.ok) throw await toApiError(res);
    if (opts.raw) return res as unknown as T;
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  // Auth
  async register(email: string, password: string, display_name: string, consents: { terms: boolean; matching: boolean }): Promise<AuthResponse> {
    // accept_terms and consent_matching are additive to the contract (the server records consent with time and version).
    const r = await this.request<AuthResponse>('POST', '/api/v1/auth/register', {
      email, password, display_name,
      accept_terms: consents.terms, consent_matching: consents.matching,
    }, { auth: false });
    this.tokens.set(r);
    return r;
  }
  async login(email: string, password: string): Promise<AuthResponse> {
    const r = await this.request<AuthResponse>('POST', '/api/v1/auth/login', { email, password }, { auth: false });
    this.tokens.set(r);
    return r;
  }
  async logout(): Promise<void> {
    try { await this.request<void>('POST', '/api/v1/auth/logout', this.tokens.refresh ? { refresh_token: this.tokens.refresh } : undefined); }
    finally { this.tokens.clear(); }
  }
  /** GET /me answers {user, consents} on this server; a bare user object is accepted too. */
  async me(): Promise<User & { actors?: (Actor | string)[] }> {
    const r = await this.request<(User & { actors?: (Actor | string)[] }) | { user: User; actors?: (Actor | string)[] }>('GET', '/api/v1/me');
    return 'user' in r && r.user ? { ...r.user, actors: r.actors } : (r as User);
  }
  patchMe(patch: { display_name?: string; matching_paused?: boolean; digest_opt_out?: boolean }) {
    return this.request<User | { user: User }>('PATCH', '/api/v1/me', patch);
  }
  async exportMe(): Promise<Blob> {
    const res = await this.request<Response>('GET', '/api/v1/me/export', undefined, { raw: true });
    return res.blob();
  }
  deleteMe() { return this.request<void>('DELETE', '/api/v1/me'); }

  // Public figures; neither endpoint is fixed by the contract, so callers treat errors as "not there".
  info() { return this.request<Overview>('GET', '/api/v1/info', undefined, { auth: false }); }
  overview() { return this.request<Overview>('GET', '/api/v1/stats/overview', undefined, { auth: false }); }

  // Taxonomy
  skills(q: string, limit = 10, domain?: string) { return this.request<Page<Skill>>('GET', `/api/v1/skills${qs({ q, limit, domain })}`); }
  sectors() { return this.request<Page<Sector>>('GET', '/api/v1/sectors'); }

  // Actors
  actor(id: string) { return this.request<Actor>('GET', `/api/v1/actors/${encodeURIComponent(id)}`); }
  actors(f: { kind?: string; sector?: string; skill?: string; country?: string; language?: string; q?: string; limit?: number; cursor?: string; owner?: string } = {}) {
    return this.request<Page<Actor>>('GET', `/api/v1/actors${qs(f)}`);
  }
  createActor(a: ActorInput) { return this.request<Actor>('POST', '/api/v1/actors', a); }
  patchActor(id: string, version: number, patch: Partial<ActorInput>) {
    return this.request<Actor>('PATCH', `/api/v1/actors/${encodeURIComponent(id)}`, { ...patch, version }, { headers: { 'If-Match': String(version) } });
  }
  deleteActor(id: string) { return this.request<void>('DELETE', `/api/v1/actors/${encodeURIComponent(id)}`); }

  // Matching and funding
  /** Reciprocal partners in items; a short list also brings one_sided partners and advice (docs/API.md, "Matches"). */
  matches(id: string, kind?: string, limit = 20, collaboration_modes?: string) {
    return this.request<MatchPage>('GET', `/api/v1/actors/${encodeURIComponent(id)}/matches${qs({ kind, limit, collaboration_modes })}`);
  }
  /** includeClosed: also the closed calls (eligibility closed), listed after the others. */
  actorFunding(id: string, limit = 20, includeClosed = false) {
    return this.request<Page<FundingMatch>>('GET', `/api/v1/actors/${encodeURIComponent(id)}/funding${qs({ limit, include_closed: includeClosed || undefined })}`);
  }
  /** How `other` fits my actor `id`, in both directions (owner of id, intermediaries, admins). */
  fit(id: string, other: string) { return this.request<Fit>('GET', `/api/v1/actors/${encodeURIComponent(id)}/fit/${encodeURIComponent(other)}`); }
  funding() { return this.request<Page<Instrument>>('GET', '/api/v1/funding'); }
  /** with: partners already chosen (at most 20 ids); the answer's `current` is the gap analysis of lead + chosen. */
  consortium(instrumentId: string, actorId: string, withIds: string[] = []) {
    return this.request<Consortium>('GET', `/api/v1/funding/${encodeURIComponent(instrumentId)}/consortium${qs({ actor: actorId, with: withIds.join(',') })}`);
  }

  // Saved searches of an actor (owner or admin); a periodic check on the server reports what is new.
  savedSearches(actorId: string) { return this.request<Page<SavedSearch>>('GET', `/api/v1/actors/${encodeURIComponent(actorId)}/saved-searches`); }
  /** An empty name lets the server make one ("Partners for …"). */
  saveSearch(actorId: string, kind: SavedSearch['kind'], name: string, query: SavedQuery) {
    return this.request<{ saved_search: SavedSearch; current: number }>('POST', `/api/v1/actors/${encodeURIComponent(actorId)}/saved-searches`, { kind, name, query });
  }
  renameSearch(actorId: string, id: string, name: string) {
    return this.request<SavedSearch>('PATCH', `/api/v1/actors/${encodeURIComponent(actorId)}/saved-searches/${encodeURIComponent(id)}`, { name });
  }
  deleteSearch(actorId: string, id: string) {
    return this.request<void>('DELETE', `/api/v1/actors/${encodeURIComponent(actorId)}/saved-searches/${encodeURIComponent(id)}`);
  }

  // Observatory (public, aggregated; a figure about fewer than 5 actors is null)
  statsSkills(f: SkillStatsFilter = {}) { return this.request<StatsTable<SkillStatsRow>>('GET', `/api/v1/stats/skills${qs({ ...f })}`, undefined, { auth: false }); }
  statsTrends(period: 'month' | 'year' = 'month') { return this.request<StatsTable<TrendRow>>('GET', `/api/v1/stats/trends${qs({ period })}`, undefined, { auth: false }); }
  /** The same table as CSV: a plain link the browser downloads. */
  statsCsvUrl(table: 'skills' | 'trends', f: Record<string, string | undefined> = {}) { return `${this.base}/api/v1/stats/${table}${qs({ ...f, format: 'csv' })}`; }

  // Directory claims: ask to take over an unclaimed directory entry (an admin decides).
  claimActor(id: string, message: string) { return this.request<Claim>('POST', `/api/v1/actors/${encodeURIComponent(id)}/claim`, { message }); }

  // Introductions
  introductions(box: 'received' | 'sent' | 'brokered', limit?: number) { return this.request<Page<Introduction>>('GET', `/api/v1/introductions${qs({ box, limit })}`); }
  introduction(id: string) { return this.request<Introduction>('GET', `/api/v1/introductions/${encodeURIComponent(id)}`); }
  requestIntroduction(from_actor_id: string, to_actor_id: string, message: string) {
    return this.request<Introduction>('POST', '/api/v1/introductions', { from_actor_id, to_actor_id, message });
  }
  brokerIntroduction(broker_actor_id: string, actor_ids: [string, string], message: string) {
    return this.request<Introduction>('POST', '/api/v1/introductions', { broker_actor_id, actor_ids, message });
  }
  accept(id: string) { return this.request<Introduction>('POST', `/api/v1/introductions/${encodeURIComponent(id)}/accept`); }
  /** reason is one of not_relevant | no_capacity | timing | other; note is free text. */
  decline(id: string, reason: string, note = '') {
    return this.request<Introduction>('POST', `/api/v1/introductions/${encodeURIComponent(id)}/decline`, note ? { reason, note } : { reason });
  }
  answerOutcome(id: string, stage: string, answer: string) {
    return this.request<Introduction>('POST', `/api/v1/introductions/${encodeURIComponent(id)}/outcome`, { stage, answer });
  }
  brokerDashboard(actorId: string) {
    return this.request<{ actor_id: string; name: string; figures: BrokerFigures }>('GET', `/api/v1/brokerage/dashboard${qs({ actor: actorId })}`);
  }

  // Verdicts on suggested partners: saved, not_interested, met_before.
  feedback(actorId: string) { return this.request<Page<Feedback>>('GET', `/api/v1/actors/${encodeURIComponent(actorId)}/feedback`); }
  /** reason: optional, in the owner's words (at most 500 characters); the same verdict again replaces it. */
  giveFeedback(actorId: string, target_id: string, verdict: Feedback['verdict'], reason?: string) {
    return this.request<Feedback>('POST', `/api/v1/actors/${encodeURIComponent(actorId)}/feedback`, reason ? { target_id, verdict, reason } : { target_id, verdict });
  }
  dropFeedback(actorId: string, targetId: string, verdict: Feedback['verdict']) {
    return this.request<void>('DELETE', `/api/v1/actors/${encodeURIComponent(actorId)}/feedback/${encodeURIComponent(targetId)}${qs({ verdict })}`);
  }
  withdraw(id: string) { return this.request<Introduction>('POST', `/api/v1/introductions/${encodeURIComponent(id)}/withdraw`); }

  // Notifications (not in the contract yet)
  notifications() { return this.request<Page<Notification> & { unread?: number }>('GET', '/api/v1/notifications'); }
  markAllRead() { return this.request<void>('POST', '/api/v1/notifications/read-all'); }
  markRead(id: string) { return this.request<void>('POST', `/api/v1/notifications/${encodeURIComponent(id)}/read`); }
}

/** Reads the answer of an endpoint that may not exist yet: undefined on 404/405/501 or network failure. */
export async function optional<T>(p: Promise<T>): Promise<T | undefined> {
  try { return await p; } catch (e) {
    if (e instanceof NetworkError) return undefined;
    if (e instanceof ApiError && [404, 405, 501].includes(e.status)) return undefined;
    throw e;
  }
}
