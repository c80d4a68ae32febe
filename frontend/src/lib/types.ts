// Hand-written from shared/CONTRACT.md (v1). To be replaced by types generated from the served
// /api/openapi.json once the API publishes it (see README.md, "API types").

export type Role = 'member' | 'intermediary' | 'admin';
export type ActorKind = 'cci' | 'ai' | 'intermediary';
export type OrgType =
  | 'freelancer' | 'sme' | 'startup' | 'large_company' | 'public_institution'
  | 'university' | 'research_lab' | 'ngo' | 'network';
export type CollaborationMode =
  | 'co-creation' | 'commission' | 'mentoring' | 'job-exchange' | 'internship' | 'workshop' | 'research';
export type Importance = 'must' | 'nice';
export type SkillLevel = 1 | 2 | 3 | 4;

export const ACTOR_KINDS: ActorKind[] = ['cci', 'ai', 'intermediary'];
export const ORG_TYPES: OrgType[] = [
  'freelancer', 'sme', 'startup', 'large_company', 'public_institution', 'university', 'research_lab', 'ngo', 'network',
];
export const COLLABORATION_MODES: CollaborationMode[] = [
  'co-creation', 'commission', 'mentoring', 'job-exchange', 'internship', 'workshop', 'research',
];

export interface User {
  id: string;
  email: string;
  display_name: string;
  role: Role;
  matching_paused?: boolean;
  digest_opt_out?: boolean;
  created_at?: string;
}

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

export interface AuthResponse extends TokenPair {
  user: User;
}

export interface Offer { skill: string; level: SkillLevel }
export interface Need { skill: string; importance: Importance }
export interface Contact { email?: string; phone?: string }

export interface Actor {
  id: string;
  owner_id?: string;
  kind: ActorKind;
  name: string;
  org_type: OrgType;
  sectors: string[];
  country: string;
  region?: string;
  languages: string[];
  offers: Offer[];
  needs: Need[];
  collaboration_modes: CollaborationMode[];
  remote: boolean;
  available: boolean;
  capacity: number;
  bio: string;
  website: string;
  contact?: Contact;
  version: number;
  created_at?: string;
  updated_at?: string;
  // Not fixed by the contract; shown when the server sends them.
  completeness?: { percent: number; missing: string[] };
  stale?: boolean;
  /** Where the entry came from (user, directory, import…); a directory entry with claimed=false can be claimed. */
  source?: string;
  claimed?: boolean;
  focus?: string;
  managed?: boolean;
}

/** What the UI sends on create/patch: the server-owned fields left out. */
export type ActorInput = Omit<Actor, 'id' | 'owner_id' | 'version' | 'created_at' | 'updated_at' | 'completeness' | 'stale' | 'source' | 'claimed'>;

export interface Page<T> { items: T[]; next_cursor?: string | null }

export interface Skill {
  slug: string;
  label: string;
  domain: 'ai' | 'cci' | 'transversal';
  parent?: string | null;
  esco_uri?: string | null;
  alt_labels?: string[];
}

export interface Sector { slug: string; label: string; nace?: string[] | string }

export interface Reason {
  code: string;
  message: string;
  /** they_bring | you_bring | both on this API; forward | backward accepted too. */
  direction?: 'they_bring' | 'you_bring' | 'both' | 'forward' | 'backward';
  need?: string;
  offer?: string;
  level?: number;
  [k: string]: unknown;
}

export interface Match {
  actor: Actor;
  score: number;
  forward: number;
  backward: number;
  reasons: Reason[];
  /** Sector slugs, language codes and collaboration modes both sides share (the reasons name them in English). */
  shared?: { languages?: string[]; sectors?: string[]; collaboration_modes?: string[] };
}

/** Why a list of partners is short and what would widen it (GET /actors/:id/matches, short lists only). */
export interface MatchAdvice {
  reciprocal: number;
  candidates: number;
  visible: boolean;
  not_visible_because?: 'matching_paused' | 'unavailable' | 'stale' | 'unclaimed' | 'at_capacity';
  no_needs: boolean;
  no_offers: boolean;
  uncovered_needs: string[];
  wanted_offers: { skill: string; partners: number }[];
  language_blocked: number;
  languages: string[];
  filtered_out: number;
}

