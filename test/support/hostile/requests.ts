import { connect } from 'node:net';
import { deflateSync, gzipSync } from 'node:zlib';
import type { GraphQLSchema } from 'graphql';
import WebSocket from 'ws';
import type { Role } from './abuse-hub.js';
import { between, documentMutations, pick, seededRng, type Generated, type Rng } from './documents.js';

/**
 * Hostile requests over HTTP and graphql-ws, from every caller (anonymous and each role), generated for a seed;
 * and how each answer is checked (no 5xx, no stack trace, no canary, anonymous refused).
 */
export type Caller = 'ANONYMOUS' | Role;
export const CALLERS: Caller[] = ['ANONYMOUS', 'VIEWER', 'OPERATOR', 'ADMIN'];

export interface HostileRequest {
  id: number;
  /** `http:<wrapper>:<document mutation>` or `ws:<wrapper>:<document mutation>`. */
  kind: string;
  caller: Caller;
  http?: { method: string; body?: Buffer; headers: Record<string, string>; search?: string; slow?: boolean };
  ws?: { init: 'token' | 'none' | 'forged'; messages: Array<string | object> };
}

export interface Target { url: string; wsUrl: string; tokens: Record<Role, string> }

export interface Answer {
  request: HostileRequest;
  status?: number;
  closeCode?: number;
  text: string;
  /** The client's own failure (connection reset etc.), not the hub's answer. */
  clientError?: string;
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

const whitespace = new Map<number, Buffer>();

/** `body` with `megabytes` of whitespace inside, gzipped: concatenated gzip members, the big one made once per size. */
function gzipBomb(body: Buffer, megabytes: number): Buffer {
  if (!whitespace.has(megabytes)) whitespace.set(megabytes, gzipSync(Buffer.alloc(megabytes * 1_000_000, 32), { level: 9 }));
  return Buffer.concat([gzipSync(body.subarray(0, body.length - 1)), whitespace.get(megabytes)!, gzipSync('}')]);
}

/** A URL can carry no lone surrogate (a cut through a pair, or one the mutations planted): each becomes U+FFFD. */
function wellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

function httpWrapper(doc: Generated, rng: Rng): { name: string; http: NonNullable<HostileRequest['http']> } {
  const body = json(doc);
  const ct = { 'content-type': 'application/json' };
  const wrappers: Array<[string, number, () => NonNullable<HostileRequest['http']>]> = [
    ['post', 40, () => ({ method: 'POST', body, headers: ct })],
    ['get', 6, () => ({ method: 'GET', headers: {}, search: `?query=${encodeURIComponent(wellFormed(doc.query.slice(0, 6_000)))}${doc.variables ? `&variables=${encodeURIComponent(wellFormed(JSON.stringify(doc.variables)))}` : ''}` })],
    ['contentType', 5, () => ({ method: 'POST', body, headers: { 'content-type': pick(rng, ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/graphql', 'application/json; charset=utf-7', '']) } })],
    ['gzip', 4, () => ({ method: 'POST', body: gzipSync(body), headers: { ...ct, 'content-encoding': 'gzip' } })],
    ['gzipBomb', 3, () => ({ method: 'POST', body: gzipBomb(body, pick(rng, [2, 10, 50])), headers: { ...ct, 'content-encoding': pick(rng, ['gzip', 'x-gzip']) } })],
    ['deflate', 2, () => ({ method: 'POST', body: deflateSync(body), headers: { ...ct, 'content-encoding': 'deflate' } })],
    ['badEncoding', 2, () => ({ method: 'POST', body, headers: { ...ct, 'content-encoding': pick(rng, ['gzip', 'br', 'compress', 'identity, gzip']) } })],
    ['batch', 4, () => ({ method: 'POST', body: json(Array.from({ length: between(rng, 2, body.length > 20_000 ? 3 : 300) }, () => doc)), headers: ct })],
    ['malformedJson', 4, () => ({ method: 'POST', body: Buffer.from(pick(rng, ['{"query": "{ viewer', '{"query": 1}', 'null', '"just a string"', '[]', '{}', '{"query": "{ viewer { name } }", "variables": "{"}', '\u0000', '{"query":"{ viewer { name } }"}garbage', '{"query": {"nested": true}}', `${'['.repeat(50_000)}${']'.repeat(50_000)}`, `{"query":"{ viewer { name } }","variables":{"v":${'['.repeat(20_000)}1${']'.repeat(20_000)}}}`])), headers: ct })],
    ['persistedQuery', 2, () => ({ method: 'POST', body: json({ extensions: { persistedQuery: { version: pick(rng, [1, 2, 'x']), sha256Hash: 'abc' } } }), headers: ct })],
    ['method', 2, () => ({ method: pick(rng, ['PUT', 'DELETE', 'PATCH', 'OPTIONS']), body: pick(rng, [body, undefined]), headers: ct })],
    ['slowBody', 1, () => ({ method: 'POST', body, headers: ct, slow: true })],
  ];
  const total = wrappers.reduce((n, [, w]) => n + w, 0);
  let roll = rng() * total;
  for (const [name, weight, make] of wrappers) {
    roll -= weight;
    if (roll <= 0) return { name, http: make() };
  }
  return { name: 'post', http: { method: 'POST', body, headers: ct } };
}

function wsWrapper(doc: Generated, rng: Rng, caller: Caller): { name: string; ws: NonNullable<HostileRequest['ws']> } {
  const subscribe = (id: string) => ({ id, type: 'subscribe', payload: doc });
  const init = caller === 'ANONYMOUS' ? pick(rng, ['none', 'forged'] as const) : 'token';
  const options: Array<[string, () => NonNullable<HostileRequest['ws']>]> = [
    ['subscribe', () => ({ init, messages: [subscribe('1')] })],
    ['subscribeMany', () => ({ init, messages: Array.from({ length: between(rng, 2, 30) }, (_, i) => subscribe(String(i))) })],
    ['duplicateId', () => ({ init, messages: [subscribe('dup'), subscribe('dup')] })],
    ['garbage', () => ({ init, messages: [pick(rng, ['not json', '{"type":"nope"}', '{"type":"subscribe"}', '{"id":1,"type":"subscribe","payload":{}}', '{"type":"connection_init"}', '{"type":"complete","id":"x"}', '{"type":"ping"}'])] })],
    ['oversize', () => ({ init, messages: [JSON.stringify({ id: 'big', type: 'subscribe', payload: { query: `{ viewer { name } } #${'x'.repeat(1_100_000)}` } })] })],
  ];
  const [name, make] = pick(rng, options);
  return { name, ws: make() };
}

/** `count` hostile requests for `seed`: each a schema-generated document, mutated, then wrapped for a transport. */
export function generateHostileRequests(schema: GraphQLSchema, seed: number, count: number): HostileRequest[] {
  const rng = seededRng(seed);
  const mutationNames = Object.keys(documentMutations);
  const requests: HostileRequest[] = [];
  for (let id = 0; id < count; id += 1) {
    const caller = CALLERS[id % CALLERS.length]!;
    const mutation = pick(rng, mutationNames);
    const doc = documentMutations[mutation]!(schema, rng);
    if (rng() < 0.2) {
      const { name, ws } = wsWrapper(doc, rng, caller);
      requests.push({ id, kind: `ws:${name}:${mutation}`, caller, ws });
    } else {
      const { name, http } = httpWrapper(doc, rng);
      requests.push({ id, kind: `http:${name}:${mutation}`, caller, http });
    }
  }
  return requests;
}

export async function sendHostile(request: HostileRequest, target: Target): Promise<Answer> {
  try {
    return request.http?.slow ? await sendSlow(request, target) : request.http ? await sendHttp(request, target) : await sendWs(request, target);
  } catch (error) {
    const { name, message, cause } = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    return { request, text: '', clientError: `${name}: ${message}${cause ? ` (${cause.code ?? cause.message})` : ''}` };
  }
}

function tokenFor(caller: Caller, target: Target): string | null {
  return caller === 'ANONYMOUS' ? null : target.tokens[caller];
}

async function sendHttp(request: HostileRequest, target: Target): Promise<Answer> {
  const http = request.http!;
  const token = tokenFor(request.caller, target);
  const response = await fetch(target.url + (http.search ?? ''), {
    method: http.method,
    headers: { ...http.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: http.method === 'GET' ? undefined : http.body,
    signal: AbortSignal.timeout(30_000),
  });
  return { request, status: response.status, text: await response.text() };
}

/** Announces a large body, sends part of it, and waits for the hub's answer. */
function sendSlow(request: HostileRequest, target: Target): Promise<Answer> {
  const url = new URL(target.url);
  const token = tokenFor(request.caller, target);
  const head = ['POST /graphql HTTP/1.1', `Host: ${url.host}`, 'Content-Type: application/json', 'Content-Length: 999999999',
    ...(token ? [`Authorization: Bearer ${token}`] : []), '', ''].join('\r\n');
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.write(head + request.http!.body!.subarray(0, 27).toString()));
    let received = '';
    const done = (clientError?: string) => {
      clearTimeout(timer);
      socket.destroy();
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1]) || undefined;
      resolve({ request, status, text: received, clientError: status ? undefined : clientError });
    };
    const timer = setTimeout(() => done('held for 30 s'), 30_000);
    socket.on('data', (chunk) => {
      received += chunk;
      const [headers, body = ''] = received.split('\r\n\r\n');
      const length = Number(/content-length: (\d+)/i.exec(headers ?? '')?.[1] ?? NaN);
      if (body.length >= length) done();
    });
    socket.on('close', () => done('closed without an answer'));
    socket.on('error', (error) => done(error.message));
  });
}

function sendWs(request: HostileRequest, target: Target): Promise<Answer> {
  const ws = request.ws!;
  const token = tokenFor(request.caller, target);
  return new Promise((resolve) => {
    const socket = new WebSocket(target.wsUrl, 'graphql-transport-ws');
    const received: string[] = [];
    let settle: NodeJS.Timeout | undefined;
    const finish = (closeCode?: number, reason = '') => {
      clearTimeout(timer);
      clearTimeout(settle);
      if (socket.readyState === WebSocket.OPEN) socket.close(1000);
      resolve({ request, closeCode, text: `${received.join('\n')}\n${reason}` });
    };
    const timer = setTimeout(() => finish(undefined, 'client gave up after 10 s'), 10_000);
    const sendAll = () => {
      for (const message of ws.messages) socket.send(typeof message === 'string' ? message : JSON.stringify(message));
      settle = setTimeout(() => finish(), 250);
    };
    socket.on('open', () => {
      if (ws.init === 'token') socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
      else if (ws.init === 'forged') socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: 'Bearer sgt_forged' } }));
      if (ws.init !== 'token') sendAll();
    });
    socket.on('message', (data) => {
      const text = String(data);
      received.push(text);
      if (text.includes('"connection_ack"')) sendAll();
      else if (settle) {
        clearTimeout(settle);
        settle = setTimeout(() => finish(), 200);
      }
    });
    socket.on('close', (code, reason) => finish(code, String(reason)));
    socket.on('unexpected-response', (_req, res) => finish(undefined, `HTTP ${res.statusCode}`));
    socket.on('error', () => undefined);
  });
}

