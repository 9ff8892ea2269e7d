// Builds only what is older than its sources, so `npm start` starts the hub, not the compilers: a no-change `tsc`
// or `vite build` still takes seconds, this check takes milliseconds. `npm install` builds once (`prepare`); after a
// pull or an edit the next start, test or bench rebuilds what changed. Two targets: the hub (tsc → dist/) and the
// console and explorer (tsc --noEmit + vite → web/dist/).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TARGETS = [
  {
    name: 'hub',
    stamp: 'dist/.build-stamp',
    inputs: ['src', 'migrations', 'test', 'bench', 'tsconfig.json', 'package.json'],
    steps: [['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']],
  },
  {
    name: 'console',
    stamp: 'web/dist/.build-stamp',
    inputs: ['web/src', 'web/index.html', 'web/explorer.html', 'web/vite.config.ts', 'web/tsconfig.json', 'package.json'],
    steps: [
      ['node_modules/typescript/bin/tsc', '-p', 'web/tsconfig.json'],
      ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
    ],
  },
];

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs; // a deleted or renamed file changes its folder
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

/** Builds each target whose sources are newer than its last build (every target with `force`); returns the names of those it built. */
export function buildIfStale({ quiet = false, force = false } = {}) {
  const rebuilt = [];
  for (const target of TARGETS) {
    const built = existsSync(target.stamp) ? statSync(target.stamp).mtimeMs : 0;
    if (!force && Math.max(...target.inputs.map(newest)) <= built) continue;
    const started = Date.now();
    for (const step of target.steps) execFileSync(process.execPath, step, { stdio: 'inherit' });
    writeFileSync(target.stamp, new Date().toISOString());
    if (!quiet) process.stderr.write(`built ${target.name} in ${Date.now() - started} ms\n`);
    rebuilt.push(target.name);
  }
  return rebuilt;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildIfStale({ quiet: process.argv.includes('--quiet'), force: process.argv.includes('--force') });
