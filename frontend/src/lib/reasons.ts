// Splits the server's reasons into "they bring…" (they meet my needs) and "you bring…" (I meet theirs).
import type { Reason } from './types';

export type Side = 'they' | 'you' | 'other';

export function side(r: Reason): Side {
  const d = String(r.direction ?? r.side ?? '').toLowerCase();
  if (d === 'forward' || d === 'they') return 'they';
  if (d === 'backward' || d === 'you') return 'you';
  const c = r.code.toLowerCase();
  if (/backward|you_|they_need|their_need|meets_theirs/.test(c)) return 'you';
  if (/forward|they_offer|your_need|meets_yours|offers_need/.test(c)) return 'they';
  return 'other';
}

export function split(reasons: Reason[]): Record<Side, Reason[]> {
  const out: Record<Side, Reason[]> = { they: [], you: [], other: [] };
  for (const r of reasons ?? []) out[side(r)].push(r);
  return out;
}
