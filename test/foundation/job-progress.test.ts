import type { JobDefinition } from '../../src/jobs/job-definition.js';
import { startTestHub, type TestHub } from '../support/hub.js';

let hub: TestHub;
/** Released by the test: the job reports 3 of 10, waits, then finishes 10 of 10. */
let release: () => void = () => undefined;
const released = new Promise<void>((resolve) => { release = resolve; });

const progressJob = (): JobDefinition[] => [{
  name: 'test-progress',
  description: 'reports progress, then waits for the test',
  intervalSeconds: 0,
  async run(ctx) {
    for (let done = 1; done <= 3; done += 1) ctx.reportProgress({ done, total: 10 });
    await released;
    for (let done = 4; done <= 10; done += 1) ctx.reportProgress({ done, total: 10 });
    return { items: 10 };
  },
}];

beforeAll(async () => {
  hub = await startTestHub({ extraJobs: progressJob });
});

afterAll(async () => {
  release();
  await hub?.close();
});

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const lastRun = async () => (await hub.query('{ jobs { name lastRun { id state progress { done total ratePerSecond updatedAt } output } } }'))
  .jobs.find((j: { name: string }) => j.name === 'test-progress').lastRun;

describe('job progress', () => {
  it('runJob(wait: false) answers at once; the run shows progress in jobs, JOB_PROGRESS events and /metrics while it runs', async () => {
    const queued = await hub.query('mutation { runJob(name: "test-progress", wait: false) { id state finishedAt } }', undefined, hub.tokens.OPERATOR);
    expect(['QUEUED', 'RUNNING']).toContain(queued.runJob.state);
    expect(queued.runJob.finishedAt).toBeNull();

    const running = await until(lastRun, (run) => run?.progress?.done === 3, 'progress 3 of 10');
    expect(running).toMatchObject({ id: queued.runJob.id, state: 'RUNNING', progress: { done: 3, total: 10 } });
    expect(running.progress.ratePerSecond).toBeGreaterThan(0);

    const newestEvent = async () => (await hub.query('{ syncEvents(filter: { kinds: [JOB_PROGRESS] }, first: 1) { nodes { kind message details } } }')).syncEvents.nodes[0];
    const event = await until(newestEvent, (e) => e?.details?.done === 3, 'a JOB_PROGRESS event at 3');
    expect(event).toMatchObject({ kind: 'JOB_PROGRESS', details: { job: 'test-progress', done: 3, total: 10 } });

    const metrics = await (await fetch(hub.http.url.replace('/graphql', '/metrics'))).text();
    expect(metrics).toMatch(/socgraph_job_progress_done\{job="test-progress"\} 3/);
    expect(metrics).toMatch(/socgraph_job_progress_total\{job="test-progress"\} 10/);

    release();
    const finished = await until(lastRun, (run) => run?.state === 'COMPLETED', 'the run to finish');
    // The last figures are written when the run ends, whatever the throttle.
    expect(finished.progress).toMatchObject({ done: 10, total: 10 });
    expect(finished.output).toEqual({ items: 10 });
  });

  it('runJob without wait still waits for the run to finish', async () => {
    const run = await hub.query('mutation { runJob(name: "test-progress") { state progress { done total } } }', undefined, hub.tokens.OPERATOR);
    expect(run.runJob).toEqual({ state: 'COMPLETED', progress: { done: 10, total: 10 } });
  });
});
