/**
 * `npm run local:up` interrupted (Ctrl-C, kill) or failing half-way stops the
 * broker and PostgreSQL it had started and says so. Each case runs the real
 * command in an environment of its own (TODO_EVENTS_LOCAL_DIR, free ports),
 * never touching the shared `.local` other suites use.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { kafkaLibDir } from '../../scripts/local/kafka-dist.js';
import { REPO_ROOT } from '../../scripts/local/paths.js';
import { findPostgresBinDir } from '../../scripts/local/postgres.js';
import { isAlive } from '../../scripts/local/processes.js';
import { recordSkippedSuite } from '../support/skipped-suites.js';

const NODE_ARGS = ['--require', './platform/require-node.cjs', '--import', 'tsx'];

/** What a real local:up needs without downloading anything: the cached broker jars, Java and PostgreSQL's binaries. */
function missingPrerequisite(): string | undefined {
  if (!existsSync(join(dirname(kafkaLibDir()), '.complete'))) return `the Kafka jars in ${kafkaLibDir()} (run npm run local:up once)`;
  if (spawnSync('java', ['-version']).status !== 0) return 'Java 17 (npm run doctor)';
  if (!findPostgresBinDir()) return 'PostgreSQL server binaries (npm run doctor)';
  return undefined;
}

const missing = missingPrerequisite();
if (missing) recordSkippedSuite('an interrupted local:up', `need ${missing}`);
const describeIfReady = missing ? describe.skip : describe;
const isRoot = process.getuid?.() === 0;

interface Run {
  readonly child: ChildProcess;
  stderr: string;
  readonly exit: Promise<number | null>;
}

function startUp(localDir: string): Run {
  const child = spawn(process.execPath, [...NODE_ARGS, 'scripts/local/up.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, TODO_EVENTS_LOCAL_DIR: localDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: Run = { child, stderr: '', exit: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
  child.stderr!.on('data', (chunk: Buffer) => (run.stderr += chunk.toString()));
  child.stdout!.resume();
  return run;
}

async function until<T>(what: string, check: () => T | undefined, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const kafkaPidOf = (run: Run) => {
  const match = /Kafka: started \(pid (\d+)\)/.exec(run.stderr);
  return match ? Number(match[1]) : undefined;
};

describeIfReady('an interrupted local:up', () => {
  let root: string;
  let localDir: string;
  const pids: number[] = [];

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'local-up-'));
    // Searchable by others: as root, PostgreSQL runs as the postgres user and must reach its folder.
    chmodSync(root, 0o755);
    localDir = join(root, '.local');
  });

  afterEach(() => {
    // Whatever a failed case left: stopped by its pids, as local:down does.
    spawnSync(process.execPath, [...NODE_ARGS, 'scripts/local/down.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, TODO_EVENTS_LOCAL_DIR: localDir },
    });
    for (const pid of pids.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  it('stops the broker it had started on SIGINT (Ctrl-C) and says so on one line', async () => {
    const run = startUp(localDir);
    const kafka = await until('the broker to start', () => kafkaPidOf(run));
    pids.push(kafka);
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(130);
    const last = run.stderr.trimEnd().split('\n').at(-1);
    expect(last).toMatch(
      new RegExp(
        `^local:up interrupted by SIGINT: stopped what it had started: Kafka stopped \\(pid ${kafka}\\), PostgreSQL .*; removed its data in ${localDir}\\. Run npm run local:up to start again\\.$`,
      ),
    );
    expect(isAlive(kafka)).toBe(false);
    expect(existsSync(join(localDir, 'env'))).toBe(false);
    expect(readdirSync(localDir)).toEqual([]);
  }, 120_000);

  it('stops the broker and PostgreSQL on SIGTERM while PostgreSQL starts', async () => {
    const run = startUp(localDir);
    const kafka = await until('the broker to start', () => kafkaPidOf(run));
    pids.push(kafka);
    // Its log file is opened when the postmaster is started (after initdb), before it accepts connections.
    const log = join(localDir, 'postgres', 'postgres.log');
    await until('PostgreSQL to start', () => (existsSync(log) ? true : undefined));
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(143);
    const postgres = Number(/PostgreSQL stopped \(pid (\d+)\)/.exec(run.stderr)?.[1]);
    pids.push(postgres);
    expect(run.stderr).toContain(
      `local:up interrupted by SIGTERM: stopped what it had started: Kafka stopped (pid ${kafka}), PostgreSQL stopped (pid ${postgres})`,
    );
    expect([isAlive(kafka), isAlive(postgres)]).toEqual([false, false]);
  }, 120_000);

  (isRoot ? it : it.skip)(
    'stops the broker when a later step fails, and says what failed first',
    async () => {
      // As root, PostgreSQL runs as the postgres user, who cannot get through a 0700 folder: local:up fails after the broker started.
      const closed = join(root, 'closed');
      mkdirSync(closed, { mode: 0o700 });
      localDir = join(closed, '.local');
      const run = startUp(localDir);
      expect(await run.exit).toBe(1);
      const kafka = kafkaPidOf(run)!;
      pids.push(kafka);
      const lines = run.stderr.trimEnd().split('\n');
      expect(lines.at(-2)).toMatch(/^local:up failed: the postgres user cannot reach /);
      expect(lines.at(-1)).toMatch(
        new RegExp(`^local:up stopped what it had started: Kafka stopped \\(pid ${kafka}\\), PostgreSQL not running; removed its data in `),
      );
      expect(isAlive(kafka)).toBe(false);
    },
    120_000,
  );
});
