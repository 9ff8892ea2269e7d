import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CYWARE_CTIX } from '../../src/sources/cyware-ctix/vendor-id.js';
import { VendorHttp } from '../../src/sources/http/vendor-http.js';
import {
  openApiAuthenticator, openApiSignature, verifyOpenApiRequest, type VerifyOptions,
} from '../../src/sources/cyware-signing/open-api-signature.js';
import { z } from 'zod';

const ACCESS_ID = 'a1b2c3d4-0000-4000-8000-000000000001';
const SECRET = 's3cr3t-key-for-tests';

describe('openApiSignature (vendor notes test vectors)', () => {
  it('signs AccessID\\nExpires with HMAC-SHA1, Base64', () => {
    expect(openApiSignature(ACCESS_ID, SECRET, 1700000000)).toBe('lT3CpqSf6gdDSxDdKkbHNzxyuAs=');
    expect(openApiSignature(ACCESS_ID, SECRET, 1700000022)).toBe('aukuN8JQoyDziAtPL6ww+vY/Wjc=');
  });

  it('percent-encodes + / = on the wire', () => {
    const sign = openApiAuthenticator({ accessId: ACCESS_ID, secretKey: SECRET }, { validitySeconds: 22, now: () => 1700000000_000 });
    const signed = sign(new Request('https://tenant.example/ctixapi/ping/'));
    expect(signed.url).toBe(
      `https://tenant.example/ctixapi/ping/?AccessID=${ACCESS_ID}&Expires=1700000022&Signature=aukuN8JQoyDziAtPL6ww%2BvY%2FWjc%3D`);
  });

  it('replaces earlier auth parameters and keeps the others (a retried request is re-signed, not appended to)', () => {
    let now = 1700000000_000;
    const sign = openApiAuthenticator({ accessId: ACCESS_ID, secretKey: SECRET }, { validitySeconds: 0, now: () => now });
    const first = sign(new Request('https://tenant.example/ctixapi/x/?page=2'));
    now += 22_000;
    const second = new URL(sign(first).url);
    expect([...second.searchParams.keys()]).toEqual(['page', 'AccessID', 'Expires', 'Signature']);
    expect(second.searchParams.get('Expires')).toBe('1700000022');
    expect(second.searchParams.get('Signature')).toBe('aukuN8JQoyDziAtPL6ww+vY/Wjc=');
  });
});

describe('verifyOpenApiRequest', () => {
  const options = (nowSeconds: number): VerifyOptions => ({
    secretFor: (id) => (id === ACCESS_ID ? SECRET : undefined),
    nowSeconds,
    maxValiditySeconds: 30,
  });
  const query = (expires: number, signature = openApiSignature(ACCESS_ID, SECRET, expires)) =>
    ({ AccessID: ACCESS_ID, Expires: String(expires), Signature: signature });

  it('accepts a fresh signature', () => {
    expect(verifyOpenApiRequest(query(1700000022), options(1700000000))).toEqual({ ok: true, accessId: ACCESS_ID });
  });

  it('answers 401 for a missing parameter, an unknown AccessID or a wrong signature', () => {
    const { Signature: _dropped, ...unsigned } = query(1700000022);
    expect(verifyOpenApiRequest(unsigned, options(1700000000))).toMatchObject({ ok: false, status: 401, body: { detail: 'Authentication credentials were not provided.' } });
    expect(verifyOpenApiRequest({ ...query(1700000022), AccessID: 'someone-else' }, options(1700000000))).toMatchObject({ ok: false, status: 401 });
    expect(verifyOpenApiRequest(query(1700000022, 'lT3CpqSf6gdDSxDdKkbHNzxyuAs='), options(1700000000))).toMatchObject({ ok: false, status: 401 });
  });

  it('answers 401 when an unencoded + arrived as a space', () => {
    // `aukuN8JQoyDziAtPL6ww+vY/Wjc=` sent without encoding decodes to a space on the server.
    expect(verifyOpenApiRequest(query(1700000022, 'aukuN8JQoyDziAtPL6ww vY/Wjc='), options(1700000000))).toMatchObject({ ok: false, status: 401 });
  });

  it('tolerates a double-encoded signature (Cyware\'s own Python sample)', () => {
    expect(verifyOpenApiRequest(query(1700000022, 'aukuN8JQoyDziAtPL6ww%2BvY%2FWjc%3D'), options(1700000000)).ok).toBe(true);
  });

  it('answers 403 naming the clock for an expired or too-far-future Expires', () => {
    const expired = verifyOpenApiRequest(query(1700000000), options(1700000001));
    expect(expired).toMatchObject({ ok: false, status: 403, body: { detail: expect.stringMatching(/expired.*machine time/i) } });
    const future = verifyOpenApiRequest(query(1700000031), options(1700000000));
    expect(future).toMatchObject({ ok: false, status: 403, body: { detail: expect.stringMatching(/more than 30 seconds.*machine time/i) } });
    expect(verifyOpenApiRequest(query(1700000030), options(1700000000)).ok).toBe(true);
  });
});

describe('signing through VendorHttp', () => {
  let server: Server;
  let origin: string;
  const seen: Array<{ expires: string | null; signature: string | null }> = [];
  let failFirst = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://localhost');
      seen.push({ expires: url.searchParams.get('Expires'), signature: url.searchParams.get('Signature') });
      if (failFirst > 0) {
        failFirst -= 1;
        res.writeHead(503, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      const verdict = verifyOpenApiRequest(Object.fromEntries(url.searchParams), {
        secretFor: (id) => (id === ACCESS_ID ? SECRET : undefined), nowSeconds: Math.floor(Date.now() / 1000), maxValiditySeconds: 30,
      });
      res.writeHead(verdict.ok ? 200 : verdict.status, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: verdict.ok }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('computes Expires per attempt: a retry after a backoff carries a new one', async () => {
    let clock = Date.now();
    const http = new VendorHttp({
      vendor: CYWARE_CTIX, sourceName: 'signing-test', baseUrl: origin, backoffLimitMs: 50, retries: 2,
      authenticate: openApiAuthenticator({ accessId: ACCESS_ID, secretKey: SECRET }, {
        validitySeconds: 20,
        // Each signing advances the injected clock by 5 s, as a slow retry would.
        now: () => (clock += 5_000) - 5_000,
      }),
    });
    seen.length = 0;
    failFirst = 1;
    await expect(http.json('GET', 'ping/', z.object({ ok: z.literal(true) }))).resolves.toEqual({ ok: true });
    expect(seen).toHaveLength(2);
    expect(Number(seen[1]!.expires) - Number(seen[0]!.expires)).toBe(5);
    expect(seen[1]!.signature).not.toBe(seen[0]!.signature);
  });
});