export interface MatchPage {
  items: Match[];
  /** Partners who cover your needs while you cover none of theirs: listed apart, never mixed into items. */
  one_sided?: Match[];
  /** Intermediaries only: directory entries nobody has claimed yet (they cannot answer a request). */
  not_on_crossover?: Match[];
  advice?: MatchAdvice;
}

/** How one other actor fits one of mine, in both directions (GET /actors/:id/fit/:other): forward is what
 * they bring to my needs, backward what I bring to theirs. */
export interface Fit {
  actor_id: string;
  other_id: string;
  score: number;
  forward: number;
  backward: number;
  reasons: Reason[];
  shared?: { languages?: string[]; sectors?: string[]; collaboration_modes?: string[] };
}

/** The parameters of a saved search: kind, country, sector for partners; eligibility, type, include_closed for funding. */
export interface SavedQuery {
  kind?: ActorKind;
  country?: string;
  sector?: string;
  eligibility?: ('eligible' | 'with_partners' | 'ineligible')[];
  type?: string;
  include_closed?: boolean;
  min_score?: number;
}

export interface SavedSearch {
  id: string;
  actor_id: string;
  kind: 'partner' | 'funding';
  name: string;
  query: SavedQuery;
  last_run_at?: string | null;
  created_at?: string;
  /** In the list: items the periodic check found after the search was saved. */
  new_hits?: number;
}

export interface Instrument {
  id: string;
  name: string;
  managing_body?: string;
  type?: string;
  amount_min?: number;
  amount_max?: number;
  amount_min_eur?: number | null;
  amount_max_eur?: number | null;
  amount_note?: string;
  funding_rate_pct?: number | null;
  currency?: string;
  deadline?: string | null;
  status?: string;
  /** The state on the server's date: closed once the deadline has passed, whatever `status` says. */
  current_status?: 'open' | 'closed' | 'reference';
  url?: string;
  source_url?: string;
  summary?: string;
  [k: string]: unknown;
}

export type FundingRole = 'lead' | 'partner';

export interface FundingMatch {
  instrument: Instrument;
  score: number;
  /** closed: the call is closed, so nobody can apply now (never "eligible"). */
  eligibility: 'eligible' | 'with_partners' | 'ineligible' | 'closed';
  status?: 'open' | 'closed' | 'reference';
  /** The roles the rules allow now; the suggested one is `role`. */
  eligible_as?: FundingRole[];
  role?: FundingRole | '';
  role_reason?: string;
  /** The amounts against what an organisation of the actor's type can run. */
  size?: 'fits' | 'large' | 'small' | 'partner_share' | '';
  /** The consortium suggestions for this actor, when it may join as a partner. */
  consortium_url?: string;
  reasons: Reason[];
  missing: (string | Reason)[];
}

export type IntroductionStatus = 'pending' | 'connected' | 'declined' | 'withdrawn' | 'expired';

export interface IntroductionEvent { type?: string; status?: string; at?: string; created_at?: string; actor_id?: string | null; reason?: string }

/** One side of an introduction as the server shows it to the caller; contact only once connected. */
export interface Party {
  actor_id: string | null;
  name: string;
  kind?: string;
  country?: string;
  role?: string;
  response?: string; // pending | accepted | declined
  mine?: boolean;
  deleted?: boolean;
  note?: string;
  contact?: Contact;
}

export interface OutcomeQuestion { stage: string; due_at?: string; actor_id?: string | null; answers: string[] }

/** One of my own "what came of it?" questions on a connected introduction: asked (due) from due_at, answerable
 * now or not, and my answer so far. */
export interface MyOutcome {
  stage: string;
  actor_id: string | null;
  due_at: string;
  due: boolean;
  answerable: boolean;
  answer: string | null;
  answered_at: string | null;
  answers: string[];
}

