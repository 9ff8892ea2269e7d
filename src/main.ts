import 'reflect-metadata';
import { ConfigError, loadHubConfig } from './config/load-config.js';
import { StaleSandboxDataError } from './db/stale-sandbox-data.js';
import { startHub } from './hub.js';
import { logger } from './observability/logger.js';

/** `npm start`: the hub on the embedded database and sandboxes unless configured otherwise. */
async function main(): Promise<void> {
  const { config, origin } = loadHubConfig();
  const hub = await startHub({ config, databaseUrl: process.env.DATABASE_URL || undefined, refuseStaleSandboxData: true });
  const lines = [
    `socgraph ready`,
    `  GraphQL (HTTP + graphql-ws): ${hub.http.url}`,
    `  console: ${hub.http.url.replace(/\/graphql$/, '/')}   explorer: ${hub.http.url} (in a browser)`,
    `  database: ${hub.database.embedded ? `embedded PGlite at ${hub.database.embedded.location}` : 'PostgreSQL from DATABASE_URL'}`,
    `  config: ${origin ?? '(none: every vendor on its sandbox)'}`,
    ...[...hub.sandboxes.entries()].map(([name, s]) => `  sandbox ${name}: ${s.apiUrl} (control: ${s.origin}/__sandbox/)`),
    ...(hub.developmentToken ? [`  development ADMIN token (this run only): ${hub.developmentToken}`] : []),
  ];
  process.stdout.write(lines.join('\n') + '\n');
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await hub.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error) => {
  if (error instanceof ConfigError || error instanceof StaleSandboxDataError) {
    process.stderr.write(`socgraph: ${error.message}\n`);
  } else {
    logger.fatal({ err: error }, 'socgraph failed to start');
    process.stderr.write(`socgraph failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
