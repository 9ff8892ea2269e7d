import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EmbeddedPostgresError } from './postgres-binaries.js';

/** What the embedded database's `socgraph-credentials.json` (mode 0600, in the data folder) holds. */
export interface EmbeddedCredentials {
  /** The hub's role: owns its database and may create others (a test run's), not a superuser. */
  user: string;
  password: string;
  database: string;
  /** The superuser `postgres`'s password: not used by the hub, kept for maintenance by whoever can read this file. */
  superuserPassword: string;
  /** The loopback port of the last start, reused while it is free so a second replica's URL stays valid. */
  port?: number;
}

export function newCredentials(): EmbeddedCredentials {
  const secret = () => randomBytes(24).toString('base64url');
  return { user: 'socgraph', password: secret(), database: 'socgraph', superuserPassword: secret() };
}

export function embeddedCredentials(dataDir: string): EmbeddedCredentials {
  const file = join(dataDir, 'socgraph-credentials.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new EmbeddedPostgresError(`${dataDir} holds a PostgreSQL cluster that socgraph did not create (no ${file}; an earlier PGlite folder, say): move it away or delete it, or set DATABASE_URL`);
  }
  if ((statSync(file).mode & 0o077) !== 0) throw new EmbeddedPostgresError(`${file} is readable by other users: chmod 600 it`);
  return JSON.parse(text) as EmbeddedCredentials;
}

/** Writes a secret file with mode 0600 in one step (written aside, then renamed over the old one). */
export function writeCredentials(file: string, text: string): void {
  const aside = `${file}.${process.pid}.tmp`;
  writeFileSync(aside, text, { mode: 0o600 });
  renameSync(aside, file);
}
