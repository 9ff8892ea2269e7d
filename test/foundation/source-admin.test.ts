import { SourceEntity } from '../../src/store/entities/index.js';
import { control } from '../support/sandbox-control.js';
import { startTestHub, type TestHub } from '../support/hub.js';

let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub({ config: { sandboxes: 'all' } });
});

afterAll(async () => {
  await hub?.close();
});

async function ctpSource(): Promise<{ id: string; name: string; health: { status: string } }> {
  const data = await hub.query('{ sources { id name vendor health { status } } }');
  return data.sources.find((s: { vendor: string }) => s.vendor === 'SECUREWORKS_CTP');
}

async function syncInterval(): Promise<number> {
  const data = await hub.query('{ jobs { name intervalSeconds } }');
  return data.jobs.find((j: { name: string }) => j.name === 'ctp-resilient-sync').intervalSeconds;
}

async function noRunInFlight(): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    const [{ count }] = await hub.services.dataSource.query(
      `SELECT count(*)::int AS count FROM job_run WHERE job_name = 'ctp-resilient-sync' AND state IN ('QUEUED', 'RUNNING')`);
    if (count === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('a sync run is still queued or running');
}

describe('an ADMIN changing a source', () => {
  it('changes the poll interval of the job that polls it, live, and turning the source off stops it', async () => {
    const source = await ctpSource();
    await hub.query('mutation($id: ID!) { updateSource(input: { sourceId: $id, pollIntervalSeconds: 45 }) { id } }', { id: source.id });
    expect(await syncInterval()).toBe(45);
    await hub.query('mutation($id: ID!) { updateSource(input: { sourceId: $id, enabled: false }) { enabled } }', { id: source.id });
    expect(await syncInterval()).toBe(0);
    await hub.query('mutation($id: ID!) { updateSource(input: { sourceId: $id, enabled: true, pollIntervalSeconds: 90 }) { id } }', { id: source.id });
    expect(await syncInterval()).toBe(90);
  });

  it('follows a change made on another replica (the stored source) within seconds, without waiting for a run', async () => {
    const source = await ctpSource();
    // No tick from here on, and the runs queued by earlier changes are over: a run also re-reads the sources.
    await hub.query('mutation($id: ID!) { updateSource(input: { sourceId: $id, pollIntervalSeconds: 0 }) { id } }', { id: source.id });
    await noRunInFlight();
    await hub.services.dataSource.getRepository(SourceEntity).update({ name: source.name }, { pollIntervalSeconds: 33 });
    expect(await syncInterval()).toBe(0);
    const deadline = Date.now() + 10_000;
    while (await syncInterval() !== 33 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await syncInterval()).toBe(33);
  });

  it('records each change as a SOURCE_UPDATED event: what changed, from what, by which token', async () => {
    const source = await ctpSource();
    await hub.query('mutation($id: ID!) { updateSource(input: { sourceId: $id, pollIntervalSeconds: 120 }) { id } }', { id: source.id });
    const data = await hub.query('{ syncEvents(filter: { kinds: [SOURCE_UPDATED] }, first: 1) { nodes { vendor subjectId message details } } }');
    const [event] = data.syncEvents.nodes;
    expect(event).toMatchObject({
      vendor: 'SECUREWORKS_CTP', subjectId: source.id, message: `${source.name} updated by test-admin: pollIntervalSeconds 33 -> 120`,
      details: { source: source.name, by: 'test-admin', enabled: true, pollIntervalSeconds: 120, previous: { enabled: true, pollIntervalSeconds: 33 } },
    });
  });
});

describe('source health on the event stream', () => {
  it('publishes SOURCE_HEALTH_CHANGED when a source goes down and when it recovers, without secrets', async () => {
    const source = await ctpSource();
    const ctp = hub.sandboxes.get(source.name)!;
    await control(ctp, 'PUT', '/faults', { errorRate: 1, errorStatus: 500 });
    try {
      const failed = await hub.query('mutation { runJob(name: "ctp-resilient-sync") { state error } }', undefined, hub.tokens.OPERATOR);
      expect(failed.runJob.state).toBe('FAILED');
    } finally {
      await control(ctp, 'PUT', '/faults', { errorRate: 0 });
    }
    const down = await hub.query('{ syncEvents(filter: { kinds: [SOURCE_HEALTH_CHANGED] }) { nodes { vendor subjectId message details } } }');
    const changes = down.syncEvents.nodes.filter((e: { details: { source: string } }) => e.details.source === source.name);
    expect(changes.map((e: { details: { status: string } }) => e.details.status)).toContain('DEGRADED');
    const degraded = changes.find((e: { details: { status: string } }) => e.details.status === 'DEGRADED');
    expect(degraded).toMatchObject({ vendor: 'SECUREWORKS_CTP', subjectId: source.id });
    expect(degraded.message).toContain(source.name);
    for (const secret of Object.values(ctp.credentials)) expect(JSON.stringify(changes)).not.toContain(secret);
    expect((await ctpSource()).health.status).not.toBe('HEALTHY');

    const ok = await hub.query('mutation { runJob(name: "ctp-resilient-sync") { state } }', undefined, hub.tokens.OPERATOR);
    expect(ok.runJob.state).toBe('COMPLETED');
    const after = await hub.query('{ syncEvents(filter: { kinds: [SOURCE_HEALTH_CHANGED] }) { nodes { details } } }');
    const last = after.syncEvents.nodes.filter((e: { details: { source: string } }) => e.details.source === source.name);
    expect(last.some((e: { details: { status: string; previousStatus: string } }) => e.details.status === 'HEALTHY' && e.details.previousStatus !== 'HEALTHY' && e.details.previousStatus !== 'UNKNOWN')).toBe(true);
    expect((await ctpSource()).health.status).toBe('HEALTHY');
  });
});
