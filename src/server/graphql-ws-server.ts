import type { Server } from 'node:http';
import { GraphQLError, getOperationAST, getVariableValues, subscribe, type ExecutionArgs, type ExecutionResult, type GraphQLSchema, type ValidationRule } from 'graphql';
import type { Context, SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { authorizeOperation, type Principal } from '../auth/authorize-operation.js';
import { createContext, type GraphContext } from '../resolvers/context.js';
import type { HubServices } from '../services/hub-services.js';
import { logger } from '../observability/logger.js';
import { graphqlRequests } from '../observability/metrics.js';
import { principalFrom } from './authenticate.js';
import { CheckedDocuments } from './checked-documents.js';
import { checkVariables } from './document-limits.js';
import type { FairAdmission } from './fair-admission.js';
import { formatError, hideSchemaDetails } from './format-error.js';
import { LiveFanout } from './live-fanout.js';

type Extra = { socket: WebSocket };
type SocketContext = Context<{ authorization?: unknown }, Extra & { principal?: Principal | null }>;

/**
 * Close codes: 4401 the token is missing, invalid, revoked or expired; 1013 (try again later) too many sockets, for
 * the token or in all, told apart by the reason; 4508 (WS_TOO_SLOW) the client fell too far behind a live
 * stream: resubscribe with `after=<cursor>` from the reason. (graphql-ws itself uses 4429 for a repeated
 * connection_init.)
 */
export { WS_TOO_SLOW } from './live-fanout.js';
export const WS_UNAUTHORIZED = 4401;
export const WS_TOO_MANY = 1013;

const unauthenticated = (message: string) => new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED' } });

/**
 * graphql-ws on the HTTP server's /graphql: a socket is held only once its connection_init carries a valid
 * token (within connectionInitTimeoutMs); sockets are capped in all and per token; every open socket's token
 * is checked again every tokenRecheckMs, and a revoked or expired one ends its subscriptions with
 * UNAUTHENTICATED and is closed 4401. Documents pass the same limits as over HTTP.
 */
export function startGraphqlWs(httpServer: Server, hub: HubServices, schema: GraphQLSchema, rules: ValidationRule[], admission: FairAdmission) {
  const settings = hub.config.server;
  const development = settings.development;
  // Upgrades are handed over here rather than with `server:`, so a listen error (port in use) stays the HTTP
  // server's own and graphql-ws does not report it as an internal WebSocket error.
  const wsServer = new WebSocketServer({ noServer: true, maxPayload: settings.wsMaxMessageBytes });
  httpServer.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://hub').pathname !== '/graphql') {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      return;
    }
    wsServer.handleUpgrade(req, socket, head, (ws) => wsServer.emit('connection', ws, req));
  });
  const live = new Map<SocketContext, { token: string; principal: Principal }>();
  const formatResult = (result: ExecutionResult) => (result.errors
    ? { ...result, errors: result.errors.map((e) => formatError(e instanceof GraphQLError ? e.toJSON() : e, e, development)) }
    : result);
  const fanout = new LiveFanout(hub.tailer, {
    bufferBytes: settings.subscriberBufferBytes,
    batchMs: settings.fanoutBatchMs,
    context: (args) => {
      const principal = (args.contextValue as GraphContext).principal;
      return () => createContext(hub, principal);
    },
    format: formatResult,
  });

  const tokenOf = (ctx: SocketContext): string | null => {
    const authorization = ctx.connectionParams?.authorization;
    return typeof authorization === 'string' ? authorization : null;
  };
  const refuse = (ctx: SocketContext, reason: string) => {
    for (const id of Object.keys(ctx.subscriptions)) {
      void ctx.extra.socket.send(JSON.stringify({ id, type: 'error', payload: [unauthenticated(reason).toJSON()] }));
    }
    live.delete(ctx);
    ctx.extra.socket.close(WS_UNAUTHORIZED, 'Unauthorized');
  };

  // One check per distinct token (a dashboard's thousand sockets often share one), then its sockets.
  const recheck = setInterval(() => {
    const byToken = new Map<string, SocketContext[]>();
    for (const [ctx, { token }] of live) {
      const sockets = byToken.get(token);
      if (sockets) sockets.push(ctx);
      else byToken.set(token, [ctx]);
    }
    void Promise.all([...byToken].map(async ([token, sockets]) => {
      const principal = await principalFrom(token, hub.tokens).catch(() => undefined);
      if (principal !== null) return;
      for (const ctx of sockets) if (live.has(ctx)) refuse(ctx, 'the token was revoked or has expired');
    }));
  }, settings.tokenRecheckMs);
  recheck.unref();

  const checkedDocuments = new CheckedDocuments(schema, rules, settings);

  /** A subscribe message checked (limits, validation, role, variables) into execution arguments, or its errors. */
  const prepare = (principal: Principal, id: string, payload: SubscribePayload, socket: WebSocket): ExecutionArgs | GraphQLError[] => {
    const document = checkedDocuments.check(payload.query);
    if (Array.isArray(document)) return document;
    const badVariables = checkVariables(payload.variables);
    if (badVariables) return [badVariables];
    const operation = getOperationAST(document, payload.operationName);
    if (!operation) return [new GraphQLError('no operation to run', { extensions: { code: 'BAD_USER_INPUT' } })];
    try {
      authorizeOperation(schema, document, operation, principal);
    } catch (error) {
      return [stripHttp(error as GraphQLError)];
    }
    const variables = getVariableValues(schema, operation.variableDefinitions ?? [], payload.variables ?? {}, { maxErrors: 10 });
    if (variables.errors) {
      return variables.errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'BAD_USER_INPUT' } }));
    }
    const plan = fanout.plan(schema, document, operation, variables.coerced, principal.role);
    if (plan instanceof GraphQLError) return [plan];
    graphqlRequests.inc({ operation: operation.operation, outcome: 'started' });
    const args: ExecutionArgs = {
      schema,
      document,
      operationName: payload.operationName,
      variableValues: payload.variables,
      contextValue: createContext(hub, principal),
    };
    return plan ? fanout.adopt(args, plan, socket, id) : args;
  };

  /** A subscribe from a socket: its token again, a fair-admission slot, then the message checked into execution arguments. */
  const checkSubscribe = async (ctx: SocketContext, id: string, payload: SubscribePayload): Promise<ExecutionArgs | GraphQLError[]> => {
    const session = live.get(ctx);
    const principal = session ? await principalFrom(session.token, hub.tokens).catch(() => null) : null;
    if (!session || !principal) {
      refuse(ctx, 'the token was revoked or has expired');
      return [unauthenticated('the token was revoked or has expired')];
    }
    // A fair-admission slot (as over HTTP) while the message is checked: parse, limits, validation, role.
    const slot = await admission.acquire(principal.tokenId);
    if (!slot.admitted) {
      return [slot.reason === 'queue-full'
        ? new GraphQLError('too many requests from this token are waiting: retry later', { extensions: { code: 'TOO_MANY_REQUESTS' } })
        : new GraphQLError('the hub is busy: retry later', { extensions: { code: 'SERVICE_UNAVAILABLE' } })];
    }
    try {
      return prepare(principal, id, payload, ctx.extra.socket);
    } finally {
      slot.release();
    }
  };
  const turns = new WeakMap<SocketContext, Promise<void>>();

  const cleanup = useServer<{ authorization?: unknown }, Extra & { principal?: Principal | null }>({
    schema,
    isProd: !development,
    connectionInitWaitTimeout: settings.connectionInitTimeoutMs,
    onConnect: async (ctx) => {
      const token = tokenOf(ctx);
      const principal = token ? await principalFrom(token, hub.tokens).catch(() => null) : null;
      if (!principal) {
        ctx.extra.socket.close(WS_UNAUTHORIZED, 'Unauthorized');
        return false;
      }
      const forToken = [...live.values()].filter((s) => s.principal.tokenId === principal.tokenId).length;
      if (forToken >= settings.maxSocketsPerToken) {
        ctx.extra.socket.close(WS_TOO_MANY, 'Too many connections for this token');
        return false;
      }
      ctx.extra.principal = principal;
      live.set(ctx, { token: token!, principal });
      return true;
    },
    onClose: (ctx) => {
      live.delete(ctx);
    },
    subscribe: (args) => fanout.subscribe(args) ?? subscribe(args),
    onSubscribe: async (ctx, id, payload) => {
      // A socket's subscribes are checked one at a time, each in a turn of the event loop of its own: a frame
      // holding 30 of them would otherwise be checked (and run) back to back while every other request waits.
      const previous = turns.get(ctx);
      let done!: () => void;
      turns.set(ctx, new Promise<void>((resolve) => { done = resolve; }));
      if (previous) await previous;
      try {
        return await checkSubscribe(ctx, id, payload);
      } finally {
        setImmediate(done);
      }
    },
    onNext: (_ctx, _id, _payload, _args, result) => formatResult(result),
    onError: (_ctx, _id, _payload, errors) => errors.map((e) => {
      const formatted = formatError(e.toJSON(), e, development);
      const message = development ? formatted.message : hideSchemaDetails(formatted.message);
      return new GraphQLError(message, { extensions: formatted.extensions });
    }),
  }, wsServer);

  // After graphql-ws's own listener: the cap, and a client's broken frame (too large, invalid) is the client's
  // error — ws closes the socket (1009, 1002…); graphql-ws would log it with a stack as an internal error.
  wsServer.on('connection', (socket) => {
    socket.removeAllListeners('error');
    socket.on('error', (error: Error & { code?: string }) => logger.warn({ code: error.code }, 'graphql-ws: a client sent a frame refused by the protocol'));
    if (wsServer.clients.size > settings.maxSockets) socket.close(WS_TOO_MANY, 'Too many connections: try again later');
  });

  return {
    async dispose() {
      clearInterval(recheck);
      await cleanup.dispose();
    },
    closeAll() {
      for (const client of wsServer.clients) client.close(1001, 'server shutting down');
    },
  };
}

function stripHttp(error: GraphQLError): GraphQLError {
  const { http: _http, ...extensions } = error.extensions as Record<string, unknown>;
  return new GraphQLError(error.message, { extensions });
}
