import { describe, it, expect } from 'vitest';
import { router } from './router.svelte';

const nextHashChange = () => new Promise<void>((r) => window.addEventListener('hashchange', () => r(), { once: true }));
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('router', () => {
  it('parses path, parts and query from the hash', async () => {
    const done = nextHashChange();
    router.go('/matches?tab=ai');
    await done; await settle();
    expect(router.route.path).toBe('/matches');
    expect(router.route.parts).toEqual(['matches']);
    expect(router.route.query.get('tab')).toBe('ai');
  });

  it('keeps the reader on the page when the guard says no', async () => {
    let d = nextHashChange();
    router.go('/profile/1');
    await d; await settle();
    router.guard = () => false;
    d = nextHashChange();
    location.hash = '#/matches';
    await d; await settle(); await settle();
    expect(location.hash).toBe('#/profile/1');
    expect(router.route.path).toBe('/profile/1');
    router.guard = () => true;
    d = nextHashChange();
    location.hash = '#/matches';
    await d; await settle();
    expect(router.route.path).toBe('/matches');
    expect(router.guard).toBeNull();
  });

  it('replace() changes the address without a new route', async () => {
    const before = router.route;
    router.replace('/profile/abc');
    expect(location.hash).toBe('#/profile/abc');
    expect(router.route).toBe(before);
  });
});
