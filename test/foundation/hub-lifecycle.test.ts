import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import { Agent } from 'undici';
import WebSocket from 'ws';
import { startHubProcess, type HubProcess } from '../support/hub-process.js';

/**
 * The hub as `npm start` runs it (its own process, the embedded database on disk, every sandbox), as an operator
 * sees it: a token made with
 * `npm run token`, the start-up log, a SIGTERM while a job runs and a dashboard is subscribed, and a restart
 * on the same data.
 */
const insecure = new Agent({ connect: { rejectUnauthorized: false } });
const VENDOR_SANDBOXES = ['secureworks-ctp', 'ibm-resilient', 'cyware-ctix', 'cyware-cftr', 'ivanti-itsm', 'abuseipdb', 'hybrid-analysis', 'virustotal'];

function tokenCli(env: NodeJS.ProcessEnv, ...args: string[]) {
  const result = spawnSync(process.execPath, ['dist/src/cli/token.js', ...args], {
    env: { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: 'warn', ...env }, encoding: 'utf8', timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function graphql(hub: HubProcess, token: string, query: string, variables?: Record<string, unknown>) {
  const response = await fetch(hub.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: await response.json() as { data?: any; errors?: Array<{ message: string; extensions?: { code?: string } }> } };
}

function developmentToken(hub: HubProcess): string {
  return /development ADMIN token \(this run only\): (sgt_\S+)/.exec(hub.output())![1];
}

describe('the hub, from token to restart', () => {
  it('takes a CLI token, logs where everything is, shuts down gracefully mid-job and keeps its data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-lifecycle-'));
    const dataDir = join(dir, 'postgres');
    const config = join(dir, 'hub.yaml');
    // The sync job runs only when asked, so the run under test is the only one.
    writeFileSync(config, `sandboxes: all\nserver: { port: 0, host: 127.0.0.1 }\ndatabase: { dataDir: ${dataDir} }\n`
      + `jobs:\n  ctp-resilient-sync: { intervalSeconds: 0 }\n`);
    const env = { HUB_CONFIG: config, DATABASE_URL: '' };

    // `npm run token -- create`: printed once, on stdout alone.
    const created = tokenCli(env, 'create', '--role', 'OPERATOR', '--name', 'ci');
    expect(created.status).toBe(0);
    const cliToken = created.stdout.trim();
    expect(cliToken).toMatch(/^sgt_\S{20,}$/);
    expect(created.stderr).toMatch(/not shown again/);
    const refused = tokenCli(env, 'create', '--role', 'ROOT', '--name', 'x');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/--role must be one of VIEWER, OPERATOR, ADMIN/);

    const first = await startHubProcess(env);
    let second: HubProcess | undefined;
    try {
      // The start-up log says where the endpoint, the database and every sandbox are.
      const log = first.output();
      expect(log).toMatch(/GraphQL \(HTTP \+ graphql-ws\): http:\/\/127\.0\.0\.1:\d+\/graphql/);
      expect(log).toContain(`database: embedded PostgreSQL at ${dataDir}`);
      const sandboxes = new Map([...log.matchAll(/sandbox (\S+): (\S+) \(control: (\S+)\)/g)].map((m) => [m[1], m[3]]));
      expect([...sandboxes.keys()].sort()).toEqual([...VENDOR_SANDBOXES].sort());
      const adminToken = developmentToken(first);
      expect((await fetch(first.url.replace('/graphql', '/readyz'))).status).toBe(200);

      const viewer = await graphql(first, cliToken, '{ viewer { name role } }');
      expect(viewer.body.data.viewer).toEqual({ name: 'ci', role: 'OPERATOR' });

      // A dashboard subscribed over graphql-ws.
      let closeCode: number | undefined;
      const closed = new Promise<void>((resolve) => {
        const client = createClient({
          url: first.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, onNonLazyError: () => undefined,
          connectionParams: { authorization: `Bearer ${adminToken}` },
          on: { closed: (event) => { closeCode = (event as { code: number }).code; resolve(); } },
        });
        client.subscribe({ query: 'subscription { syncEvents { cursor kind } }' }, { next: () => undefined, error: () => undefined, complete: () => undefined });
      });

      // A run in flight: every CTP call now takes 3 s.
      const faults = await fetch(`${sandboxes.get('secureworks-ctp')}faults`, {
        method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs: 3000 }), dispatcher: insecure,
      } as RequestInit);
      expect(faults.status).toBe(200);
      const running = graphql(first, cliToken, 'mutation { runJob(name: "ctp-resilient-sync") { id state } }');
      for (let i = 0; i < 50; i += 1) {
        const jobs = await graphql(first, adminToken, '{ jobs { name lastRun { state } } }');
        if (jobs.body.data.jobs.find((j: { name: string }) => j.name === 'ctp-resilient-sync').lastRun?.state === 'RUNNING') break;
        await new Promise((r) => setTimeout(r, 100));
      }

      const stopping = Date.now();
      const exit = first.stop(30_000);
      // runJob answers with the run as it stands instead of holding the shutdown up.
      const answered = await running;
      expect(answered.status).toBe(200);
      const run = answered.body.data.runJob as { id: string; state: string };
      expect(['RUNNING', 'COMPLETED']).toContain(run.state);
      expect(await exit).toBe(0);
      // Well under the 10 s HTTP drain: nothing waited for it.
      expect(Date.now() - stopping).toBeLessThan(9_000);
      await closed;
      expect(closeCode).toBe(1001);

      // The CLI lists tokens without their secrets, and revokes.
      const listed = tokenCli(env, 'list');
      expect(listed.status).toBe(0);
      expect(listed.stdout).toMatch(/sgt_\S*…\s+OPERATOR\s+ci/);
      expect(listed.stdout).not.toContain(cliToken);
      expect(tokenCli(env, 'revoke', '--name', 'ci').stdout).toMatch(/revoked 1 token/);

      // Same data after a restart: the interrupted run ended (finished what it had in hand), it is not left RUNNING.
      second = await startHubProcess(env);
      const admin = developmentToken(second);
      expect(admin).not.toBe(adminToken);
      const after = await graphql(second, admin, 'query($id: ID!) { node(id: $id) { ... on JobRun { state finishedAt error } } }', { id: run.id });
      expect(after.body.data.node.state).toBe('COMPLETED');
      expect(after.body.data.node.finishedAt).not.toBeNull();
      expect((await graphql(second, adminToken, '{ viewer { name } }')).body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      const revoked = await graphql(second, cliToken, '{ viewer { name } }');
      expect(revoked.status).toBe(401);
      expect(revoked.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      // Idle, a stop is quick too.
      const idle = Date.now();
      expect(await second.stop()).toBe(0);
      expect(Date.now() - idle).toBeLessThan(9_000);
    } finally {
      await first.stop();
      await second?.stop();
    }
  }, 180_000);

  it('refuses to start on a bad config file, naming the key, with exit code 1 and no stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-badconfig-'));
    const config = join(dir, 'hub.yaml');
    writeFileSync(config, 'server:\n  port: 4000\nsources:\n  - name: ctp\n    vendor: SECUREWORKS_CTP\n    baseUrl: not a url\n');
    const result = spawnSync(process.execPath, ['dist/src/main.js'], {
      env: { ...process.env, NODE_OPTIONS: '', HUB_CONFIG: config, DATABASE_URL: '' }, encoding: 'utf8', timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('sources.0.baseUrl');
    expect(result.stderr).toContain(config);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
