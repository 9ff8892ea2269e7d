import { useCallback, useEffect, useState } from 'react';
import { mutate, request } from '../hub-client.js';
import { useLiveEvents } from '../live-events.js';
import { can, useSession } from '../session.js';
import { when } from '../format.js';

interface JobRun {
  id: string; state: string; trigger: string; startedAt: string | null; finishedAt: string | null; error: string | null;
  output: Record<string, unknown> | null;
  progress: { done: number; total: number | null; ratePerSecond: number; updatedAt: string } | null;
}
interface Job { name: string; description: string; intervalSeconds: number; lastRun: JobRun | null }

const JOBS = `{ jobs { name description intervalSeconds lastRun { id state trigger startedAt finishedAt error output
  progress { done total ratePerSecond updatedAt } } } syncEvents(first: 1) { nodes { cursor } } }`;

/** Each job's last run with live progress, and "run now" (OPERATOR). */
export function Jobs() {
  const session = useSession();
  const { client } = session;
  const [jobs, setJobs] = useState<Job[]>([]);
  const [after, setAfter] = useState<string | null | undefined>(undefined);
  const [message, setMessage] = useState<string | null>(null);

  const load = useCallback(async () => {
    const data = await request<{ jobs: Job[]; syncEvents: { nodes: Array<{ cursor: string }> } }>(client, JOBS);
    setJobs(data.jobs);
    return data.syncEvents.nodes[0]?.cursor ?? null;
  }, [client]);

  useEffect(() => {
    load().then(setAfter).catch((e: Error) => setMessage(e.message));
  }, [load]);

  // Progress events carry the figures: the row moves without a query; a finished run is read again.
  useLiveEvents(client, after, { kinds: ['JOB_PROGRESS', 'JOB_COMPLETED', 'JOB_FAILED'] }, (event) => {
    const details = event.details as { job?: string; runId?: string; done?: number; total?: number | null; ratePerSecond?: number; updatedAt?: string };
    if (event.kind === 'JOB_PROGRESS' && details.job) {
      setJobs((current) => current.map((job) => job.name !== details.job ? job : {
        ...job,
        lastRun: {
          ...(job.lastRun ?? { id: '', trigger: 'MANUAL', startedAt: null, finishedAt: null, error: null, output: null }),
          state: job.lastRun?.finishedAt ? job.lastRun.state : 'RUNNING',
          progress: { done: details.done ?? 0, total: details.total ?? null, ratePerSecond: details.ratePerSecond ?? 0, updatedAt: details.updatedAt ?? event.at },
        },
      }));
    }
    void load();
  });

  // A run's end is not always an event (a completed run is only recorded): poll while one runs.
  const running = jobs.some((j) => j.lastRun && (j.lastRun.state === 'RUNNING' || j.lastRun.state === 'QUEUED'));
  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(() => void load().catch(() => undefined), 2000);
    return () => window.clearInterval(timer);
  }, [running, load]);

  const runNow = async (name: string) => {
    try {
      const data = await mutate<{ jobRun: { run: { state: string } } }>(client, 'mutation($name: String!) { jobRun(input: { name: $name, wait: false }) { run { id state } } }', { name });
      setMessage(`${name}: ${data.jobRun.run.state.toLowerCase()}`);
      await load();
    } catch (e) {
      setMessage((e as Error).message);
    }
  };

  return (
    <section aria-labelledby="jobs-title">
      <h1 id="jobs-title">Jobs</h1>
      {message && <p role="status">{message}</p>}
      <ul className="cards">
        {jobs.map((job) => (
          <li key={job.name} className="card" data-job={job.name}>
            <h2>{job.name}</h2>
            <p className="muted">{job.description}</p>
            <p>Every {job.intervalSeconds ? `${job.intervalSeconds} s` : '— (on demand only)'}</p>
            {job.lastRun ? <RunView run={job.lastRun} /> : <p>Never run.</p>}
            {can(session, 'OPERATOR') && <button type="button" onClick={() => runNow(job.name)} aria-label={`Run now: ${job.name}`}>Run now</button>}
          </li>
        ))}
      </ul>
    </section>
  );
}

function RunView({ run }: { run: JobRun }) {
  const progress = run.progress;
  return (
    <div className="run">
      <p>Last run: <span className={`badge ${run.state.toLowerCase()}`} data-testid="run-state">{run.state}</span> ({run.trigger.toLowerCase()})
        {run.startedAt && <> started {when(run.startedAt)}</>}{run.finishedAt && <>, finished {when(run.finishedAt)}</>}</p>
      {progress && (
        <div className="progress-line">
          <progress max={progress.total ?? undefined} value={progress.total ? progress.done : undefined}
            aria-label="Items done">{progress.done}</progress>
          <span data-testid="progress-text">{progress.done}{progress.total !== null ? ` of ${progress.total}` : ''} done · {progress.ratePerSecond}/s</span>
        </div>
      )}
      {run.error && <p className="error">{run.error}</p>}
      {run.output && Object.keys(run.output).length > 0 && (
        <details><summary>Output</summary><pre>{JSON.stringify(run.output, null, 2)}</pre></details>
      )}
    </div>
  );
}
