/**
 * File descriptors for the bench: at 10,000 WebSocket clients the bench
 * process holds 10,000 client sockets and the websocket service as many
 * server sockets, more than the common default soft limit of 1,024 open files
 * per process. Node cannot raise its own limit (no `setrlimit`), so the bench
 * re-runs itself once under `sh -c 'ulimit -n …'` when the soft limit is too
 * low; the services it starts inherit the limit.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { progress } from './stats.js';

/** Set in the re-run, so it never re-runs again. */
const RAISED = 'BENCH_OPEN_FILES_RAISED';

/** The soft and hard `Max open files` of this process, from `/proc/self/limits`; undefined where unreadable. */
export function openFileLimits(limits = readFileSync('/proc/self/limits', 'utf8')): { soft: number; hard: number } | undefined {
  const match = /^Max open files\s+(\S+)\s+(\S+)/m.exec(limits);
  if (!match) return undefined;
  const value = (text: string) => (text === 'unlimited' ? Infinity : Number(text));
  return { soft: value(match[1]!), hard: value(match[2]!) };
}

/**
 * Ensures this process may open `needed` files: returns at once when it may,
 * otherwise runs the same command again with the limit raised (`ulimit -n`,
 * which a non-root user may do up to the hard limit) and exits with its status.
 */
export function ensureOpenFileLimit(needed: number): void {
  let limits: ReturnType<typeof openFileLimits>;
  try {
    limits = openFileLimits();
  } catch {
    return;
  }
  if (!limits || limits.soft >= needed || process.env[RAISED] === '1') {
    if (limits && limits.soft < needed) progress(`open files: limit ${limits.soft} is below the ${needed} needed; raising it failed`);
    return;
  }
  progress(`open files: raising the soft limit from ${limits.soft} to ${needed} (ulimit -n) and running again`);
  const result = spawnSync('/bin/sh', ['-c', `ulimit -n ${needed} && exec "$0" "$@"`, process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, [RAISED]: '1' },
  });
  process.exit(result.status ?? 1);
}
