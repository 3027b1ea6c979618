/**
 * A throwaway PostgreSQL cluster for the services: Debian's server binaries,
 * a data directory and a Unix socket under `.local/postgres`, a free TCP port
 * on 127.0.0.1, and a `todo` database owned by a `todo` role with a generated
 * password. PostgreSQL refuses to run as root, so as root it runs as the
 * `postgres` system user.
 */
import { accessSync, constants, chownSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import pg from 'pg';
import { LocalEnvError } from './errors.js';
import { step, withHeartbeat } from './log.js';
import { LOCAL_PATHS, type PostgresPaths } from './paths.js';
import { isOurProcess, readPidFile, run, startDetached, stopProcess, waitUntil, type RunAs } from './processes.js';

/** Database and role the services use. */
export const DATABASE = { name: 'todo', role: 'todo' } as const;

/** The OS user PostgreSQL runs as when this script runs as root (Debian's package creates it). */
export const POSTGRES_OS_USER = 'postgres';

const REQUIRED_BINARIES = ['initdb', 'postgres'];

function hasBinaries(dir: string): boolean {
  return REQUIRED_BINARIES.every((name) => {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** `/usr/lib/postgresql/<major>/bin` directories, newest major first (Debian keeps them off PATH). */
export function debianBinDirs(root = '/usr/lib/postgresql'): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((entry) => /^\d+$/.test(entry))
    .sort((a, b) => Number(b) - Number(a))
    .map((major) => join(root, major, 'bin'));
}

/** The directory holding `initdb` and `postgres`: PATH first, then Debian's versioned directories. */
export function findPostgresBinDir(path = process.env.PATH ?? ''): string | undefined {
  const onPath = path.split(delimiter).filter(Boolean);
  return [...onPath, ...debianBinDirs()].find(hasBinaries);
}

const isRoot = () => process.getuid?.() === 0;

/** Finds the server binaries, installing Debian's `postgresql` package when root and they are missing. */
export async function ensurePostgresBinaries(): Promise<string> {
  const found = findPostgresBinDir();
  if (found) return found;
  if (!isRoot()) {
    throw new LocalEnvError(
      'LOCAL_POSTGRES_MISSING',
      'PostgreSQL server binaries (initdb, postgres) were not found on PATH or in /usr/lib/postgresql/*/bin. Install them: sudo apt-get install -y postgresql',
    );
  }
  step('PostgreSQL: not installed; running apt-get install -y postgresql as root');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await withHeartbeat('apt-get', run('apt-get', ['update', '-q'], { env, label: 'apt-get update' }));
  await withHeartbeat(
    'apt-get',
    run('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'postgresql'], { env, label: 'apt-get install postgresql' }),
  );
  const installed = findPostgresBinDir();
  if (!installed)
    throw new LocalEnvError(
      'LOCAL_POSTGRES_MISSING',
      'apt-get installed postgresql but initdb is still not found under /usr/lib/postgresql/*/bin',
    );
  return installed;
}

async function idOf(flag: '-u' | '-g', user: string): Promise<number> {
  return Number((await run('id', [flag, user], { label: `id ${flag} ${user}` })).trim());
}

/** Who PostgreSQL runs as: this process's user, or the `postgres` system user (created if missing) when root. */
export async function postgresRunAs(): Promise<RunAs | undefined> {
  if (!isRoot()) return undefined;
  const exists = await run('id', ['-u', POSTGRES_OS_USER]).then(
    () => true,
    () => false,
  );
  if (!exists) {
    step(`PostgreSQL: creating the system user ${POSTGRES_OS_USER} (PostgreSQL refuses to run as root)`);
    await run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', POSTGRES_OS_USER]);
  }
  return { uid: await idOf('-u', POSTGRES_OS_USER), gid: await idOf('-g', POSTGRES_OS_USER) };
}

/** Creates the directories, owned by the user PostgreSQL runs as, and checks that user can reach them. */
async function prepareDirectories(runAs: RunAs | undefined, paths: PostgresPaths): Promise<void> {
  rmSync(paths.dir, { recursive: true, force: true });
  for (const dir of [paths.dir, paths.dataDir, paths.socketDir]) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (runAs) chownSync(dir, runAs.uid, runAs.gid);
  }
  if (runAs) {
    await run('/bin/sh', ['-c', 'test -w "$0"', paths.dataDir], { runAs }).catch(() => {
      throw new LocalEnvError(
        'LOCAL_POSTGRES_DIR',
        `the ${POSTGRES_OS_USER} user cannot reach ${paths.dataDir}: a parent directory is not searchable by others. Clone the repository under a world-searchable path (chmod o+x on its parents).`,
      );
    });
  }
}

export interface PostgresInstance {
  readonly pid: number;
  readonly port: number;
  /** `postgres://todo:<password>@127.0.0.1:<port>/todo`. */
  readonly databaseUrl: string;
}

/** Connects as the bootstrap superuser over the Unix socket (trusted: only its owner can open the directory). */
export function superuserClient(port: number, socketDir: string): pg.Client {
  return new pg.Client({ host: socketDir, port, user: POSTGRES_OS_USER, database: 'postgres' });
}

/**
 * `initdb`, start, wait for connections, create the role and database.
 * @param paths where the cluster lives. @default the local environment's (`LOCAL_PATHS.postgres`)
 */
export async function startPostgres(
  binDir: string,
  port: number,
  password: string,
  paths: PostgresPaths = LOCAL_PATHS.postgres,
): Promise<PostgresInstance> {
  const runAs = await postgresRunAs();
  await prepareDirectories(runAs, paths);
  await run(
    join(binDir, 'initdb'),
    [
      '-D',
      paths.dataDir,
      '-U',
      POSTGRES_OS_USER,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
    ],
    { runAs, cwd: paths.dataDir, label: 'initdb' },
  );
  const pid = await startPostgresServer(binDir, port, paths);
  const client = superuserClient(port, paths.socketDir);
  await client.connect();
  try {
    await client.query(`CREATE ROLE ${DATABASE.role} LOGIN PASSWORD ${client.escapeLiteral(password)}`);
    await client.query(`CREATE DATABASE ${DATABASE.name} OWNER ${DATABASE.role}`);
  } finally {
    await client.end();
  }
  const databaseUrl = `postgres://${DATABASE.role}:${password}@127.0.0.1:${port}/${DATABASE.name}`;
  // Prove the URL the services get works (TCP, SCRAM password), not only the socket.
  const check = new pg.Client({ connectionString: databaseUrl });
  await check.connect();
  await check.end();
  return { pid, port, databaseUrl };
}

/**
 * Starts the postmaster on an initialized data directory (the first start, or
 * again after it was stopped or killed) and resolves with its pid once it
 * accepts connections.
 */
export async function startPostgresServer(binDir: string, port: number, paths: PostgresPaths = LOCAL_PATHS.postgres): Promise<number> {
  const runAs = await postgresRunAs();
  const pid = startDetached(
    join(binDir, 'postgres'),
    [
      '-D',
      paths.dataDir,
      '-p',
      String(port),
      '-k',
      paths.socketDir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_permissions=0700',
    ],
    { runAs, cwd: paths.dataDir, logFile: paths.log, label: 'postgres' },
  );
  await waitUntil(
    async () => {
      const client = superuserClient(port, paths.socketDir);
      try {
        await client.connect();
        return true;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    {
      timeoutMs: 60_000,
      code: 'LOCAL_POSTGRES_NOT_READY',
      abort: () => (isOurProcess(pid, 'postgres') ? undefined : `the postgres process ${pid} exited`),
      describe: (reason) => `PostgreSQL did not accept connections on port ${port}: ${reason}; see ${paths.log}`,
    },
  );
  return pid;
}

/** The postmaster's pid, if ours is running. */
export function runningPostgresPid(paths: PostgresPaths = LOCAL_PATHS.postgres): number | undefined {
  const pid = readPidFile(paths.pid);
  return pid !== undefined && isOurProcess(pid, 'postgres') ? pid : undefined;
}

/**
 * How the local PostgreSQL is stopped, wherever it is: SIGINT is its "fast"
 * shutdown; SIGTERM ("smart") would wait for every client to hang up, so one
 * service left running would stall it until the SIGKILL after `graceMs`.
 * @see https://www.postgresql.org/docs/15/server-shutdown.html
 */
export const POSTGRES_STOP = { signal: 'SIGINT', graceMs: 20_000 } as const;

/** Stops PostgreSQL (`POSTGRES_STOP`) and removes its directory. */
export async function stopPostgres(paths: PostgresPaths = LOCAL_PATHS.postgres): Promise<string> {
  const pid = runningPostgresPid(paths);
  const outcome = pid === undefined ? 'not running' : `${await stopProcess(pid, POSTGRES_STOP.signal, POSTGRES_STOP.graceMs)} (pid ${pid})`;
  rmSync(paths.dir, { recursive: true, force: true });
  return outcome;
}
