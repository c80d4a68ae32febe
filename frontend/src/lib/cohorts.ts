// Organiser tools: stored cohorts, their members, the batch-matching draft, the funnel.
// The calls go through Api.request, so errors are ApiError/NetworkError like everywhere else; the
// pure helpers below are what the screen shows and are unit tested (cohorts.test.ts).
import type { Api } from './api';

export type MemberStatus = 'invited' | 'joined' | 'declined';

export interface Cohort {
  id: string;
  owner_id: string;
  broker_actor_id: string | null;
  name: string;
  description: string;
  starts_on: string | null;
  ends_on: string | null;
  version: number;
  members: number;
  joined: number;
  pairs: number;
  created_at: string;
  updated_at: string;
}

export interface CohortInput {
  name?: string;
  description?: string;
  starts_on?: string | null;
  ends_on?: string | null;
  broker_actor_id?: string | null;
}

export interface CohortMember {
  actor_id: string;
  name: string;
  kind: string;
  country: string;
  capacity: number;
  status: MemberStatus;
  managed_by_organiser: boolean;
  completeness: number;
  invited_at: string;
  responded_at: string | null;
  hidden?: boolean;
}

export interface CohortInvitation {
  cohort_id: string;
  cohort_name: string;
  description: string;
  starts_on: string | null;
  ends_on: string | null;
  organiser: string;
  actor_id: string;
  actor_name: string;
  status: MemberStatus;
  invited_at: string;
}

export interface DraftPair {
  id: string;
  cci_actor_id: string;
  cci_name: string;
  ai_actor_id: string;
  ai_name: string;
  score: number;
  source: 'optimal' | 'manual';
  introduction_id: string | null;
  introduction_status: string | null;
  published_at: string | null;
}

export interface Draft {
  cohort_id: string;
  method: string;
  drafted_at: string | null;
  min_score: number | null;
  total: number | null;
  greedy: { pairs: number; total: number } | null;
  candidates: number | null;
  current_total: number;
  published: number;
  unpublished: number;
  pairs: DraftPair[];
}

export interface PublishResult {
  created: { pair_id: string; introduction_id: string }[];
  already_published: number;
  attempted: number;
  failed: { pair_id: string; code: string; message: string }[];
  broker_actor_id: string;
}

export interface Funnel {
  cohort_id: string;
  invited: number;
  joined: number;
  declined: number;
  invitations_pending: number;
  profiles_complete: number;
  completeness_mean: number;
  introductions_requested: number;
  introductions: Record<string, number>;
  connected: number;
  outcomes: Record<string, number>;
}

export interface MembersAdded { invited: string[]; joined: string[]; skipped: string[] }

const enc = encodeURIComponent;
const base = (id: string) => `/api/v1/cohorts/${enc(id)}`;

/** The cohort calls, on the app's Api (tokens, refresh and error mapping included). */
export function cohortApi(api: Api) {
  return {
    list: () => api.request<{ items: Cohort[] }>('GET', '/api/v1/cohorts'),
    get: (id: string) => api.request<Cohort>('GET', base(id)),
    create: (c: CohortInput) => api.request<Cohort>('POST', '/api/v1/cohorts', c),
    patch: (id: string, version: number, c: CohortInput) => api.request<Cohort>('PATCH', base(id), { ...c, version }),
    remove: (id: string) => api.request<void>('DELETE', base(id)),
    members: (id: string) => api.request<{ items: CohortMember[] }>('GET', `${base(id)}/members`),
    invite: (id: string, actor_ids: string[]) => api.request<MembersAdded>('POST', `${base(id)}/invitations`, { actor_ids }),
    addManaged: (id: string, actor_ids: string[]) => api.request<MembersAdded>('POST', `${base(id)}/members`, { actor_ids }),
    removeMember: (id: string, actorId: string) => api.request<void>('DELETE', `${base(id)}/members/${enc(actorId)}`),
    runDraft: (id: string, min_score?: number) => api.request<Draft>('POST', `${base(id)}/draft`, min_score === undefined ? {} : { min_score }),
    draft: (id: string) => api.request<Draft>('GET', `${base(id)}/draft`),
    addPair: (id: string, cci_actor_id: string, ai_actor_id: string) => api.request<DraftPair>('POST', `${base(id)}/draft/pairs`, { cci_actor_id, ai_actor_id }),
    removePair: (id: string, pairId: string) => api.request<void>('DELETE', `${base(id)}/draft/pairs/${enc(pairId)}`),
    publish: (id: string, body: { broker_actor_id?: string; message?: string } = {}) => api.request<PublishResult>('POST', `${base(id)}/draft/publish`, body),
    funnel: (id: string) => api.request<Funnel>('GET', `${base(id)}/funnel`),
    /** The funnel as CSV, fetched with the session's token (a plain link would not carry it). */
    funnelCsv: async (id: string) => (await api.request<Response>('GET', `${base(id)}/funnel?format=csv`, undefined, { raw: true })).text(),
    invitations: () => api.request<{ items: CohortInvitation[] }>('GET', '/api/v1/me/cohort-invitations'),
    answer: (id: string, actorId: string, accept: boolean) =>
      api.request<CohortInvitation>('POST', `${base(id)}/members/${enc(actorId)}/${accept ? 'accept' : 'decline'}`),
  };
}

