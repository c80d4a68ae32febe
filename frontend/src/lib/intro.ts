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
