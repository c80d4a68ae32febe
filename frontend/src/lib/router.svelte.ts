// A hash router: works behind any static server and needs no SPA fallback, though the Go server has one.

export interface Route { path: string; parts: string[]; query: URLSearchParams }

// Links in e-mails and notifications are paths (/introductions/ID); the Go server answers them with
// index.html, and here they become the hash route they name.
if (typeof location !== 'undefined' && location.pathname !== '/' && !location.hash) {
  history.replaceState(null, '', '/#' + location.pathname + location.search);
}

function parse(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/';
  const [p, q = ''] = raw.split('?');
  const path = p.startsWith('/') ? p : '/' + p;
  return { path, parts: path.split('/').filter(Boolean), query: new URLSearchParams(q) };
}

class Router {
  route = $state<Route>(parse(typeof location !== 'undefined' ? location.hash : ''));
  /** Set by a screen with unsaved work; returning false keeps the reader where they are. */
  guard: (() => boolean) | null = null;
  private current = typeof location !== 'undefined' ? location.hash : '';
  private reverting = false;

  constructor() {
    if (typeof window === 'undefined') return;
    window.addEventListener('hashchange', () => {
      if (this.reverting) { this.reverting = false; return; }
      if (this.guard && !this.guard()) {
        this.reverting = true;
        location.hash = this.current;
        return;
      }
      this.guard = null;
      this.current = location.hash;
      this.route = parse(location.hash);
      // Move focus to the new screen's heading for screen readers and keyboard users.
      queueMicrotask(() => document.querySelector<HTMLElement>('main h1')?.focus());
    });
  }

  go(path: string) { location.hash = '#' + path; }

  /** Rewrites the address without a new screen (a profile just created gets its id in the URL). */
  replace(path: string) {
    history.replaceState(null, '', '#' + path);
    this.current = location.hash;
  }
}

export const router = new Router();
export const href = (path: string) => '#' + path;
