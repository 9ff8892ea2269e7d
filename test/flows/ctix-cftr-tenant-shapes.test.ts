import { randomUUID } from 'node:crypto';
import { CYWARE_CFTR } from '../../src/sources/cyware-cftr/vendor-id.js';
import { CYWARE_CTIX } from '../../src/sources/cyware-ctix/vendor-id.js';
import { createCywareCftrSandbox } from '../../src/sandbox/cyware-cftr/index.js';
import { createCywareCtixSandbox } from '../../src/sandbox/cyware-ctix/index.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/kit/index.js';
import { cywareCftrManifest } from '../../src/sources/cyware-cftr/manifest.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { control } from '../support/sandbox-control.js';

/**
 * Issue 10, cases 3–5: flow 2 (CTIX → CFTR) against the shapes a real tenant sends, as the vendor notes allow:
 * bulletins whose detail lists objects inline, Respond list rows without `external_id` (cftr §3.1/§3.2), and a
 * definite refusal after an uncertain create.
 */
let hub: TestHub;
let ctix: RunningSandbox;
let cftr: RunningSandbox;

beforeAll(async () => {
  ctix = await startSandbox(createCywareCtixSandbox());
  cftr = await startSandbox(createCywareCftrSandbox());
  Object.assign(process.env, {
    SHAPES_CTIX_ID: ctix.credentials.accessId, SHAPES_CTIX_SECRET: ctix.credentials.secretKey,
    SHAPES_CFTR_ID: cftr.credentials.accessId, SHAPES_CFTR_SECRET: cftr.credentials.secretKey,
  });
  hub = await startTestHub({
    config: {
      sandboxes: 'none',
      sources: [
        { name: 'ctix', vendor: CYWARE_CTIX, baseUrl: ctix.apiUrl, credentials: { accessId: 'SHAPES_CTIX_ID', secretKey: 'SHAPES_CTIX_SECRET' }, timeoutMs: 5_000 },
        { name: 'cftr', vendor: CYWARE_CFTR, baseUrl: cftr.apiUrl, credentials: { accessId: 'SHAPES_CFTR_ID', secretKey: 'SHAPES_CFTR_SECRET' }, timeoutMs: 1_500 },
      ],
    },
  });
});

afterAll(async () => {
  await hub?.close();
  await Promise.all([ctix, cftr].map((s) => s?.close()));
});

beforeEach(async () => {
  await Promise.all([ctix, cftr].map((s) => control(s, 'POST', '/reset')));
  await Promise.all([ctix, cftr].map((s) => control(s, 'DELETE', '/calls')));
  // A real tenant does not refuse a second incident with the same external_id: a twin would really be made.
  await control(cftr, 'PUT', '/settings', { rejectDuplicateExternalId: false });
});

const unique = (label: string) => `${label} ${randomUUID().slice(0, 8)}`;

const CREATE = `mutation($input: CreateCftrIncidentInput!) { createCftrIncident(input: $input) {
  replayed incident { id externalId title } linkedIndicators { type value }
} }`;

async function createIncident(input: Record<string, unknown>): Promise<any> {
  return (await hub.query(CREATE, { input }, hub.tokens.OPERATOR)).createCftrIncident;
}

async function createError(input: Record<string, unknown>): Promise<{ message: string; extensions: Record<string, unknown> }> {
  const { body } = await hub.graphql(CREATE, { input }, hub.tokens.OPERATOR);
  expect(body.errors?.length).toBe(1);
  return body.errors![0] as never;
}

async function seed(objects: unknown[]): Promise<Array<{ id: string; name: string }>> {
  return (await control(ctix, 'POST', '/threat-data', { objects })).objects;
}

async function ipObjectId(value: string): Promise<string> {
  const [ip] = await seed([{ type: 'indicator', ioc_type: 'ipv4-addr', name: value }]);
  const data = await hub.query('query($s: String) { threatData(source: "ctix", filter: { search: $s }, first: 10) { nodes { id ctixId } } }', { s: value });
  return data.threatData.nodes.find((n: any) => n.ctixId === ip!.id).id;
}

const cftrIncidents = async (): Promise<any[]> => (await control(cftr, 'GET', '/incidents')).incidents;

