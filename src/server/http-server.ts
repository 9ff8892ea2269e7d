import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type NextFunction, type Request, type Response } from 'express';
import { GraphQLError, parse, validate, specifiedRules, getOperationAST, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { authorizeOperation, type Principal } from '../auth/authorize-operation.js';
import { createContext, type GraphContext } from '../resolvers/context.js';
import type { HubServices } from '../services/hub-services.js';
import { logger } from '../observability/logger.js';
import { graphqlRequests, metricsRegistry } from '../observability/metrics.js';
import { principalFrom } from './authenticate.js';
import { formatError } from './format-error.js';
import { limitRules } from './validation-rules.js';
import { mountWebConsole, type WebConsoleOptions } from './web-console.js';

export interface RunningHttpServer {
  url: string;
  wsUrl: string;
  port: number;
  close(): Promise<void>;
}

/**
 * GraphQL over HTTP and graphql-ws on the same path, plus /healthz, /readyz and /metrics.
 * Authorization is decided per operation from its root fields (see root-field-roles.ts).
 */
export async function startHttpServer(hub: HubServices, schema: GraphQLSchema, web: WebConsoleOptions = { developmentToken: () => null }): Promise<RunningHttpServer> {
  const settings = hub.config.server;
  const development = settings.development;
  const app = express();
  app.disable('x-powered-by');
  const httpServer: Server = createServer(app);
  const rules = limitRules(settings);

  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: settings.bodyLimitBytes });
  const wsCleanup = useServer<{ authorization?: unknown }, { principal?: Principal | null }>({
    schema,
    onConnect: async (ctx) => {
      ctx.extra.principal = await principalFrom(ctx.connectionParams?.authorization, hub.tokens);
      return true;
    },
    onSubscribe: async (ctx, _id, payload) => {
      let document;
      try {
        document = parse(payload.query);
      } catch (error) {
        return [error as GraphQLError];
      }
      const errors = validate(schema, document, [...specifiedRules, ...rules]);
      if (errors.length > 0) return errors;
      const operation = getOperationAST(document, payload.operationName);
      if (!operation) return [new GraphQLError('no operation to run', { extensions: { code: 'BAD_USER_INPUT' } })];
      try {
        authorizeOperation(document, operation, ctx.extra.principal ?? null);
      } catch (error) {
        return [stripHttp(error as GraphQLError)];
      }
      graphqlRequests.inc({ operation: operation.operation, outcome: 'started' });
      const args: ExecutionArgs = {
        schema,
        document,
        operationName: payload.operationName,
        variableValues: payload.variables,
        contextValue: createContext(hub, ctx.extra.principal ?? null),
      };
      return args;
    },
    onError: (_ctx, _id, _payload, errors) => errors.map((e) => {
      const formatted = formatError(e.toJSON(), e, development);
      return new GraphQLError(formatted.message, { extensions: formatted.extensions });
    }),
  }, wsServer);

  const authorizationPlugin: ApolloServerPlugin<GraphContext> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, contextValue }) {
          if (operation) authorizeOperation(document, operation, contextValue.principal);
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
    introspection: true,
    // The hub owns shutdown (main.ts): Apollo must not stop itself and re-raise the signal on SIGTERM.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: development,
    formatError: (formatted, error) => formatError(formatted, error, development),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      { async serverWillStart() { return { async drainServer() { await wsCleanup.dispose(); } }; } },
      authorizationPlugin,
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
  app.get('/metrics', async (_req, res) => {
    res.type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
  });
  mountWebConsole(app, web);
  app.use(
    '/graphql',
    express.json({ limit: settings.bodyLimitBytes }),
    expressMiddleware(apollo, {
      context: async ({ req }) => createContext(hub, await principalFrom(req.headers.authorization, hub.tokens)),
    }),
  );
  app.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    const status = err.status ?? 500;
    const code = err.type === 'entity.too.large' ? 'PAYLOAD_TOO_LARGE' : err.type === 'entity.parse.failed' ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR';
    if (status >= 500) logger.error({ err }, 'HTTP error');
    res.status(status).json({ errors: [{ message: status >= 500 ? 'Internal server error' : err.message, extensions: { code } }] });
  });

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
    async close() {
      for (const client of wsServer.clients) client.close(1001, 'server shutting down');
      await apollo.stop();
    },
  };
}

function stripHttp(error: GraphQLError): GraphQLError {
  const { http: _http, ...extensions } = error.extensions as Record<string, unknown>;
  return new GraphQLError(error.message, { extensions });
}