/** Checks the cohort form as the server will; returns the field and message key of the first problem. */
export function checkCohort(c: CohortInput): { field: string; key: string } | null {
  const name = (c.name ?? '').trim();
  if (!name || name.length > 200) return { field: 'name', key: 'cohort.err.name' };
  const date = /^\d{4}-\d{2}-\d{2}$/;
  for (const f of ['starts_on', 'ends_on'] as const) {
    const v = c[f];
    if (v && (!date.test(v) || Number.isNaN(Date.parse(v + 'T00:00:00Z')) || new Date(v + 'T00:00:00Z').toISOString().slice(0, 10) !== v)) {
      return { field: f, key: 'cohort.err.date' };
    }
  }
  if (c.starts_on && c.ends_on && c.ends_on < c.starts_on) return { field: 'ends_on', key: 'cohort.err.order' };
  return null;
}

export interface FunnelStep { key: string; count: number; rate: number | null }

/** The funnel's main stages in order, each with its share of the stage it comes from (null when it
 *  has none, or that stage is zero): joined of invited, complete profiles of joined, connected of the
 *  introductions proposed. Introductions count pairs, not members, so they are not a share of members. */
export function funnelSteps(f: Funnel): FunnelStep[] {
  const share = (n: number, of: number | null) => (of === null || of === 0 ? null : n / of);
  return [
    { key: 'invited', count: f.invited, rate: null },
    { key: 'joined', count: f.joined, rate: share(f.joined, f.invited) },
    { key: 'profiles_complete', count: f.profiles_complete, rate: share(f.profiles_complete, f.joined) },
    { key: 'introductions_requested', count: f.introductions_requested, rate: null },
    { key: 'connected', count: f.connected, rate: share(f.connected, f.introductions_requested) },
  ];
}

export interface DraftSummary {
  pairs: number;
  published: number;
  unpublished: number;
  /** How much more the optimal total gives than greedy's, as a fraction; null without both. */
  gain: number | null;
  /** The draft was edited since it was run: the current total differs from the optimal one. */
  edited: boolean;
}

export function draftSummary(d: Draft): DraftSummary {
  const gain = d.total !== null && d.greedy && d.greedy.total > 0 ? (d.total - d.greedy.total) / d.greedy.total : null;
  // Removing a pair lowers the total below the run's; adding one is marked manual. Published pairs of
  // an earlier run count in current_total, so the comparison holds only before publishing.
  const edited = d.pairs.some((p) => p.source === 'manual') || (d.total !== null && d.published === 0 && Math.abs(d.current_total - d.total) > 1e-6);
  return { pairs: d.pairs.length, published: d.published, unpublished: d.unpublished, gain, edited };
}

/** Pairs per actor in the draft, and the actors the draft would take beyond their capacity. */
export function capacityUse(pairs: DraftPair[], members: Pick<CohortMember, 'actor_id' | 'capacity'>[]): { used: Record<string, number>; over: string[] } {
  const used: Record<string, number> = {};
  for (const p of pairs) {
    used[p.cci_actor_id] = (used[p.cci_actor_id] ?? 0) + 1;
    used[p.ai_actor_id] = (used[p.ai_actor_id] ?? 0) + 1;
  }
  const over = members.filter((m) => (used[m.actor_id] ?? 0) > m.capacity).map((m) => m.actor_id);
  return { used, over };
}

/** Joined members that can be paired by hand: the CCI and the AI side. */
export function pairable(members: CohortMember[]): { cci: CohortMember[]; ai: CohortMember[] } {
  const joined = members.filter((m) => m.status === 'joined' && !m.hidden);
  return { cci: joined.filter((m) => m.kind === 'cci'), ai: joined.filter((m) => m.kind === 'ai') };
}
