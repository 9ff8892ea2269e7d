import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { ApiTokens } from './auth/api-tokens.js';
import type { HubConfig } from './config/hub-config.js';
import { plannedSandboxes, resolveConfiguredSources } from './config/resolve-sources.js';
import { sourceSettingsSchema } from './config/source-settings.js';
import { openDatabase } from './db/open-database.js';
import { EnrichmentEngine } from './enrichment/enrichment-engine.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './db/embedded-postgres.js';
import { EventLog } from './events/event-log.js';
import { EventTailer } from './events/event-tailer.js';
import { hubJobs } from './jobs/index.js';
import type { JobDefinition } from './jobs/job-definition.js';
import { JobRunner } from './jobs/job-runner.js';
import { logger } from './observability/logger.js';
import type { RunningSandbox } from './sandbox/kit/index.js';
import { buildGraphSchema } from './server/graph-schema.js';
import { refuseStaleSandboxData } from './db/stale-sandbox-data.js';
import { startHttpServer, type RunningHttpServer } from './server/http-server.js';
import { flows } from './flows/index.js';
import { CloseService } from './services/close-service.js';
import type { HubServices } from './services/hub-services.js';
import { SourcePauses } from './services/source-pauses.js';
import { SourceRegistry } from './services/source-registry.js';
import { sourceHealthChanged } from './services/source-health-event.js';
import { manifestFor } from './sources/index.js';
import { warnTlsVerificationOff } from './sources/http/tls-notice.js';
import type { SourceConfig } from './sources/source-config.js';

export interface HubOptions {
  config: HubConfig;
  /** A PostgreSQL server; without it, the embedded PostgreSQL in config.database.dataDir. */
  databaseUrl?: string;
  /** Embedded database folder override (tests). */
  embeddedDataDir?: string;
  /** Jobs in addition to the hub's own (tests use this to exercise the scheduler). */
  extraJobs?: (hub: Omit<HubServices, 'jobs'>) => JobDefinition[];
  /**
   * Refuse to start sandboxes on a database holding an earlier run's sandbox data (`npm start`; see
   * db/stale-sandbox-data.ts). Off by default: tests start sandboxes on databases they prepared.
   */
  refuseStaleSandboxData?: boolean;
  /**
   * Create a development ADMIN token for this run. Default: only when every source is a sandbox and the hub
   * listens on loopback (see developmentTokenAllowed). It is revoked at shutdown, and at the next start if the run crashed.
   */
  developmentToken?: boolean;
}

export interface RunningHub {
  services: HubServices;
  http: RunningHttpServer;
  sandboxes: Map<string, RunningSandbox>;
  database: { url: string; embedded: EmbeddedPostgres | null };
  developmentToken: string | null;
  stop(): Promise<void>;
}

