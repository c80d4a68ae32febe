// Per-actor lists kept in this browser until the API offers them ("save", "not interested").
export function getList(name: string, actorId: string): string[] {
  try { return JSON.parse(localStorage.getItem(`crossover.${name}.${actorId}`) ?? '[]'); } catch { return []; }
}
export function setList(name: string, actorId: string, ids: string[]) {
  try { localStorage.setItem(`crossover.${name}.${actorId}`, JSON.stringify(ids)); } catch { /* private mode */ }
}
