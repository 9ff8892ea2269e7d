import { startSandbox } from '../src/sandbox/kit/index.js';
import { createSecureworksCtpSandbox } from '../src/sandbox/secureworks-ctp/index.js';

/**
 * The server side of the http-client bench, in a process of its own so the bench process's CPU is the clients'
 * only: `node dist/bench/http-client-server.js`, spawned with an IPC channel. It starts the Secureworks CTP
 * sandbox, seeds BENCH_SERVER_TICKETS tickets (3 worklogs, 1 attachment each) and then answers the parent:
 *  - on start:          { ready: { apiUrl, credentials, ticketIds } }
 *  - 'cpu' ->           { cpu: process.cpuUsage() }   (microseconds, user and system)
 *  - 'close' ->         closes the sandbox and exits.
 */
export interface ServerReady {
  apiUrl: string;
  credentials: Record<string, string>;
  ticketIds: string[];
}

export type ServerMessage = { ready: ServerReady } | { cpu: NodeJS.CpuUsage };

const TICKETS = Number(process.env.BENCH_SERVER_TICKETS ?? 64);

const send = (message: ServerMessage) => process.send!(message);
if (!process.send) throw new Error('http-client-server must be spawned with an IPC channel');

const sandbox = await startSandbox(createSecureworksCtpSandbox());
const seeded = await fetch(`${sandbox.origin}/__sandbox/seed`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ count: TICKETS, worklogsPerTicket: 3, attachmentsPerTicket: 1, attachmentBytes: 64 }),
});
if (!seeded.ok) throw new Error(`seeding the CTP sandbox failed: ${seeded.status} ${await seeded.text()}`);
const { ticketIds } = await seeded.json() as { ticketIds: string[] };

process.on('message', (message) => {
  if (message === 'cpu') send({ cpu: process.cpuUsage() });
  if (message === 'close') void sandbox.close().then(() => process.exit(0));
});
// The bench process went away without saying so: do not outlive it.
process.on('disconnect', () => process.exit(0));
send({ ready: { apiUrl: sandbox.apiUrl, credentials: sandbox.credentials, ticketIds } });
