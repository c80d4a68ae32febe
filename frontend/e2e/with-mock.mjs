#!/usr/bin/env node
// Runs the e2e scenario against the in-memory contract mock (e2e/mock-server.mjs) on a free port:
// exercises every screen in a real browser before the Go API has all endpoints. Needs `npm run build` first.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const mock = spawn(process.execPath, [join(here, 'mock-server.mjs'), '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  mock.stdout.once('data', (d) => resolve(String(d).trim()));
  mock.once('exit', (c) => reject(new Error(`mock server exited with ${c}`)));
});
const run = spawn(process.execPath, [join(here, 'run.mjs')], { stdio: 'inherit', env: { E2E_SHOTS_DIR: join(tmpdir(), 'crossover-e2e-mock-shots'), ...process.env, CROSSOVER_URL: url } });
const code = await new Promise((resolve) => run.once('exit', (c) => resolve(c ?? 1)));
mock.kill('SIGTERM');
process.exit(code);
