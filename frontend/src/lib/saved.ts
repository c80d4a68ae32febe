// Saved searches in words, and the screen each one opens on.
import type { SavedQuery, SavedSearch } from './types';

export interface QueryWords {
  t: (key: string, params?: Record<string, string | number>) => string;
  country: (code: string) => string;
  sector: (slug: string) => string;
  percent: (x: number) => string;
}

/** What a saved search looks for, in one line ("AI partners · Country: Netherlands"). */
export function describeQuery(kind: SavedSearch['kind'], q: SavedQuery, w: QueryWords): string {
  const parts: string[] = [];
  if (kind === 'partner') {
    parts.push(q.kind ? w.t(`matches.tab.${q.kind}`) : w.t('saved.q.any_kind'));
    if (q.country) parts.push(w.t('saved.q.country', { v: w.country(q.country) }));
    if (q.sector) parts.push(w.t('saved.q.sector', { v: w.sector(q.sector) }));
  } else {
    const el = q.eligibility?.length ? q.eligibility : null;
    parts.push(el ? w.t('saved.q.eligibility', { v: el.map((e) => w.t(`funding.elig.${e}`)).join(', ') }) : w.t('save.funding_default'));
    if (q.type) parts.push(w.t('saved.q.type', { v: q.type }));
    if (q.include_closed) parts.push(w.t('saved.q.closed'));
  }
  if (q.min_score) parts.push(w.t('saved.q.min_score', { v: w.percent(q.min_score) }));
  return parts.join(' · ');
}

/** The screen that runs the search by hand: the matches tab with its country, or the funding finder. */
export function searchHref(ss: Pick<SavedSearch, 'kind' | 'query'>): string {
  if (ss.kind === 'funding') return '#/funding';
  const p = new URLSearchParams();
  if (ss.query.kind) p.set('tab', ss.query.kind);
  if (ss.query.country) p.set('country', ss.query.country);
  const s = p.toString();
  return '#/matches' + (s ? `?${s}` : '');
}
