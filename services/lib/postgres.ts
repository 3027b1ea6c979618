/**
 * PostgreSQL for the services: a small pool with timeouts, and the mapping of
 * driver errors onto `canRetry` so the consumer retries what can heal
 * (connection lost, deadlock, serialization failure, statement timeout) and
 * dead-letters what cannot (invalid data, constraint violations).
 */
import { createRequire } from 'node:module';
import type pg from 'pg';
import { PermanentError, TransientError } from './errors.js';

let driver: typeof pg | undefined;
/** The driver (CommonJS), loaded on first use: a service without a database (websocket) never loads it (about 12 MiB). */
function pgDriver(): typeof pg {
  driver ??= createRequire(import.meta.url)('pg') as typeof pg;
  return driver;
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
    ...overrides,
  });
  // An idle client losing its connection emits on the pool; without a listener the process would crash.
  pool.on('error', () => {});
  return pool;
}

/** SQLSTATE classes and codes that may succeed when tried again. */
const RETRYABLE_SQLSTATE = [/^08/, /^40001$/, /^40P01$/, /^53/, /^55P03$/, /^57014$/, /^57P0[1-3]$/, /^58/];

/**
 * Whether a driver error may heal: SQLSTATE classes 08 (connection), 40
 * (serialization, deadlock), 53 (resources), 57 (operator intervention,
 * statement timeout), 58 (system), lock timeouts; and socket-level errors
 * that carry no SQLSTATE.
 */
export function isRetryablePgError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return true;
  if (/^[0-9A-Z]{5}$/.test(code)) return RETRYABLE_SQLSTATE.some((pattern) => pattern.test(code));
  return true; // ECONNREFUSED, ECONNRESET, ETIMEDOUT…
}

/** Wraps a driver error into `TransientError` or `PermanentError`, with the SQLSTATE in the code. */
export function pgError(error: unknown, doing: string): TransientError | PermanentError {
  const sqlstate = (error as { code?: unknown }).code;
  const message = `${doing} failed: ${(error as Error).message}`;
  const code = `POSTGRES_${typeof sqlstate === 'string' ? sqlstate : 'ERROR'}`;
  return isRetryablePgError(error)
    ? new TransientError(message, { code, cause: error })
    : new PermanentError(message, { code, cause: error });
}
