import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { SyncEventKind } from '../../src/events/sync-event-kind.js';
import { rawSubscribe } from '../support/raw-graphql-ws.js';
import { openRawSocket } from '../support/raw-socket.js';
import { startTestHub, type TestHub } from '../support/hub.js';

/**
 * Issue 9, items 1, 2 and 5 over HTTP: the token is checked before the body is parsed, documents are bounded before
 * validation, and every bad input is a 4xx with a code of its own (never a 500 or a stack trace).
 */
let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub({ config: { server: { requestTimeoutMs: 1_000 } } });
});

afterAll(async () => {
  await hub?.close();
});

interface Answer { status: number; text: string; body: { data?: any; errors?: Array<{ message: string; extensions?: { code?: string } }> } }

async function post(body: string | Buffer, headers: Record<string, string> = {}, token: string | null = hub.tokens.VIEWER): Promise<Answer> {
  const response = await fetch(hub.http.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body,
  });
  const text = await response.text();
  let parsed: Answer['body'] = {};
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = {};
  }
  return { status: response.status, text, body: parsed };
}

const gql = (query: string, variables?: unknown, token: string | null = hub.tokens.VIEWER) => post(JSON.stringify({ query, variables }), {}, token);

function expectRefused(answer: Answer, status: number, code: string) {
  expect({ status: answer.status, code: answer.body.errors?.[0]?.extensions?.code }).toEqual({ status, code });
  expect(answer.text).not.toMatch(/\n\s+at |stacktrace/);
}

describe('authentication before parsing', () => {
  it('answers a 900 KB anonymous document 401 without parsing it', async () => {
    const huge = `{${' viewer { name }'.repeat(57_000)} }`;
    expect(huge.length).toBeGreaterThan(900_000);
    const answers = await Promise.all(Array.from({ length: 8 }, () => gql(huge, undefined, null)));
    for (const answer of answers) expectRefused(answer, 401, 'UNAUTHENTICATED');
  });

  it('answers 401 to a body that is not even JSON, and to a wrong token', async () => {
    expectRefused(await post('{"query": "{ vie', {}, null), 401, 'UNAUTHENTICATED');
    expectRefused(await post('{"query": "{ viewer { name } }"}', {}, 'sgt_forged'), 401, 'UNAUTHENTICATED');
  });

  it('gives no field suggestions ("Did you mean") to a caller with a token', async () => {
    const answer = await gql('{ apiToken { id } }');
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(answer.text).not.toMatch(/Did you mean/);
  });
});

