import { describe, it, expect } from 'vitest';
import { explain } from './errors';
import { ApiError, NetworkError } from './api';
import { i18n } from './i18n.svelte';

describe('explain', () => {
  it('translates known codes and keeps the fields', () => {
    i18n.set('fr');
    const s = explain(new ApiError(401, 'invalid_credentials', 'The e-mail or the password is wrong.'));
    expect(s.message).toBe('L’adresse e-mail ou le mot de passe est incorrect.');
    i18n.set('en');
  });
  it('falls back to the server message, then to the status', () => {
    expect(explain(new ApiError(409, 'conflict', 'This profile changed.')).message).toBe('This profile changed.');
    expect(explain(new ApiError(502, 'http_502', '')).message).toBe('The server is not reachable right now.');
    expect(explain(new ApiError(418, 'http_418', '')).message).toBe('Something went wrong. Please try again.');
  });
  it('adds the wait on 429', () => {
    expect(explain(new ApiError(429, 'too_many', '', {}, 30)).message).toContain('30 seconds');
  });
  it('says a network failure keeps the input', () => {
    expect(explain(new NetworkError()).message).toContain('what you typed is still here');
  });
  it('says field problems in the reader\'s language, keeping what it does not know', () => {
    i18n.set('de');
    const s = explain(new ApiError(422, 'validation_failed', 'Some fields are not valid.', {
      country: 'must be an ISO 3166-1 alpha-2 code such as NL', name: 'must be 1 to 200 characters', 'offers[0].skill': 'is not a skill of the taxonomy',
      focus: 'a rule this client never heard of',
    }));
    expect(s.fields.country).toBe('Wählen Sie ein Land aus der Liste.');
    expect(s.fields.name).toBe('Bitte 1 bis 200 Zeichen.');
    expect(s.fields['offers[0].skill']).toBe('Wählen Sie eine Fähigkeit aus den Vorschlägen.');
    expect(s.fields.focus).toBe('a rule this client never heard of');
    i18n.set('fr');
    expect(explain(new ApiError(422, 'validation_failed', '', { password: 'must be at least 10 characters long' })).fields.password)
      .toBe('Au moins 10 caractères.');
    i18n.set('en');
  });
  it('never shows the server\'s English in French or German; keeps its specifics in English', () => {
    const e = new ApiError(422, 'at_capacity', 'Sonarai Labs is at capacity (5 open or recent introductions): we saved them to your list so that you can ask later.');
    expect(explain(e).message).toContain('Sonarai Labs');
    i18n.set('de');
    expect(explain(e).message).toBe('Dieser Partner hat gerade so viele offene Vermittlungen, wie er annehmen kann: Wir haben ihn in Ihrer Merkliste behalten, damit Sie später fragen können.');
    expect(explain(new ApiError(403, 'forbidden', 'Only the owner of this profile may change it.')).message).toBe('Das dürfen Sie mit diesem Profil nicht tun.');
    i18n.set('en');
  });
});
