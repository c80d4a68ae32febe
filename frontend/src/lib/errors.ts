// Turns anything thrown by the API client into words for the reader.
import { ApiError, NetworkError } from './api';
import { t, tMaybe } from './i18n.svelte';

export interface Shown { message: string; fields: Record<string, string> }

export function explain(e: unknown): Shown {
  if (e instanceof NetworkError) return { message: t('error.network'), fields: {} };
  if (e instanceof ApiError) {
    const known = tMaybe(`error.code.${e.code}`);
    let message = known ?? (e.message || tMaybe(`error.status.${e.status}`) || t('error.unknown'));
    if (e.status === 429 && e.retryAfter) message += ' ' + t('error.retry_after', { s: e.retryAfter });
    return { message, fields: e.fields };
  }
  return { message: t('error.unknown'), fields: {} };
}
