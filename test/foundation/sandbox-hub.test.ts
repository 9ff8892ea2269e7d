import { Agent } from 'undici';
import { registeredManifests } from '../../src/sources/index.js';
import { vendorSlug } from '../../src/domain/vendor.js';
import { startTestHub, type TestHub } from '../support/hub.js';

let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub({ config: { sandboxes: 'all' }, developmentToken: true });
});

afterAll(async () => {
  await hub?.close();
});

describe('a hub with no vendor configuration (what npm start runs)', () => {
  it('starts a sandbox per registered vendor and a source pointing at it', async () => {
    const data = await hub.query<{ sources: Array<{ name: string; vendor: string; sandbox: boolean; baseUrl: string }> }>(
      '{ sources { name vendor sandbox baseUrl } }');
    const vendors = registeredManifests().map((m) => m.vendor);
    expect(vendors.length).toBeGreaterThan(0);
    expect(data.sources.map((s) => s.vendor).sort()).toEqual([...vendors].sort());
    for (const source of data.sources) {
      expect(source.sandbox).toBe(true);
      expect(source.name).toBe(vendorSlug(source.vendor as never));
      const sandbox = hub.sandboxes.get(source.name)!;
      expect(source.baseUrl).toBe(sandbox.apiUrl);
      // A sandbox served over HTTPS has a self-signed certificate (its source is set not to verify it).
      const insecure = new Agent({ connect: { rejectUnauthorized: false } });
      const control = await fetch(`${sandbox.origin}/__sandbox/calls`, { dispatcher: insecure } as RequestInit);
      expect(control.status).toBe(200);
    }
  });

  it('has a GraphQL Vendor value per registered manifest, each its id', async () => {
    const data = await hub.query<{ __type: { enumValues: Array<{ name: string }> } }>('{ __type(name: "Vendor") { enumValues { name } } }');
    expect(data.__type.enumValues.map((v) => v.name).sort()).toEqual(registeredManifests().map((m) => m.vendor).sort());
  });

  it('creates a development ADMIN token for the run', async () => {
    expect(hub.developmentToken).toMatch(/^sgt_/);
    const me = await hub.query('{ viewer { name role } }', undefined, hub.developmentToken!);
    expect(me.viewer).toEqual({ name: 'development', role: 'ADMIN' });
  });
});
