// Message catalogues and locale-aware formatting. Every user-visible string goes through t().
import en from '../i18n/en.json';
import fr from '../i18n/fr.json';
import de from '../i18n/de.json';

export const LOCALES = ['en', 'fr', 'de'] as const;
export type Locale = (typeof LOCALES)[number];
export const catalogues: Record<Locale, Record<string, string>> = { en, fr, de };
const KEY = 'crossover.locale';

function initial(): Locale {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved && (LOCALES as readonly string[]).includes(saved)) return saved as Locale;
  } catch { /* storage blocked: fall through */ }
  const nav = typeof navigator !== 'undefined' ? navigator.language.slice(0, 2) : 'en';
  return (LOCALES as readonly string[]).includes(nav) ? (nav as Locale) : 'en';
}

class I18n {
  locale = $state<Locale>(initial());

  set(l: Locale) {
    this.locale = l;
    try { localStorage.setItem(KEY, l); } catch { /* private mode */ }
    if (typeof document !== 'undefined') document.documentElement.lang = l;
  }
}

export const i18n = new I18n();
if (typeof document !== 'undefined') document.documentElement.lang = i18n.locale;

/** Translate key, replacing {name} placeholders. Falls back to English, then to the key itself. */
export function t(key: string, params: Record<string, string | number> = {}): string {
  const msg = catalogues[i18n.locale][key] ?? catalogues.en[key] ?? key;
  return msg.replace(/\{(\w+)\}/g, (m, name: string) => {
    const v = params[name];
    if (v === undefined) return m;
    return typeof v === 'number' ? fmtNumber(v) : v;
  });
}

/** t() for keys that may not exist (codes from the server): undefined when missing. */
export function tMaybe(key: string): string | undefined {
  return catalogues[i18n.locale][key] ?? catalogues.en[key];
}

export function fmtNumber(n: number): string {
  return new Intl.NumberFormat(i18n.locale).format(n);
}
export function fmtPercent(x: number): string {
  return new Intl.NumberFormat(i18n.locale, { style: 'percent', maximumFractionDigits: 0 }).format(x);
}
export function fmtDate(s: string | undefined | null): string {
  if (!s) return '';
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return s;
  return new Intl.DateTimeFormat(i18n.locale, { dateStyle: 'medium' }).format(d);
}
export function fmtDateTime(s: string | undefined | null): string {
  if (!s) return '';
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return s;
  return new Intl.DateTimeFormat(i18n.locale, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}
export function fmtMoney(n: number, currency = 'EUR'): string {
  return new Intl.NumberFormat(i18n.locale, { style: 'currency', currency, maximumFractionDigits: 0 }).format(n);
}
/** Country and language names in the reader's language ("NL" → "Pays-Bas"). */
export function countryName(code: string): string {
  try { return new Intl.DisplayNames([i18n.locale], { type: 'region' }).of(code.toUpperCase()) ?? code; } catch { return code; }
}
export function languageName(code: string): string {
  try { return new Intl.DisplayNames([i18n.locale], { type: 'language' }).of(code) ?? code; } catch { return code; }
}
/** "a, b and c" in the reader's language. */
export function fmtList(items: string[]): string {
  try { return new Intl.ListFormat(i18n.locale, { style: 'long', type: 'conjunction' }).format(items); } catch { return items.join(', '); }
}
/** A sector's name in the reader's language; the server's (English) label or the slug where none is known. */
export function sectorName(slug: string, fallback?: string): string {
  return tMaybe(`sector.${slug}`) ?? fallback ?? slug;
}
/** "17 Dec" in the reader's language. */
export function fmtDayMonth(s: string | undefined | null): string {
  if (!s) return '';
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return s;
  return new Intl.DateTimeFormat(i18n.locale, { day: 'numeric', month: 'short' }).format(d);
}
/** "today", "tomorrow", "in 5 days" in the reader's language. */
export function fmtInDays(days: number): string {
  try { return new Intl.RelativeTimeFormat(i18n.locale, { numeric: 'auto' }).format(days, 'day'); } catch { return String(days); }
}
