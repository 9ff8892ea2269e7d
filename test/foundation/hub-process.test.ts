import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHubProcess } from '../support/hub-process.js';

/** The hub as `npm start` runs it: its own process, the embedded database on disk, every sandbox. */
describe('the hub process', () => {
  it('starts, serves, and on SIGTERM shuts down cleanly (exit 0) — then starts again on the same data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-process-'));
    const config = join(dir, 'hub.yaml');
    writeFileSync(config, `sandboxes: all\nserver: { port: 0, host: 127.0.0.1 }\ndatabase: { dataDir: ${join(dir, 'pglite')} }\n`);
    const env = { HUB_CONFIG: config, DATABASE_URL: '' };
    const first = await startHubProcess(env);
    expect(first.output()).toMatch(/development ADMIN token \(this run only\): sgt_/);
    const health = await fetch(first.url.replace('/graphql', '/readyz'));
    expect(health.status).toBe(200);
    const started = Date.now();
    expect(await first.stop()).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);

    const second = await startHubProcess(env);
    expect((await fetch(second.url.replace('/graphql', '/healthz'))).status).toBe(200);
    expect(await second.stop()).toBe(0);
  }, 120_000);
});
