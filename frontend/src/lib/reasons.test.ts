import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { split, reasonText, REASON_KEYS, type Wording } from './reasons';
import { catalogues, LOCALES } from './i18n.svelte';
import type { Reason } from './types';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

// A translator over one catalogue, with names that show which helper worded them.
function wording(locale: 'en' | 'fr' | 'de'): Wording {
  const cat = catalogues[locale];
  return {
    t: (key, params = {}) => (cat[key] ?? `MISSING:${key}`).replace(/\{(\w+)\}/g, (m, n: string) => String(params[n] ?? m)),
    skill: (s) => `skill(${s})`,
    sector: (s) => `sector(${s})`,
    language: (s) => `lang(${s})`,
    mode: (s) => `mode(${s})`,
    country: (s) => `country(${s})`,
    list: (xs) => xs.join(' + '),
  };
}

describe('reasons', () => {
  it('splits by the direction the API gives, and keeps gaps apart', () => {
    const r = split([
      { code: 'need_met_exact', direction: 'they_bring', message: 'They offer computer vision' },
      { code: 'need_met_broader', direction: 'you_bring', message: 'You offer heritage' },
      { code: 'shared_languages', direction: 'both', message: 'You can work together in en.' },
      { code: 'need_unmet', direction: 'they_bring', message: 'Nothing comes near 3D scanning' },
    ]);
    expect(r.they.map((x) => x.code)).toEqual(['need_met_exact']);
    expect(r.you.map((x) => x.code)).toEqual(['need_met_broader']);
    expect(r.other.map((x) => x.code)).toEqual(['shared_languages']);
    expect(r.gap.map((x) => x.code)).toEqual(['need_unmet']);
  });
  it('falls back to the code when no direction is sent', () => {
    const r = split([{ code: 'they_offer_your_need', message: '' }, { code: 'you_offer_their_need', message: '' }]);
    expect(r.they).toHaveLength(1);
    expect(r.you).toHaveLength(1);
  });

  it('knows every reason code the matching engine emits (matching/explain.go)', () => {
    const src = readFileSync(resolve(__dirname, '../../../matching/explain.go'), 'utf8');
    const block = src.slice(src.indexOf('// Reason codes.'));
    const emitted = [...block.slice(0, block.indexOf('\n)')).matchAll(/^\s*Code\w+\s*=\s*"([a-z_]+)"/gm)].map((m) => m[1]).sort();
    expect(emitted.length).toBeGreaterThan(10);
    // The brokers' ranking on the Intermediaries tab adds its own codes.
    const broker = readFileSync(resolve(__dirname, '../../../api/brokerage.go'), 'utf8');
    const brokerCodes = [...broker.matchAll(/reasonView\{Code: "([a-z_]+)"/g)].map((m) => m[1]);
    expect(brokerCodes.length).toBeGreaterThan(4);
    expect(Object.keys(REASON_KEYS).sort()).toEqual([...new Set([...emitted, ...brokerCodes])].sort());
  });

  it('has every reason key in English, French and German, with the same placeholders', () => {
    for (const keys of Object.values(REASON_KEYS)) {
      for (const key of keys) {
        const want = placeholders(catalogues.en[key] ?? '');
        for (const l of LOCALES) {
          expect(catalogues[l][key], `${l}: ${key}`).toBeTruthy();
          expect(placeholders(catalogues[l][key]), `${l}: ${key}`).toEqual(want);
        }
      }
    }
  });

  it('has a name for every sector in the three languages', () => {
    const sectors = JSON.parse(readFileSync(resolve(__dirname, '../../../seeds/data/sectors.json'), 'utf8'));
    const slugs: string[] = (Array.isArray(sectors) ? sectors : sectors.sectors).map((s: { slug: string }) => s.slug);
    expect(slugs.length).toBeGreaterThan(10);
    for (const slug of slugs) for (const l of LOCALES) expect(catalogues[l][`sector.${slug}`], `${l}: sector.${slug}`).toBeTruthy();
  });

  // One reason of every code, as the server sends them (English sentence included).
  const sample: Reason[] = [
    { code: 'need_met_exact', direction: 'they_bring', need: 'computer-vision', offer: 'computer-vision', level: 4, message: 'EN' },
    { code: 'need_met_broader', direction: 'you_bring', need: 'image-segmentation', offer: 'computer-vision', via: 'computer-vision', level: 3, message: 'EN' },
    { code: 'need_met_narrower', direction: 'they_bring', need: 'computer-vision', offer: 'image-segmentation', via: 'computer-vision', level: 2, message: 'EN' },
    { code: 'need_met_sibling', direction: 'you_bring', need: 'curation', offer: 'archiving', via: 'heritage', level: 1, message: 'EN' },
    { code: 'need_unmet', direction: 'they_bring', need: '3d-scanning', message: 'EN' },
    { code: 'no_needs', direction: 'you_bring', message: 'EN' },
    { code: 'shared_languages', direction: 'both', message: 'EN' },
    { code: 'shared_sector', direction: 'both', message: 'EN' },
    { code: 'shared_modes', direction: 'both', message: 'EN' },
    { code: 'same_country', direction: 'both', message: 'EN' },
    { code: 'same_region', direction: 'both', message: 'EN' },
    { code: 'remote_ok', direction: 'both', message: 'EN' },
    { code: 'no_remote_overlap', direction: 'both', message: 'EN' },
    { code: 'broker_covers', direction: 'they_bring', need: 'curation', offer: 'curation', message: 'EN' },
    { code: 'broker_sector', direction: 'they_bring', message: 'EN' },
    { code: 'broker_region', direction: 'both', message: 'EN' },
    { code: 'broker_country', direction: 'both', message: 'EN' },
    { code: 'broker_remote', direction: 'both', message: 'EN' },
    { code: 'shared_language', direction: 'both', message: 'EN' },
    { code: 'track_record', direction: 'they_bring', message: 'Brokered 3 introductions that connected' },
  ];
  const shared = { languages: ['en', 'nl'], sectors: ['heritage', 'museums'], collaboration_modes: ['research'], region: 'Noord-Holland', country: 'NL' };

  it('words every code from its fields in every language, never with the English sentence', () => {
    expect(sample.map((r) => r.code).sort()).toEqual(Object.keys(REASON_KEYS).sort());
    for (const l of LOCALES) {
      const texts = sample.map((r) => reasonText(r, shared, wording(l)));
      for (const [i, s] of texts.entries()) {
        expect(s, `${l}: ${sample[i].code}`).not.toBe(sample[i].message);
        expect(s, `${l}: ${sample[i].code}`).not.toMatch(/MISSING|\{\w+\}/);
      }
    }
    const fr = wording('fr');
    expect(reasonText(sample[7], shared, fr)).toBe('Vous travaillez tous deux dans ce secteur : sector(heritage) + sector(museums).');
    expect(reasonText(sample[3], shared, wording('de'))).toContain('beide unter skill(heritage)');
    expect(reasonText(sample[0], shared, wording('en'))).toBe('They offer skill(computer-vision) (level: Expert), which you need.');
    expect(reasonText(sample[5], shared, wording('en'))).toBe('They have not listed any needs, so your fit for them is not assessed.');
    expect(reasonText(sample[19], shared, wording('de'))).toBe('Vermittelte Vorstellungen, aus denen ein Kontakt wurde: 3.');
    expect(reasonText({ ...sample[13], offer: 'archiving' }, shared, wording('fr'))).toBe('Met en relation pour skill(archiving), utile pour votre besoin en skill(curation).');
  });

  it('falls back to the server sentence for an unknown code or missing fields', () => {
    const w = wording('fr');
    expect(reasonText({ code: 'brand_new', message: 'Something new.' }, shared, w)).toBe('Something new.');
    expect(reasonText({ code: 'shared_sector', direction: 'both', message: 'You both work in Music.' }, {}, w)).toBe('You both work in Music.');
  });
});
