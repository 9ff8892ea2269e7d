import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCywareCtixSandbox } from '../../src/sandbox/cyware-ctix/index.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/kit/index.js';
import { testDatabase } from '../support/database.js';
import { startHubProcess } from '../support/hub-process.js';

/**
 * Issue 13 item 3: production never loads a simulator. `npm run depcheck` forbids the imports; this watches a real
 * hub process (`dist/src/main.js`) through a module-loading hook and lists every module it loads: with real sources
 * only, none under src/sandbox; in sandbox mode, the sandbox registry (so the probe does see them when they load).
 */
let ctix: RunningSandbox;
let dir: string;

beforeAll(async () => {
  ctix = await startSandbox(createCywareCtixSandbox());
  dir = mkdtempSync(join(tmpdir(), 'sg-no-simulator-'));
  writeFileSync(join(dir, 'register.mjs'), "import { register } from 'node:module';\nregister(new URL('./hooks.mjs', import.meta.url));\n");
  writeFileSync(join(dir, 'hooks.mjs'), [
    "import { appendFileSync } from 'node:fs';",
    'export async function load(url, context, next) {',
    "  if (url.startsWith('file:')) appendFileSync(process.env.SG_MODULE_LOG, `${url}\\n`);",
    '  return next(url, context);',
    '}',
  ].join('\n'));
});

afterAll(async () => {
  await ctix?.close();
});

/** Starts a hub process with `config`, and returns the files of the modules it loaded by the time it was ready. */
async function modulesLoaded(name: string, config: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const database = await testDatabase('sg_nosim');
  const configFile = join(dir, `${name}.json`);
  const moduleLog = join(dir, `${name}.modules`);
  writeFileSync(moduleLog, '');
  writeFileSync(configFile, JSON.stringify({ server: { port: 0, host: '127.0.0.1' }, database: { dataDir: join(dir, `${name}-postgres`) }, ...config }));
  const hub = await startHubProcess({ HUB_CONFIG: configFile, DATABASE_URL: database.url ?? '', SG_MODULE_LOG: moduleLog, ...env },
    { nodeArgs: ['--import', join(dir, 'register.mjs')] });
  try {
    return readFileSync(moduleLog, 'utf8').split('\n').filter(Boolean).map((url) => new URL(url).pathname);
  } finally {
    await hub.stop();
    await database.drop();
  }
}

it('loads no module of src/sandbox when every source is a real (configured) one', async () => {
  const loaded = await modulesLoaded('production', {
    sandboxes: 'none',
    sources: [{ name: 'ctix', vendor: 'CYWARE_CTIX', baseUrl: ctix.apiUrl, credentials: { accessId: 'NOSIM_CTIX_ID', secretKey: 'NOSIM_CTIX_SECRET' } }],
  }, { NOSIM_CTIX_ID: ctix.credentials.accessId, NOSIM_CTIX_SECRET: ctix.credentials.secretKey });
  // The probe saw the hub's own modules (the flows, the vendors)...
  expect(loaded.some((file) => file.endsWith('/dist/src/hub.js'))).toBe(true);
  expect(loaded.some((file) => file.endsWith('/dist/src/flows/index.js'))).toBe(true);
  expect(loaded.some((file) => file.endsWith('/dist/src/sources/cyware-ctix/client.js'))).toBe(true);
  // ...and no simulator.
  expect(loaded.filter((file) => file.includes('/dist/src/sandbox/'))).toEqual([]);
}, 120_000);

it('loads the simulators in sandbox mode (the probe sees them when they load)', async () => {
  const loaded = await modulesLoaded('sandbox', { sandboxes: 'all' });
  expect(loaded.some((file) => file.endsWith('/dist/src/sandbox/registry.js'))).toBe(true);
  expect(loaded.some((file) => file.endsWith('/dist/src/sandbox/cyware-ctix/index.js'))).toBe(true);
}, 120_000);
