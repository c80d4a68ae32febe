// Shared by the browser runs (run.mjs, journeys.mjs): Debian's Chromium through playwright-core (no browser
// download), one browser profile per person, the checks and their tally, axe-core, screenshots.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
export const BASE = (process.env.CROSSOVER_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// E2E_SHOTS_DIR moves them elsewhere (for runs whose pictures should not replace the committed ones).
export const SHOTS = process.env.E2E_SHOTS_DIR || resolve(here, '../../docs/screenshots');
const AXE = require.resolve('axe-core/axe.min.js');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS || 15000);

let passed = 0;
let failed = 0;
const problems = [];
export function check(name, ok, detail = '') {
  if (ok) { passed++; console.log(`  ok   ${name}`); }
  else { failed++; problems.push(`${name}${detail ? ': ' + detail : ''}`); console.log(`  FAIL ${name}${detail ? ' — ' + detail : ''}`); }
}

export async function serverUp() {
  try {
    const res = await fetch(`${BASE}/healthz`, { signal: AbortSignal.timeout(3000) });
    return res.ok;
  } catch { return false; }
}

export async function api(method, path, body, token) {
  const res = await fetch(BASE + path, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json; try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
  return { status: res.status, json, text };
}

// One browser per person, each with a fresh profile directory: no shared storage between people.
const dirs = [];
export async function person(label, viewport = { width: 1280, height: 900 }) {
  const dir = mkdtempSync(join(tmpdir(), `crossover-e2e-${label}-`));
  dirs.push(dir);
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM, headless: true, args: ARGS, viewport, locale: 'en-GB',
    // The server's CSP (rightly) forbids inline scripts; axe-core is injected by the test only.
    bypassCSP: true,
  });
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  page.setDefaultTimeout(TIMEOUT);
  // Dialogs (the unsaved-changes guard) are accepted unless a step asks to stay; each one is recorded.
  const state = { dialogs: [], dismiss: false };
  page.on('dialog', (d) => { state.dialogs.push(d.message()); (state.dismiss ? d.dismiss() : d.accept()).catch(() => {}); });
  page.on('pageerror', (e) => console.log(`  [${label}] page error: ${e.message}`));
  return { ctx, page, label, state };
}

export async function signIn(page, email, password) {
  await go(page, '/signin');
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('main button[type="submit"]');
  await page.waitForURL(/#\/(matches|profile)/);
}

export async function go(page, hash) {
  const url = `${BASE}/#${hash}`;
  // Same URL: goto would do nothing, so reload to see what changed on the server.
  if (page.url() === url) await page.reload(); else await page.goto(url);
  await page.waitForSelector('main h1');
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'), null, { timeout: TIMEOUT }).catch(() => {});
}

const axeSeen = new Set();
export async function axe(page, screen) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
  check(`axe: ${screen} has no serious or critical violation`, result.length === 0, result.join('; '));
  axeSeen.add(screen);
}

// full: false keeps to the viewport (a long list: its top is what a person sees first).
export async function shot(page, name, { full = true } = {}) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: full });
}

export async function setLang(page, lang) {
  await page.selectOption('#lang', lang);
  await page.waitForFunction((l) => document.documentElement.lang === l, lang);
}

// matching: false leaves "Suggest my profile to possible partners" unticked, the default.
export async function signUp(page, { name, email, password, matching = true }) {
  await go(page, '/signup');
  await page.fill('#display_name', name);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.check('#consent_terms');
  if (matching) await page.check('#consent_matching');
  await page.click('button[type="submit"]');
  await page.waitForURL(/#\/(profile|matches)/);
}

// Keyboard only: type, arrow to the wanted option, Enter — the way a keyboard user picks a skill.
export async function chooseSkill(page, inputId, query, slug) {
  const input = page.locator(`#${inputId}`);
  await input.fill(query);
  const want = `${inputId}-opt-${slug}`;
  await page.waitForSelector(`#${want}`, { state: 'attached' });
  for (let i = 0; i < 12; i++) {
    if ((await input.getAttribute('aria-activedescendant')) === want) break;
    await input.press('ArrowDown');
  }
  await input.press('Enter');
}

export async function buildProfile(page, p, { mayFail = false } = {}) {
  await go(page, '/profile/new');
  await page.fill('#name', p.name);
  await page.check(`#kind-${p.kind}`);
  await page.selectOption('#org_type', p.org);
  await page.waitForSelector('[id^="sector-"]');
  for (const s of p.sectors) if (await page.locator(`#sector-${s}`).count()) await page.check(`#sector-${s}`);
  await page.selectOption('#country', p.country);
  await page.fill('#region', p.region);
  for (const l of p.languages) await page.check(`#lang-${l}`);
  for (const [q, slug, level] of p.offers) {
    await chooseSkill(page, 'offer-skill', q, slug);
    if (level) {
      const n = await page.locator('select[id^="offer-"][id$="-level"]').count();
      await page.selectOption(`#offer-${n - 1}-level`, String(level));
    }
  }
  for (const [q, slug] of p.needs) await chooseSkill(page, 'need-skill', q, slug);
  for (const m of p.modes) await page.check(`#mode-${m}`);
  await page.fill('#bio', p.bio);
  await page.fill('#website', p.website);
  await page.fill('#contact-email', p.contact);
  await page.click('.savebar button[type="submit"]');
  await page.waitForSelector('.alert.ok, .alert.error');
  const err = await page.locator('.alert.error').allTextContents();
  if (mayFail && err.length) { console.log(`  note ${p.name}: not saved — ${err.join(' ')}`); return null; }
  check(`${p.name}: profile saved`, err.length === 0, err.join(' '));
  await page.waitForURL(/#\/profile\/[^/]+$/);
  return page.url().split('#/profile/')[1];
}

export async function matchNames(page, tab) {
  await go(page, `/matches?tab=${tab}`);
  await page.waitForSelector('.match, .empty, .alert.error');
  return page.locator('.match h2').allTextContents();
}

/** Says why a run cannot happen here (no server, no Chromium), or null when it can. */
export async function missing() {
  if (!(await serverUp())) return `no server at ${BASE} (GET /healthz did not answer 200); start one with \`crossover serve\` or set CROSSOVER_URL.`;
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM}; install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH).`;
  return null;
}

/** Prints a skipped run's lines when why is not null, and says whether it did. */
export function skipped(why) {
  if (!why) return false;
  console.log(`SKIP: ${why}`);
  console.log('0 passed, 0 failed, 1 skipped');
  return true;
}

/** Runs main, removes the browser profiles, prints the tally and exits (1 on any failure). */
export async function finish(main) {
  let code = 1;
  try {
    code = await main();
  } catch (e) {
    failed++;
    console.log(`  FAIL run stopped: ${e?.message ?? e}`);
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
  if (passed || failed) {
    if (problems.length) console.log('\nProblems:\n- ' + problems.join('\n- '));
    console.log(`e2e: ${passed} passed, ${failed} failed`);
  }
  process.exit(failed ? 1 : code);
}

/** How many checks failed so far. */
export const failures = () => failed;
