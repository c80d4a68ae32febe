// The reader's-language wording of match reasons (lib/reasons.ts) outside the matches list: the profile
// page and the introductions use the same words as Matches.
import { t, i18n, countryName, languageName, fmtList, sectorName } from './i18n.svelte';
import type { Wording } from './reasons';

export const wording: Wording = {
  t, skill: (slug) => slug.replace(/-/g, ' '), sector: (slug) => sectorName(slug), language: languageName,
  country: countryName,
  // Mode names run inside a sentence: lower case, except in German where they are nouns.
  mode: (m) => (i18n.locale === 'de' ? t(`mode.${m}`) : t(`mode.${m}`).toLocaleLowerCase(i18n.locale)), list: fmtList,
};
