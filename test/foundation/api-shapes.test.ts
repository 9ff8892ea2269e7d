import { startTestHub, type TestHub } from '../support/hub.js';
import { subscribe } from '../support/subscribe.js';

/**
 * The consistent shapes: every mutation takes one `input` and answers a payload; the `syncEvents` subscription takes
 * the query's filter input. The older shapes still work, marked deprecated for one release.
 */
let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub({ config: { sandboxes: 'missing', jobs: { 'ivanti-enrichment': { intervalSeconds: 0 }, 'ctp-resilient-sync': { intervalSeconds: 0 } } } });
});

afterAll(async () => {
  await hub?.close();
});

interface Received { syncEvents: { kind: string; subjectId: string | null } }

describe('mutations in the input + payload shape', () => {
  it('apiTokenCreate and apiTokenRevoke: input in, payload out; errors name the input field', async () => {
    const created = await hub.query('mutation { apiTokenCreate(input: { name: "shape-bot", role: VIEWER }) { token apiToken { id name role } } }', undefined, hub.tokens.ADMIN);
    expect(created.apiTokenCreate.apiToken).toMatchObject({ name: 'shape-bot', role: 'VIEWER' });
    expect((await hub.query('{ viewer { name } }', undefined, created.apiTokenCreate.token)).viewer.name).toBe('shape-bot');
    const revoke = 'mutation($id: ID!) { apiTokenRevoke(input: { id: $id }) { apiTokenId revoked } }';
    const id = created.apiTokenCreate.apiToken.id;
    expect((await hub.query(revoke, { id }, hub.tokens.ADMIN)).apiTokenRevoke).toEqual({ apiTokenId: id, revoked: true });
    expect((await hub.query(revoke, { id }, hub.tokens.ADMIN)).apiTokenRevoke).toEqual({ apiTokenId: id, revoked: false });
    const bad = await hub.graphql('mutation { apiTokenCreate(input: { name: "no/slash", role: VIEWER }) { token } }', undefined, hub.tokens.ADMIN);
    expect(bad.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.name' });
    const forbidden = await hub.graphql('mutation { apiTokenCreate(input: { name: "x", role: ADMIN }) { token } }', undefined, hub.tokens.OPERATOR);
    expect(forbidden.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('jobRun answers the run in its payload; an unknown job names input.name', async () => {
    const run = await hub.query('mutation { jobRun(input: { name: "event-retention" }) { run { state jobName } } }', undefined, hub.tokens.OPERATOR);
    expect(run.jobRun.run).toEqual({ state: "COMPLETED", jobName: "event-retention" });
    const bad = await hub.graphql('mutation { jobRun(input: { name: "nope" }) { run { state } } }', undefined, hub.tokens.OPERATOR);
    expect(bad.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.name' });
  });

  it('indicatorTypeMappingSet and indicatorTypeMappingRemove', async () => {
    const set = await hub.query('mutation { indicatorTypeMappingSet(input: { ctixType: "SSDEEP", cftrField: "SSDEEP" }) { mapping { ctixType cftrField } } }', undefined, hub.tokens.ADMIN);
    expect(set.indicatorTypeMappingSet.mapping).toEqual({ ctixType: "SSDEEP", cftrField: "SSDEEP" });
    const remove = 'mutation { indicatorTypeMappingRemove(input: { ctixType: "SSDEEP" }) { ctixType removed } }';
    expect((await hub.query(remove, undefined, hub.tokens.ADMIN)).indicatorTypeMappingRemove).toEqual({ ctixType: "SSDEEP", removed: true });
    expect((await hub.query(remove, undefined, hub.tokens.ADMIN)).indicatorTypeMappingRemove.removed).toBe(false);
  });

  it('the old shapes still answer as before and are deprecated with a reason', async () => {
    const old = await hub.query('mutation { runJob(name: "event-retention") { state } }', undefined, hub.tokens.OPERATOR);
    expect(old.runJob.state).toBe('COMPLETED');
    const schema = await hub.query('{ __type(name: "Mutation") { fields(includeDeprecated: true) { name isDeprecated deprecationReason } } }');
    const deprecated = Object.fromEntries(schema.__type.fields.filter((f: any) => f.isDeprecated).map((f: any) => [f.name, f.deprecationReason]));
    expect(Object.keys(deprecated).sort()).toEqual(['closeIncident', 'closeTicket', 'createApiToken', 'removeIndicatorTypeMapping', 'revokeApiToken', 'runJob', 'setIndicatorTypeMapping', 'updateSource']);
    expect(deprecated.runJob).toBe('Use jobRun(input:). Kept for one release: removed in socgraph 0.3.0.');
  });
});

describe('syncEvents subscription with the query filter', () => {
  it('filters by `filter` like the query, and still by the deprecated separate arguments', async () => {
    const sources = await hub.query('{ sources { id name enabled } }');
    const source = sources.sources.find((s: any) => s.name === 'abuseipdb') ?? sources.sources[0];
    const fields = '{ kind subjectId }';
    const byFilter = subscribe<Received>(hub.http.wsUrl, hub.tokens.VIEWER,
      `subscription($filter: SyncEventFilterInput) { syncEvents(filter: $filter) ${fields} }`, { filter: { kinds: ['SOURCE_UPDATED'], subjectId: source.id } });
    const byArguments = subscribe<Received>(hub.http.wsUrl, hub.tokens.VIEWER, `subscription($id: ID) { syncEvents(kinds: [SOURCE_UPDATED], subjectId: $id) ${fields} }`, { id: source.id });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await hub.query('mutation { jobRun(input: { name: "event-retention" }) { run { state } } }', undefined, hub.tokens.OPERATOR);
      const update = 'mutation($id: ID!, $on: Boolean) { sourceUpdate(input: { sourceId: $id, enabled: $on }) { source { id enabled } } }';
      const off = await hub.query(update, { id: source.id, on: false }, hub.tokens.ADMIN);
      expect(off.sourceUpdate.source).toEqual({ id: source.id, enabled: false });
      await hub.query(update, { id: source.id, on: true }, hub.tokens.ADMIN);
      for (const subscriber of [byFilter, byArguments]) {
        const received = await subscriber.waitFor(2);
        expect(subscriber.errors).toEqual([]);
        expect(received.map((r) => r.syncEvents)).toEqual([
          { kind: 'SOURCE_UPDATED', subjectId: source.id }, { kind: 'SOURCE_UPDATED', subjectId: source.id },
        ]);
      }
    } finally {
      await byFilter.close();
      await byArguments.close();
    }
  });
});
