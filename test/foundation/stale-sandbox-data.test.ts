import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hubConfigSchema } from '../../src/config/hub-config.js';
import { StaleSandboxDataError } from '../../src/db/stale-sandbox-data.js';
import { startHub, type HubOptions } from '../../src/hub.js';
import { testDatabase } from '../support/database.js';
import { control } from '../support/sandbox-control.js';

/** `npm start` on sandboxes refuses a data folder that holds an earlier run's sandbox data (hint: npm run reset). */
let dataDir: string;
let database: Awaited<ReturnType<typeof testDatabase>>;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'socgraph-stale-'));
  database = await testDatabase();
});

afterAll(async () => {
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

const options = (): HubOptions => ({
  config: hubConfigSchema.parse({ sandboxes: 'all', server: { port: 0, host: '127.0.0.1' }, jobs: { 'ctp-resilient-sync': { intervalSeconds: 0 } } }),
  databaseUrl: database.url,
  embeddedDataDir: dataDir,
  refuseStaleSandboxData: true,
});

describe('fresh sandboxes on old data', () => {
  it('starts again on data without sandbox records, and refuses once an earlier run synced from its sandboxes', async () => {
    const first = await startHub(options());
    await first.stop();

    const second = await startHub(options());
    const ctp = second.sandboxes.get('secureworks-ctp')!;
    await control(ctp, 'POST', '/tickets', { status: 'New', priority: 'HIGH', symptomDescription: 'old run' });
    const run = await second.services.jobs.runNow('ctp-resilient-sync');
    expect(run.state).toBe('COMPLETED');
    await second.stop();

    const third = startHub(options());
    await expect(third).rejects.toBeInstanceOf(StaleSandboxDataError);
    await expect(third).rejects.toThrow(/npm run reset/);
  });
});
