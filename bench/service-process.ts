/**
 * An event service running as a child process the way its container runs it:
 * the image's bundle (`bundleServices`, as the Dockerfile's build stage makes
 * it, here into a scratch directory) started with `node build/services/run.js
 * <name>` and the `ENV` of the Dockerfile's `runtime` stage (`NODE_OPTIONS`
 * and all), read from the Dockerfile itself, under the variables the spec
 * gives the service's Deployment (`env`), as Kubernetes applies them. Its memory is its own, so the
 * kernel's high-water mark of its resident set (`VmHWM`) is the peak RSS the
 * Deployment must fit.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { bundleServices } from '../services/lib/bundle.js';
import { platformDefaults } from '../services/lib/platform-defaults.js';

/** Where the bench compiles the services to (git-ignored). */
export const BENCH_BUILD_DIR = join(process.cwd(), '.local', 'bench', 'build');

/** The image's bundle of the services, as the bench builds it. */
export const SERVICES_BUNDLE = join(BENCH_BUILD_DIR, 'services', 'run.js');
/** The no-op runtime (noop-service.ts), bundled the same way. */
export const NOOP_SERVICE_BUNDLE = join(BENCH_BUILD_DIR, 'noop-service.js');

/** Bundles the services as the image build does, and the no-op runtime alike, into `BENCH_BUILD_DIR`. */
export async function buildServices(): Promise<void> {
  await bundleServices(SERVICES_BUNDLE);
  await bundleServices(NOOP_SERVICE_BUNDLE, join(process.cwd(), 'bench', 'noop-service.ts'));
}

/**
 * `KEY=value` pairs of one Dockerfile `ENV` instruction; a value may be
 * double-quoted to hold spaces (`NODE_OPTIONS="--a --b"`).
 */
export function parseEnvInstruction(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  const pair = /([A-Za-z_][A-Za-z0-9_]*)=(?:"((?:[^"\\]|\\.)*)"|(\S*))/g;
  for (let match; (match = pair.exec(text)) !== null;) {
    env[match[1]!] = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3]!;
  }
  return env;
}

/**
 * The `ENV` settings of the Dockerfile's `runtime` stage (e.g. `NODE_OPTIONS`),
 * read from the Dockerfile itself so the bench measures what the image runs.
 * Continuation lines (`\` at the end) are joined.
 */
export function containerRuntimeEnv(dockerfile = 'Dockerfile'): Record<string, string> {
  const env: Record<string, string> = {};
  let inRuntime = false;
  const lines = readFileSync(dockerfile, 'utf8').replace(/\\\n/g, ' ').split('\n');
  for (const line of lines) {
    if (/^FROM\s/i.test(line)) inRuntime = /\sAS\s+runtime\s*$/i.test(line);
    const match = inRuntime ? /^ENV\s+(.+)$/i.exec(line) : null;
    if (match) Object.assign(env, parseEnvInstruction(match[1]!));
  }
  return env;
}

/** The `env` the default spec gives service `name`'s Deployment (none for a name the spec does not know). */
export function deploymentEnv(name: string): Readonly<Record<string, string>> {
  return platformDefaults().services.find((s) => s.name === name)?.env ?? {};
}

/** How long an idle service is watched for its idle memory and CPU. @default 3 s */
export const IDLE_SETTLE_MS = 3_000;

/** Memory of a process from `/proc/<pid>/status`, in MiB. */
export function processMemoryMiB(pid: number): { rss: number; peakRss: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, peakRss: kib('VmHWM') / 1024 };
}

/** Clock ticks per second of `/proc/<pid>/stat` times (`getconf CLK_TCK`, 100 on Linux). */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time (user + system) a process has used, in seconds, from `/proc/<pid>/stat`. */
export function processCpuSeconds(pid: number): number {
  return processTimes(pid).cpuSeconds;
}

/** What `/proc/<pid>/stat` says of a process's CPU: its own, its reaped children's, and its parent. */
export function processTimes(pid: number): {
  readonly cpuSeconds: number;
  readonly reapedChildrenCpuSeconds: number;
  readonly ppid: number;
} {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): state is field 3, ppid 4, utime 14, stime 15, cutime 16, cstime 17.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    cpuSeconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS,
    reapedChildrenCpuSeconds: (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS,
    ppid: Number(fields[1]),
  };
}