export interface Introduction {
  id: string;
  kind?: string;
  from_actor_id?: string;
  to_actor_id?: string;
  broker_actor_id?: string;
  broker?: { actor_id: string | null; name: string; mine?: boolean };
  actor_ids?: (string | null)[];
  message: string;
  status: IntroductionStatus;
  created_at?: string;
  updated_at?: string;
  connected_at?: string | null;
  expires_at?: string;
  reason?: string;
  decline?: { actor_id?: string | null; reason: string; label?: string; note?: string; at?: string };
  events?: IntroductionEvent[];
  parties?: Party[];
  my_roles?: string[];
  outcome_questions?: OutcomeQuestion[];
  my_outcomes?: MyOutcome[];
  version?: number;
}

export interface Notification {
  id: string;
  type?: string;
  title?: string;
  body?: string;
  message?: string;
  read?: boolean;
  read_at?: string | null;
  created_at?: string;
  link?: string;
}

export interface Feedback {
  id?: string; actor_id?: string; target_id: string; verdict: 'not_interested' | 'met_before' | 'saved'; created_at?: string;
  /** The owner's own words, optional (at most 500 characters). */
  reason?: string;
  /** The partner, as listed by GET /actors/:id/feedback; null when hidden by moderation. */
  target?: { id: string; name: string; kind: ActorKind; country: string } | null;
}

export interface BrokerFigures {
  proposed?: number; pending?: number; connected?: number; declined?: number; withdrawn?: number; expired?: number;
  successful?: number; outcomes?: Record<string, number>;
}

/** The error body every endpoint uses (CONTRACT "Errors"). */
export interface ErrorBody {
  error: { code: string; message: string; fields?: Record<string, string> };
}

/** GET /api/v1/info and /api/v1/stats/overview are not fixed by the contract: every field optional. */
export interface Overview {
  actors?: number | Record<string, number>;
  actors_by_kind?: Record<string, number>;
  sectors?: number;
  countries?: number;
  skills?: number;
  connected_introductions?: number;
  introductions_connected?: number;
  version?: string;
  [k: string]: unknown;
}

// Observatory (GET /api/v1/stats/*): a figure about fewer than 5 distinct actors is null ("suppressed").
export type Cell = number | null;
export interface StatsTable<R> { items: R[]; k?: number; note?: string; generated_at?: string; [k: string]: unknown }
export interface StatsRowBase { suppressed?: boolean; suppressed_fields?: string[] }
export interface SkillStatsRow extends StatsRowBase { skill?: string; skill_group?: string; domain?: string; supply: Cell; demand: Cell; gap: Cell }
export interface TrendRow extends StatsRowBase {
  period: string; created: Cell; updated: Cell; actors: Cell; cci: Cell; ai: Cell; intermediary: Cell; ai_supply: Cell; ai_demand: Cell;
}
export interface SkillStatsFilter { domain?: string; sector?: string; country?: string; by?: 'skill' | 'group' }

/** POST /api/v1/actors/:id/claim answers the pending claim. */
export interface Claim { id: string; actor_id: string; user_id: string; message?: string; status: 'pending' | 'approved' | 'rejected'; created_at?: string }

/** GET /api/v1/funding/:id/consortium: `current` is the lead plus the chosen partners; `items` the suggested teams. */
export interface TeamMember {
  id: string; name: string; role: 'lead' | 'chosen' | 'suggested' | string; kind?: string; country?: string;
  actor?: Partial<Actor>; covers?: string[]; fills?: string[];
}
export interface Team {
  members: TeamMember[]; satisfies_rules: boolean; rules?: { code: string; message: string; met: boolean }[];
  coverage: number; cohesion?: number; covered?: string[]; uncovered?: string[]; gaps: string[];
}
export interface Consortium {
  instrument?: { id: string; slug?: string; name?: string }; actor_id?: string; required_skills?: string[];
  current?: Team; method?: string; pool_size?: number; items: Team[];
}
