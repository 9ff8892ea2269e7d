// Builds (tsc) only when a TypeScript source is newer than the last build, so `npm start` starts the hub, not the
// compiler: a no-change `tsc` still takes seconds, this check takes milliseconds. `npm install` builds once
// (`prepare`); after a pull or an edit the next start, test or bench rebuilds.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const STAMP = 'dist/.build-stamp';
const INPUTS = ['src', 'migrations', 'test', 'bench', 'tsconfig.json', 'package.json'];

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs; // a deleted or renamed file changes its folder
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

/** Runs tsc when a source is newer than the last build; returns whether it did. */
export function buildIfStale({ quiet = false } = {}) {
  const built = existsSync(STAMP) ? statSync(STAMP).mtimeMs : 0;
  if (Math.max(...INPUTS.map(newest)) <= built) return false;
  const started = Date.now();
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
  writeFileSync(STAMP, new Date().toISOString());
  if (!quiet) process.stderr.write(`built in ${Date.now() - started} ms\n`);
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildIfStale({ quiet: process.argv.includes('--quiet') });
