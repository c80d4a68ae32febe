// Pure helpers for the profile editor, kept out of the component so they can be tested.
import type { Actor, ActorInput } from './types';

// JSON round-trip, not structuredClone: Svelte 5 $state proxies cannot be structured-cloned.
const clone = <T>(x: T): T => (x === undefined ? x : JSON.parse(JSON.stringify(x)));

export function blankActor(): ActorInput {
  return {
    kind: 'cci', name: '', org_type: 'sme', sectors: [], country: '', region: '', languages: [],
    offers: [], needs: [], collaboration_modes: [], remote: true, available: true, capacity: 3,
    bio: '', website: '', contact: { email: '', phone: '' },
  };
}

const EDITABLE: (keyof ActorInput)[] = [
  'kind', 'name', 'org_type', 'sectors', 'country', 'region', 'languages', 'offers', 'needs',
  'collaboration_modes', 'remote', 'available', 'capacity', 'bio', 'website', 'contact',
];

export function toInput(a: Actor): ActorInput {
  const b = blankActor();
  const out = { ...b } as Record<string, unknown>;
  for (const k of EDITABLE) {
    const v = (a as unknown as Record<string, unknown>)[k];
    if (v !== undefined && v !== null) out[k] = clone(v);
  }
  const o = out as unknown as ActorInput;
  o.contact = { email: a.contact?.email ?? '', phone: a.contact?.phone ?? '' };
  return o;
}

/** Fields whose value differs between two versions of a profile. */
export function changedFields(a: ActorInput, b: ActorInput): (keyof ActorInput)[] {
  return EDITABLE.filter((k) => JSON.stringify(a[k] ?? null) !== JSON.stringify(b[k] ?? null));
}

/** My edits (base → mine) laid over their newer version. */
export function reapply(base: ActorInput, mine: ActorInput, theirs: ActorInput): ActorInput {
  const out = clone(theirs) as unknown as Record<string, unknown>;
  for (const k of changedFields(base, mine)) out[k] = clone(mine[k]);
  return out as unknown as ActorInput;
}

/** Drops empty optional fields so the server's validation sees only what the user filled in. */
export function clean(a: ActorInput): ActorInput {
  const c = clone(a);
  const contact: Record<string, string> = {};
  if (c.contact?.email?.trim()) contact.email = c.contact.email.trim();
  if (c.contact?.phone?.trim()) contact.phone = c.contact.phone.trim();
  c.contact = contact;
  c.website = c.website.trim();
  c.name = c.name.trim();
  c.capacity = Number(c.capacity) || 0;
  return c;
}

export interface Completeness { percent: number; missing: string[] }

/** Weighted share of the profile parts matching uses, the same weights as the server (api/actors.go),
 *  so the meter does not jump on save; `missing` is in the order to add them. */
export function completeness(a: ActorInput): Completeness {
  const checks: [string, number, boolean][] = [
    ['offers', 20, a.offers.length > 0],
    ['needs', 20, a.needs.length > 0],
    ['sectors', 10, a.sectors.length > 0],
    ['bio', 15, [...a.bio.trim()].length >= 80],
    ['languages', 10, a.languages.length > 0],
    ['collaboration_modes', 10, a.collaboration_modes.length > 0],
    ['contact.email', 5, !!a.contact?.email?.trim()],
    ['website', 5, a.website.trim() !== ''],
    ['region', 5, (a.region ?? '').trim() !== ''],
  ];
  const done = checks.reduce((s, [, w, ok]) => s + (ok ? w : 0), 0);
  return { percent: done / 100, missing: checks.filter(([, , ok]) => !ok).map(([k]) => k) };
}
