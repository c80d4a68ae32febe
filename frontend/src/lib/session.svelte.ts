// The signed-in person: access token in memory only, refresh token in localStorage so a reload
// or a new tab keeps the session (see README, "Tokens"). The actors they own, and which one is in use.
import { Api, ApiError, optional, type TokenStore } from './api';
import type { Actor, TokenPair, User } from './types';

const REFRESH_KEY = 'crossover.refresh';
const CURRENT_KEY = 'crossover.actor';
const KNOWN_KEY = 'crossover.actors';

function read(key: string): string | null {
  try { return localStorage.getItem(key); } catch { return null; }
}
function write(key: string, v: string | null) {
  try { if (v === null) localStorage.removeItem(key); else localStorage.setItem(key, v); } catch { /* private mode */ }
}

class Session implements TokenStore {
  access = $state<string | null>(null);
  refresh = $state<string | null>(read(REFRESH_KEY));
  user = $state<User | null>(null);
  actors = $state<Actor[]>([]);
  currentId = $state<string | null>(read(CURRENT_KEY));
  ready = $state(false);

  get signedIn() { return this.user !== null; }
  get current(): Actor | null {
    return this.actors.find((a) => a.id === this.currentId) ?? this.actors[0] ?? null;
  }

  set(pair: TokenPair) {
    this.access = pair.access_token;
    this.refresh = pair.refresh_token;
    write(REFRESH_KEY, pair.refresh_token);
  }
  clear() {
    this.access = null;
    this.refresh = null;
    this.user = null;
    this.actors = [];
    write(REFRESH_KEY, null);
  }
  choose(id: string) {
    this.currentId = id;
    write(CURRENT_KEY, id);
  }
  /** Keep the ids of actors created here: the contract has no "my actors" list yet. */
  remember(a: Actor) {
    const i = this.actors.findIndex((x) => x.id === a.id);
    if (i >= 0) this.actors[i] = a; else this.actors.push(a);
    if (!this.user) return;
    const known = new Set(this.known());
    known.add(a.id);
    write(`${KNOWN_KEY}.${this.user.id}`, JSON.stringify([...known]));
  }
  forget(id: string) {
    this.actors = this.actors.filter((a) => a.id !== id);
    if (!this.user) return;
    write(`${KNOWN_KEY}.${this.user.id}`, JSON.stringify(this.known().filter((x) => x !== id)));
  }
  private known(): string[] {
    if (!this.user) return [];
    try { return JSON.parse(read(`${KNOWN_KEY}.${this.user.id}`) ?? '[]'); } catch { return []; }
  }
}

export const session = new Session();

// Another tab rotated the refresh token (or signed out): follow it, or the next refresh here would
// present a spent token and the server would revoke the whole family.
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (e) => {
    if (e.key !== REFRESH_KEY) return;
    if (e.newValue) session.refresh = e.newValue;
    else session.clear();
  });
}
export const api = new Api({ tokens: session, onSessionLost: () => session.clear() });

/** Finds the caller's actors: from GET /me if it lists them, else the list filtered by owner, plus the ids remembered here. */
export async function loadMyActors(): Promise<void> {
  const me = await api.me();
  const { actors: _listed, ...user } = me;
  session.user = user;
  const found = new Map<string, Actor>();
  if (Array.isArray(me.actors)) {
    for (const a of me.actors) {
      if (typeof a === 'string') { const x = await optional(api.actor(a)); if (x) found.set(x.id, x); }
      else found.set(a.id, a);
    }
  } else {
    const page = await optional(api.actors({ owner: 'me', limit: 100 }));
    for (const a of page?.items ?? []) if (a.owner_id === me.id) found.set(a.id, a);
    let known: string[] = [];
    try { known = JSON.parse(read(`${KNOWN_KEY}.${me.id}`) ?? '[]'); } catch { /* ignore */ }
    for (const id of known) {
      if (found.has(id)) continue;
      const a = await optional(api.actor(id)).catch(() => undefined);
      if (a && (a.owner_id === undefined || a.owner_id === me.id)) found.set(a.id, a);
    }
  }
  session.actors = [...found.values()];
  // The full actor carries contact and version; list items may not.
  for (const [i, a] of session.actors.entries()) {
    if (a.version === undefined) {
      const full = await optional(api.actor(a.id));
      if (full) session.actors[i] = full;
    }
  }
}

/** On start: a stored refresh token becomes a session, or is dropped. */
export async function restore(): Promise<void> {
  try {
    if (session.refresh) await loadMyActors();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) session.clear();
  } finally {
    session.ready = true;
  }
}

/** Pauses or resumes matching for every profile of the signed-in person (PATCH /me matching_paused). */
export async function setMatchingPaused(pause: boolean): Promise<void> {
  const r = await api.patchMe({ matching_paused: pause });
  const u = 'user' in r && r.user ? r.user : r;
  session.user = { ...session.user!, ...(u as object), matching_paused: (u as { matching_paused?: boolean }).matching_paused ?? pause };
}
