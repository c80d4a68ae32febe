// After `vite build`: the gzipped size of the JavaScript that index.html loads, against the 150 KB budget.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '../dist');
const BUDGET = 150_000; // bytes, kB as vite prints them
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const scripts = [...html.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="([^"]+\.js)"/g)].map((m) => m[1]);
let total = 0;
for (const src of scripts) total += gzipSync(readFileSync(join(dist, src.replace(/^\//, '')))).length;
const kb = (n) => (n / 1000).toFixed(2);
console.log(`initial JS: ${kb(total)} kB gzipped in ${scripts.length} file(s) (budget ${kb(BUDGET)} kB)`);
if (!scripts.length || total > BUDGET) {
  console.error(scripts.length ? 'over budget' : 'no script found in dist/index.html');
  process.exit(1);
}
