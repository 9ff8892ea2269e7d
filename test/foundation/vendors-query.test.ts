import { registeredManifests } from '../../src/sources/index.js';
import { startTestHub, type TestHub } from '../support/hub.js';

/**
 * The `vendors` query: every registered manifest (src/sources/index.ts), in registration order, with its display name
 * and the capabilities it declares — what the console builds its vendor filters from.
 */
let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub();
});

afterAll(async () => {
  await hub?.close();
});

interface Listed { id: string; displayName: string; capabilities: string[] }

const CAPABILITY_VALUES: Record<string, string> = { tickets: 'TICKETS', incidents: 'INCIDENTS', threatIntel: 'THREAT_INTEL', enrich: 'ENRICH' };

describe('vendors query', () => {
  it('lists exactly the registered manifests, in registration order, with their capabilities', async () => {
    const { vendors } = await hub.query<{ vendors: Listed[] }>('{ vendors { id displayName capabilities } }', undefined, hub.tokens.VIEWER);
    const expected = registeredManifests().map((m) => ({
      id: m.vendor,
      displayName: m.displayName,
      capabilities: Object.keys(m.capabilities).map((key) => CAPABILITY_VALUES[key]).sort(),
    }));
    expect(expected.length).toBeGreaterThan(0);
    expect(vendors.map((v) => ({ ...v, capabilities: [...v.capabilities].sort() }))).toEqual(expected);
  });

  it('says what each vendor truly declares (Ivanti: tickets only; Resilient: incidents)', async () => {
    const { vendors } = await hub.query<{ vendors: Listed[] }>('{ vendors { id displayName capabilities } }', undefined, hub.tokens.VIEWER);
    expect(vendors.find((v) => v.id === 'IVANTI_ITSM')).toEqual({ id: 'IVANTI_ITSM', displayName: 'Ivanti Service Manager', capabilities: ['TICKETS'] });
    expect(vendors.find((v) => v.id === 'IBM_RESILIENT')?.capabilities).toEqual(['INCIDENTS']);
  });

  it('refuses an anonymous request with UNAUTHENTICATED and HTTP 401, as any field', async () => {
    const { status, body } = await hub.graphql('{ vendors { id } }', undefined, null);
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(body.data).toBeUndefined();
  });
});
