/**
 * Where the local environment lives: run state under `.local/` in the work
 * tree (ignored by git, removed by `local:down`), downloaded jars in a cache
 * outside the tree so a fresh clone or `git clean` does not fetch them again.
 */
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { localDir, serviceEnvFile as serviceEnvFileIn } from '../../services/lib/local-environment.js';

/** The repository root (two levels above this file). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Run state of the local broker and database (and of the API server of
 * `k8s:up`). `TODO_EVENTS_LOCAL_DIR` puts a second environment elsewhere,
 * with its own broker, database and ports, beside the usual one; `npm run
 * service` reads the same variable.
 * @default `$TODO_EVENTS_LOCAL_DIR`, else `.local` in the work tree
 */
export const LOCAL_DIR = localDir(process.env, REPO_ROOT);

/**
 * Cache of downloads that survive `local:down` and fresh clones.
 * @default `$TODO_EVENTS_CACHE`, else `~/.cache/todo-events` (shared with scripts/node22.sh)
 */
export const CACHE_DIR = process.env.TODO_EVENTS_CACHE ?? join(homedir(), '.cache', 'todo-events');

/** Where one broker keeps its configuration, data, log and pid file. */
export interface KafkaPaths {
  readonly dir: string;
  readonly dataDir: string;
  readonly config: string;
  readonly log4j: string;
  readonly log: string;
  readonly pid: string;
}

/** Where one PostgreSQL cluster keeps its data, socket and log. */
export interface PostgresPaths {
  readonly dir: string;
  readonly dataDir: string;
  readonly socketDir: string;
  readonly log: string;
  readonly pid: string;
}

/** The paths of a broker whose directory is `dir` (the local environment's is `LOCAL_PATHS.kafka`). */
export function kafkaPaths(dir: string): KafkaPaths {
  return {
    dir,
    dataDir: join(dir, 'data'),
    config: join(dir, 'server.properties'),
    log4j: join(dir, 'log4j2.properties'),
    log: join(dir, 'kafka.log'),
    pid: join(dir, 'kafka.pid'),
  };
}

/** The paths of a PostgreSQL cluster whose directory is `dir` (the local environment's is `LOCAL_PATHS.postgres`). */
export function postgresPaths(dir: string): PostgresPaths {
  return {
    dir,
    dataDir: join(dir, 'data'),
    /** Unix socket directory, kept inside `.local` so it never clashes with a system cluster. */
    socketDir: join(dir, 'run'),
    log: join(dir, 'postgres.log'),
    /** PostgreSQL writes its own pid file; its first line is the postmaster's pid. */
    pid: join(dir, 'data', 'postmaster.pid'),
  };
}

export const LOCAL_PATHS = {
  /** Connection settings for tests and `npm run service` (mode 0600). */
  envFile: join(LOCAL_DIR, 'env'),
  /** One `<user>.env` per spec user (mode 0600). */
  usersDir: join(LOCAL_DIR, 'users'),
  /** One `<service>.env` per service: its own port and keys (mode 0600). */
  servicesDir: join(LOCAL_DIR, 'services'),
  kafka: kafkaPaths(join(LOCAL_DIR, 'kafka')),
  postgres: postgresPaths(join(LOCAL_DIR, 'postgres')),
} as const;

/** Path of a user's env file. */
export function userEnvFile(user: string): string {
  return join(LOCAL_PATHS.usersDir, `${user}.env`);
}

/** Path of a service's own env file (`PORT`, the websocket token key): `.local/services/<name>.env`. */
export function serviceEnvFile(service: string): string {
  return serviceEnvFileIn(LOCAL_DIR, service);
}

/**
 * Creates `.local` searchable by others (0755): PostgreSQL runs as another
 * user when this runs as root and must reach its directory inside. What is
 * secret inside (env files, data) has its own 0700/0600 modes.
 */
export function ensureLocalDir(): void {
  mkdirSync(LOCAL_DIR, { recursive: true, mode: 0o755 });
  const mode = statSync(LOCAL_DIR).mode & 0o777;
  if ((mode & 0o001) === 0) chmodSync(LOCAL_DIR, mode | 0o055);
}
