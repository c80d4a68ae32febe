import { describe, it, expect, vi, afterEach } from 'vitest';
import { render, screen, fireEvent, waitFor, cleanup, within } from '@testing-library/svelte';
import type { Introduction } from '../lib/types';

const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();
const connected: Introduction = {
  id: 'c1', kind: 'direct', status: 'connected', message: 'Shall we test your model on our archive?', updated_at: inDays(-1),
  parties: [
    { actor_id: 'me', name: 'Museum of Light', role: 'requester', response: 'accepted', mine: true },
    { actor_id: 'bo', name: 'Seeing Machines', role: 'recipient', response: 'accepted', mine: false, contact: { email: 'hi@seeing.example' } },
  ],
  my_outcomes: [{ stage: '30d', actor_id: 'me', due_at: inDays(29), due: false, answerable: true, answer: null, answered_at: null, answers: ['no_contact', 'talking', 'collaborating', 'agreement'] }],
};
const asked: Introduction = {
  id: 'p1', kind: 'direct', status: 'pending', message: 'We restore films and need speech recognition.', expires_at: inDays(5),
  parties: [
    { actor_id: 'ada', name: 'Ada Films', role: 'requester', response: 'accepted', mine: false },
    { actor_id: 'me', name: 'Museum of Light', role: 'recipient', response: 'pending', mine: true },
  ],
};
const answers: unknown[][] = [];
vi.mock('../lib/session.svelte', () => ({
  api: {
    introductions: async (box: string) => ({ items: box === 'received' ? [asked] : box === 'sent' ? [connected] : [] }),
    actor: async (id: string) => ({ id, name: 'Ada Films', kind: 'cci', org_type: 'sme', country: 'FR', offers: [{ skill: 'film-restoration', level: 4 }], needs: [], bio: 'We restore old films.' }),
    fit: async (a: string, b: string) => ({ actor_id: a, other_id: b, score: 0.7, forward: 0.6, backward: 0.8,
      reasons: [{ code: 'need_met_exact', direction: 'forward', need: 'film-restoration', offer: 'film-restoration', level: 4, message: 'x' },
        { code: 'need_met_exact', direction: 'backward', need: 'speech-recognition', offer: 'speech-recognition', level: 3, message: 'y' }],
      shared: { languages: ['fr'] } }),
    answerOutcome: async (...a: unknown[]) => { answers.push(a); return { ...connected, my_outcomes: [{ ...connected.my_outcomes![0], answer: 'talking', answered_at: new Date().toISOString() }] }; },
  },
  session: { signedIn: true, actors: [{ id: 'me', name: 'Museum of Light', kind: 'cci' }] },
}));

import Introductions from './Introductions.svelte';

describe('introductions', () => {
  afterEach(() => cleanup());

  it('puts the request waiting for my answer first, with its deadline, who asks and why we fit', async () => {
    render(Introductions, { props: {} });
    const headings = (await screen.findAllByRole('heading', { level: 2 })).map((h) => h.textContent ?? '');
    expect(headings[0]).toMatch(/^Waiting for your answer/);
    expect(headings[1]).toMatch(/^Connected/);
    const first = screen.getAllByRole('listitem').find((li) => li.classList.contains('intro'))!;
    expect(within(first).getByText(/^Answer by .* \(in 5 days\)$/)).toBeInTheDocument();
    expect(within(first).getByRole('link', { name: 'Ada Films' })).toHaveAttribute('href', '#/actors/ada');
    await waitFor(() => expect(within(first).getByText('What Ada Films brings you')).toBeInTheDocument());
    expect(within(first).getByRole('button', { name: 'Accept' })).toBeInTheDocument();
  });

  it('lets the requester answer the outcome question of a connected one, and confirms', async () => {
    render(Introductions, { props: {} });
    const card = (await screen.findByRole('link', { name: 'Seeing Machines' })).closest('li')!;
    expect(within(card).getByText('hi@seeing.example')).toBeInTheDocument();
    await fireEvent.click(within(card).getByLabelText('We are talking'));
    await fireEvent.click(within(card).getByRole('button', { name: 'Send answer' }));
    await waitFor(() => expect(within(card).getByText('Thank you, your answer is saved.')).toBeInTheDocument());
    expect(within(card).getByText(/Your answer: We are talking/)).toBeInTheDocument();
    expect(answers).toEqual([['c1', '30d', 'talking']]);
  });
});
