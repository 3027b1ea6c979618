/**
 * What `npm run doctor` checks: everything this project needs on the machine
 * for `local:up`, `npm test` and `k8s:up`, each with the command that
 * installs what is missing. Pure over a `Machine` (PATH, versions, folders),
 * so a test can present a fresh machine and one with everything installed.
 *
 * It runs on the Node.js it checks: nothing here may need Node 22 to load.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, statfsSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, delimiter, dirname, join } from 'node:path';
import { javaMajorVersion, KAFKA_DIST, kafkaLibDir } from '../local/kafka-dist.js';
import { debianBinDirs } from '../local/postgres.js';
import { LOCAL_SERVICE_PORT_BASE } from '../local/service-env.js';
import { BINARIES, CONTROL_PLANE, controlPlaneCacheDir } from '../k8s/versions.js';

/** The machine as the checks see it. */
export interface Machine {
  /** PATH to look commands up in. */
  readonly path: string;
  readonly nodeVersion: string;
  readonly nodeExecPath: string;
  /** Where downloads are cached (`TODO_EVENTS_CACHE`, `~/.cache/todo-events`). */
  readonly cacheDir: string;
  /** The run state folder of `local:up` (`.local`). */
  readonly localDir: string;
  readonly repoRoot: string;
  readonly isRoot: boolean;
  /** Where Debian keeps PostgreSQL's versioned binaries. @default '/usr/lib/postgresql' */
  readonly postgresRoot?: string;
  /** Folders searched for `go` besides PATH (the go.dev tarball's). @default ['/usr/local/go/bin'] */
  readonly goDirs?: readonly string[];
  /** Ports the services get from `local:up` when free. */
  readonly servicePorts?: readonly number[];
}

export type CheckStatus = 'ok' | 'missing' | 'warn';

export interface CheckResult {
  readonly status: CheckStatus;
  /** What was checked, with what was found: `Java 17 (openjdk 17.0.15)`. */
  readonly what: string;
  /** What needs it and the command that fixes it; empty when ok. */
  readonly fix?: string;
}

/** Free disk space the cache should have for the first `local:up` and `k8s:up` (Kafka jars, Node 22, the Go build cache). @default 3 GiB */
export const MIN_CACHE_FREE_BYTES = 3 * 1024 ** 3;

/** Runs `command args` on the machine's PATH; its output, or undefined when it cannot run. */
function output(machine: Machine, command: string, args: readonly string[]): string | undefined {
  const result = spawnSync(command, args, { env: { ...process.env, PATH: machine.path }, encoding: 'utf8', timeout: 15_000 });
  if (result.error || result.status !== 0) return undefined;
  return `${result.stdout}${result.stderr}`;
}

function executableIn(dirs: readonly string[], name: string): string | undefined {
  for (const dir of dirs) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // Not here.
    }
  }
  return undefined;
}

const pathDirs = (machine: Machine) => machine.path.split(delimiter).filter(Boolean);

/** `[major, minor, patch]` of a version such as `22.23.3`, `v20.1.0` or `go1.26.8`. */
export function versionParts(text: string): number[] {
  return (/(\d+)\.(\d+)(?:\.(\d+))?/.exec(text)?.slice(1) ?? []).map((p) => Number(p ?? 0));
}

