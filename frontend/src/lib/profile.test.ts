import { describe, it, expect } from 'vitest';
import { blankActor, changedFields, reapply, completeness, clean } from './profile';

describe('profile helpers', () => {
  it('reapplies my edits over their newer version', () => {
    const base = { ...blankActor(), name: 'Museum', bio: 'old', country: 'NL' };
    const mine = { ...base, bio: 'my new bio' };
    const theirs = { ...base, country: 'BE' };
    expect(changedFields(base, theirs)).toEqual(['country']);
    const merged = reapply(base, mine, theirs);
    expect(merged.bio).toBe('my new bio');
    expect(merged.country).toBe('BE');
  });

  it('reports completeness and what to add next', () => {
    const c = completeness(blankActor());
    expect(c.percent).toBe(0);
    expect(c.missing[0]).toBe('offers');
    const full = completeness({ ...blankActor(), name: 'x', offers: [{ skill: 'a', level: 2 }], needs: [{ skill: 'b', importance: 'must' }],
      sectors: ['music'], country: 'NL', languages: ['nl'], collaboration_modes: ['research'], bio: 'x'.repeat(80), website: 'https://x.eu', region: 'Noord-Brabant', contact: { email: 'a@b.eu' } });
    expect(full.percent).toBe(1);
    expect(full.missing).toEqual([]);
  });

  it('drops empty contact fields', () => {
    expect(clean({ ...blankActor(), contact: { email: ' ', phone: '' } }).contact).toEqual({});
  });
});
