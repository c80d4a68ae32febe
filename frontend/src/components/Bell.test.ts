import { describe, it, expect, vi, afterEach } from 'vitest';
import { render, screen, fireEvent, waitFor, cleanup } from '@testing-library/svelte';

const calls: string[] = [];
let unread = 2;
vi.mock('../lib/session.svelte', () => ({
  api: {
    notifications: async () => {
      calls.push('list');
      return { items: [
        { id: 'n1', title: 'Ada asks to meet you', link: '/introductions/i1', read: unread < 2 ? true : false, read_at: null, created_at: '2026-12-01T10:00:00Z' },
        { id: 'n2', title: 'Bo accepted', read: unread < 1 ? true : false, read_at: null, created_at: '2026-12-01T09:00:00Z' },
      ], unread };
    },
    // The list is read again while the mark is on its way: the old count must not come back.
    markAllRead: async () => { calls.push('mark-all'); await new Promise((r) => setTimeout(r, 20)); unread = 0; },
    markRead: async () => { calls.push('mark'); },
  },
  session: { signedIn: true },
}));

import Bell from './Bell.svelte';

describe('bell', () => {
  afterEach(() => cleanup());

  it('clears the count when opened, and it stays cleared', async () => {
    render(Bell);
    const button = await screen.findByRole('button', { name: 'Notifications, 2 unread' });
    await fireEvent.click(button);
    expect(screen.getByRole('button', { name: 'Notifications, 0 unread' })).toBeInTheDocument();
    expect(screen.getByText('Ada asks to meet you')).toBeInTheDocument();
    await waitFor(() => expect(calls).toContain('mark-all'));
    await waitFor(() => expect(calls.filter((c) => c === 'list').length).toBeGreaterThanOrEqual(2));
    expect(screen.getByRole('button', { name: 'Notifications, 0 unread' })).toBeInTheDocument();
    expect(document.querySelector('.badge')).toBeNull();
  });
});
