import { describe, it, expect, vi, afterEach } from 'vitest';
import { render, screen, fireEvent, waitFor, cleanup } from '@testing-library/svelte';
import { ApiError } from '../lib/api';

const calls: unknown[][] = [];
let fail: Error | null = null;
vi.mock('../lib/session.svelte', () => ({
  api: {
    giveFeedback: async (...a: unknown[]) => { calls.push(['give', ...a]); if (fail) throw fail; return {}; },
    dropFeedback: async (...a: unknown[]) => { calls.push(['drop', ...a]); },
  },
}));

import NotInterested from './NotInterested.svelte';

describe('not interested', () => {
  afterEach(() => { cleanup(); calls.length = 0; fail = null; });

  it('asks an optional reason, then offers to undo', async () => {
    const changes: boolean[] = [];
    render(NotInterested, { props: { actorId: 'me', target: { id: 't', name: 'Seeing Machines' }, onchange: (h: boolean) => changes.push(h) } });
    await fireEvent.click(screen.getByRole('button', { name: 'Not interested' }));
    await fireEvent.input(screen.getByLabelText('Why not Seeing Machines? (optional, only you see it)'), { target: { value: ' Too far away ' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Hide from my matches' }));
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Seeing Machines will no longer be suggested to you.'));
    expect(calls).toEqual([['give', 'me', 't', 'not_interested', 'Too far away']]);
    await fireEvent.click(screen.getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Not interested' })).toBeInTheDocument());
    expect(calls[1]).toEqual(['drop', 'me', 't', 'not_interested']);
    expect(changes).toEqual([true, false]);
  });

  it('shows a refused reason at its field and keeps it', async () => {
    fail = new ApiError(422, 'validation_failed', 'Some fields are not valid.', { reason: 'must be at most 500 characters' });
    render(NotInterested, { props: { actorId: 'me', target: { id: 't', name: 'Seeing Machines' } } });
    await fireEvent.click(screen.getByRole('button', { name: 'Not interested' }));
    const box = screen.getByLabelText('Why not Seeing Machines? (optional, only you see it)');
    await fireEvent.input(box, { target: { value: 'long' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Hide from my matches' }));
    // The server's words, said in the reader's language (lib/errors.ts).
    await waitFor(() => expect(screen.getByText('At most 500 characters.')).toBeInTheDocument());
    expect(box).toHaveValue('long');
    expect(box).toHaveAttribute('aria-invalid', 'true');
  });
});
