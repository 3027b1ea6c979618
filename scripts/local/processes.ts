/**
 * Child processes of the local environment: short commands whose output is
 * kept for the error message, detached servers with a pid file and a log
 * file, and stopping a server by its pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { LocalEnvError } from './errors.js';

/** Who a child runs as; used to run PostgreSQL as a non-root user. */
export interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly runAs?: RunAs;
  /** Shown in the error instead of the arguments, which may carry passwords. */
  readonly label?: string;
}

/** A server this process started with `startDetached`. */
export interface StartedServer {
  readonly pid: number;
  readonly label: string;
}

/**
 * What this process has started, so an interrupted `local:up` can stop it:
 * the short commands still running (initdb, mvn, the storage format) and
 * every server, whether or not its pid file exists yet.
 */
const running = new Map<ChildProcess, string>();
const started: StartedServer[] = [];
let refusing: string | undefined;

/** The servers `startDetached` started in this process, oldest first. */
export function startedServers(): readonly StartedServer[] {
  return [...started];
}

/**
 * Makes every later `run` and `startDetached` fail with `reason`, so work in
 * flight cannot start a server after the cleanup has looked for them, and
 * stops the commands still running (SIGTERM, SIGKILL after `graceMs`).
 * Resolves once they have exited, with their labels. Idempotent.
 */
export async function refuseNewProcesses(reason: string, graceMs = 5_000): Promise<string[]> {
  refusing ??= reason;
  const stopping = [...running].map(([child, label]) => {
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('close', () => resolve());
    });
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    return exited.then(() => {
      clearTimeout(kill);
      return label;
    });
  });
  return Promise.all(stopping);
}

function refuseIfStopping(what: string): void {
  if (refusing !== undefined) throw new LocalEnvError('LOCAL_INTERRUPTED', `${what} not started: ${refusing}`);
}

/** The last `lines` lines of a text, for error messages. */
export function tail(text: string, lines = 30): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * Runs a command to completion and resolves with its combined output; rejects
 * with the output's tail when it exits non-zero. Arguments are never echoed.
 */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const label = options.label ?? command;
  return new Promise((resolve, reject) => {
    refuseIfStopping(label);
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      uid: options.runAs?.uid,
      gid: options.runAs?.gid,
    });
    running.set(child, label);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (err) => {
      running.delete(child);
      reject(new LocalEnvError('LOCAL_COMMAND_FAILED', `${label}: could not start ${command}: ${err.message}`, { cause: err }));
    });
    child.on('close', (code, signal) => {
      running.delete(child);
      if (code === 0) resolve(output);
      else reject(new LocalEnvError('LOCAL_COMMAND_FAILED', `${label} exited with ${code ?? signal}:\n${tail(output)}`));
    });
  });
}

export interface DetachedOptions extends RunOptions {
  /** Receives stdout and stderr. */
  readonly logFile: string;
  /** Written with the child's pid when given. */
  readonly pidFile?: string;
}

/**
 * Starts a server that outlives this script: its own process group, output
 * to a log file, not waited for. Returns its pid.
 */
export function startDetached(command: string, args: readonly string[], options: DetachedOptions): number {
  refuseIfStopping(options.label ?? command);
  const log = openSync(options.logFile, 'a');
  try {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', log, log],
      uid: options.runAs?.uid,
      gid: options.runAs?.gid,
    });
    if (child.pid === undefined) {
      throw new LocalEnvError('LOCAL_START_FAILED', `${options.label ?? command} did not start; see ${options.logFile}`);
    }
    child.unref();
    started.push({ pid: child.pid, label: options.label ?? command });
    if (options.pidFile) writeFileSync(options.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/** Whether a process with this pid exists (and is not a zombie). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to someone else; still alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  const stat = readProc(pid, 'stat');
  // A zombie (state Z) has exited; its parent has not reaped it yet.
  return stat === undefined || !/^\d+ \(.*\) Z/.test(stat);
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Whether `pid` is alive and its command line contains `marker`: a pid file
 * left over from an earlier boot may name an unrelated process now.
 */
export function isOurProcess(pid: number, marker: string): boolean {
  if (!isAlive(pid)) return false;
  const cmdline = readProc(pid, 'cmdline');
  return cmdline === undefined || cmdline.split('\0').join(' ').includes(marker);
}

/** The pid in the first line of a pid file, or undefined. */
export function readPidFile(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]?.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Stops a process: `signal`, then up to `graceMs` for it to exit, then
 * SIGKILL. Resolves with how it ended. Safe to call for a pid already gone.
 */
export async function stopProcess(
  pid: number,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 20_000,
): Promise<'not-running' | 'stopped' | 'killed'> {
  if (!isAlive(pid)) return 'not-running';
  process.kill(pid, signal);
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return 'stopped';
    await sleep(200);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return 'stopped';
  }
  while (isAlive(pid)) await sleep(100);
  return 'killed';
}

/**
 * Polls `check` until it returns a value, the timeout passes, or `abort`
 * returns a reason (say, the server's process died). Throws with `describe()`.
 */
export async function waitUntil<T>(
  check: () => Promise<T | undefined>,
  options: { timeoutMs: number; intervalMs?: number; abort?: () => string | undefined; describe: (reason: string) => string; code: string },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError = 'no answer yet';
  for (;;) {
    const aborted = options.abort?.();
    if (aborted) throw new LocalEnvError(options.code, options.describe(aborted));
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = (err as Error).message;
    }
    if (Date.now() >= deadline) {
      throw new LocalEnvError(options.code, options.describe(`no answer within ${options.timeoutMs / 1000}s (last error: ${lastError})`));
    }
    await sleep(options.intervalMs ?? 500);
  }
}
