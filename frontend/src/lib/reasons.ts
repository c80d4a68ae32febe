// Splits the server's reasons into "they bring…" (they meet my needs), "you bring…" (I meet theirs),
// shared context (languages, sector, place), and gaps (needs nothing comes near); and words each one in
// the reader's language from its code and fields, never from the server's English sentence when the
// code is known.
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

/** Every reason code the matching engine emits (matching/explain.go), with the message keys that word it:
 * a code about one side's needs has a key per side (`.they`: they meet my needs, `.you`: I meet theirs). */
export const REASON_KEYS: Record<string, string[]> = {
  need_met_exact: ['reason.need_met_exact.they', 'reason.need_met_exact.you'],
  need_met_broader: ['reason.need_met_broader.they', 'reason.need_met_broader.you'],
  need_met_narrower: ['reason.need_met_narrower.they', 'reason.need_met_narrower.you'],
  need_met_sibling: ['reason.need_met_sibling.they', 'reason.need_met_sibling.you'],
  need_unmet: ['reason.need_unmet.they', 'reason.need_unmet.you'],
  no_needs: ['reason.no_needs.they', 'reason.no_needs.you'],
  shared_languages: ['reason.shared_languages'],
  shared_sector: ['reason.shared_sector'],
  shared_modes: ['reason.shared_modes'],
  same_country: ['reason.same_country'],
  same_region: ['reason.same_region'],
  remote_ok: ['reason.remote_ok'],
  no_remote_overlap: ['reason.no_remote_overlap'],
  // Intermediaries tab: the brokers' ranking (api/brokerage.go).
  broker_covers: ['reason.broker_covers.exact', 'reason.broker_covers.related'],
  broker_sector: ['reason.broker_sector'],
  broker_region: ['reason.broker_region'],
  broker_country: ['reason.broker_country'],
  broker_remote: ['reason.broker_remote'],
  shared_language: ['reason.shared_language'],
  track_record: ['reason.track_record'],
};

/** What a reason needs to be worded: the translator and names in the reader's language. */
export interface Wording {
  t: (key: string, params?: Record<string, string | number>) => string;
  skill: (slug: string) => string;
  sector: (slug: string) => string;
  language: (code: string) => string;
  mode: (mode: string) => string;
  country: (code: string) => string;
  /** "a, b and c" in the reader's language. */
  list: (items: string[]) => string;
}

/** What both sides share, as the match carries it (the reasons themselves name it only in English), and where
 * the suggested partner is. */
export interface Shared { languages?: string[]; sectors?: string[]; collaboration_modes?: string[]; region?: string; country?: string }

export function reasonText(r: Reason, shared: Shared | undefined, w: Wording): string {
  const who = r.direction === 'you_bring' || r.direction === 'backward' ? 'you' : 'they';
  const level = typeof r.level === 'number' && r.level >= 1 && r.level <= 4 ? w.t(`level.${r.level}`) : '';
  const via = typeof r.via === 'string' ? r.via : '';
  const names = (xs: string[] | undefined, f: (x: string) => string) => (xs?.length ? w.list(xs.map(f)) : '');
  switch (r.code) {
    case 'need_met_exact': case 'need_met_broader': case 'need_met_narrower':
      if (r.offer && r.need && level) return w.t(`reason.${r.code}.${who}`, { offer: w.skill(r.offer), need: w.skill(r.need), level });
      break;
    case 'need_met_sibling':
      if (r.offer && r.need && level) return w.t(`reason.${r.code}.${who}`, { offer: w.skill(r.offer), need: w.skill(r.need), level, via: via ? w.skill(via) : w.skill(r.need) });
      break;
    case 'need_unmet':
      if (r.need) return w.t(`reason.need_unmet.${who}`, { need: w.skill(r.need) });
      break;
    case 'no_needs':
      return w.t(`reason.no_needs.${who}`);
    case 'shared_languages': {
      const s = names(shared?.languages, w.language);
      if (s) return w.t('reason.shared_languages', { langs: s });
      break;
    }
    case 'shared_sector': {
      const s = names(shared?.sectors, w.sector);
      if (s) return w.t('reason.shared_sector', { sectors: s });
      break;
    }
    case 'shared_modes': {
      const s = names(shared?.collaboration_modes, w.mode);
      if (s) return w.t('reason.shared_modes', { modes: s });
      break;
    }
    case 'same_country': case 'same_region': case 'remote_ok': case 'no_remote_overlap': case 'broker_remote':
      return w.t(`reason.${r.code}`);
    case 'broker_covers':
      if (r.offer && r.need) return r.offer === r.need ? w.t('reason.broker_covers.exact', { offer: w.skill(r.offer) })
        : w.t('reason.broker_covers.related', { offer: w.skill(r.offer), need: w.skill(r.need) });
      break;
    case 'broker_sector': {
      const s = names(shared?.sectors, w.sector);
      if (s) return w.t('reason.broker_sector', { sectors: s });
      break;
    }
    case 'broker_region':
      if (shared?.region) return w.t('reason.broker_region', { region: shared.region });
      break;
    case 'broker_country':
      if (shared?.country) return w.t('reason.broker_country', { country: w.country(shared.country) });
      break;
    case 'shared_language': {
      const s = names(shared?.languages, w.language);
      if (s) return w.t('reason.shared_language', { langs: s });
      break;
    }
    case 'track_record': {
      // The count travels only in the sentence ("Brokered 3 introductions that connected").
      const n = /\d+/.exec(r.message ?? '')?.[0];
      if (n) return w.t('reason.track_record', { n });
      break;
    }
  }
  // A code this UI does not know yet, or one without the fields to word it: the server's sentence.
  return r.message || r.code;
}
