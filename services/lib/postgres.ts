/**
 * PostgreSQL for the services: a small pool with timeouts on every step (so a
 * network partition mid-query fails in seconds instead of hanging on the
 * kernel's TCP timeouts for ~15 minutes), and the mapping of driver errors
 * onto the failure kinds: the database's faults (connection lost, refused
 * credentials, deadlock, statement timeout) are held and retried until the
 * database answers; the data's (invalid input, constraint violations) are
 * dead-lettered.
 */
import { createRequire } from 'node:module';
import type pg from 'pg';
import { classifySqlstate, sqlstateOf, type Classification } from './classify.js';
import { PermanentError, TransientError } from './errors.js';

let driver: typeof pg | undefined;
/** The driver (CommonJS), loaded on first use: a service without a database (websocket) never loads it (about 12 MiB). */
function pgDriver(): typeof pg {
  driver ??= createRequire(import.meta.url)('pg') as typeof pg;
  return driver;
}

/** The driver's `Query` class, for queries of our own that a pipelined connection must admit (audit's COPY). */
export function pgQueryClass(): typeof pg.Query {
  return pgDriver().Query;
}

/** Pool sizing and timeouts. One consumer loop needs few connections. */
export const PG_POOL_DEFAULTS = {
  /** @default 4 */
  max: 4,
  /** @default 10 s */
  connectionTimeoutMillis: 10_000,
  /** @default 30 s */
  idleTimeoutMillis: 30_000,
  /** Longest a statement may run before the server cancels it. @default 30 s */
  statementTimeoutMs: 30_000,
  /**
   * Longest the client waits for a query's answer (pg's `query_timeout`): the
   * statement timeout plus time for the server's cancellation to arrive. It
   * is what ends a query whose connection silently died (a network partition,
   * a killed server host), where `statement_timeout` cannot help; the pool
   * then discards the connection. @default 35 s
   */
  queryTimeoutMs: 35_000,
  /**
   * TCP keepalive on every connection, probing after this much idle time, so
   * the kernel notices a dead peer of an idle pooled connection.
   * @default 10 s
   */
  keepAliveInitialDelayMs: 10_000,
} as const;

/** A pool for `url`, tagged with `appId` (`application_name` in `pg_stat_activity`). */
export function createPgPool(url: string, appId: string, overrides: Partial<pg.PoolConfig> = {}): pg.Pool {
  const pool = new (pgDriver().Pool)({
    connectionString: url,
    application_name: appId,
    max: PG_POOL_DEFAULTS.max,
    connectionTimeoutMillis: PG_POOL_DEFAULTS.connectionTimeoutMillis,
    idleTimeoutMillis: PG_POOL_DEFAULTS.idleTimeoutMillis,
    statement_timeout: PG_POOL_DEFAULTS.statementTimeoutMs,
    query_timeout: PG_POOL_DEFAULTS.queryTimeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: PG_POOL_DEFAULTS.keepAliveInitialDelayMs,
    ...overrides,
  });
  // An idle client losing its connection emits on the pool; without a listener the process would crash.
  pool.on('error', () => {});
  return pool;
}

/**
 * Whether a driver error may heal, i.e. is the database's fault rather than
 * the data's (see `classifyPgError`).
 */
export function isRetryablePgError(error: unknown): boolean {
  return classifyPgError(error).kind === 'dependency';
}

/**
 * Whose fault an error of the pg driver is. A server error is judged by its
 * SQLSTATE (`PG_DEPENDENCY_SQLSTATES`). An error without one comes from the
 * client side: the socket (ECONNREFUSED, ECONNRESET…), the connection ending
 * ("Connection terminated unexpectedly"), `query_timeout` ("Query read
 * timeout") or the pool ("timeout exceeded when trying to connect"): the
 * database is unreachable, never the event's fault. The one exception is a
 * `TypeError`/`RangeError`, which pg throws for a parameter it cannot send.
 */
export function classifyPgError(error: unknown): Classification {
  const sqlstate = sqlstateOf(error);
  if (sqlstate !== undefined) return classifySqlstate(sqlstate);
  if (error instanceof TypeError || error instanceof RangeError) return { kind: 'message', canRetry: false, rule: 'pg parameter' };
  const code = (error as { code?: unknown } | null)?.code;
  return { kind: 'dependency', canRetry: true, dependency: 'postgres', rule: typeof code === 'string' ? `pg ${code}` : 'pg client' };
}

/** Wraps a driver error into `TransientError` (dependency) or `PermanentError` (message), with the SQLSTATE in the code. */
export function pgError(error: unknown, doing: string): TransientError | PermanentError {
  if (error instanceof TransientError || error instanceof PermanentError) return error;
  const sqlstate = (error as { code?: unknown }).code;
  const message = `${doing} failed: ${(error as Error).message}`;
  const code = `POSTGRES_${typeof sqlstate === 'string' ? sqlstate : 'ERROR'}`;
  return classifyPgError(error).kind === 'dependency'
    ? new TransientError(message, { code, cause: error, dependency: 'postgres' })
    : new PermanentError(message, { code, cause: error });
}
