import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { ApiTokens, parseDuration } from '../auth/api-tokens.js';
import { ROLES, type Role } from '../auth/roles.js';
import { loadHubConfig } from '../config/load-config.js';
import { openDatabase } from '../db/open-database.js';
import { startEmbeddedPostgres } from '../db/embedded-postgres.js';

const usage = `usage:
  npm run token -- create --role VIEWER|OPERATOR|ADMIN --name NAME [--expires-in 30d]
                                                                    prints a new token once (expiry: s, m, h or d)
  npm run token -- list                                             lists tokens (never the secrets)
  npm run token -- revoke --name NAME                               revokes every token with that name
  npm run token -- --help                                           prints this
Uses DATABASE_URL, or the embedded database (joined if a hub is running on it, else started for the command).`;

/** A mistake on the command line: the message and the usage, exit code 2. */
class UsageError extends Error {}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { role: { type: 'string' }, name: { type: 'string' }, 'expires-in': { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { positionals, values } = parsed;
  if (values.help || positionals[0] === 'help') {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const command = positionals[0];
  if (!command) throw new UsageError('a command is required');
  if (!['create', 'list', 'revoke'].includes(command)) throw new UsageError(`unknown command '${command}'`);
  const { config } = loadHubConfig();
  const embedded = process.env.DATABASE_URL ? null : await startEmbeddedPostgres({ dataDir: config.database.dataDir, join: true });
  const dataSource = await openDatabase({ url: process.env.DATABASE_URL || embedded!.url, poolSize: 2 });
  try {
    const tokens = new ApiTokens(dataSource);
    if (command === 'create') {
      const role = values.role?.toUpperCase() as Role | undefined;
      if (!role || !ROLES.includes(role)) throw new Error(`--role must be one of ${ROLES.join(', ')}\n${usage}`);
      if (!values.name) throw new Error(`--name is required\n${usage}`);
      const expiresInMs = values['expires-in'] === undefined ? null : parseDuration(values['expires-in']);
      if (expiresInMs === null && values['expires-in'] !== undefined) throw new Error(`--expires-in: a duration like 30d, 12h, 45m or 90s\n${usage}`);
      const expiresAt = expiresInMs === null ? null : new Date(Date.now() + expiresInMs);
      const { token } = await tokens.create(values.name, role, expiresAt);
      process.stdout.write(`${token}\n`);
      process.stderr.write(`created ${role} token '${values.name}'${expiresAt ? `, expires ${expiresAt.toISOString()}` : ''}. Store it now: it is not shown again.\n`);
    } else if (command === 'list') {
      for (const t of await tokens.list()) {
        process.stdout.write(`${t.prefix}…  ${t.role.padEnd(8)} ${t.name}  created ${t.createdAt.toISOString()}${t.expiresAt ? `  expires ${t.expiresAt.toISOString()}` : ''}${t.revokedAt ? `  revoked ${t.revokedAt.toISOString()}` : ''}\n`);
      }
    } else {
      if (!values.name) throw new Error(`--name is required\n${usage}`);
      process.stdout.write(`revoked ${await tokens.revokeByName(values.name)} token(s)\n`);
    }
  } finally {
    await dataSource.destroy();
    await embedded?.close();
  }
}

main().catch((error) => {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n${usage}\n`);
    process.exit(2);
  }
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
