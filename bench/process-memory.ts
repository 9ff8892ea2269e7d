import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Memory of a set of processes as the sum of their PSS (proportional set size, /proc/<pid>/smaps_rollup, Linux):
 * pages shared between them — PostgreSQL's shared buffers and binaries, mapped by every backend — count once in
 * total, not once per process as RSS would. 0 for a process that is gone or unreadable.
 */
export function pssMb(pids: number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      kb += Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      // exited between listing and reading
    }
  }
  return kb / 1024;
}

/** The embedded PostgreSQL of a data folder: its postmaster (postmaster.pid) and every process it started. */
export function postgresPids(dataDir: string): number[] {
  let postmaster: number;
  try {
    postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === postmaster) children.push(Number(entry));
    } catch {
      // gone
    }
  }
  return [postmaster, ...children];
}
