import { describe, it, expect, vi, beforeEach, afterEach } from 'vitest';
import { render, screen, fireEvent, waitFor, cleanup } from '@testing-library/svelte';
import { ApiError, NetworkError } from '../lib/api';

// A plain recorder, not vi.fn(): here vitest 3 reported a vi.fn's rejected result as the test's own error,
// although the component catches it.
const calls: unknown[][] = [];
let outcome: () => Promise<unknown> = async () => ({});
const register = {
  reset() { calls.length = 0; outcome = async () => ({}); },
  fail(e: Error) { outcome = () => Promise.reject(e); },
};
vi.mock('../lib/session.svelte', () => ({
  api: { register: (...a: unknown[]) => { calls.push(a); return outcome(); }, login: async () => ({}) },
  loadMyActors: vi.fn(async () => {}),
  session: { actors: [] },
}));

import Auth from './Auth.svelte';

async function fill() {
  await fireEvent.input(screen.getByLabelText('Your name'), { target: { value: 'Ada' } });
  await fireEvent.input(screen.getByLabelText('Email'), { target: { value: 'ada@example.org' } });
  await fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'a-long-enough-password' } });
  await fireEvent.click(screen.getByLabelText('I accept the terms of use and the privacy notice.'));
}

describe('sign up', () => {
  beforeEach(() => register.reset());
  afterEach(() => cleanup());

  it('checks locally first: rules and consent, at the field', async () => {
    render(Auth, { props: { mode: 'signup' } });
    await fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'short' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByText('The password must have 10 to 256 characters.')).toBeInTheDocument();
    expect(screen.getByText('Please accept the terms to create an account.')).toBeInTheDocument();
    expect(screen.getByLabelText('Password')).toHaveAttribute('aria-invalid', 'true');
    expect(calls).toEqual([]);
  });

  it('shows the API field errors next to their fields, in words', async () => {
    register.fail(new ApiError(422, 'validation_failed', 'Some fields are not valid.', { password: 'is too common' }));
    render(Auth, { props: { mode: 'signup' } });
    await fill();
    await fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
    await waitFor(() => expect(screen.getByText('is too common')).toBeInTheDocument());
    expect(screen.getByLabelText('Password')).toHaveAttribute('aria-describedby', expect.stringContaining('password-err'));
    expect(document.body.textContent).not.toContain('{"error"');
    expect(calls).toEqual([['ada@example.org', 'a-long-enough-password', 'Ada', { terms: true, matching: false }]]);
  });

  it('keeps what was typed when the network fails', async () => {
    register.fail(new NetworkError(new TypeError('offline')));
    render(Auth, { props: { mode: 'signup' } });
    await fill();
    await fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('could not reach Crossover'));
    expect(screen.getByLabelText('Your name')).toHaveValue('Ada');
    expect(screen.getByLabelText('Email')).toHaveValue('ada@example.org');
    expect(screen.getByLabelText('Password')).toHaveValue('a-long-enough-password');
    expect(screen.getByLabelText('I accept the terms of use and the privacy notice.')).toBeChecked();
  });
});
