import { describe, expect, it } from 'vitest';
import { awaitsMyAnswer, daysUntil, outcomeState, sections } from './intro';
import type { Introduction, MyOutcome, Party } from './types';

const party = (actor_id: string, role: string, response = 'pending', mine = false): Party => ({ actor_id, name: actor_id, role, response, mine });
const intro = (id: string, status: Introduction['status'], parties: Party[], extra: Partial<Introduction> = {}): Introduction =>
  ({ id, status, message: 'm', parties, ...extra });
const q = (stage: string, extra: Partial<MyOutcome> = {}): MyOutcome =>
  ({ stage, actor_id: 'me', due_at: '2026-01-01T00:00:00Z', due: false, answerable: true, answer: null, answered_at: null, answers: [], ...extra });

describe('introduction sections', () => {
  const mine = new Set(['me']);
  const asked = (id: string, expires: string) => intro(id, 'pending', [party('x', 'requester', 'accepted'), party('me', 'recipient', 'pending', true)], { expires_at: expires });

  it('puts requests waiting for my answer first, the soonest to expire first', () => {
    const s = sections([[asked('late', '2026-02-10T00:00:00Z'), asked('soon', '2026-02-01T00:00:00Z')], []], mine);
    expect(s.answer.map((x) => x.id)).toEqual(['soon', 'late']);
  });

  it('keeps what I sent, what I accepted and closed ones apart, each once', () => {
    const sent = intro('sent', 'pending', [party('me', 'requester', 'accepted', true), party('x', 'recipient')]);
    const acceptedBrokered = intro('acc', 'pending', [party('me', 'party', 'accepted', true), party('y', 'party')], { kind: 'brokered' });
    const closed = intro('closed', 'declined', [party('me', 'requester', 'accepted', true), party('x', 'recipient', 'declined')]);
    const s = sections([[acceptedBrokered, closed], [sent, closed]], mine);
    expect(s.answer).toEqual([]);
    expect(s.waiting.map((x) => x.id).sort()).toEqual(['acc', 'sent']);
    expect(s.history.map((x) => x.id)).toEqual(['closed']);
    expect(awaitsMyAnswer(sent, mine)).toBe(false);
  });

  it('shows connected ones with a due outcome question first', () => {
    const a = intro('a', 'connected', [], { updated_at: '2026-03-01T00:00:00Z', my_outcomes: [q('30d', { answer: 'talking' })] });
    const b = intro('b', 'connected', [], { updated_at: '2026-01-01T00:00:00Z', my_outcomes: [q('30d', { due: true })] });
    expect(sections([[a, b]], mine).connected.map((x) => x.id)).toEqual(['b', 'a']);
    expect(outcomeState(b)).toEqual({ open: [b.my_outcomes![0]], due: true });
    expect(outcomeState(a).due).toBe(false);
  });

  it('leaves out questions not answerable yet', () => {
    const x = intro('x', 'connected', [], { my_outcomes: [q('30d'), q('6m', { answerable: false })] });
    expect(outcomeState(x).open.map((o) => o.stage)).toEqual(['30d']);
  });
});

describe('daysUntil', () => {
  const now = new Date(2026, 11, 12, 18, 0);
  it('counts calendar days', () => {
    expect(daysUntil(new Date(2026, 11, 17, 9, 0).toISOString(), now)).toBe(5);
    expect(daysUntil(new Date(2026, 11, 13, 1, 0).toISOString(), now)).toBe(1);
    expect(daysUntil(new Date(2026, 11, 12, 23, 0).toISOString(), now)).toBe(0);
    expect(daysUntil(new Date(2026, 11, 1).toISOString(), now)).toBe(0);
    expect(daysUntil(undefined, now)).toBe(0);
  });
});
