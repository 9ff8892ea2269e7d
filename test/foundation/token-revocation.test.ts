import { startTestHub, type TestHub } from '../support/hub.js';
import { openAuthenticatedSocket, openRawSocket } from '../support/raw-socket.js';

/**
 * Issue 9, items 1 and 3 on graphql-ws: no socket without a valid token, caps on sockets, and a revoked or expired
 * token's open subscriptions end within 5 s with UNAUTHENTICATED and a 4401 close. Expiry over HTTP too.
 */
let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub({ config: { server: { maxSockets: 12, maxSocketsPerToken: 3, connectionInitTimeoutMs: 500 } } });
});

afterAll(async () => {
  await hub?.close();
});

async function createToken(name: string, expiresAt?: string): Promise<{ token: string; id: string }> {
  const data = await hub.query<{ createApiToken: { token: string; apiToken: { id: string; expiresAt: string | null } } }>(
    'mutation($name: String!, $at: DateTime) { createApiToken(name: $name, role: VIEWER, expiresAt: $at) { token apiToken { id expiresAt } } }',
    { name, at: expiresAt ?? null });
  if (expiresAt) expect(new Date(data.createApiToken.apiToken.expiresAt!).toISOString()).toBe(new Date(expiresAt).toISOString());
  return { token: data.createApiToken.token, id: data.createApiToken.apiToken.id };
}

const SUBSCRIBE = { id: 's1', type: 'subscribe', payload: { query: 'subscription { syncEvents { cursor } }' } };

describe('graphql-ws: who may hold a socket', () => {
  it('closes a connection_init without a token, or with a bad one, with 4401', async () => {
    for (const payload of [{}, { authorization: 'Bearer sgt_forged' }, { authorization: 42 }]) {
      const raw = await openRawSocket(hub.http.wsUrl);
      raw.send({ type: 'connection_init', payload });
      expect((await raw.closed).code).toBe(4401);
      expect(raw.messages.find((m) => m.type === 'connection_ack')).toBeUndefined();
    }
  });

  it('does not hold a socket that never sends connection_init', async () => {
    const raw = await openRawSocket(hub.http.wsUrl);
    expect((await raw.closed).code).toBe(4408);
  });

  it('caps sockets per token and in all (1013, with the reason)', async () => {
    const held = await Promise.all(Array.from({ length: 3 }, () => openAuthenticatedSocket(hub.http.wsUrl, hub.tokens.OPERATOR)));
    const fourth = await openRawSocket(hub.http.wsUrl);
    fourth.send({ type: 'connection_init', payload: { authorization: `Bearer ${hub.tokens.OPERATOR}` } });
    expect(await fourth.closed).toEqual({ code: 1013, reason: 'Too many connections for this token' });
    const others = await Promise.all(Array.from({ length: 9 }, () => openRawSocket(hub.http.wsUrl)));
    const over = await openRawSocket(hub.http.wsUrl);
    expect(await over.closed).toEqual({ code: 1013, reason: 'Too many connections: try again later' });
    for (const raw of [...held, ...others]) raw.socket.close();
    await Promise.all([...held, ...others].map((raw) => raw.closed));
  });

  it('gives no field suggestions over graphql-ws, and codes bad documents and variables', async () => {
    const raw = await openAuthenticatedSocket(hub.http.wsUrl, hub.tokens.VIEWER);
    raw.send({ id: 'x', type: 'subscribe', payload: { query: 'subscription { syncEvent { cursor } }' } });
    const error = await raw.next('error', 'x');
    expect(error.payload[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(error.payload)).not.toMatch(/Did you mean/);
    raw.send({ id: 'y', type: 'subscribe', payload: { query: `subscription { ...A } fragment A on Subscription { ...A }` } });
    expect((await raw.next('error', 'y')).payload[0].extensions.code).toBe('FRAGMENT_CYCLE');
    raw.send({ id: 'z', type: 'subscribe', payload: { query: 'subscription($v: Vendor) { syncEvents(after: "\\u0000", vendor: $v) { cursor } }' } });
    expect((await raw.next('error', 'z')).payload[0].extensions.code).toBe('BAD_USER_INPUT');
    raw.send({ id: 'v', type: 'subscribe', payload: { query: 'subscription($v: Vendor) { syncEvents(vendor: $v) { cursor } }', variables: { v: 42 } } });
    expect((await raw.next('error', 'v')).payload[0].extensions.code).toBe('BAD_USER_INPUT');
    raw.socket.close();
  });
});

describe('revocation and expiry bite', () => {
  it('ends a revoked token\'s subscription within 5 s (UNAUTHENTICATED, close 4401), also when revoked by another process', async () => {
    for (const how of ['mutation', 'database'] as const) {
      const { token, id } = await createToken(`live-${how}`);
      const raw = await openAuthenticatedSocket(hub.http.wsUrl, token);
      raw.send(SUBSCRIBE);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(raw.messages.filter((m) => m.type === 'error')).toEqual([]);
      const revokedAt = Date.now();
      if (how === 'mutation') {
        expect((await hub.query('mutation($id: ID!) { revokeApiToken(id: $id) }', { id })).revokeApiToken).toBe(true);
      } else {
        // As `npm run token -- revoke` or another replica would: straight in the database, no cache to clear here.
        await hub.services.dataSource.query(`UPDATE api_token SET revoked_at = now() WHERE name = $1`, [`live-${how}`]);
      }
      const closed = await raw.closed;
      expect(closed.code).toBe(4401);
      expect(Date.now() - revokedAt).toBeLessThan(5_000);
      const error = raw.messages.find((m) => m.type === 'error' && m.id === 's1');
      expect(error?.payload[0].extensions.code).toBe('UNAUTHENTICATED');
      // And the token no longer opens a socket nor answers over HTTP.
      const again = await openRawSocket(hub.http.wsUrl);
      again.send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
      expect((await again.closed).code).toBe(4401);
      expect((await hub.graphql('{ viewer { name } }', undefined, token)).status).toBe(401);
    }
  });

  it('refuses a new subscribe on a socket whose token was revoked', async () => {
    const { token, id } = await createToken('subscribe-after-revoke');
    const raw = await openAuthenticatedSocket(hub.http.wsUrl, token);
    await hub.query('mutation($id: ID!) { revokeApiToken(id: $id) }', { id });
    raw.send(SUBSCRIBE);
    expect((await raw.closed).code).toBe(4401);
    expect(raw.messages.some((m) => m.type === 'next')).toBe(false);
  });

  it('ends an expired token\'s subscription and refuses it over HTTP', async () => {
    const { token } = await createToken('short-lived', new Date(Date.now() + 2_500).toISOString());
    expect((await hub.graphql('{ viewer { name } }', undefined, token)).status).toBe(200);
    const raw = await openAuthenticatedSocket(hub.http.wsUrl, token);
    raw.send(SUBSCRIBE);
    const closed = await raw.closed;
    expect(closed.code).toBe(4401);
    expect(raw.messages.find((m) => m.type === 'error')?.payload[0].extensions.code).toBe('UNAUTHENTICATED');
    const answer = await hub.graphql('{ viewer { name } }', undefined, token);
    expect(answer.status).toBe(401);
    expect(answer.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses an expiry in the past', async () => {
    const { body } = await hub.graphql('mutation { createApiToken(name: "stale", role: VIEWER, expiresAt: "2020-01-01T00:00:00Z") { token } }');
    expect(body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
