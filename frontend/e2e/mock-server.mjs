#!/usr/bin/env node
// A small in-memory stand-in for the Crossover API, written from shared/CONTRACT.md, so the UI and its
// e2e scenario can be exercised before (or without) the Go server. Not the real thing: matching here is a
// plain skill overlap. It serves ../dist with an SPA fallback, like the Go server does.
//   node e2e/mock-server.mjs [port]      (0 = any free port; the URL is printed on stdout)
import { createServer } from 'node:http';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { join, dirname, extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes, randomUUID } from 'node:crypto';

const here = dirname(fileURLToPath(import.meta.url));
const DIST = resolve(here, '../dist');
const SEEDS = resolve(here, '../../seeds/data');

// Reference data: the project's seed files when present, else a few built-in rows.
function loadSkills() {
  const f = join(SEEDS, 'skills.csv');
  if (!existsSync(f)) {
    return [
      { slug: 'computer-vision', label: 'Computer vision', domain: 'ai', parent: '', alt_labels: ['CV', 'image analysis'] },
      { slug: 'heritage-museums-archives', label: 'Heritage, museums and archives', domain: 'cci', parent: '', alt_labels: ['cultural heritage', 'GLAM'] },
      { slug: 'curation', label: 'Curation', domain: 'cci', parent: 'heritage-museums-archives', alt_labels: ['curating'] },
      { slug: 'image-segmentation', label: 'Image segmentation', domain: 'ai', parent: 'computer-vision', alt_labels: [] },
    ];
  }
  const rows = readFileSync(f, 'utf8').trim().split('\n').slice(1);
  return rows.map((line) => {
    const cells = []; let cur = ''; let q = false;
    for (const ch of line) {
      if (ch === '"') q = !q; else if (ch === ',' && !q) { cells.push(cur); cur = ''; } else cur += ch;
    }
    cells.push(cur);
    const [slug, label, domain, parent, esco_uri, alt] = cells;
    return { slug, label, domain, parent, esco_uri, alt_labels: alt ? alt.split('|') : [] };
  });
}
function loadJSON(name, key, fallback) {
  const f = join(SEEDS, name);
  if (!existsSync(f)) return fallback;
  try { return JSON.parse(readFileSync(f, 'utf8'))[key] ?? fallback; } catch { return fallback; }
}
const SKILLS = loadSkills();
const SKILL = new Map(SKILLS.map((s) => [s.slug, s]));
const SECTORS = loadJSON('sectors.json', 'sectors', [{ slug: 'heritage', label: 'Cultural heritage' }, { slug: 'music', label: 'Music' }])
  .map((s) => ({ slug: s.slug, label: s.label, nace: s.nace }));
const INSTRUMENTS = loadJSON('instruments.json', 'instruments', []).map((i) => ({
  id: i.slug, name: i.name, managing_body: i.managing_body, type: i.type, amount_min: i.amount_min_eur ?? undefined,
  amount_max: i.amount_max_eur ?? undefined, currency: 'EUR', deadline: i.deadline ?? null, status: i.status,
  url: i.source_url ?? i.url, summary: i.amount_note, sectors: i.sectors_focus ?? [], consortium: !!i.eligibility?.consortium,
}));

// State.
const users = new Map(); // id → {id,email,password,display_name,role,matching_paused}
const access = new Map(); // token → user id
const refresh = new Map(); // token → {uid, spent}
const actors = new Map();
const intros = new Map();
const notes = [];