/** CPU used between two moments, in cores (1 = one core busy throughout). */
export interface CpuSample {
  readonly at: number;
  readonly cpuSeconds: number;
}

export function coresBetween(from: CpuSample, to: CpuSample): number {
  return (to.cpuSeconds - from.cpuSeconds) / ((to.at - from.at) / 1000);
}

export class ServiceProcess {
  /** Resident memory after `settleMs` with nothing to consume: the steady state of an idle replica (see `start`). */
  idleRssMiB = Number.NaN;
  /** CPU of the idle replica over `settleMs`, in cores. */
  idleCores = Number.NaN;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly port: number,
    private readonly exited: Promise<number | null>,
  ) {}

  /**
   * Starts service `name` and resolves once its HTTP server listens and
   * `/readyz` answers 200 (its consumer joined the group).
   * @param env variables over the bench's environment (run.ts adds `.local/env` and the service's user file)
   */
  static async start(
    name: string,
    env: Record<string, string> = {},
    options: {
      /** Node arguments that start it. @default the compiled `run.js` with `name` */
      readonly command?: readonly string[];
      readonly timeoutMs?: number;
      /**
       * Wait this long after readiness, then record `idleRssMiB` and
       * `idleCores`; only meaningful when nothing is there to consume.
       * @default 0 (no idle figures)
       */
      readonly settleMs?: number;
    } = {},
  ): Promise<ServiceProcess> {
    const timeoutMs = options.timeoutMs ?? 60_000;
    const command = options.command ?? [SERVICES_BUNDLE, name];
    // Extra V8 flags for a diagnosis (e.g. BENCH_SERVICE_NODE_ARGS=--trace-gc), after the image's NODE_OPTIONS.
    const extraArgs = process.env.BENCH_SERVICE_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [];
    const child = spawn(process.execPath, [...extraArgs, ...command], {
      env: {
        ...process.env,
        ...containerRuntimeEnv(),
        // The Deployment's own variables (the spec's `env`, e.g. a service's NODE_OPTIONS) override the image's, as in Kubernetes.
        ...deploymentEnv(name),
        PORT: '0',
        LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not start within ${timeoutMs} ms`)), timeoutMs);
      void exited.then((code) => reject(new Error(`${name} exited with code ${code} before it started`)));
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        let entry: { msg?: string; port?: number; level?: string };
        try {
          entry = JSON.parse(line);
        } catch {
          // Not a log line: V8 tracing and the like (e.g. BENCH_SERVICE_NODE_ARGS=--trace-gc with BENCH_VERBOSE=1).
          if (process.env.BENCH_VERBOSE === '1') process.stderr.write(`[${name}] ${line}\n`);
          return;
        }
        if (entry.level === 'error' || entry.level === 'warn' || process.env.BENCH_VERBOSE === '1')
          process.stderr.write(`[${name}] ${line}\n`);
        if (entry.msg === 'service started' && typeof entry.port === 'number') {
          clearTimeout(timer);
          resolve(entry.port);
        }
      });
    });
    const service = new ServiceProcess(name, child, port, exited);
    await service.waitUntilReady(timeoutMs);
    if (options.settleMs) await service.settle(options.settleMs);
    return service;
  }

  /** Waits `ms` and records the idle figures. */
  private async settle(ms: number): Promise<void> {
    const from = this.cpuSample();
    await new Promise((resolve) => setTimeout(resolve, ms));
    this.idleCores = coresBetween(from, this.cpuSample());
    this.idleRssMiB = this.memoryMiB().rss;
  }

  /** The process's CPU time now. */
  cpuSample(): CpuSample {
    return { at: performance.now(), cpuSeconds: processCpuSeconds(this.pid) };
  }

  get pid(): number {
    return this.child.pid!;
  }

  memoryMiB(): { rss: number; peakRss: number } {
    return processMemoryMiB(this.pid);
  }

  private async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const ready = await fetch(`http://127.0.0.1:${this.port}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ready) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${this.name} was not ready within ${timeoutMs} ms`);
  }

  /** SIGTERM (graceful shutdown), SIGKILL if it has not exited within `graceMs`. Idempotent. */
  async stop(graceMs = 30_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
