import { connect } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { hubConfigSchema } from '../../src/config/hub-config.js';
import { startHub, type RunningHub } from '../../src/hub.js';
import { testDatabase } from '../support/database.js';

/**
 * Issue 9, safe defaults: a hub told nothing about its address listens on loopback only; the development ADMIN
 * token exists only on an all-sandbox hub on loopback, and stops working when the hub stops; `/metrics` can require a token.
 */


/** An IPv4 address of this machine that is not loopback, if it has one. */
function externalAddress(): string | null {
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) if (entry.family === 'IPv4' && !entry.internal) return entry.address;
  }
  return null;
}

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

async function viewer(hub: RunningHub, token: string): Promise<number> {
  const response = await fetch(hub.http.url, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ viewer { role } }' }),
  });
  return response.status;
}

describe('safe defaults', () => {
  it('listens on 127.0.0.1 unless server.host says otherwise', async () => {
    const database = await testDatabase();
    const config = hubConfigSchema.parse({ sandboxes: 'none', server: { port: 0 } });
    expect(config.server.host).toBe('127.0.0.1');
    const hub = await startHub({ config, databaseUrl: database.url, embeddedDataDir: join(mkdtempSync(join(tmpdir(), 'sg-defaults-')), 'postgres') });
    try {
      const { port } = new URL(hub.http.url);
      expect(new URL(hub.http.url).hostname).toBe('127.0.0.1');
      expect(await reachable('127.0.0.1', Number(port))).toBe(true);
      const external = externalAddress();
      // A machine without a non-loopback address cannot show the difference; CI's containers have one.
      if (external) expect(await reachable(external, Number(port))).toBe(false);
      expect(hub.developmentToken).toBeNull(); // no sandbox: nothing to develop against
    } finally {
      await hub.stop();
      await database.drop();
    }
  });

  it('creates the development token only for an all-sandbox hub on loopback, and revokes it at shutdown and after a crash', async () => {
    const database = await testDatabase();
    const embeddedDataDir = database.url ? undefined : join(mkdtempSync(join(tmpdir(), 'sg-defaults-')), 'postgres');
    const start = (config: Record<string, unknown>) => startHub({ config: hubConfigSchema.parse(config), databaseUrl: database.url, embeddedDataDir });
    let leftover = '';
    const noJobs = { 'ctp-resilient-sync': { intervalSeconds: 0 }, 'ivanti-enrichment': { intervalSeconds: 0 } };
    try {
      const sandboxed = await start({ sandboxes: 'all', server: { port: 0 }, jobs: noJobs });
      const token = sandboxed.developmentToken!;
      expect(token).toMatch(/^sgt_/);
      expect(await viewer(sandboxed, token)).toBe(200);
      await sandboxed.stop();
      const stoppedAt = Date.now();

      // Every interface: no development token, though every source is a sandbox.
      const open = await start({ sandboxes: 'all', server: { port: 0, host: '0.0.0.0' }, jobs: noJobs });
      try {
        expect(open.developmentToken).toBeNull();
        const tokens = await open.services.tokens.list();
        const development = tokens.filter((t) => t.name === 'development');
        expect(development).toHaveLength(1);
        // Revoked by the stop, not by this start.
        expect(development[0].revokedAt!.getTime()).toBeLessThanOrEqual(stoppedAt);
        expect(await viewer(open, token)).toBe(401);
        // What a run killed before its shutdown leaves behind: a live development token.
        leftover = (await open.services.tokens.create('development', 'ADMIN')).token;
      } finally {
        await open.stop();
      }

      // A real source configured (the other vendors on sandboxes): no development token either.
      process.env.SG_TEST_VT_KEY = 'vt-key-for-the-test';
      const real = await start({
        server: { port: 0 }, sandboxes: 'missing', jobs: noJobs,
        sources: [{ vendor: 'VIRUSTOTAL', baseUrl: 'https://127.0.0.1:9', enabled: false, credentials: { apiKey: 'SG_TEST_VT_KEY' } }],
      });
      try {
        expect(real.sandboxes.size).toBeGreaterThan(0);
        expect(real.developmentToken).toBeNull();
        // The next start revokes it, whether or not it makes a token of its own.
        expect(await viewer(real, leftover)).toBe(401);
      } finally {
        await real.stop();
      }
    } finally {
      await database.drop();
    }
  }, 180_000);

  it('asks for the metrics token when server.metricsToken names one', async () => {
    const database = await testDatabase();
    process.env.SG_TEST_METRICS_TOKEN = 'scrape-token-0123456789';
    const config = hubConfigSchema.parse({ sandboxes: 'none', server: { port: 0, metricsToken: 'SG_TEST_METRICS_TOKEN' } });
    const hub = await startHub({ config, databaseUrl: database.url, embeddedDataDir: join(mkdtempSync(join(tmpdir(), 'sg-defaults-')), 'postgres') });
    try {
      const metrics = new URL('/metrics', hub.http.url);
      expect((await fetch(metrics)).status).toBe(401);
      expect((await fetch(metrics, { headers: { authorization: 'Bearer scrape-token-wrong' } })).status).toBe(401);
      const scraped = await fetch(metrics, { headers: { authorization: 'Bearer scrape-token-0123456789' } });
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toMatch(/^# HELP/m);
    } finally {
      await hub.stop();
      await database.drop();
    }
    // Named but unset: the hub refuses to start rather than serve /metrics open.
    const unset = hubConfigSchema.parse({ sandboxes: 'none', server: { port: 0, metricsToken: 'SG_TEST_UNSET_VARIABLE' } });
    const again = await testDatabase();
    await expect(startHub({ config: unset, databaseUrl: again.url, embeddedDataDir: join(mkdtempSync(join(tmpdir(), 'sg-defaults-')), 'postgres') })).rejects.toThrow(/SG_TEST_UNSET_VARIABLE is not set/);
    await again.drop();
  });
});
