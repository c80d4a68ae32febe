import { describe, expect, it } from 'vitest';
import { closedWords, isClosed, offersConsortium, roleWords, sizeWords, verdict } from './funding';
import type { FundingMatch } from './types';

const date = (d: string) => `on ${d}`;
const match = (over: Partial<FundingMatch>): FundingMatch => ({
  instrument: { id: 'i', name: 'Call', deadline: '2022-11-30' }, score: 0.5, eligibility: 'eligible', reasons: [], missing: [], ...over,
});

describe('funding words', () => {
  it('never calls a closed call eligible', () => {
    expect(verdict(match({ eligibility: 'closed', status: 'closed' }), date)).toEqual({ key: 'funding.closed_on', params: { date: 'on 2022-11-30' } });
    // An older server that still says eligible for a call past its deadline: the status wins.
    expect(verdict(match({ eligibility: 'eligible', status: 'closed' }), date).key).toBe('funding.closed_on');
    expect(verdict(match({ status: 'open' }), date)).toEqual({ key: 'funding.elig.eligible' });
    expect(closedWords({ id: 'x', name: 'X' }, date)).toEqual({ key: 'funding.elig.closed' });
    expect(isClosed({ id: 'x', name: 'X', current_status: 'closed' })).toBe(true);
  });
  it('says which role the actor can take', () => {
    expect(roleWords(match({ eligibility: 'with_partners', eligible_as: ['partner'], role: 'partner' }))?.key).toBe('funding.as.partner');
    expect(roleWords(match({ eligibility: 'with_partners', eligible_as: ['lead', 'partner'], role: 'partner' }))?.key).toBe('funding.as.partner_size');
    expect(roleWords(match({ eligibility: 'with_partners', eligible_as: ['lead', 'partner'], role: 'lead' }))?.key).toBe('funding.as.lead');
    expect(roleWords(match({ eligible_as: ['lead'], role: 'lead' }))?.key).toBe('funding.as.single');
    expect(roleWords(match({ eligibility: 'closed', status: 'closed', role: '' }))).toBeNull();
  });
  it('judges the size and offers consortia to partners of open calls only', () => {
    expect(sizeWords(match({ size: 'large' }))?.key).toBe('funding.size.large');
    expect(sizeWords(match({ size: '' }))).toBeNull();
    expect(offersConsortium(match({ eligibility: 'with_partners', eligible_as: ['partner'], role: 'partner' }))).toBe(true);
    expect(offersConsortium(match({ eligibility: 'closed', status: 'closed' }))).toBe(false);
    expect(offersConsortium(match({ eligible_as: ['lead'], role: 'lead' }))).toBe(false);
  });
});
