import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { authorizeOperation, type Principal } from '../auth/authorize-operation.js';
import { createContext, type GraphContext } from '../resolvers/context.js';
import type { HubServices } from '../services/hub-services.js';
import { logger } from '../observability/logger.js';
import { compiledReadsPlugin } from '../reads/compiled-reads-plugin.js';
import { stringifyResult } from '../reads/raw-json.js';
import { graphqlRequests } from '../observability/metrics.js';
import { formatError } from './format-error.js';
import { startGraphqlWs } from './graphql-ws-server.js';
import { FairAdmission } from './fair-admission.js';
import { admitFairly, httpErrorHandler, refuseBatches, requestDeadline, requireJson, requireToken, screenGraphqlRequest } from './http-guards.js';
import { metricsEndpoint } from './metrics-endpoint.js';
import { limitRules } from './validation-rules.js';
import { mountWebConsole, type WebConsoleOptions } from './web-console.js';

const releaseAdmission = Symbol('releaseAdmission');

export interface RunningHttpServer {
  url: string;
  wsUrl: string;
  port: number;
  /** Fair admission's requests running and waiting now. */
  admissionLoad(): { running: number; waiting: number };
  close(): Promise<void>;
}

/**
 * GraphQL over HTTP and graphql-ws on the same path, plus /healthz, /readyz and /metrics.
 * Authorization is decided per operation from its root fields (their `@MinRole`, see root-field-roles.ts).
 */
export async function startHttpServer(hub: HubServices, schema: GraphQLSchema, web: WebConsoleOptions = { developmentToken: () => null }): Promise<RunningHttpServer> {
  const settings = hub.config.server;
  const development = settings.development;
  const app = express();
  app.disable('x-powered-by');
  // No ETag on API answers: express would SHA-1 every GraphQL response body (a dashboard read is ~190 KB) for a POST
  // no cache revalidates; the web console's static files keep theirs (serve-static makes its own).
  app.set('etag', false);
  // Node answers 408 itself when a request is not received in time; checked every second (default 30 s).
  const httpServer: Server = createServer({
    requestTimeout: settings.requestTimeoutMs + 1_000,
    headersTimeout: Math.min(settings.requestTimeoutMs, 60_000),
    connectionsCheckingInterval: 1_000,
  }, app);
  const rules = limitRules(settings);
  const admission = new FairAdmission({ maxConcurrent: settings.maxConcurrentRequests, maxQueuedPerCaller: settings.maxQueuedPerToken, maxWaitMs: settings.admissionWaitMs });

  const ws = startGraphqlWs(httpServer, hub, schema, rules, admission);

  // A request's fair-admission slot covers its document's processing (parse, limits, validation, authorization)
  // and ends when its operation is resolved: execution is bounded by the cost limits, and a request waiting on the
  // database or a vendor must not hold a slot others need.
  // Kept on the context itself: Apollo hands plugins a shallow copy of the context object, which keeps it.
  const releaseOf = (context: GraphContext) => (context as GraphContext & { [releaseAdmission]?: () => void })[releaseAdmission];
  const authorizationPlugin: ApolloServerPlugin<GraphContext> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema: operationSchema, document, operation, contextValue }) {
          releaseOf(contextValue)?.();
          if (operation) authorizeOperation(operationSchema, document, operation, contextValue.principal);
          if (operation?.operation === 'subscription') {
            // Normally refused before parsing reaches Apollo (http-guards.ts); kept as the last word.
            throw new GraphQLError('subscriptions are served over graphql-ws on this path, not over HTTP', { extensions: { code: 'SUBSCRIPTION_OVER_HTTP', http: { status: 400 } } });
          }
        },
        async willSendResponse({ operation, errors }) {
          graphqlRequests.inc({ operation: operation?.operation ?? 'unknown', outcome: errors?.length ? 'error' : 'ok' });
        },
      };
    },
  };

  const apollo = new ApolloServer<GraphContext>({
    schema,
    validationRules: rules,
    parseOptions: { maxTokens: settings.maxTokens },
    persistedQueries: false,
    allowBatchedHttpRequests: false,
    hideSchemaDetailsFromClientErrors: !development,
    introspection: true,
    // The hub owns shutdown (main.ts): Apollo must not stop itself and re-raise the signal on SIGTERM.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: development,
    formatError: (formatted, error) => formatError(formatted, error, development),
    // Compiled reads carry PostgreSQL's JSON text into the response as it is (src/reads/raw-json.ts).
    stringifyResult,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      { async serverWillStart() { return { async drainServer() { await ws.dispose(); } }; } },
      authorizationPlugin,
      // Dashboard reads the read compiler can answer in SQL skip field-by-field execution (src/reads).
      compiledReadsPlugin(),
      // The hub sets no cache hints; Apollo's default cache-control plugin would still wrap every field's resolver.
      ApolloServerPluginCacheControlDisabled(),
      ...(development ? [] : [ApolloServerPluginLandingPageDisabled()]),
    ],
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks = { database: false, jobs: hub.jobs.isRunning };
    try {
      await hub.dataSource.query('SELECT 1');
      checks.database = true;
    } catch {
      checks.database = false;
    }
    const ready = checks.database && checks.jobs;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
  app.get('/metrics', metricsEndpoint(settings.metricsToken));
  mountWebConsole(app, web);
  app.use(
    '/graphql',
    requestDeadline(settings.requestTimeoutMs),
    requireToken(hub.tokens),
    requireJson,
    express.json({ limit: settings.bodyLimitBytes, verify: refuseBatches }),
    // After the body is read (bounded by bodyLimitBytes and requestTimeoutMs), so a slow body holds no slot.
    admitFairly(admission),
    screenGraphqlRequest(settings),
    expressMiddleware(apollo, {
      context: async ({ res }) => {
        const context = createContext(hub, (res.locals.principal as Principal | undefined) ?? null);
        const release = res.locals.releaseAdmission as (() => void) | undefined;
        return release ? Object.assign(context, { [releaseAdmission]: release }) : context;
      },
    }),
  );
  app.use(httpErrorHandler);

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(settings.port, settings.host, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = settings.host === '0.0.0.0' || settings.host === '::' ? 'localhost' : settings.host;
  return {
    url: `http://${host}:${port}/graphql`,
    wsUrl: `ws://${host}:${port}/graphql`,
    port,
    admissionLoad: () => admission.load,
    async close() {
      ws.closeAll();
      await apollo.stop();
    },
  };
}
