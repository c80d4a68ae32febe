import { describe, it, expect } from 'vitest';
import { split } from './reasons';

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
});
