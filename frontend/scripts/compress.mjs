// After `vite build`: a brotli (.br) and a gzip (.gz) copy of every text file in dist/ worth
// compressing, which the Go server sends to browsers that accept them (api/static.go).
import { readdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';
import { join, dirname, extname } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '../dist');
const TEXT = new Set(['.html', '.js', '.css', '.svg', '.json', '.txt']);
const MIN = 1024; // bytes: smaller files gain nothing worth a second request header

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else yield p;
  }
}

let plain = 0, br = 0, gz = 0, n = 0;
for (const p of files(dist)) {
  if (!TEXT.has(extname(p))) continue;
  const data = readFileSync(p);
  if (data.length < MIN) continue;
  const b = brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } });
  const g = gzipSync(data, { level: 9 });
  writeFileSync(`${p}.br`, b);
  writeFileSync(`${p}.gz`, g);
  plain += data.length; br += b.length; gz += g.length; n++;
}
const kb = (x) => (x / 1000).toFixed(1);
console.log(`compressed ${n} file(s): ${kb(plain)} kB → brotli ${kb(br)} kB, gzip ${kb(gz)} kB`);
