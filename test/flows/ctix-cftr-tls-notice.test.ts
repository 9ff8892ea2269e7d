import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCywareCftrSandbox } from '../../src/sandbox/cyware-cftr/index.js';
import { createCywareCtixSandbox } from '../../src/sandbox/cyware-ctix/index.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/kit/index.js';
import { startHubProcess } from '../support/hub-process.js';

/** `tlsVerify: false` must never go unnoticed: the hub process says so once, at start, for that source only. */
let ctixTls: RunningSandbox;
let cftr: RunningSandbox;

beforeAll(async () => {
  ctixTls = await startSandbox(createCywareCtixSandbox(), { tls: true });
  cftr = await startSandbox(createCywareCftrSandbox());
});
afterAll(async () => {
  await ctixTls?.close();
  await cftr?.close();
});

it('logs TLS verification off once at start, naming that source and no other', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-tls-notice-'));
  const config = join(dir, 'hub.json');
  writeFileSync(config, JSON.stringify({
    sandboxes: 'none',
    server: { port: 0, host: '127.0.0.1' },
    database: { dataDir: join(dir, 'postgres') },
    sources: [
      { name: 'ctix-insecure', vendor: 'CYWARE_CTIX', baseUrl: ctixTls.apiUrl, tlsVerify: false, credentials: { accessId: 'TLS_CTIX_ID', secretKey: 'TLS_CTIX_SECRET' } },
      { name: 'cftr', vendor: 'CYWARE_CFTR', baseUrl: cftr.apiUrl, credentials: { accessId: 'TLS_CFTR_ID', secretKey: 'TLS_CFTR_SECRET' } },
    ],
  }));
  const hub = await startHubProcess({
    HUB_CONFIG: config, DATABASE_URL: '',
    TLS_CTIX_ID: ctixTls.credentials.accessId, TLS_CTIX_SECRET: ctixTls.credentials.secretKey,
    TLS_CFTR_ID: cftr.credentials.accessId, TLS_CFTR_SECRET: cftr.credentials.secretKey,
  });
  try {
    const notices = hub.output().split('\n').filter((line) => line.includes('TLS certificate verification is OFF'));
    expect(notices).toHaveLength(1);
    expect(JSON.parse(notices[0]!)).toMatchObject({ level: 40, source: 'ctix-insecure', vendor: 'CYWARE_CTIX' });
    expect(hub.output()).not.toContain(ctixTls.credentials.secretKey!);
  } finally {
    await hub.stop();
  }
}, 120_000);
