#!/usr/bin/env node
// A member's first hour, one journey per persona, against a server started with --demo (CROSSOVER_URL):
// a documentary film-maker (freelancer), a small museum and an AI start-up each sign up in a fresh
// browser, build a profile through the form, find at least three partners of the other side that can
// be asked, open one's profile page, ask for an introduction there; the partner's demo owner sees who
// is asking and why they fit before accepting; both see each other's contact details and answer the
// outcome question. axe-core on every screen (0 serious/critical); screenshots at 1366 and 390 px wide
// go to docs/screenshots/journey-*.png.
import { BASE, TIMEOUT, check, person, go, axe, shot, signUp, signIn, buildProfile, missing, skipped, finish, failures } from './lib.mjs';

const DEMO_PASSWORD = 'crossover-demo-2026';
const WIDE = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };

/** A picture at both widths of the screen as it is now; the page goes back to its width after. */
async function shots(page, name, { full = true } = {}) {
  const was = page.viewportSize();
  for (const [vp, tag] of [[WIDE, '1366'], [PHONE, '390']]) {
    await page.setViewportSize(vp);
    await page.waitForTimeout(150);
    if (tag === '390') {
      const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      check(`${name} at 390 px: nothing runs off the side`, over <= 1, `${over}px too wide`);
      await axe(page, `${name} (390 px)`);
    }
    await shot(page, `journey-${name}-${tag}`, { full });
  }
  await page.setViewportSize(was);
}

// A persona and the demo profile (with its owner's login) that it asks and that accepts.
function personas(run, password) {
  return [
    {
      key: 'freelancer', matching: false, // leaves the matching box unticked: the screens must say so
      name: `Clara Brandt Documentaries ${run}`, email: `clara-${run}@example.org`, password, kind: 'cci', org: 'freelancer',
      sectors: ['film', 'audiovisual'], country: 'AT', region: 'Wien', languages: ['de', 'en'],
      offers: [['documentary', 'documentary-making', 4], ['film editing', 'film-editing', 4], ['audiovisual archiving', 'audiovisual-archiving', 3], ['metadata', 'metadata-cataloguing', 3]],
      needs: [['video analysis', 'video-analysis'], ['speech recognition', 'speech-recognition']], modes: ['co-creation', 'commission'],
      bio: 'Documentary film-maker with 300 hours of interviews in German and English; I want to find every scene where a theme comes up.',
      website: 'https://clara-docs.example.org', contact: `clara-${run}@docs.example.org`,
      counterpart: 'ai', partner: 'Frameworks Vision', partnerLogin: 'frameworks.vision@demo.crossover.eu', partnerContact: 'hi@frameworks.example',
    },
    {
      key: 'museum', matching: true,
      name: `Stadtmuseum Aalen ${run}`, email: `stadtmuseum-${run}@example.org`, password, kind: 'cci', org: 'public_institution',
      sectors: ['museums', 'heritage'], country: 'DE', region: 'Baden-Württemberg', languages: ['de', 'en'],
      offers: [['curation', 'curation', 4], ['collection management', 'collection-management', 4], ['art history', 'art-history', 3], ['provenance', 'provenance-research', 3]],
      needs: [['computer vision', 'computer-vision'], ['handwritten', 'handwritten-text-recognition'], ['image restoration', 'image-restoration']], modes: ['research', 'co-creation'],
      bio: 'A small town museum with 12,000 objects and a box of hand-written inventory books we cannot search yet.',
      website: 'https://stadtmuseum.example.org', contact: `sammlung-${run}@stadtmuseum.example.org`,
      counterpart: 'ai', partner: 'Scriptorium AI', partnerLogin: 'scriptorium.ai@demo.crossover.eu', partnerContact: 'info@scriptorium.example',
    },
    {
      key: 'startup', matching: true,
      name: `Sprachwerk AI ${run}`, email: `sprachwerk-${run}@example.org`, password, kind: 'ai', org: 'startup',
      sectors: ['film', 'radio'], country: 'DE', region: 'Hamburg', languages: ['de', 'en'],
      offers: [['speech recognition', 'speech-recognition', 4], ['machine translation', 'machine-translation', 4], ['natural language', 'natural-language-processing', 3]],
      needs: [['documentary', 'documentary-making'], ['podcast', 'podcast-production'], ['audiovisual archiving', 'audiovisual-archiving']], modes: ['co-creation', 'research'],
      bio: 'Speech and translation models for broadcasters; we need film and audio people to tell us what a useful transcript is.',
      website: 'https://sprachwerk.example.org', contact: `team-${run}@sprachwerk.example.org`,
      counterpart: 'cci', partner: 'Kinokraft Film', partnerLogin: 'kinokraft.film@demo.crossover.eu', partnerContact: 'info@kinokraft.example',
    },
  ];
}

