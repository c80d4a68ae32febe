// Turns anything thrown by the API client into words for the reader.
import { ApiError, NetworkError } from './api';
import { i18n, t, tMaybe } from './i18n.svelte';

const SPECIFIC = new Set(['forbidden', 'conflict', 'not_available', 'at_capacity', 'already_open', 'too_many_pending', 'recently_declined']);

export interface Shown { message: string; fields: Record<string, string> }

export function explain(e: unknown): Shown {
  if (e instanceof NetworkError) return { message: t('error.network'), fields: {} };
  if (e instanceof ApiError) {
    // In English the server's own sentence is kept where it names who or when (the codes below);
    // other languages get the code's sentence, never English.
    const known = i18n.locale === 'en' && SPECIFIC.has(e.code) && e.message ? undefined : tMaybe(`error.code.${e.code}`);
    let message = known ?? (e.message || tMaybe(`error.status.${e.status}`) || t('error.unknown'));
    if (e.status === 429 && e.retryAfter) message += ' ' + t('error.retry_after', { s: e.retryAfter });
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(e.fields ?? {})) fields[k] = fieldMessage(v);
    return { message, fields };
  }
  return { message: t('error.unknown'), fields: {} };
}

// The server names the field and says what is wrong in English; the messages a person meets in the
// first forms are said here in the reader's language, the rest shown as the server wrote them.
const FIELD_MESSAGES: [RegExp, string, (m: RegExpMatchArray) => Record<string, string | number>][] = [
  [/^is required$/, 'error.field.required', () => ({})],
  [/^must be an ISO 3166-1 alpha-2 code/, 'error.field.country', () => ({})],
  [/^must be an ISO 639-1 code/, 'error.field.language', () => ({})],
  [/^must list at least one language$/, 'error.field.languages_required', () => ({})],
  [/^is listed twice$/, 'error.field.twice', () => ({})],
  [/^is not a skill of the taxonomy$/, 'error.field.skill', () => ({})],
  [/^is not a known sector$/, 'error.field.sector', () => ({})],
  [/^must be one of /, 'error.field.choose', () => ({})],
  [/^must be (\d+) to (\d+) characters$/, 'error.field.length', (m) => ({ min: m[1], max: m[2] })],
  [/^must be at most (\d+) characters( long)?$/, 'error.field.max_length', (m) => ({ max: m[1] })],
  [/^must be at least (\d+) characters long$/, 'error.field.min_length', (m) => ({ min: m[1] })],
  [/^must be from (\d+) to (\d+)$/, 'error.field.range', (m) => ({ min: m[1], max: m[2] })],
  [/^must be an http:\/\/ or https:\/\/ address$/, 'error.field.url', () => ({})],
  [/^must be (a valid )?an? e-mail address$/, 'error.field.email', () => ({})],
  [/^is already registered$/, 'error.field.email_taken', () => ({})],
  [/^is one of the most common passwords/, 'error.field.common_password', () => ({})],
  [/^must be accepted to create an account$/, 'error.field.terms', () => ({})],
  [/^is not your current password$/, 'error.field.current_password', () => ({})],
];

export function fieldMessage(server: string): string {
  for (const [re, key, params] of FIELD_MESSAGES) {
    const m = server.match(re);
    if (m) return tMaybe(key) ? t(key, params(m)) : server;
  }
  return server;
}
