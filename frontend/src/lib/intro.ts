// Reading an introduction whichever shape the server sends: the party view of this API (parties[] with
// name, mine, response, contact) or only the contract's ids, completed by fetching the actors.
import type { Actor, Contact, Introduction } from './types';

export interface Side { id: string | null; name: string | null; contact?: Contact; response?: string; mine: boolean }

export function sides(x: Introduction, mine: Set<string>, actors: Record<string, Actor>): Side[] {
  if (x.parties?.length) {
    return x.parties.map((p) => ({
      id: p.actor_id, name: p.name || null, contact: p.contact, response: p.response,
      mine: p.mine ?? (!!p.actor_id && mine.has(p.actor_id)),
    }));
  }
  const ids = [x.from_actor_id, x.to_actor_id, ...(x.actor_ids ?? [])].filter((v): v is string => !!v);
  return [...new Set(ids)].map((id) => ({ id, name: actors[id]?.name ?? null, contact: actors[id]?.contact, mine: mine.has(id) }));
}

export function iAccepted(x: Introduction, mine: Set<string>): boolean {
  if (x.parties?.length) return x.parties.some((p) => (p.mine || (!!p.actor_id && mine.has(p.actor_id))) && p.response === 'accepted');
  return (x.events ?? []).some((e) => (e.type ?? e.status) === 'accepted' && !!e.actor_id && mine.has(e.actor_id));
}

export function brokerName(x: Introduction, actors: Record<string, Actor>): string | null {
  if (x.broker?.name) return x.broker.name;
  return x.broker_actor_id ? actors[x.broker_actor_id]?.name ?? null : null;
}

/** Outcome questions due for one of my actors and not answered yet. */
export function dueQuestions(x: Introduction, mine: Set<string>) {
  return (x.outcome_questions ?? []).filter((q) => !q.actor_id || mine.has(q.actor_id));
}

export function timeline(x: Introduction): { what: string; at: string }[] {
  if (x.events?.length) {
    return x.events.map((e, j) => {
      const what = e.type ?? e.status ?? '';
      return { what: j === 0 && what === 'pending' ? 'requested' : what, at: e.created_at ?? e.at ?? '' };
    });
  }
  const out = [{ what: x.broker_actor_id ? 'proposed' : 'requested', at: x.created_at ?? '' }];
  if (x.status !== 'pending') out.push({ what: x.status, at: x.connected_at ?? x.updated_at ?? '' });
  return out;
}

const isMine = (p: { mine?: boolean; actor_id: string | null }, mine: Set<string>) => p.mine || (!!p.actor_id && mine.has(p.actor_id));

/** Pending and waiting for an answer from one of my actors: I was asked (not the asker) and have not answered. */
export function awaitsMyAnswer(x: Introduction, mine: Set<string>): boolean {
  if (x.status !== 'pending') return false;
  if (x.parties?.length) return x.parties.some((p) => isMine(p, mine) && p.role !== 'requester' && (p.response ?? 'pending') === 'pending');
  return !!x.to_actor_id && mine.has(x.to_actor_id) && !iAccepted(x, mine);
}

/** The requester of a direct introduction, or, in a brokered one, the other side: whom I am asked to meet. */
export function askingSide(x: Introduction, mine: Set<string>): Side | null {
  return sides(x, mine, {}).find((s) => !s.mine) ?? null;
}

/** My own actor in an introduction (the one that answers). */
export function mySide(x: Introduction, mine: Set<string>): Side | null {
  return sides(x, mine, {}).find((s) => s.mine) ?? null;
}

/** My outcome questions that can be answered now, and whether one of them is due (asked) and not answered yet. */
export function outcomeState(x: Introduction): { open: NonNullable<Introduction['my_outcomes']>; due: boolean } {
  const open = (x.my_outcomes ?? []).filter((o) => o.answerable);
  return { open, due: open.some((o) => o.due && !o.answer) };
}

export interface Sections {
  /** Requests waiting for my answer, the soonest to expire first. */
  answer: Introduction[];
  /** Connected; those with an outcome question due first, then the newest. */
  connected: Introduction[];
  /** Pending, waiting for the other side (sent by me, or accepted by me in a brokered one). */
  waiting: Introduction[];
  /** Declined, withdrawn, expired: newest first. */
  history: Introduction[];
}

const time = (s: string | null | undefined) => (s ? new Date(s).getTime() || 0 : 0);

/** Sorts my received and sent introductions (each once, whichever lists it is in) into the screen's sections. */
export function sections(lists: Introduction[][], mine: Set<string>): Sections {
  const seen = new Set<string>();
  const out: Sections = { answer: [], connected: [], waiting: [], history: [] };
  for (const x of lists.flat()) {
    if (seen.has(x.id)) continue;
    seen.add(x.id);
    if (awaitsMyAnswer(x, mine)) out.answer.push(x);
    else if (x.status === 'connected') out.connected.push(x);
    else if (x.status === 'pending') out.waiting.push(x);
    else out.history.push(x);
  }
  const newest = (a: Introduction, b: Introduction) => time(b.updated_at ?? b.created_at) - time(a.updated_at ?? a.created_at);
  out.answer.sort((a, b) => time(a.expires_at) - time(b.expires_at));
  out.connected.sort((a, b) => Number(outcomeState(b).due) - Number(outcomeState(a).due) || newest(a, b));
  out.waiting.sort(newest);
  out.history.sort(newest);
  return out;
}

/** Whole days from now until `at` (0: today or past), counted by calendar day in local time. */
export function daysUntil(at: string | undefined, now = new Date()): number {
  if (!at) return 0;
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return 0;
  const day = (x: Date) => Date.UTC(x.getFullYear(), x.getMonth(), x.getDate());
  return Math.max(0, Math.round((day(d) - day(now)) / 86_400_000));
}