async function journey(p) {
  const P = await person(p.key, WIDE);
  const Q = await person(`${p.key}-partner`, WIDE);
  try {
    // Sign up and build the profile through the form.
    await signUp(P.page, p);
    const id = await buildProfile(P.page, p);
    check(`${p.key}: after saving, the next steps lead to the matches`, (await P.page.locator('.next-steps a', { hasText: 'See your matches' }).count()) === 1);
    if (!p.matching) {
      const banner = P.page.locator('.notice', { hasText: 'Matching is paused' });
      check(`${p.key}: the profile screen says matching is paused`, (await banner.count()) === 1);
      await axe(P.page, `${p.key}: profile (matching paused)`);
      await banner.getByRole('button', { name: 'Turn matching on' }).click();
      await banner.waitFor({ state: 'detached' });
      check(`${p.key}: one click turns matching on`, (await P.page.locator('.notice', { hasText: 'Matching is paused' }).count()) === 0);
    }

    // Matches: at least three partners of the other side, each one a profile that can be asked.
    await P.page.locator('.next-steps a', { hasText: 'See your matches' }).click();
    await P.page.waitForSelector('.match');
    await go(P.page, `/matches?tab=${p.counterpart}`);
    await P.page.waitForSelector('.match');
    const names = await P.page.locator('.match h2').allTextContents();
    check(`${p.key}: at least 3 ${p.counterpart} partners fit both ways`, names.length >= 3, names.join(' | '));
    check(`${p.key}: ${p.partner} is among them`, names.some((n) => n.includes(p.partner)), names.join(' | '));
    await axe(P.page, `${p.key}: matches`);
    await shots(P.page, `${p.key}-matches`, { full: false });

    // Their profile page, from the match card: who they are and why we fit, never their contact.
    await P.page.locator('.match h2 a', { hasText: p.partner }).click();
    await P.page.waitForURL(/#\/actors\//);
    await P.page.waitForSelector('main h1');
    await P.page.getByText(`Why you and ${p.partner} fit`).waitFor();
    const brings = P.page.getByText(`What ${p.partner} brings you`).first();
    await brings.waitFor({ timeout: TIMEOUT }).catch(() => {}); // the reasons arrive after the profile
    check(`${p.key}: the profile page says why we fit`, (await brings.count()) > 0);
    check(`${p.key}: no contact details before a connection`, !(await P.page.content()).includes(p.partnerContact));
    await axe(P.page, `${p.key}: profile page`);
    await shots(P.page, `${p.key}-profile-page`);
    await P.page.getByRole('button', { name: 'Request introduction' }).click();
    await P.page.locator('form.ask textarea').fill(`Hello from ${p.name}: your work fits what we need, and we think we can help you too. Could we talk next week?`);
    await P.page.getByRole('button', { name: 'Send request' }).click();
    await P.page.locator('[role="status"]', { hasText: /requested|sent/i }).first().waitFor();
    check(`${p.key}: the request is sent from the profile page`, true);

    // The partner's owner: the request first, with who asks and why they fit, then accept.
    await signIn(Q.page, p.partnerLogin, DEMO_PASSWORD);
    await go(Q.page, '/introductions');
    const card = Q.page.locator('#sec-answer').locator('..').locator('.intro', { hasText: p.name }).first();
    await card.waitFor();
    const text = await card.innerText();
    check(`${p.partner}: the request waits first, with its expiry`, /Answer by/i.test(text), text.slice(0, 200));
    check(`${p.partner}: sees who asks and why they fit before answering`, text.includes(p.name) && /brings you|you bring|they bring/i.test(text), text.slice(0, 400));
    check(`${p.partner}: no contact details before accepting`, !(await Q.page.content()).includes(p.contact));
    await axe(Q.page, `${p.key}: partner's introductions (request)`);
    await shots(Q.page, `${p.key}-request-received`);
    await card.getByRole('button', { name: 'Accept' }).click();
    await Q.page.getByText(p.contact).first().waitFor({ timeout: TIMEOUT });
    check(`${p.partner}: sees ${p.key}'s contact once connected`, (await Q.page.content()).includes(p.contact));

    // Both sides: the contact, and the outcome question answered with a confirmation.
    await go(P.page, '/introductions');
    const mine = P.page.locator('.intro', { hasText: p.partner }).first();
    await mine.getByText(p.partnerContact).first().waitFor({ timeout: TIMEOUT });
    check(`${p.key}: sees ${p.partner}'s contact once connected`, (await P.page.content()).includes(p.partnerContact));
    for (const [who, page, c] of [[p.key, P.page, mine], [p.partner, Q.page, Q.page.locator('.intro', { hasText: p.name }).first()]]) {
      if (who === p.partner) await go(page, '/introductions');
      const form = c.locator('form.outcome').first();
      await form.waitFor();
      await form.locator('input[type="radio"]').nth(1).check();
      await form.locator('button[type="submit"]').click();
      await c.getByText('Thank you').first().waitFor();
      check(`${who}: answered the outcome question, with a confirmation`, (await c.locator('.outcome-answer').count()) > 0);
    }
    await axe(P.page, `${p.key}: introductions (connected, outcome answered)`);
    await shots(P.page, `${p.key}-connected`);
    const again = await fetch(`${BASE}/api/v1/actors/${id}`, { headers: {} });
    check(`${p.key}: profiles are not public without signing in`, again.status === 401, `status ${again.status}`);
  } catch (e) {
    for (const x of [P, Q]) await x.page.screenshot({ path: `/tmp/crossover-journey-fail-${x.label}.png`, fullPage: true }).catch(() => {});
    console.log(`  (screenshots of the failure: /tmp/crossover-journey-fail-${p.key}*.png)`);
    throw e;
  } finally {
    await Promise.all([P, Q].map((x) => x.ctx.close().catch(() => {})));
  }
}

// Every screen at phone width, signed out, as a member and as a broker: axe, and nothing wider than the screen.
async function phoneSweep() {
  const screens = [
    ['-', ['/', '/signin', '/signup', '/funding', '/directory', '/observatory']],
    ['museum@demo.crossover.eu', ['/matches', '/matches?tab=cci', '/introductions', '/profile', '/funding', '/searches', '/account']],
    ['broker@demo.crossover.eu', ['/broker', '/cohorts', '/matches?tab=intermediary']],
  ];
  for (const [login, hashes] of screens) {
    const X = await person(`phone-${login.split('@')[0]}`, PHONE);
    try {
      if (login !== '-') await signIn(X.page, login, DEMO_PASSWORD);
      for (const h of hashes) {
        await go(X.page, h);
        await X.page.waitForTimeout(300);
        const over = await X.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        check(`390 px ${h} (${login === '-' ? 'signed out' : login.split('@')[0]}): nothing runs off the side`, over <= 1, `${over}px too wide`);
        await axe(X.page, `${h} at 390 px (${login === '-' ? 'signed out' : login.split('@')[0]})`);
      }
    } finally { await X.ctx.close().catch(() => {}); }
  }
}

async function main() {
  if (skipped(await missing())) return 0;
  const login = await fetch(`${BASE}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'museum@demo.crossover.eu', password: DEMO_PASSWORD }) });
  if (skipped(login.status === 200 ? null : `the server at ${BASE} has no demo data (start it with --demo)`)) return 0;
  console.log(`first-hour journeys against ${BASE}`);
  const run = Date.now().toString(36);
  for (const p of personas(run, `Crossover-journey-${run}-long`)) {
    console.log(`- ${p.key}`);
    await journey(p);
  }
  console.log('- every screen at 390 px');
  await phoneSweep();
  return failures() ? 1 : 0;
}

await finish(main);
