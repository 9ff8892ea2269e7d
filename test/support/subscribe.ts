import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** A graphql-ws subscriber that collects what it receives. */
export interface Subscriber<T> {
  received: T[];
  errors: unknown[];
  waitFor(count: number, timeoutMs?: number): Promise<T[]>;
  close(): Promise<void>;
}

export function subscribe<T>(wsUrl: string, token: string | null, query: string, variables: Record<string, unknown> = {}): Subscriber<T> {
  const client: Client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: false,
  });
  const received: T[] = [];
  const errors: unknown[] = [];
  const waiters: Array<() => void> = [];
  const notify = () => waiters.splice(0).forEach((w) => w());
  client.subscribe<T>({ query, variables }, {
    next: (value) => {
      if (value.errors) errors.push(...value.errors);
      if (value.data) received.push(value.data as T);
      notify();
    },
    error: (error) => {
      errors.push(error);
      notify();
    },
    complete: () => notify(),
  });
  return {
    received,
    errors,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count && errors.length === 0) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} events (got ${received.length})`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
      return received;
    },
    async close() {
      await client.dispose();
    },
  };
}
