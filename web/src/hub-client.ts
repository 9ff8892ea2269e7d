import { Client, cacheExchange, fetchExchange, subscriptionExchange } from 'urql';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { graphqlWsUrl } from './hub-config.js';

/** Connection state of the live socket, shown in the header. */
export type LiveState = 'connecting' | 'live' | 'reconnecting';

export interface HubClient {
  token: string;
  urql: Client;
  ws: WsClient;
  onLiveState(listener: (state: LiveState) => void): () => void;
  dispose(): void;
}

/** Test and diagnostics hooks: drop the live socket and hold its reconnection (see test/web). */
export interface LiveControl {
  dropConnection(): void;
  resumeConnection(): void;
}

declare global {
  interface Window { __socgraphLive?: LiveControl }
}

/**
 * urql for queries and mutations over HTTP, graphql-ws for subscriptions (the token goes in the connection's
 * `authorization` param). The socket reconnects for ever with backoff; live views resume from their last cursor.
 */
export function createHubClient(token: string): HubClient {
  const listeners = new Set<(state: LiveState) => void>();
  let current: LiveState = 'connecting';
  const emit = (state: LiveState) => { current = state; listeners.forEach((l) => l(state)); };
  let socket: WebSocket | null = null;
  let hold: Promise<void> | null = null;
  let release: () => void = () => undefined;
  const ws = createWsClient({
    url: graphqlWsUrl(),
    connectionParams: { authorization: `Bearer ${token}` },
    lazy: false,
    keepAlive: 15_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    retryWait: async (retries) => {
      if (hold) await hold;
      await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 500 * 2 ** Math.min(retries, 5))));
    },
    on: {
      connecting: () => emit(socket ? 'reconnecting' : 'connecting'),
      connected: (s) => { socket = s as WebSocket; emit('live'); },
      closed: () => { if (socket) emit('reconnecting'); },
    },
  });
  window.__socgraphLive = {
    dropConnection() {
      hold = new Promise((resolve) => { release = resolve; });
      socket?.close(3000, 'dropped by the page');
    },
    resumeConnection() {
      hold = null;
      release();
    },
  };
  const urql = new Client({
    url: '/graphql',
    requestPolicy: 'cache-and-network',
    preferGetMethod: false, // POST: the hub's CSRF guard refuses simple GETs
    fetchOptions: () => ({ headers: { authorization: `Bearer ${token}` } }),
    exchanges: [cacheExchange, fetchExchange, subscriptionExchange({
      forwardSubscription: (request) => ({
        subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink) }),
      }),
    })],
  });
  return {
    token, urql, ws,
    onLiveState(listener) {
      listeners.add(listener);
      listener(current);
      return () => { listeners.delete(listener); };
    },
    dispose() { void ws.dispose(); },
  };
}

/** Runs one GraphQL operation and returns its data, or throws with the server's message and code. */
export async function request<T>(client: HubClient, query: string, variables?: Record<string, unknown>): Promise<T> {
  const result = await client.urql.query(query, variables, { requestPolicy: 'network-only' }).toPromise();
  if (result.error) throw new Error(errorText(result.error));
  return result.data as T;
}

export async function mutate<T>(client: HubClient, query: string, variables?: Record<string, unknown>): Promise<T> {
  const result = await client.urql.mutation(query, variables).toPromise();
  if (result.error) throw new Error(errorText(result.error));
  return result.data as T;
}

function errorText(error: { graphQLErrors: Array<{ message: string; extensions?: Record<string, unknown> }>; networkError?: Error; message: string }): string {
  if (error.graphQLErrors.length) return error.graphQLErrors.map((e) => `${e.message}${e.extensions?.code ? ` (${e.extensions.code})` : ''}`).join('; ');
  return error.networkError?.message ?? error.message;
}
