import { hubConfigSchema, type HubConfig } from '../../src/config/hub-config.js';
import { startHub, type HubOptions, type RunningHub } from '../../src/hub.js';
import type { Role } from '../../src/auth/roles.js';
import { testDatabase } from './database.js';

export interface TestHub extends RunningHub {
  /** Tokens by role, created for the test. */
  tokens: Record<Role, string>;
  /** POSTs a GraphQL operation; returns HTTP status and body. */
  graphql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<{ status: number; body: { data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } }>;
  /** Like graphql(), but fails on errors and returns data. */
  query<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<T>;
  close(): Promise<void>;
}

/**
 * A real hub (real HTTP server, real database: a fresh one on DATABASE_URL's server or the test run's embedded
 * PostgreSQL; or, given `embeddedDataDir`, the hub's own embedded PostgreSQL started there).
 */
export async function startTestHub(options: Omit<Partial<HubOptions>, 'config'> & { config?: Record<string, unknown> } = {}): Promise<TestHub> {
  const database = options.embeddedDataDir ? { url: undefined, drop: async () => undefined } : await testDatabase();
  const config: HubConfig = hubConfigSchema.parse({
    sandboxes: 'none',
    ...options.config,
    server: { port: 0, host: '127.0.0.1', ...(options.config?.server as object | undefined) },
  });
  const hub = await startHub({
    developmentToken: false,
    ...options,
    config,
    databaseUrl: database.url,
  });
  const tokens = {
    VIEWER: (await hub.services.tokens.create('test-viewer', 'VIEWER')).token,
    OPERATOR: (await hub.services.tokens.create('test-operator', 'OPERATOR')).token,
    ADMIN: (await hub.services.tokens.create('test-admin', 'ADMIN')).token,
  };
  const graphql: TestHub['graphql'] = async (query, variables, token = tokens.ADMIN) => {
    const response = await fetch(hub.http.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: await response.json() as never };
  };
  return {
    ...hub,
    tokens,
    graphql,
    async query(query, variables, token) {
      const { body } = await graphql(query, variables, token);
      if (body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
      return body.data as never;
    },
    async close() {
      await hub.stop();
      await database.drop();
    },
  };
}
