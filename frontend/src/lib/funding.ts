// How the funding screen words a call for the reader: whether it is closed, which role the actor can
// take, and whether the amounts suit its size. Each returns a message key (and its parameters), never
// the server's English sentence.
import type { FundingMatch, Instrument } from './types';

export interface Words { key: string; params?: Record<string, string> }

/** A call is closed when the server says so for today; the stored status alone is not enough. */
export function isClosed(i: Instrument, m?: FundingMatch): boolean {
  return m?.eligibility === 'closed' || m?.status === 'closed' || i.current_status === 'closed';
}

/** The verdict tag: closed calls say closed (with the date when known), never "eligible". */
export function verdict(m: FundingMatch, fmtDate: (d: string) => string): Words {
  if (isClosed(m.instrument, m)) return closedWords(m.instrument, fmtDate);
  return { key: `funding.elig.${m.eligibility}` };
}

export function closedWords(i: Instrument, fmtDate: (d: string) => string): Words {
  return i.deadline ? { key: 'funding.closed_on', params: { date: fmtDate(i.deadline) } } : { key: 'funding.elig.closed' };
}

/** The role line: apply alone, lead a consortium, or join one as a partner (and why). */
export function roleWords(m: FundingMatch): Words | null {
  const as = m.eligible_as ?? [];
  if (!m.role || isClosed(m.instrument, m)) return null;
  if (m.role === 'lead' && !as.includes('partner')) return { key: 'funding.as.single' };
  if (m.role === 'lead') return { key: 'funding.as.lead' };
  return { key: as.includes('lead') ? 'funding.as.partner_size' : 'funding.as.partner' };
}

/** The size judgement, when the amounts and the actor's type are known. */
export function sizeWords(m: FundingMatch): Words | null {
  return m.size ? { key: `funding.size.${m.size}` } : null;
}

/** Whether the consortium suggestions are worth offering: the call needs partners the actor can join. */
export function offersConsortium(m: FundingMatch): boolean {
  return !isClosed(m.instrument, m) && (m.eligibility === 'with_partners' || (m.eligible_as ?? []).includes('partner'));
}
