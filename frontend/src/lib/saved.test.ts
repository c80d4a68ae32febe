import { describe, it, expect } from 'vitest';
import { describeQuery, searchHref, type QueryWords } from './saved';
import { catalogues } from './i18n.svelte';

const words = (l: 'en' | 'fr'): QueryWords => ({
  t: (key, params = {}) => (catalogues[l][key] ?? `MISSING:${key}`).replace(/\{(\w+)\}/g, (m, n: string) => String(params[n] ?? m)),
  country: (c) => `country(${c})`,
  sector: (s) => `sector(${s})`,
  percent: (x) => `${Math.round(x * 100)}%`,
});

describe('saved searches', () => {
  it('says what a partner search looks for', () => {
    expect(describeQuery('partner', { kind: 'ai', country: 'NL', min_score: 0.5 }, words('en'))).toBe('AI partners · Country: country(NL) · Score at least 50%');
    expect(describeQuery('partner', {}, words('fr'))).toBe('tout type de partenaire');
  });
  it('says what a funding search looks for, the default included', () => {
    expect(describeQuery('funding', {}, words('en'))).toBe('funding you are eligible for, alone or with partners');
    expect(describeQuery('funding', { eligibility: ['eligible'], include_closed: true }, words('en'))).toBe('Eligibility: Eligible · closed calls included');
  });
  it('opens the screen that runs the search', () => {
    expect(searchHref({ kind: 'partner', query: { kind: 'cci', country: 'DE' } })).toBe('#/matches?tab=cci&country=DE');
    expect(searchHref({ kind: 'partner', query: {} })).toBe('#/matches');
    expect(searchHref({ kind: 'funding', query: { eligibility: ['eligible'] } })).toBe('#/funding');
  });
});
