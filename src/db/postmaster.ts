import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** What PostgreSQL's own lock file, `postmaster.pid` in the data folder, says about the server on that folder. */
export interface Postmaster {
  pid: number;
  port: number;
  /** 'starting' | 'ready' | 'stopping' | 'standby' (empty while the file is being written). */
  status: string;
}

/**
 * The live postmaster of a data folder, or null. A `postmaster.pid` left by a crash is removed when its pid is
 * gone, a zombie nobody reaped, or (where /proc tells) a process that is not a postgres on this folder — a pid
 * reused by something else would otherwise make PostgreSQL refuse to start ("lock file already exists").
 */
export function livePostmaster(dataDir: string): Postmaster | null {
  const file = join(dataDir, 'postmaster.pid');
  let lines: string[];
  try {
    lines = readFileSync(file, 'utf8').split('\n');
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0) return null; // being written: the caller waits and looks again
  if (!isPostgresOn(pid, dataDir)) {
    rmSync(file, { force: true });
    return null;
  }
  return { pid, port: Number(lines[3]), status: (lines[7] ?? '').trim() };
}

/** Asks a postmaster for a fast shutdown (clients disconnected, a clean checkpoint) and waits until it is gone. */
export async function stopPostmaster(dataDir: string, timeoutMs = 30_000): Promise<void> {
  const running = livePostmaster(dataDir);
  if (!running) return;
  signal(running.pid, 'SIGINT');
  const deadline = Date.now() + timeoutMs;
  while (isPostgresOn(running.pid, dataDir)) {
    if (Date.now() > deadline) {
      signal(running.pid, 'SIGQUIT'); // immediate shutdown: recovery runs at the next start
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Whether `pid` is a live (not zombie) process and, where /proc can tell, a postgres serving `dataDir`. */
export function isPostgresOn(pid: number, dataDir: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const proc = `/proc/${pid}`;
  if (!existsSync('/proc/self/stat')) return true;
  try {
    const stat = readFileSync(`${proc}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return false;
    const args = readFileSync(`${proc}/cmdline`, 'utf8').split('\0');
    return /postgres$/.test(args[0] ?? '') && args.includes(dataDir);
  } catch {
    return false; // exited between the checks
  }
}