describe('case 3: bulletins whose detail lists their objects inline', () => {
  for (const inline of ['items', 'refs'] as const) {
    it(`accepts an inline objects array (${inline === 'items' ? 'full items' : 'id and type only'}) with no report_id: objects shown, incident made`, async () => {
      const [ip, domain] = await seed([
        { type: 'indicator', ioc_type: 'ipv4-addr', name: '198.51.100.61' },
        { type: 'indicator', ioc_type: 'domain-name', name: `inline-${inline}.example` },
      ]);
      const title = unique('Inline bulletin');
      await control(ctix, 'POST', '/bulletins', { title, objectIds: [ip!.id, domain!.id], inline });
      const detail = (await hub.query('{ threatBulletins(source: "ctix") { nodes { id title objects { ctixId value } } } }')).threatBulletins.nodes[0];
      expect(detail.title).toBe(title);
      expect(detail.objects.map((o: any) => o.ctixId).sort()).toEqual([ip!.id, domain!.id].sort());

      const result = await createIncident({ bulletinId: detail.id });
      expect(result.incident.title).toBe(title);
      expect(result.linkedIndicators.map((i: any) => [i.type, i.value]).sort()).toEqual([['DOMAIN', `inline-${inline}.example`], ['IPV4', '198.51.100.61']]);
    });
  }

  it('still reads a bulletin through its report_id', async () => {
    const [ip] = await seed([{ type: 'indicator', ioc_type: 'ipv4-addr', name: '198.51.100.62' }]);
    await control(ctix, 'POST', '/bulletins', { title: unique('Report bulletin'), objectIds: [ip!.id] });
    const detail = (await hub.query('{ threatBulletins(source: "ctix") { nodes { id objects { ctixId } } } }')).threatBulletins.nodes[0];
    expect(detail.objects).toEqual([{ ctixId: ip!.id }]);
    expect((await createIncident({ bulletinId: detail.id })).linkedIndicators).toEqual([{ type: 'IPV4', value: '198.51.100.62' }]);
  });
});

describe('case 4: an uncertain create never makes a twin, with list rows that carry no external_id', () => {
  it('Respond list rows carry only the list fields; external_id is on the detail', async () => {
    await createIncident({ threatDataIds: [await ipObjectId('192.0.2.140')], title: 'Row shape' });
    const { results } = await hub.services.sources.client('cftr', cywareCftrManifest).listIncidents();
    const row = results[0]!;
    expect(Object.keys(row).sort()).toEqual(['created', 'level', 'modified', 'readable_id', 'status', 'title', 'unique_id']);
    expect((await cftrIncidents())[0].external_id).toEqual(expect.stringMatching(/^socgraph:/));
  });

  for (const lostAs of ['502', 'timeout'] as const) {
    it(`a create applied but answered ${lostAs === '502' ? 'with a 502' : 'never (client timeout)'}: the retry finds it among same-titled incidents by their details`, async () => {
      // Other incidents created since the claim, two with the very same title.
      for (const ip of ['192.0.2.141', '192.0.2.142']) await createIncident({ threatDataIds: [await ipObjectId(ip)], title: 'Same title' });
      const input = { threatDataIds: [await ipObjectId('192.0.2.143')], title: 'Same title', idempotencyKey: randomUUID() };
      await control(cftr, 'PUT', '/settings', { loseCreateAnswers: 1, loseCreateAnswersAs: lostAs });
      expect((await createError(input)).extensions.code).toBe('UPSTREAM_UNAVAILABLE');
      // Respond applied it (the timed-out request may land a moment after the client gave up).
      for (let i = 0; i < 100 && (await cftrIncidents()).length < 3; i += 1) await new Promise((r) => setTimeout(r, 50));
      expect(await cftrIncidents()).toHaveLength(3); // it happened, though the hub was not told
      const made = (await cftrIncidents()).find((i) => i.threat_intel.some((t: any) => t.value === '192.0.2.143'));

      const retry = await createIncident(input);
      expect(retry.incident.externalId).toBe(made.unique_id);
      expect(await cftrIncidents()).toHaveLength(3); // no twin
      expect((await createIncident(input)).replayed).toBe(true);
    });
  }
});

describe('case 5: a definite refusal releases the idempotency key', () => {
  it('500 (claim kept), then 400 on retry (UPSTREAM_REJECTED), then a corrected retry with the same key proceeds at once', async () => {
    const objectId = await ipObjectId('192.0.2.150');
    const key = randomUUID();
    await control(cftr, 'PUT', '/faults', { pathPattern: '/v1/incident/$', method: 'POST', next: [{ status: 500 }, { status: 400 }] });
    try {
      expect((await createError({ threatDataIds: [objectId], idempotencyKey: key, title: 'First try' })).extensions.code).toBe('UPSTREAM_UNAVAILABLE');
      expect((await createError({ threatDataIds: [objectId], idempotencyKey: key, title: 'First try' })).extensions.code).toBe('UPSTREAM_REJECTED');
    } finally {
      await control(cftr, 'DELETE', '/faults');
    }
    expect(await cftrIncidents()).toHaveLength(0);
    const corrected = await createIncident({ threatDataIds: [objectId], idempotencyKey: key, title: 'Corrected' });
    // Answered, not CONFLICT "still in progress" after waiting for a holder that is not there.
    expect(corrected).toMatchObject({ replayed: false, incident: { title: 'Corrected' } });
    expect(await cftrIncidents()).toHaveLength(1);
  });
});
