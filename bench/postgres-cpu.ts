/**
 * CPU the local PostgreSQL has used, every process of it: the postmaster,
 * its live children (backends, WAL writer, checkpointer, autovacuum) and
 * the children it has reaped (a service's connections end with it). The
 * difference between two readings is what PostgreSQL spent in between,
 * whichever connections did the work.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { LOCAL_PATHS } from '../scripts/local/paths.js';
import { processTimes } from './service-process.js';

/** The postmaster's pid: the first line of its pid file. */
function postmasterPid(): number {
  return Number(readFileSync(LOCAL_PATHS.postgres.pid, 'utf8').split('\n')[0]);
}

/** Seconds of CPU the whole local PostgreSQL has used so far. */
export function postgresCpuSeconds(): number {
  const postmaster = postmasterPid();
  const own = processTimes(postmaster);
  let total = own.cpuSeconds + own.reapedChildrenCpuSeconds;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === postmaster) continue;
    try {
      const times = processTimes(Number(entry));
      if (times.ppid === postmaster) total += times.cpuSeconds;
    } catch {
      // Exited meanwhile: the postmaster's reaped-children time has it (or will).
    }
  }
  return total;
}