describe('document limits, before validation', () => {
  it('refuses a document over the token limit (TOO_MANY_TOKENS)', async () => {
    expectRefused(await gql(`{${' viewer { name }'.repeat(2_000)} }`), 400, 'TOO_MANY_TOKENS');
  });

  it('refuses many repeated fields within the token limit (TOO_MANY_FIELDS)', async () => {
    expectRefused(await gql(`{${' viewer { name }'.repeat(1_000)} }`), 400, 'TOO_MANY_FIELDS');
  });

  it('refuses fields repeated so often that merging them is quadratic work (TOO_MANY_REPEATED_FIELDS)', async () => {
    // 600 fields and 1,400 tokens: within both limits, yet ~20,000 field pairs for the overlapping-fields rule.
    expectRefused(await gql(`{ ${'viewer { name role } '.repeat(200)} }`), 400, 'TOO_MANY_REPEATED_FIELDS');
    // The same through a fragment and an inline fragment, which the rule flattens into the selection set.
    expectRefused(await gql(`{ viewer { ...V ... on Viewer { ${'name '.repeat(40)} } } } fragment V on Viewer { ${'name '.repeat(40)} }`), 400, 'TOO_MANY_REPEATED_FIELDS');
    // A few repeats, as fragments of a real client make, pass.
    const ok = await gql('{ viewer { name ...V } viewer { role ...V } } fragment V on Viewer { name role }');
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data.viewer.name).toBeTruthy();
  });

  it('refuses more aliases than the limit before validation, fragments expanded (TOO_MANY_ALIASES)', async () => {
    expectRefused(await gql(`{ ${Array.from({ length: 21 }, (_, i) => `a${i}: viewer { name }`).join(' ')} }`), 400, 'TOO_MANY_ALIASES');
    const eleven = Array.from({ length: 11 }, (_, i) => `a${i}: name`).join(' ');
    expectRefused(await gql(`{ viewer { ...A } me: viewer { ...A } } fragment A on Viewer { ${eleven} }`), 400, 'TOO_MANY_ALIASES');
    expect((await gql(`{ viewer { ${Array.from({ length: 20 }, (_, i) => `a${i}: name`).join(' ')} } }`)).body.errors).toBeUndefined();
  });

  it('refuses too many directives (TOO_MANY_DIRECTIVES)', async () => {
    expectRefused(await gql(`{ viewer { ${Array.from({ length: 40 }, () => 'name @include(if: true)').join(' ')} } }`), 400, 'TOO_MANY_DIRECTIVES');
  });

  it('refuses deep nesting without recursing (TOO_DEEP)', async () => {
    expectRefused(await gql(`{${' viewer {'.repeat(2_000)} name ${'}'.repeat(2_001)}`), 400, 'TOO_DEEP');
    expectRefused(await gql(`{ indicator(value: ${'['.repeat(1_500)}"x"${']'.repeat(1_500)}) { id } }`), 400, 'TOO_DEEP');
  });

  it('refuses a fragment cycle with FRAGMENT_CYCLE, never a 500', async () => {
    expectRefused(await gql('{ ...A } fragment A on Query { ...B } fragment B on Query { viewer { name } ...A }'), 400, 'FRAGMENT_CYCLE');
    expectRefused(await gql('{ ...A } fragment A on Query { ...A }'), 400, 'FRAGMENT_CYCLE');
  });

  it('refuses a 2,000-fragment chain and a fan-out of fragments', async () => {
    const chain = Array.from({ length: 2_000 }, (_, i) => `fragment F${i} on Query { ${i < 1_999 ? `...F${i + 1}` : 'viewer { name }'} }`).join(' ');
    const answer = await post(JSON.stringify({ query: `{ ...F0 } ${chain}` }));
    expect([400]).toContain(answer.status);
    expect(['TOO_MANY_TOKENS', 'TOO_MANY_FRAGMENTS']).toContain(answer.body.errors?.[0].extensions?.code);
    const fanOut = Array.from({ length: 30 }, (_, i) => `fragment F${i} on Query { ${i < 29 ? `...F${i + 1} ...F${i + 1}` : 'viewer { name }'} }`).join(' ');
    expectRefused(await gql(`{ ...F0 } ${fanOut}`), 400, 'TOO_MANY_FIELDS');
  });

  it('still answers an ordinary dashboard query and the standard introspection query', async () => {
    const ok = await gql('query Dash { viewer { name role } sources { name vendor } tickets(first: 5) { totalCount nodes { id title } } }');
    expect(ok.status).toBe(200);
    expect(ok.body.errors).toBeUndefined();
    const { getIntrospectionQuery } = await import('graphql');
    const introspection = await gql(getIntrospectionQuery(), undefined, hub.tokens.ADMIN);
    expect(introspection.status).toBe(200);
    expect(introspection.body.data.__schema.types.length).toBeGreaterThan(10);
  });
});

describe('graphql-ws message size', () => {
  it('closes a socket 1009 for a message over wsMaxMessageBytes (64 KiB), from its header; a subscribe within it is served', async () => {
    // From the log's current end (`after`), so the event published below reaches the subscription however soon it
    // is published after the subscribe.
    const after = await hub.services.events.latestCursor();
    const query = 'subscription($kinds: [SyncEventKind!], $after: String) { syncEvents(kinds: $kinds, after: $after) { cursor } }';
    const within = await rawSubscribe(hub.http.wsUrl, hub.tokens.VIEWER, query, { kinds: ['TICKET_IMPORTED'], after, pad: 'x'.repeat(60_000) });
    const over = await rawSubscribe(hub.http.wsUrl, hub.tokens.VIEWER, query, { kinds: ['TICKET_IMPORTED'], after, pad: 'x'.repeat(70_000) });
    expect((await over.closed).code).toBe(1009);
    await hub.services.events.publish({ kind: SyncEventKind.TICKET_IMPORTED, message: 'within the message limit' });
    expect(await within.waitFor(1)).toHaveLength(1);
    within.close();
  });
});

describe('graphql-ws bursts', () => {
  it('checks a socket\'s subscribes one per turn of the event loop: each is answered, in order, and other requests are served in between', async () => {
    const socket = await openRawSocket(hub.http.wsUrl);
    socket.send({ type: 'connection_init', payload: { authorization: `Bearer ${hub.tokens.VIEWER}` } });
    await socket.next('connection_ack');
    // 60 distinct documents (none is remembered), each a few hundred repeated fields to count (and refuse), in one burst.
    const answered: string[] = [];
    socket.socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; id?: string };
      if (message.type === 'next' || message.type === 'error') answered.push(message.id!);
    });
    const ids = Array.from({ length: 60 }, (_, i) => `s${i}`);
    for (const id of ids) socket.send({ id, type: 'subscribe', payload: { query: `{ viewer { ${'name '.repeat(300)}} } # ${id}` } });
    const other = await gql('{ viewer { role } }', undefined, hub.tokens.OPERATOR);
    const answeredBeforeOther = answered.length;
    expect(other.body.data.viewer.role).toBe('OPERATOR');
    const deadline = Date.now() + 10_000;
    while (answered.length < ids.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(answered).toEqual(ids);
    // Checked back to back, the burst would have been answered whole before the HTTP request was even read.
    expect(answeredBeforeOther).toBeLessThan(ids.length);
    socket.socket.close();
  });
});

