/**
 * File descriptors for the bench: at 10,000 WebSocket clients the bench
 * process holds 10,000 client sockets and the websocket service as many
 * server sockets. Node raises its soft limit of open files to the hard limit
 * when it starts, so the hard limit decides; where it is too low (the common
 * 4,096, say) and this user may raise it, the bench re-runs itself once under
 * `sh -c 'ulimit -n …'`, and the services it starts inherit the limit.
 * Where it may not, it says so and goes on (the 10,000-client run then fails
 * with EMFILE, naming the cause).
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
 * otherwise, where `ulimit -n` may raise it, runs the same command again with
 * the limit raised and exits with its status.
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
  if (spawnSync('/bin/sh', ['-c', `ulimit -n ${needed}`], { stdio: 'ignore' }).status !== 0) {
    progress(`open files: the limit is ${limits.soft}, ${needed} are needed, and ulimit -n ${needed} is not permitted here; going on`);
    return;
  }
  progress(`open files: raising the limit from ${limits.soft} to ${needed} (ulimit -n) and running again`);
  const result = spawnSync(
    '/bin/sh',
    ['-c', `ulimit -n ${needed} && exec "$0" "$@"`, process.execPath, ...process.execArgv, ...process.argv.slice(1)],
    {
      stdio: 'inherit',
      env: { ...process.env, [RAISED]: '1' },
    },
  );
  process.exit(result.status ?? 1);
}
