import './production-mode.js';
import 'reflect-metadata';
import { ConfigError, loadHubConfig } from './config/load-config.js';
import { EmbeddedPostgresError } from './db/postgres-binaries.js';
import { redactUrl, startHub } from './hub.js';
import { logger } from './observability/logger.js';

/** `npm start`: the hub on the embedded database and sandboxes unless configured otherwise. */
async function main(): Promise<void> {
  const { config, origin } = loadHubConfig();
  // Signals are taken from the start: one arriving while the hub starts (or the instant its ready lines are out)
  // stops it in order once started, instead of killing the process and leaving its PostgreSQL behind.
  let hub: Awaited<ReturnType<typeof startHub>> | null = null;
  let stopSignal: string | null = null;
  const shutdown = async (signal: string) => {
    if (stopSignal) return;
    stopSignal = signal;
    if (!hub) return; // stopped right after start-up
    logger.info({ signal }, 'shutting down');
    await hub.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  hub = await startHub({ config, databaseUrl: process.env.DATABASE_URL || undefined });
  if (stopSignal) {
    logger.info({ signal: stopSignal }, 'shutting down');
    await hub.stop();
    process.exit(0);
  }
  const lines = [
    `socgraph ready`,
    `  GraphQL (HTTP + graphql-ws): ${hub.http.url}`,
    ...databaseLines(hub.database),
    `  config: ${origin ?? '(none: every vendor on its sandbox)'}`,
    ...[...hub.sandboxes.entries()].map(([name, s]) => `  sandbox ${name}: ${s.apiUrl} (control: ${s.origin}/__sandbox/)`),
    ...(hub.developmentToken ? [`  development ADMIN token (this run only): ${hub.developmentToken}`] : []),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error) => {
  if (error instanceof ConfigError || error instanceof EmbeddedPostgresError) {
    process.stderr.write(`socgraph: ${error.message}\n`);
  } else {
    logger.fatal({ err: error }, 'socgraph failed to start');
    process.stderr.write(`socgraph failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});

/**
 * The embedded database's lines: where it lives, and how a second replica or psql reaches it. The URL is printed
 * without its password; the full one is in a mode-0600 file, so it never lands in a terminal log or a CI
 * transcript, and whoever can read it could read the data folder anyway.
 */
function databaseLines(database: Awaited<ReturnType<typeof startHub>>['database']): string[] {
  const { embedded } = database;
  if (!embedded) return ['  database: PostgreSQL from DATABASE_URL'];
  return [
    `  database: embedded PostgreSQL at ${embedded.location}${embedded.started ? '' : ' (adopted: left running by a hub that was stopped abruptly)'}`,
    `  database URL: ${redactUrl(embedded.url)} (password in ${embedded.urlFile})`,
    `  second replica or psql: DATABASE_URL="$(cat ${embedded.urlFile})" npm start   |   psql "$(cat ${embedded.urlFile})"`,
  ];
}