describe('bad input is a 4xx with a code', () => {
  it('answers a null byte in any string argument or variable with BAD_USER_INPUT', async () => {
    const cases: Array<[string, unknown?]> = [
      ['{ incidents(filter: { search: "a\\u0000b" }) { totalCount } }'],
      ['query($f: IncidentFilter) { incidents(filter: $f) { totalCount } }', { f: { externalId: 'x\u0000' } }],
      ['query($v: String!) { indicator(value: $v) { id } }', { v: '1.2.3.4\u0000' }],
      ['{ indicators(filter: { valuePrefix: "\\u0000" }) { totalCount } }'],
      ['query($f: TicketFilter) { tickets(filter: $f) { totalCount } }', { f: { search: '\u0000' } }],
      ['query($v: String! = "x\\u0000") { indicator(value: $v) { id } }'],
    ];
    for (const [query, variables] of cases) expectRefused(await gql(query, variables), 400, 'BAD_USER_INPUT');
  });

  it('refuses a subscription sent over HTTP POST with SUBSCRIPTION_OVER_HTTP', async () => {
    expectRefused(await gql('subscription { syncEvents { cursor } }'), 400, 'SUBSCRIPTION_OVER_HTTP');
  });

  it('gives body-parser and persisted-query errors their own codes', async () => {
    expectRefused(await post('{"query": "{ vie'), 400, 'INVALID_JSON');
    expectRefused(await post('query=x', { 'content-type': 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectRefused(await post('{}', { 'content-type': 'application/json; charset=ebcdic' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectRefused(await post(JSON.stringify({ query: `{ viewer { name } } #${'x'.repeat(1_100_000)}` })), 413, 'PAYLOAD_TOO_LARGE');
    const bomb = gzipSync(Buffer.from(JSON.stringify({ query: `{ viewer { name } } #${' '.repeat(50_000_000)}` })));
    expect(bomb.length).toBeLessThan(100_000);
    expectRefused(await post(bomb, { 'content-encoding': 'gzip' }), 413, 'PAYLOAD_TOO_LARGE');
    expectRefused(await post('{}', { 'content-encoding': 'x-unknown' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectRefused(await post(JSON.stringify({ extensions: { persistedQuery: { version: 2, sha256Hash: 'x' } } })), 400, 'PERSISTED_QUERY_NOT_SUPPORTED');
    expectRefused(await post(JSON.stringify([{ query: '{ viewer { name } }' }, { query: '{ viewer { name } }' }])), 400, 'BATCH_NOT_SUPPORTED');
  });

  it('refuses a body that is a JSON array as a batch from its first bytes, however it is wrapped', async () => {
    const batch = JSON.stringify(Array.from({ length: 300 }, () => ({ query: '{ viewer { name } }' })));
    for (const body of [batch, ` \r\n\t${batch}`, `${'['.repeat(50_000)}${']'.repeat(50_000)}`, '[']) {
      expectRefused(await post(body), 400, 'BATCH_NOT_SUPPORTED');
    }
    expectRefused(await post(gzipSync(Buffer.from(batch)), { 'content-encoding': 'gzip' }), 400, 'BATCH_NOT_SUPPORTED');
    // Not a batch: still JSON's own errors and the request's answer.
    expectRefused(await post(' {"query": '), 400, 'INVALID_JSON');
    expect((await post(` ${JSON.stringify({ query: '{ viewer { name } }' })}`)).body.data.viewer.name).toBe('test-viewer');
  });

  it('answers 408 to a body that never arrives instead of holding it', async () => {
    const url = new URL(hub.http.url);
    const response = await rawRequest(url, [
      'POST /graphql HTTP/1.1', `Host: ${url.host}`, 'Content-Type: application/json', `Authorization: Bearer ${hub.tokens.VIEWER}`,
      'Content-Length: 999999999', '', '{"query": "{ viewer { name',
    ].join('\r\n'));
    expect(response).toMatch(/^HTTP\/1\.1 408/);
    expect(response).toMatch(/REQUEST_TIMEOUT/);
  });

  it('answers 408 to headers that never end', async () => {
    const url = new URL(hub.http.url);
    const response = await rawRequest(url, `POST /graphql HTTP/1.1\r\nHost: ${url.host}\r\nX-Slow: a`);
    expect(response).toMatch(/^HTTP\/1\.1 408/);
  });
});

/** Writes `text` on a fresh connection and returns whatever comes back until the server closes it. */
function rawRequest(url: URL, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.write(text));
    let received = '';
    socket.on('data', (chunk) => { received += chunk; });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`held for 8 s: ${received}`));
    }, 8_000);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.on('error', reject);
  });
}