/** Starts a hub: database and migrations, sandboxes, sources, event stream, jobs, GraphQL server. */
export async function startHub(options: HubOptions): Promise<RunningHub> {
  const { config } = options;
  const started = Date.now();
  const cleanup: Array<{ name: string; stop: () => Promise<void> }> = [];
  const onStop = (name: string, stop: () => Promise<void>) => cleanup.push({ name, stop });
  const stopAll = async () => {
    for (const step of cleanup.reverse()) {
      logger.debug({ step: step.name }, 'stopping');
      await step.stop().catch((error) => logger.warn({ err: error, step: step.name }, 'shutdown step failed'));
    }
    cleanup.length = 0;
  };
  try {
    let embedded: EmbeddedPostgres | null = null;
    let databaseUrl = options.databaseUrl;
    if (!databaseUrl) {
      embedded = await startEmbeddedPostgres({ dataDir: options.embeddedDataDir ?? config.database.dataDir });
      onStop('embedded database', () => embedded!.close());
      databaseUrl = embedded.url;
    }
    const dataSource: DataSource = await openDatabase({ url: databaseUrl, poolSize: config.database.poolSize });
    onStop('database pool', () => dataSource.destroy());

    const configured = config.sandboxes === 'all' ? [] : resolveConfiguredSources(config);
    if (options.refuseStaleSandboxData && plannedSandboxes(config, configured).length > 0) {
      await refuseStaleSandboxData(dataSource, embedded ? `the data folder (${embedded.location})` : 'the database');
    }
    const sandboxes = new Map<string, RunningSandbox>();
    const sandboxSources: SourceConfig[] = [];
    const planned = plannedSandboxes(config, configured);
    // Sandbox mode only: the simulators are loaded on demand, so a production run never loads their code.
    const simulators = planned.length > 0 ? await import('./sandbox/registry.js') : null;
    for (const plan of planned) {
      const manifest = manifestFor(plan.vendor)!;
      const { sandbox, tls } = await simulators!.startVendorSandbox(plan.vendor);
      onStop(`sandbox ${plan.name}`, () => sandbox.close());
      sandboxes.set(plan.name, sandbox);
      sandboxSources.push({
        name: plan.name,
        vendor: plan.vendor,
        baseUrl: sandbox.apiUrl,
        enabled: true,
        sandbox: true,
        tlsVerify: !tls,
        pollIntervalSeconds: manifest.defaultPollIntervalSeconds,
        timeoutMs: 30_000,
        credentials: sandbox.credentials,
        settings: sourceSettingsSchema(plan.vendor).parse({}),
      });
    }

    const events = new EventLog(dataSource);
    const pauses = new SourcePauses(dataSource, databaseUrl);
    await pauses.start();
    onStop('source pauses', () => pauses.stop());
    const sources = new SourceRegistry(dataSource, (source, state, previous) => {
      void events.publish(sourceHealthChanged(source, state, previous))
        .catch((error) => logger.warn({ err: error, source: source.config.name }, 'could not publish a health change'));
    }, pauses);
    await sources.register([...configured, ...sandboxSources]);
    warnTlsVerificationOff([...configured, ...sandboxSources]);

    const tailer = new EventTailer(events, databaseUrl);
    await tailer.start();
    onStop('event tailer', () => tailer.stop());

    const tokens = new ApiTokens(dataSource);
    const enrichment = new EnrichmentEngine({ dataSource, sources, events });
    const closes = new CloseService({ dataSource, sources, events }, flows.flatMap((flow) => flow.closeFollowUps ?? []));
    const partial: Omit<HubServices, 'jobs'> = { config, dataSource, events, tailer, tokens, sources, enrichment, closes };
    const definitions = [...hubJobs(partial), ...(options.extraJobs?.(partial) ?? [])];
    const jobs = new JobRunner(databaseUrl, dataSource, events, definitions, config.jobs, sources);
    const services: HubServices = { ...partial, jobs };
    await jobs.start();
    onStop('jobs', () => jobs.stop());

    const schema = await buildGraphSchema();
    let developmentToken: string | null = null;
    // The console and the explorer pre-fill it for a browser on this machine (see server/web-console.ts).
    const http = await startHttpServer(services, schema, { developmentToken: () => developmentToken });
    onStop('HTTP server', () => http.close());
    // Runs first (steps stop in reverse): stop taking jobs before draining HTTP, so a `runJob` waiting on a run answers at once.
    onStop('job intake', async () => jobs.quiesce());

    // A development token left by a run that crashed works no more, whatever this run does.
    await tokens.revokeByName(DEVELOPMENT_TOKEN_NAME);
    if (options.developmentToken ?? developmentTokenAllowed(config, configured, sandboxSources)) {
      developmentToken = (await tokens.create(DEVELOPMENT_TOKEN_NAME, 'ADMIN')).token;
      // Runs before the HTTP server drains (steps stop in reverse), while the database is still open.
      onStop('development token', async () => {
        await tokens.revokeByName(DEVELOPMENT_TOKEN_NAME);
      });
    }

    logger.info({ graphql: http.url, database: embedded ? `embedded (${embedded.location})` : redactUrl(databaseUrl), startupMs: Date.now() - started }, 'socgraph is up');
    return {
      services,
      http,
      sandboxes,
      database: { url: databaseUrl, embedded },
      developmentToken,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** The name of the ADMIN token a sandbox run creates for itself. */
export const DEVELOPMENT_TOKEN_NAME = 'development';

/**
 * Whether a run may create a development ADMIN token: only when no real vendor is configured (every source is a
 * sandbox, and there is one) and the hub listens on loopback only, so nobody but this machine's users can use it.
 */
export function developmentTokenAllowed(config: HubConfig, configured: SourceConfig[], sandboxSources: SourceConfig[]): boolean {
  return configured.length === 0 && sandboxSources.length > 0 && isLoopbackHost(config.server.host);
}

/** `127.0.0.0/8`, `::1` or `localhost`: reachable from this machine only. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare) || /^::ffff:127(\.\d{1,3}){3}$/.test(bare);
}

/** A database URL without its password, for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable database URL)';
  }
}
