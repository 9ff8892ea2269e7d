import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabase } from '../database.js';
import { startHubProcess, type HubProcess } from '../hub-process.js';

export type Role = 'VIEWER' | 'OPERATOR' | 'ADMIN';

/**
 * The hub as `npm start` runs it (its own process, the 192 MB heap, sandboxes for every vendor but one) with a
 * canary secret planted as a real source's credential: Secureworks CTP's password and VirusTotal's API key come
 * from environment variables holding the canary, and both sources point at a local "vendor" that refuses every
 * call (so the hub does send the secret, and has errors to report).
 */
export interface AbuseHub {
  hub: HubProcess;
  url: string;
  wsUrl: string;
  /** A token per role, and DASHBOARD: a VIEWER token of its own for a well-behaved client. */
  tokens: Record<Role | 'DASHBOARD', string>;
  canary: string;
  /** Requests the refusing vendor received that carried the canary. */
  vendorSawCanary(): number;
  stop(): Promise<number | null>;
}

export async function startAbuseHub(options: { logLevel?: string; nodeArgs?: string[] } = {}): Promise<AbuseHub> {
  const canary = `canary-${randomBytes(12).toString('hex')}`;
  let sawCanary = 0;
  const vendor: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      if (`${JSON.stringify(req.headers)}${req.url}${body}`.includes(canary)) sawCanary += 1;
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid credentials"}');
    });
  });
  await new Promise<void>((resolve) => vendor.listen(0, '127.0.0.1', resolve));
  const vendorUrl = `http://127.0.0.1:${(vendor.address() as AddressInfo).port}`;

  const dir = mkdtempSync(join(tmpdir(), 'sg-abuse-'));
  const database = await testDatabase('sg_abuse');
  const config = join(dir, 'hub.yaml');
  writeFileSync(config, [
    'sandboxes: missing',
    // ABUSE_SERVER_SETTINGS: more `server` settings for a bench run, e.g. `maxConcurrentRequests: 2`.
    `server: { port: 0, host: 127.0.0.1${process.env.ABUSE_SERVER_SETTINGS ? `, ${process.env.ABUSE_SERVER_SETTINGS}` : ''} }`,
    `database: { dataDir: ${join(dir, 'postgres')} }`,
    'sources:',
    '  - vendor: SECUREWORKS_CTP',
    `    baseUrl: ${vendorUrl}/api/ticket/v3`,
    '    credentials: { username: ABUSE_CTP_USER, password: ABUSE_CANARY }',
    '    pollIntervalSeconds: 5',
    '  - vendor: VIRUSTOTAL',
    `    baseUrl: ${vendorUrl}/api/v3`,
    '    credentials: { apiKey: ABUSE_CANARY }',
    '',
  ].join('\n'));
  const env = { HUB_CONFIG: config, DATABASE_URL: database.url ?? '', ABUSE_CTP_USER: 'abuse-user', ABUSE_CANARY: canary, LOG_LEVEL: options.logLevel ?? 'info' };

  // The ADMIN token from the CLI (before the hub starts, as an operator would make the first one), the others through it.
  const cli = spawnSync(process.execPath, ['dist/src/cli/token.js', 'create', '--role', 'ADMIN', '--name', 'abuse-admin'], {
    env: { ...process.env, NODE_OPTIONS: '', ...env, LOG_LEVEL: 'warn' }, encoding: 'utf8', timeout: 60_000,
  });
  if (cli.status !== 0) throw new Error(`token CLI failed: ${cli.stderr}`);
  const hub = await startHubProcess(env, { nodeArgs: options.nodeArgs ?? [`--max-old-space-size=${process.env.SOCGRAPH_HEAP_MB ?? 192}`] });
  const tokens = { ADMIN: cli.stdout.trim() } as Record<Role | 'DASHBOARD', string>;
  for (const role of ['VIEWER', 'OPERATOR', 'DASHBOARD'] as const) {
    const response = await fetch(hub.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.ADMIN}` },
      body: JSON.stringify({ query: 'mutation($n: String!, $r: Role!) { createApiToken(name: $n, role: $r) { token } }', variables: { n: `abuse-${role.toLowerCase()}`, r: role === 'DASHBOARD' ? 'VIEWER' : role } }),
    });
    tokens[role] = ((await response.json()) as { data: { createApiToken: { token: string } } }).data.createApiToken.token;
  }
  return {
    hub,
    url: hub.url,
    wsUrl: hub.url.replace(/^http/, 'ws'),
    tokens,
    canary,
    vendorSawCanary: () => sawCanary,
    async stop() {
      const code = await hub.stop();
      await new Promise<void>((resolve) => vendor.close(() => resolve()));
      vendor.closeAllConnections();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}
