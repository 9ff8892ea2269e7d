import './production-mode.js';
import 'reflect-metadata';
import { ConfigError, loadHubConfig } from './config/load-config.js';
import { EmbeddedPostgresError } from './db/postgres-binaries.js';
import { StaleSandboxDataError } from './db/stale-sandbox-data.js';
import { isLoopbackHost, redactUrl, startHub } from './hub.js';
import { logger } from './observability/logger.js';

const usage = `usage: npm start   (node dist/src/main.js)
Starts the hub. Every vendor runs on a local sandbox unless HUB_CONFIG names a config file.
Environment:
  HUB_CONFIG=FILE      the config file (YAML or JSON); see README "Configuration"
  PORT=N, HOST=ADDR    where to listen (default 4000 on 127.0.0.1; override server.port / server.host)
  DATABASE_URL=URL     a PostgreSQL server instead of the embedded database
  LOG_LEVEL=LEVEL      pino level (default info)`;

/** `npm start`: the hub on the embedded database and sandboxes unless configured otherwise. */
async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(`${usage}\n`);
    return;
  }
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
  try {
    hub = await startHub({ config, databaseUrl: process.env.DATABASE_URL || undefined, refuseStaleSandboxData: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new ConfigError(`port ${config.server.port} on ${config.server.host} is in use: stop what holds it, or pick another port (PORT=${config.server.port + 1} npm start, or server.port in HUB_CONFIG)`);
    }
    throw error;
  }
  if (stopSignal) {
    logger.info({ signal: stopSignal }, 'shutting down');
    await hub.stop();
    process.exit(0);
  }
  const lines = [
    `socgraph ready`,
    `  GraphQL (HTTP + graphql-ws): ${hub.http.url}`,
    `  console: ${hub.http.url.replace(/\/graphql$/, '/')}   explorer: ${hub.http.url} (in a browser)`,
    ...databaseLines(hub.database),
    `  config: ${origin ?? '(none: every vendor on its sandbox)'}`,
    ...[...hub.sandboxes.entries()].map(([name, s]) => `  sandbox ${name}: ${s.apiUrl} (control: ${s.origin}/__sandbox/)`),
    ...(hub.developmentToken ? [`  development ADMIN token (this run only): ${hub.developmentToken}`] : []),
    ...(!hub.developmentToken && hub.sandboxes.size > 0
      ? [`  no development token: ${isLoopbackHost(config.server.host) ? 'real sources are configured' : `the hub listens on ${config.server.host}, not loopback`} (npm run token -- create --role ADMIN --name NAME)`]
      : []),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error) => {
  if (error instanceof ConfigError || error instanceof EmbeddedPostgresError || error instanceof StaleSandboxDataError) {
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