const STACK = /\n\s+at \S|\bat [\w$.<>]+ \([^)]*:\d+:\d+\)|"stacktrace"|node:internal|\/dist\/src\/|\/node_modules\//;

/** What is wrong with an answer: a 5xx or an internal error, a stack trace, the canary, or an anonymous caller let through. */
export function problemsIn(answer: Answer, canary: string): string[] {
  const problems: string[] = [];
  const { request } = answer;
  if (answer.status !== undefined && answer.status >= 500) problems.push(`HTTP ${answer.status}`);
  if (STACK.test(answer.text)) problems.push('a stack trace in the answer');
  if (answer.text.includes(canary)) problems.push('the canary secret in the answer');
  // 431: Node refuses an over-long URL or header block before any handler runs.
  if (request.caller === 'ANONYMOUS' && request.http && answer.status !== undefined && answer.status !== 401 && answer.status !== 431) problems.push(`anonymous HTTP answered ${answer.status}, not 401`);
  if (request.caller === 'ANONYMOUS' && request.ws && /"type":"(connection_ack|next)"/.test(answer.text)) problems.push('anonymous socket acknowledged');
  if (answer.closeCode === 4500 || answer.closeCode === 1011) problems.push(`socket closed ${answer.closeCode} (internal error)`);
  // Bad input deserves a code saying so, not an internal error (HTTP 200 with errors, or a graphql-ws payload).
  if (answer.text.includes('"INTERNAL_SERVER_ERROR"')) problems.push('INTERNAL_SERVER_ERROR for a hostile input');
  return problems;
}
