// Small wording helpers for showing someone's public profile.
import type { Actor } from './types';

/** A skill slug as words ("computer-vision" → "computer vision"); the same rendering as the match reasons. */
export const skillName = (slug: string) => slug.replace(/-/g, ' ');

/** A profile's first words, cut at a word boundary. */
export function excerpt(text: string | undefined, max = 200): string {
  const s = (text ?? '').trim();
  if (s.length <= max) return s;
  const cut = s.slice(0, max);
  const sp = cut.lastIndexOf(' ');
  return (sp > max * 0.6 ? cut.slice(0, sp) : cut).replace(/[\s,;:.]+$/, '') + '…';
}

/** A directory entry nobody manages yet: shown as "not on Crossover yet", to be claimed rather than contacted. */
export const unclaimed = (a: Pick<Actor, 'owner_id'>) => !a.owner_id;