const now = () => new Date().toISOString();
const token = () => randomBytes(24).toString('base64url');
const err = (status, code, message, fields) => ({ status, body: { error: { code, message, ...(fields ? { fields } : {}) } } });
const ok = (body, status = 200) => ({ status, body });
const viewUser = (u) => ({ id: u.id, email: u.email, display_name: u.display_name, role: u.role, matching_paused: u.matching_paused, created_at: u.created_at });
function issue(u, status = 200) {
  const a = token(); const r = token();
  access.set(a, u.id); refresh.set(r, { uid: u.id, spent: false });
  return ok({ user: viewUser(u), access_token: a, refresh_token: r, token_type: 'Bearer', expires_in: 900 }, status);
}
function connected(a, b) {
  for (const i of intros.values()) if (i.status === 'connected' && i.parties.includes(a) && i.parties.includes(b)) return true;
  return false;
}
function canSeeContact(u, a) {
  if (!u) return false;
  if (a.owner_id === u.id || u.role === 'admin') return true;
  const mine = [...actors.values()].filter((x) => x.owner_id === u.id).map((x) => x.id);
  return mine.some((m) => connected(m, a.id));
}
function completeness(a) {
  const checks = [[a.offers.length > 0, 20, 'offers'], [a.needs.length > 0, 20, 'needs'], [a.sectors.length > 0, 10, 'sectors'],
    [[...(a.bio ?? '')].length >= 80, 15, 'bio'], [a.languages.length > 0, 10, 'languages'], [a.collaboration_modes.length > 0, 10, 'collaboration_modes'],
    [!!a.contact?.email, 5, 'contact.email'], [!!a.website, 5, 'website'], [!!a.region, 5, 'region']];
  return { percent: checks.reduce((s, [k, w]) => s + (k ? w : 0), 0), missing: checks.filter(([k]) => !k).map(([, , m]) => m) };
}
function view(u, a) {
  const { contact, ...pub } = a;
  const v = { ...pub, stale: false };
  if (canSeeContact(u, a)) v.contact = contact;
  if (u && a.owner_id === u.id) v.completeness = completeness(a);
  return v;
}
const FIELDS = ['kind', 'name', 'org_type', 'sectors', 'country', 'region', 'languages', 'offers', 'needs', 'collaboration_modes', 'remote', 'available', 'capacity', 'bio', 'website', 'contact'];
function validate(a) {
  const f = {};
  if (!a.name?.trim()) f.name = 'is required';
  if (!['cci', 'ai', 'intermediary'].includes(a.kind)) f.kind = 'must be cci, ai or intermediary';
  if (a.country && !/^[A-Z]{2}$/.test(a.country)) f.country = 'must be an ISO 3166-1 alpha-2 code';
  (a.offers ?? []).forEach((o, i) => {
    if (!SKILL.has(o.skill)) f[`offers[${i}].skill`] = 'is not a known skill';
    if (!(o.level >= 1 && o.level <= 4)) f[`offers[${i}].level`] = 'must be 1 to 4';
  });
  (a.needs ?? []).forEach((n, i) => {
    if (!SKILL.has(n.skill)) f[`needs[${i}].skill`] = 'is not a known skill';
    if (!['must', 'nice'].includes(n.importance)) f[`needs[${i}].importance`] = 'must be must or nice';
  });
  if (a.website && !/^https?:\/\//.test(a.website)) f.website = 'must start with http:// or https://';
  if ((a.bio ?? '').length > 5000) f.bio = 'must be at most 5,000 characters';
  return Object.keys(f).length ? err(422, 'validation_failed', 'Some fields are not valid.', f) : null;
}
// Does an offer of `o` meet a need for `n`? Same skill, or the offer sits below the need in the tree.
function meets(o, n) {
  for (let s = o; s; s = SKILL.get(s)?.parent) if (s === n) return true;
  return false;
}
function side(from, to, direction) {
  const reasons = []; let got = 0; let want = 0;
  for (const n of from.needs) {
    const w = n.importance === 'must' ? 2 : 1; want += w;
    const o = to.offers.find((x) => meets(x.skill, n.skill));
    if (o) {
      got += w * (0.5 + o.level / 8);
      const lbl = SKILL.get(n.skill)?.label ?? n.skill;
      reasons.push(direction === 'forward'
        ? { code: 'they_offer_your_need', direction: 'they_bring', skill: n.skill, message: `${lbl}: they offer it at level ${o.level}, and you need it` }
        : { code: 'you_offer_their_need', direction: 'you_bring', skill: n.skill, message: `${lbl}: you offer it at level ${o.level}, and they need it` });
    }
  }
  return { score: want ? Math.min(1, got / want) : 0, reasons };
}
function matches(me, kind, limit) {
  const out = [];
  for (const a of actors.values()) {
    if (a.owner_id === me.owner_id || (kind && a.kind !== kind) || !a.available) continue;
    if (users.get(a.owner_id)?.matching_paused) continue;
    const f = side(me, a, 'forward'); const b = side(a, me, 'backward');
    const score = Math.sqrt(f.score * Math.max(b.score, 0.25));
    if (score <= 0) continue;
    const shared = a.languages.filter((l) => me.languages.includes(l));
    const reasons = [...f.reasons, ...b.reasons];
    if (shared.length) reasons.push({ code: 'shared_languages', message: `You share ${shared.join(', ')}` });
    out.push({ actor: view(null, a), score, forward: f.score, backward: b.score, reasons });
  }
  return out.sort((x, y) => y.score - x.score).slice(0, limit);
}
function notify(actorId, message, link = '') {
  const a = actors.get(actorId); if (!a) return;
  notes.push({ id: randomUUID(), user_id: a.owner_id, title: message, link, read: false, created_at: now() });
}
// The same party view as the Go API: names for everyone, contact of the other side only once connected.
function introView(u, i) {
  const mineIds = new Set([...actors.values()].filter((a) => a.owner_id === u.id).map((a) => a.id));
  const { accepted, parties, declineReason, declineNote, ...rest } = i;
  const b = i.broker_actor_id ? actors.get(i.broker_actor_id) : undefined;
  return {
    ...rest,
    actor_ids: parties,
    parties: parties.map((id) => {
      const a = actors.get(id);
      const mine = mineIds.has(id);
      return { actor_id: id, name: a?.name ?? 'deleted member', kind: a?.kind, country: a?.country,
        role: id === i.from_actor_id ? 'requester' : 'recipient', mine,
        response: accepted.includes(id) ? 'accepted' : i.status === 'declined' && i.declinedBy === id ? 'declined' : 'pending',
        ...(i.status === 'connected' && !mine && a ? { contact: a.contact } : {}) };
    }),
    ...(b ? { broker: { actor_id: b.id, name: b.name, mine: mineIds.has(b.id) } } : {}),
    ...(i.status === 'declined' ? { decline: { reason: declineReason, note: declineNote, label: declineReason } } : {}),
  };
}

async function handle(method, path, q, body, auth) {
  const uid = auth ? access.get(auth) : undefined;
  const u = uid ? users.get(uid) : undefined;
  const p = path.split('/').filter(Boolean).slice(2); // after /api/v1
  const need = () => (u ? null : err(401, 'unauthenticated', 'Sign in first.'));

  if (method === 'GET' && path === '/api/v1/info') return ok({ name: 'crossover', version: 'mock' });
  if (method === 'GET' && path === '/api/v1/stats/overview') {
    const byKind = { cci: 0, ai: 0, intermediary: 0 };
    for (const a of actors.values()) byKind[a.kind]++;
    return ok({ actors_by_kind: byKind, sectors: SECTORS.length, countries: new Set([...actors.values()].map((a) => a.country)).size,
      skills: SKILLS.length, connected_introductions: [...intros.values()].filter((i) => i.status === 'connected').length });
  }
  if (method === 'GET' && path === '/api/v1/skills') {
    const s = (q.get('q') ?? '').toLowerCase().trim(); const lim = Math.min(Number(q.get('limit') ?? 10), 50);
    const scored = SKILLS.map((k) => {
      const names = [k.label, ...k.alt_labels, k.slug.replace(/-/g, ' ')].map((x) => x.toLowerCase());
      const rank = names.some((n) => n.startsWith(s)) ? 0 : names.some((n) => n.includes(s)) ? 1 : 2;
      return { k, rank };
    }).filter((x) => x.rank < 2 || !s).sort((a, b) => a.rank - b.rank || a.k.label.localeCompare(b.k.label));
    return ok({ items: scored.slice(0, lim).map((x) => x.k) });
  }
  if (method === 'GET' && path === '/api/v1/sectors') return ok({ items: SECTORS });

  if (p[0] === 'auth') {
    if (method === 'POST' && p[1] === 'register') {
      const f = {};
      const email = String(body?.email ?? '').trim().toLowerCase();
      if (!/^[^@\s]+@[^@\s]+$/.test(email)) f.email = 'must be an e-mail address';
      const pw = [...String(body?.password ?? '')].length;
      if (pw < 10 || pw > 256) f.password = 'must have 10 to 256 characters';
      else if (/^(password|1234567890)/i.test(body.password)) f.password = 'is too common';
      if (!String(body?.display_name ?? '').trim()) f.display_name = 'is required';
      if (body?.accept_terms !== true) f.accept_terms = 'must be accepted';
      if (Object.keys(f).length) return err(422, 'validation_failed', 'Some fields are not valid.', f);
      if ([...users.values()].some((x) => x.email === email)) return err(409, 'conflict', 'An account with this e-mail already exists.');
      const nu = { id: randomUUID(), email, password: body.password, display_name: body.display_name.trim(), role: 'member', matching_paused: false, created_at: now() };
      users.set(nu.id, nu);
      return issue(nu, 201);
    }
    if (method === 'POST' && p[1] === 'login') {
      const x = [...users.values()].find((y) => y.email === String(body?.email ?? '').trim().toLowerCase());
      if (!x || x.password !== body?.password) return err(401, 'invalid_credentials', 'The e-mail or the password is wrong.');
      return issue(x);
    }
    if (method === 'POST' && p[1] === 'refresh') {
      const r = refresh.get(body?.refresh_token);
      if (!r || r.spent) return err(401, 'invalid_refresh_token', 'This refresh token is not valid: sign in again.');
      r.spent = true;
      return issue(users.get(r.uid));
    }
    if (method === 'POST' && p[1] === 'logout') { if (body?.refresh_token) refresh.delete(body.refresh_token); return ok(undefined, 204); }
  }

  const denied = need(); if (denied) return denied;

  if (p[0] === 'me') {
    if (!p[1] && method === 'GET') return ok({ user: viewUser(u), consents: [] });
    if (!p[1] && method === 'PATCH') { if (typeof body?.matching_paused === 'boolean') u.matching_paused = body.matching_paused; return ok(viewUser(u)); }
    if (!p[1] && method === 'DELETE') {
      for (const a of [...actors.values()]) if (a.owner_id === u.id) actors.delete(a.id);
      users.delete(u.id); return ok(undefined, 204);
    }
    if (p[1] === 'export') return ok({ user: viewUser(u), actors: [...actors.values()].filter((a) => a.owner_id === u.id), introductions: [...intros.values()] });
  }

  if (p[0] === 'actors') {
    if (!p[1] && method === 'POST') {
      const a = { kind: 'cci', sectors: [], languages: [], offers: [], needs: [], collaboration_modes: [], remote: false, available: true, capacity: 3, bio: '', website: '', region: '', country: '', contact: {} };
      for (const k of FIELDS) if (body?.[k] !== undefined) a[k] = body[k];
      const bad = validate(a); if (bad) return bad;
      Object.assign(a, { id: randomUUID(), owner_id: u.id, version: 1, created_at: now(), updated_at: now() });
      actors.set(a.id, a);
      return ok(view(u, a), 201);
    }
    if (!p[1] && method === 'GET') {
      let list = [...actors.values()];
      if (q.get('owner') === 'me') list = list.filter((a) => a.owner_id === u.id);
      for (const k of ['kind', 'country']) if (q.get(k)) list = list.filter((a) => a[k] === q.get(k));
      if (q.get('sector')) list = list.filter((a) => a.sectors.includes(q.get('sector')));
      if (q.get('q')) { const s = q.get('q').toLowerCase(); list = list.filter((a) => (a.name + ' ' + a.bio).toLowerCase().includes(s)); }
      return ok({ items: list.slice(0, Number(q.get('limit') ?? 20)).map((a) => view(u, a)), next_cursor: null });
    }
    const a = actors.get(p[1]);
    if (!a) return err(404, 'not_found', 'No such profile.');
    if (!p[2] && method === 'GET') return ok(view(u, a));
    if (!p[2] && method === 'PATCH') {
      if (a.owner_id !== u.id) return err(403, 'forbidden', 'Only the owner of this profile may change it.');
      const version = body?.version ?? Number(auth && 0);
      if (version !== a.version) return err(409, 'conflict', `This profile changed since version ${version}; it is now at version ${a.version}.`);
      const next = { ...a }; for (const k of FIELDS) if (body?.[k] !== undefined) next[k] = body[k];
      const bad = validate(next); if (bad) return bad;
      Object.assign(a, next, { version: a.version + 1, updated_at: now() });
      return ok(view(u, a));
    }
    if (!p[2] && method === 'DELETE') { if (a.owner_id !== u.id) return err(403, 'forbidden', 'Not yours.'); actors.delete(a.id); return ok(undefined, 204); }
    if (p[2] === 'matches') {
      if (a.owner_id !== u.id) return err(403, 'forbidden', 'Only the owner sees these matches.');
      return ok({ items: matches(a, q.get('kind'), Number(q.get('limit') ?? 20)) });
    }
    if (p[2] === 'feedback') {
      if (a.owner_id !== u.id) return err(403, 'forbidden', 'Only the owner gives feedback on its matches.');
      a.feedback ??= [];
      if (method === 'GET') return ok({ items: a.feedback });
      if (method === 'POST') {
        if (!['not_interested', 'met_before', 'saved'].includes(body?.verdict)) return err(422, 'validation_failed', 'Some fields are not valid.', { verdict: 'must be not_interested, met_before or saved' });
        const f = { id: randomUUID(), actor_id: a.id, target_id: body.target_id, verdict: body.verdict, created_at: now() };
        a.feedback = a.feedback.filter((x) => !(x.target_id === f.target_id && x.verdict === f.verdict)).concat(f);
        return ok(f, 201);
      }
      if (method === 'DELETE') { a.feedback = a.feedback.filter((x) => !(x.target_id === p[3] && (!q.get('verdict') || x.verdict === q.get('verdict')))); return ok(undefined, 204); }
    }
    if (p[2] === 'funding') {
      return ok({ items: INSTRUMENTS.slice(0, 6).map((i, n) => ({ instrument: i, score: 0.9 - n * 0.1,
        eligibility: i.consortium ? 'with_partners' : 'eligible', reasons: [{ code: 'sector', message: 'Your sectors are in its focus' }],
        missing: i.consortium ? ['Partners from two more countries'] : [] })) });
    }
  }
  if (p[0] === 'funding') {
    if (!p[1]) return ok({ items: INSTRUMENTS });
    if (p[2] === 'consortium') return ok({ items: [{ members: [...actors.values()].slice(0, 3).map((a) => ({ name: a.name })), coverage: 0.8, gaps: ['an audiovisual partner'] }] });
    const i = INSTRUMENTS.find((x) => x.id === p[1]); return i ? ok(i) : err(404, 'not_found', 'No such instrument.');
  }

  if (p[0] === 'introductions') {
    const mine = new Set([...actors.values()].filter((a) => a.owner_id === u.id).map((a) => a.id));
    if (!p[1] && method === 'POST') {
      const msg = String(body?.message ?? '');
      if (msg.length < 20 || msg.length > 2000) return err(422, 'validation_failed', 'Some fields are not valid.', { message: 'must have 20 to 2,000 characters' });
      let i;
      if (body?.broker_actor_id) {
        if (!mine.has(body.broker_actor_id)) return err(403, 'forbidden', 'You do not own that intermediary.');
        i = { broker_actor_id: body.broker_actor_id, actor_ids: body.actor_ids, parties: [...body.actor_ids], accepted: [] };
      } else {
        if (!mine.has(body?.from_actor_id)) return err(403, 'forbidden', 'You do not own that profile.');
        if (!actors.has(body?.to_actor_id)) return err(404, 'not_found', 'No such profile.');
        i = { from_actor_id: body.from_actor_id, to_actor_id: body.to_actor_id, parties: [body.from_actor_id, body.to_actor_id], accepted: [body.from_actor_id] };
      }
      Object.assign(i, { id: randomUUID(), message: msg, status: 'pending', created_at: now(), updated_at: now(), events: [{ status: 'pending', at: now() }] });
      intros.set(i.id, i);
      for (const a of i.parties) if (!i.accepted.includes(a)) notify(a, 'Someone would like to meet you.', `/introductions/${i.id}`);
      return ok(introView(u, i), 201);
    }
    if (!p[1] && method === 'GET') {
      const box = q.get('box') ?? 'received';
      const list = [...intros.values()].filter((i) => box === 'brokered' ? mine.has(i.broker_actor_id)
        : box === 'sent' ? mine.has(i.from_actor_id)
        : i.parties.some((x) => mine.has(x) && x !== i.from_actor_id));
      return ok({ items: list.map((i) => introView(u, i)), next_cursor: null });
    }
    const i = intros.get(p[1]);
    if (!i || !(i.parties.some((x) => mine.has(x)) || mine.has(i.broker_actor_id))) return err(404, 'not_found', 'No such introduction.');
    if (!p[2]) return ok(introView(u, i));
    if (i.status !== 'pending') return err(409, 'conflict', `This introduction is ${i.status}.`);
    const who = i.parties.find((x) => mine.has(x) && !i.accepted.includes(x));
    if (p[2] === 'accept') {
      if (!who) return err(409, 'conflict', 'You have nothing to accept here.');
      i.accepted.push(who);
      if (i.parties.every((x) => i.accepted.includes(x))) { i.status = 'connected'; for (const a of i.parties) notify(a, 'You are connected: contact details are now visible.', `/introductions/${i.id}`); }
    } else if (p[2] === 'decline') {
      if (!who) return err(409, 'conflict', 'You have nothing to decline here.');
      if (body?.reason && !['not_relevant', 'no_capacity', 'timing', 'other'].includes(body.reason)) {
        return err(422, 'validation_failed', 'Some fields are not valid.', { reason: 'must be one of not_relevant, no_capacity, timing, other' });
      }
      i.status = 'declined'; i.declinedBy = who; i.declineReason = String(body?.reason ?? 'other'); i.declineNote = String(body?.note ?? '');
    } else if (p[2] === 'withdraw') {
      if (!mine.has(i.from_actor_id) && !mine.has(i.broker_actor_id)) return err(403, 'forbidden', 'Only the sender may withdraw.');
      i.status = 'withdrawn';
    }
    i.updated_at = now(); i.events.push({ status: i.status === 'pending' ? 'accepted' : i.status, actor_id: who, at: now() });
    return ok(introView(u, i));
  }

  if (p[0] === 'brokerage' && p[1] === 'dashboard') {
    const mine = [...intros.values()].filter((i) => i.broker_actor_id === q.get('actor'));
    const by = (st) => mine.filter((i) => i.status === st).length;
    return ok({ actor_id: q.get('actor'), name: actors.get(q.get('actor'))?.name, figures: { proposed: mine.length, pending: by('pending'),
      connected: by('connected'), declined: by('declined'), withdrawn: by('withdrawn'), expired: by('expired'), successful: 0, outcomes: {} } });
  }
  if (p[0] === 'notifications') {
    if (p[1] === 'read-all') { for (const n of notes) if (n.user_id === u.id) n.read = true; return ok(undefined, 204); }
    if (!p[1]) { const mine = notes.filter((n) => n.user_id === u.id); return ok({ items: [...mine].reverse(), unread: mine.filter((n) => !n.read).length }); }
    const n = notes.find((x) => x.id === p[1] && x.user_id === u.id);
    if (n && p[2] === 'read') { n.read = true; return ok(undefined, 204); }
  }
  return err(404, 'not_found', 'No such endpoint.');
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json', '.png': 'image/png' };
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  res.setHeader('Content-Security-Policy', CSP);
  if (url.pathname === '/healthz') { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end('{"status":"ok"}'); return; }
  if (url.pathname.startsWith('/api/')) {
    let raw = ''; for await (const c of req) raw += c;
    let body; try { body = raw ? JSON.parse(raw) : undefined; } catch { body = undefined; }
    const auth = (req.headers.authorization ?? '').replace(/^Bearer /, '') || undefined;
    let r;
    try { r = await handle(req.method, url.pathname, url.searchParams, body, auth); } catch (e) { r = err(500, 'internal', 'Something went wrong.'); console.error(e); }
    res.writeHead(r.status, r.body === undefined ? {} : { 'Content-Type': 'application/json' });
    res.end(r.body === undefined ? undefined : JSON.stringify(r.body));
    return;
  }
  // Static files with an SPA fallback: unknown paths get index.html, never for /api.
  let file = join(DIST, decodeURIComponent(url.pathname));
  if (!file.startsWith(DIST) || !existsSync(file) || statSync(file).isDirectory()) file = join(DIST, 'index.html');
  if (!existsSync(file)) { res.writeHead(503); res.end('Run `npm run build` first.'); return; }
  res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': file.endsWith('index.html') ? 'no-cache' : 'max-age=31536000, immutable' });
  res.end(readFileSync(file));
});
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  console.log(`http://127.0.0.1:${server.address().port}`);
});
