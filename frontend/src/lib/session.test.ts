import { describe, it, expect } from 'vitest';
import { session } from './session.svelte';

describe('session across tabs', () => {
  it('keeps the refresh token out of memory-only storage and follows another tab', () => {
    session.set({ access_token: 'a1', refresh_token: 'r1', expires_in: 900 });
    expect(localStorage.getItem('crossover.refresh')).toBe('r1');
    expect(session.access).toBe('a1');

    // Another tab rotated the token: use the new one, or the next refresh here would reuse a spent token.
    window.dispatchEvent(new StorageEvent('storage', { key: 'crossover.refresh', newValue: 'r2' }));
    expect(session.refresh).toBe('r2');

    // Another tab signed out: so does this one.
    window.dispatchEvent(new StorageEvent('storage', { key: 'crossover.refresh', newValue: null }));
    expect(session.refresh).toBeNull();
    expect(session.access).toBeNull();
  });

  it('never stores the access token', () => {
    session.set({ access_token: 'secret-access', refresh_token: 'r3', expires_in: 900 });
    const all = Object.keys(localStorage).map((k) => localStorage.getItem(k)).join(' ') +
      Object.keys(sessionStorage).map((k) => sessionStorage.getItem(k)).join(' ');
    expect(all).not.toContain('secret-access');
    session.clear();
  });
});