function atLeast(found: readonly number[], wanted: readonly number[]): boolean {
  for (let i = 0; i < wanted.length; i++) {
    const a = found[i] ?? 0;
    const b = wanted[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

/** The Node.js floor of package.json's `engines.node` (`>=22.22.0`). */
export function requiredNode(repoRoot: string): string {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { engines?: { node?: string } };
  return /\d+\.\d+(\.\d+)?/.exec(pkg.engines?.node ?? '')?.[0] ?? '22.22.0';
}

export function checkNode(machine: Machine): CheckResult {
  const wanted = requiredNode(machine.repoRoot);
  const what = `Node.js ${wanted} or newer (found ${machine.nodeVersion} at ${machine.nodeExecPath})`;
  if (atLeast(versionParts(machine.nodeVersion), versionParts(wanted))) return { status: 'ok', what };
  const cached = existsSync(join(machine.cacheDir, 'node22', 'node_modules', 'node', 'package.json'));
  return {
    status: 'missing',
    what,
    fix: `everything here needs it: run \`. scripts/node22.sh\` in each new shell (${cached ? 'Node 22 is already in the cache' : 'it installs Node 22 from the npm registry into the cache'})`,
  };
}

export function checkPackages(machine: Machine): CheckResult {
  const installed = existsSync(join(machine.repoRoot, 'node_modules', '.package-lock.json'));
  return installed
    ? { status: 'ok', what: 'npm packages (node_modules)' }
    : { status: 'missing', what: 'npm packages (node_modules)', fix: 'run `npm ci` (after `. scripts/node22.sh`)' };
}

export function checkJava(machine: Machine): CheckResult {
  const major = javaMajorVersion(output(machine, 'java', ['-version']) ?? '');
  const what = `Java 17 or newer (found ${major ?? 'none'})`;
  if (major !== undefined && major >= 17) return { status: 'ok', what };
  return { status: 'missing', what, fix: `local:up runs the Kafka broker on it: sudo apt-get install -y openjdk-17-jre-headless` };
}

export function checkMaven(machine: Machine): CheckResult {
  // The marker kafka-dist.ts writes once the jars are complete, in this machine's cache.
  const jars = join(machine.cacheDir, basename(dirname(kafkaLibDir())), '.complete');
  if (existsSync(jars)) return { status: 'ok', what: `Maven (not needed: the Kafka ${KAFKA_DIST.kafka} jars are cached)` };
  const version = output(machine, 'mvn', ['-v']);
  if (version !== undefined) return { status: 'ok', what: `Maven (${/Apache Maven [\d.]+/.exec(version)?.[0] ?? 'found'})` };
  return {
    status: 'missing',
    what: 'Maven (found none)',
    fix: `the first local:up fetches the Kafka ${KAFKA_DIST.kafka} jars with it: sudo apt-get install -y maven`,
  };
}

export function checkPostgres(machine: Machine): CheckResult {
  const dirs = [...pathDirs(machine), ...debianBinDirs(machine.postgresRoot ?? '/usr/lib/postgresql')];
  const dir = dirs.find((d) => executableIn([d], 'initdb') && executableIn([d], 'postgres'));
  if (dir) return { status: 'ok', what: `PostgreSQL server binaries initdb and postgres (${dir})` };
  const asRoot = machine.isRoot ? ' (run as root, local:up installs it itself)' : '';
  return {
    status: 'missing',
    what: 'PostgreSQL server binaries initdb and postgres (found none)',
    fix: `local:up runs the services' database with them: sudo apt-get install -y postgresql${asRoot}`,
  };
}

export function checkPromtool(machine: Machine): CheckResult {
  const version = output(machine, 'promtool', ['--version']);
  if (version !== undefined) return { status: 'ok', what: `promtool (${/version [\w.+~-]+/.exec(version)?.[0] ?? 'found'})` };
  return {
    status: 'missing',
    what: 'promtool (found none)',
    fix: 'npm test checks the alert rules with it: sudo apt-get install -y prometheus',
  };
}

export function checkGo(machine: Machine): CheckResult {
  const built = BINARIES.every((name) => existsSync(join(machine.cacheDir, basename(controlPlaneCacheDir()), 'bin', name)));
  if (built)
    return { status: 'ok', what: `Go (not needed: kube-apiserver ${CONTROL_PLANE.kubernetes} and etcd ${CONTROL_PLANE.etcd} are built)` };
  const go = executableIn([...pathDirs(machine), ...(machine.goDirs ?? ['/usr/local/go/bin'])], 'go');
  const found = go === undefined ? undefined : output({ ...machine, path: `${dirname(go)}${delimiter}${machine.path}` }, 'go', ['version']);
  const version = found === undefined ? undefined : /go(\d+\.\d+(\.\d+)?)/.exec(found)?.[1];
  const what = `Go ${CONTROL_PLANE.minimumGo} or newer (found ${version ?? 'none'})`;
  const install = `k8s:up builds kube-apiserver and etcd with it on first use: install Go >= ${CONTROL_PLANE.minimumGo} from https://go.dev/dl/ (Debian's golang is older) and put its bin/ on PATH`;
  if (version === undefined || !atLeast(versionParts(version), versionParts(CONTROL_PLANE.minimumGo)))
    return { status: 'missing', what, fix: install };
  if (!pathDirs(machine).includes(dirname(go!)))
    return { status: 'warn', what: `${what} at ${go}`, fix: `it is not on PATH: export PATH="${dirname(go!)}:$PATH"` };
  return { status: 'ok', what };
}

export function checkSharedCrds(machine: Machine): CheckResult {
  const dir = join(machine.repoRoot, '..', 'shared', 'crds');
  if (existsSync(dir)) return { status: 'ok', what: `upstream CRDs (${dir})` };
  return {
    status: 'warn',
    what: `upstream CRDs (no ${dir})`,
    fix: 'the CRD schema tests are skipped and k8s:up installs no CRDs without them: check out ../shared beside this repository',
  };
}

/** Whether something listens on `port`, checked by binding it for a moment. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

export async function checkPorts(machine: Machine): Promise<CheckResult> {
  const ports = machine.servicePorts ?? [0, 1, 2, 3].map((i) => LOCAL_SERVICE_PORT_BASE + i);
  const taken: number[] = [];
  for (const port of ports) if (!(await portFree(port))) taken.push(port);
  const what = `service ports ${ports.join(', ')} free`;
  if (taken.length === 0) return { status: 'ok', what };
  return {
    status: 'warn',
    what: `service ports: ${taken.join(', ')} in use`,
    fix: 'services of a running local:up, or another program: local:up gives a service another free port then (see .local/services/<name>.env)',
  };
}

/** Whether every parent of `dir` lets others in (PostgreSQL runs as the postgres user under root and must reach `.local`). */
function searchableByOthers(dir: string): string | undefined {
  for (let d = dirname(dir); ; d = dirname(d)) {
    if (existsSync(d) && (statSync(d).mode & 0o001) === 0) return d;
    if (dirname(d) === d) return undefined;
  }
}

export function checkFolders(machine: Machine): CheckResult[] {
  const results: CheckResult[] = [];
  try {
    mkdirSync(machine.cacheDir, { recursive: true });
    accessSync(machine.cacheDir, constants.W_OK);
    const { bavail, bsize } = statfsSync(machine.cacheDir);
    const free = bavail * bsize;
    const cached = existsSync(machine.cacheDir) ? readdirSync(machine.cacheDir).sort() : [];
    const what = `cache ${machine.cacheDir} (${(free / 1024 ** 3).toFixed(1)} GiB free; holds ${cached.length > 0 ? cached.join(', ') : 'nothing yet'})`;
    results.push(
      free >= MIN_CACHE_FREE_BYTES
        ? { status: 'ok', what }
        : {
            status: 'warn',
            what,
            fix: `the first local:up and k8s:up download and build about ${MIN_CACHE_FREE_BYTES / 1024 ** 3} GiB there: free space, or set TODO_EVENTS_CACHE to a larger disk`,
          },
    );
  } catch (err) {
    results.push({
      status: 'missing',
      what: `cache ${machine.cacheDir} (not writable: ${(err as Error).message})`,
      fix: 'local:up and k8s:up keep their downloads there: make it writable, or set TODO_EVENTS_CACHE to a folder that is',
    });
  }
  const closed = machine.isRoot ? searchableByOthers(machine.localDir) : undefined;
  if (closed) {
    results.push({
      status: 'missing',
      what: `run state ${machine.localDir} (${closed} is not searchable by others)`,
      fix: `as root, local:up runs PostgreSQL as the postgres user, who must reach it: chmod o+x ${closed}, or set TODO_EVENTS_LOCAL_DIR elsewhere`,
    });
  } else results.push({ status: 'ok', what: `run state ${machine.localDir}` });
  return results;
}

/** Every check, in the order they are printed. */
export async function runChecks(machine: Machine): Promise<CheckResult[]> {
  return [
    checkNode(machine),
    checkPackages(machine),
    checkJava(machine),
    checkMaven(machine),
    checkPostgres(machine),
    checkPromtool(machine),
    checkGo(machine),
    checkSharedCrds(machine),
    await checkPorts(machine),
    ...checkFolders(machine),
  ];
}

const LABEL: Record<CheckStatus, string> = { ok: 'ok     ', missing: 'MISSING', warn: 'warn   ' };

/** The report: one line per check, then the verdict. */
export function formatReport(results: readonly CheckResult[]): string {
  const lines = results.map((r) => `  ${LABEL[r.status]} ${r.what}${r.fix ? `: ${r.fix}` : ''}`);
  const missing = results.filter((r) => r.status === 'missing').length;
  const verdict =
    missing === 0
      ? 'doctor: all clear'
      : `doctor: ${missing} missing: install ${missing === 1 ? 'it' : 'them'} with the command${missing === 1 ? '' : 's'} above, then run npm run doctor again`;
  return ['doctor: what local:up, npm test and k8s:up need on this machine', ...lines, verdict].join('\n');
}
