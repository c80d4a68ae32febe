// Splits the server's reasons into "they bring…" (they meet my needs), "you bring…" (I meet theirs),
// shared context (languages, sector, place), and gaps (needs nothing comes near).
import type { Reason } from './types';

export type Side = 'they' | 'you' | 'other' | 'gap';

const GAPS = new Set(['need_unmet', 'no_needs', 'no_remote_overlap']);

export function side(r: Reason): Side {
  if (GAPS.has(r.code)) return 'gap';
  const d = String(r.direction ?? r.side ?? '').toLowerCase();
  if (d === 'they_bring' || d === 'forward' || d === 'they') return 'they';
  if (d === 'you_bring' || d === 'backward' || d === 'you') return 'you';
  if (d === 'both') return 'other';
  const c = r.code.toLowerCase();
  if (/backward|you_|they_need|their_need|meets_theirs/.test(c)) return 'you';
  if (/forward|they_offer|your_need|meets_yours|offers_need/.test(c)) return 'they';
  return 'other';
}

export function split(reasons: Reason[]): Record<Side, Reason[]> {
  const out: Record<Side, Reason[]> = { they: [], you: [], other: [], gap: [] };
  for (const r of reasons ?? []) out[side(r)].push(r);
  return out;
}
