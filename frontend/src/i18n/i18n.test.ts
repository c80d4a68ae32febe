import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import en from './en.json';
import fr from './fr.json';
import de from './de.json';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(svelte|ts)$/.test(f) && !f.endsWith('.test.ts') ? [p] : [];
  });
}

describe('message catalogues', () => {
  for (const [name, cat] of [['fr', fr], ['de', de]] as const) {
    it(`${name} has every English key`, () => {
      const missing = Object.keys(en).filter((k) => !(k in cat));
      expect(missing, `missing in ${name}.json`).toEqual([]);
    });
    it(`${name} has no key English lacks`, () => {
      expect(Object.keys(cat).filter((k) => !(k in en))).toEqual([]);
    });
    it(`${name} keeps every placeholder and has no empty message`, () => {
      for (const [k, v] of Object.entries(en)) {
        const other = (cat as Record<string, string>)[k];
        expect(other?.trim(), `${name}:${k} empty`).toBeTruthy();
        expect(placeholders(other), `${name}:${k} placeholders`).toEqual(placeholders(v));
      }
    });
  }

  it('every literal key used in the code exists in English', () => {
    const root = join(__dirname, '..');
    const used = new Set<string>();
    for (const file of sources(root)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*'([a-z][\w.-]*)'/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(100);
    expect([...used].filter((k) => !(k in en))).toEqual([]);
  });

  it('every key of a dynamic family exists', () => {
    const families: Record<string, string[]> = {
      kind: ['cci', 'ai', 'intermediary'],
      org: ['freelancer', 'sme', 'startup', 'large_company', 'public_institution', 'university', 'research_lab', 'ngo', 'network'],
      level: ['1', '2', '3', '4'],
      mode: ['co-creation', 'commission', 'mentoring', 'job-exchange', 'internship', 'workshop', 'research'],
      status: ['requested', 'accepted', 'pending', 'connected', 'declined', 'withdrawn', 'expired'],
      role: ['member', 'intermediary', 'admin'],
      domain: ['ai', 'cci', 'transversal'],
      'matches.tab': ['ai', 'cci', 'intermediary'],
      'intro.box': ['received', 'sent', 'brokered'],
      'intro.empty': ['received', 'sent', 'brokered'],
      'funding.elig': ['eligible', 'with_partners', 'ineligible'],
    };
    const missing = Object.entries(families).flatMap(([p, vs]) => vs.map((v) => `${p}.${v}`)).filter((k) => !(k in en));
    expect(missing).toEqual([]);
  });
});
