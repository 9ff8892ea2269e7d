import { JobRunEntity } from '../../src/store/entities/index.js';
import type { JobDefinition } from '../../src/jobs/job-definition.js';
import { startTestHub, type TestHub } from '../support/hub.js';

let hub: TestHub;
let flakyCalls = 0;
const countingRuns: number[] = [];

/** Real jobs on the real runner: one that resumes from its cursor, one that fails once, one on a 1 s tick. */
const testJobs = (): JobDefinition[] => [
  {
    name: 'test-cursor',
    description: 'advances its cursor by one per run',
    intervalSeconds: 0,
    async run(ctx) {
      const cursor = (await ctx.getCursor<{ n: number }>()) ?? { n: 0 };
      await ctx.setCursor({ n: cursor.n + 1 });
      return { n: cursor.n + 1 };
    },
  },
  {
    name: 'test-flaky',
    description: 'fails on its first attempt',
    intervalSeconds: 0,
    retryLimit: 0,
    async run() {
      flakyCalls += 1;
      if (flakyCalls === 1) throw new Error('vendor said no (secret=abc)');
      return { ok: true };
    },
  },
  {
    name: 'test-ticking',
    description: 'runs every second',
    intervalSeconds: 1,
    async run() {
      countingRuns.push(Date.now());
    },
  },
];

beforeAll(async () => {
  hub = await startTestHub({ extraJobs: testJobs });
});

afterAll(async () => {
  await hub?.close();
});

describe('jobs', () => {
  it('runJob runs a job now and returns its finished run; the cursor persists between runs', async () => {
    const first = await hub.query('mutation { runJob(name: "test-cursor") { state trigger output attempt } }', undefined, hub.tokens.OPERATOR);
    expect(first.runJob).toEqual({ state: 'COMPLETED', trigger: 'MANUAL', output: { n: 1 }, attempt: 1 });
    const second = await hub.query('mutation { runJob(name: "test-cursor") { state output } }', undefined, hub.tokens.OPERATOR);
    expect(second.runJob.output).toEqual({ n: 2 });
    const jobs = await hub.query('{ jobs { name intervalSeconds cursor lastRun { state output } } }');
    expect(jobs.jobs).toContainEqual({ name: 'test-cursor', intervalSeconds: 0, cursor: { n: 2 }, lastRun: { state: 'COMPLETED', output: { n: 2 } } });
  });

  it('records a failed run with its error and a JOB_FAILED event', async () => {
    const failed = await hub.query('mutation { runJob(name: "test-flaky") { state error } }', undefined, hub.tokens.OPERATOR);
    expect(failed.runJob.state).toBe('FAILED');
    expect(failed.runJob.error).toContain('vendor said no');
    const events = await hub.query('{ syncEvents(filter: { kinds: [JOB_FAILED] }) { nodes { message details } } }');
    expect(events.syncEvents.nodes[0].details).toMatchObject({ job: 'test-flaky' });
    const again = await hub.query('mutation { runJob(name: "test-flaky") { state } }', undefined, hub.tokens.OPERATOR);
    expect(again.runJob.state).toBe('COMPLETED');
  });

  it('rejects an unknown job with BAD_USER_INPUT naming the known ones', async () => {
    const { body } = await hub.graphql('mutation { runJob(name: "nope") { state } }');
    expect(body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0].message).toContain('event-retention');
  });

  it('runs a scheduled job once per interval', async () => {
    const before = countingRuns.length;
    await new Promise((r) => setTimeout(r, 4_500));
    const ran = countingRuns.length - before;
    expect(ran).toBeGreaterThanOrEqual(3);
    expect(ran).toBeLessThanOrEqual(6);
    // A tick may be between its run record and its handler (or between the handler and its completion):
    // finished runs <= handler calls <= recorded runs, with at most one run in flight.
    const repo = hub.services.dataSource.getRepository(JobRunEntity);
    const finished = await repo.count({ where: { jobName: 'test-ticking', trigger: 'SCHEDULE', state: 'COMPLETED' } });
    const handled = countingRuns.length;
    const recorded = await repo.count({ where: { jobName: 'test-ticking', trigger: 'SCHEDULE' } });
    expect(finished).toBeLessThanOrEqual(handled);
    expect(handled).toBeLessThanOrEqual(recorded);
    expect(recorded - finished).toBeLessThanOrEqual(1);
  });
});
