/**
 * Whose fault a failure is: the one place the library decides between "the
 * message is bad" (dead-letter it, after the specification's attempts) and
 * "a dependency is down" (hold the message and retry for as long as it
 * takes). Service errors say it themselves (`kind`, `canRetry`); the drivers'
 * own errors are recognised by the rules below, which are plain data, so a
 * new rule is one more row and the tests read as a table.
 *
 * An error that no rule recognises (a `TypeError` in handler code, a plain
 * `Error` without a code) counts as the message's fault, retryable: the
 * specification's 3 attempts, then the dead-letter topic. A bug that trips on
 * one event's shape is far more common than a bug that trips on every event,
 * and holding the partition for ever behind one such event would stall every
 * event after it; a dead letter keeps the event for replay once the bug is
 * fixed. Every failure of a known dependency goes through a driver this
 * module recognises (or is wrapped by `pgError` or the publishers, which know
 * their origin), so it never reaches this default.
 */
import { ServiceError, type FailureKind } from './errors.js';

/** What the library does with a failure. */
export interface Classification {
  readonly kind: FailureKind;
  /**
   * For `message` failures: whether another attempt may help (the
   * specification's 3 attempts) or the message is dead-lettered at once.
   * Dependency failures are always retried.
   */
  readonly canRetry: boolean;
  /** The dependency that failed (`postgres`, `kafka`, `webhook`, `network`…), for `dependency` failures. */
  readonly dependency?: string;
  /** Which rule decided, for logs: e.g. `service-error`, `sqlstate 08006`, `errno ECONNREFUSED`. */
  readonly rule: string;
}

/**
 * Node.js and socket error codes (`error.code` of system errors) that mean the
 * peer could not be reached or went away: never the message's fault.
 */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
  'ESOCKETTIMEDOUT',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/**
 * PostgreSQL SQLSTATEs that are the database's (or the deployment's) fault,
 * never a parameter's: connection loss, refused credentials, contention,
 * shutdowns, timeouts, resources, a standby after failover, and class 42,
 * which with parameterised statements can only mean the statement or the
 * schema is wrong (a deployment problem that must hold events, not drop them).
 * Every other SQLSTATE (22 data exception, 23 constraint violation, 54 limits…)
 * is the message's fault and is not retried.
 * @see https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
export const PG_DEPENDENCY_SQLSTATES: ReadonlyArray<{ readonly pattern: RegExp; readonly meaning: string }> = [
  { pattern: /^08/, meaning: 'connection exception' },
  { pattern: /^28/, meaning: 'invalid authorization: the credentials were refused' },
  { pattern: /^3D000$/, meaning: 'the database does not exist' },
  { pattern: /^40001$|^40P01$/, meaning: 'serialization failure or deadlock: contention that clears' },
  { pattern: /^42/, meaning: 'syntax error or access rule violation: the statement, the schema or a grant' },
  { pattern: /^53/, meaning: 'insufficient resources (disk, memory, connections)' },
  { pattern: /^55P03$|^55006$/, meaning: 'lock not available or object in use' },
  { pattern: /^57/, meaning: 'operator intervention: shutdown, restart, cancelled by statement_timeout' },
  { pattern: /^58/, meaning: 'system error (I/O)' },
  { pattern: /^25006$/, meaning: 'read-only transaction: connected to a standby after a failover' },
  { pattern: /^XX/, meaning: 'internal error' },
];

/**
 * @platformatic/kafka protocol errors (`apiId`) that reject the record being
 * produced itself: the message's fault. Every other error of the client
 * (network, timeouts, NOT_ENOUGH_REPLICAS, leader changes, authentication
 * and authorization refusals, which heal when an operator fixes them) is the
 * broker's.
 * @see node_modules/@platformatic/kafka/dist/protocol/errors.js (each error's `canRetry`)
 */
export const KAFKA_MESSAGE_ERRORS: ReadonlySet<string> = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'INVALID_TIMESTAMP',
]);

/** Prefix of every @platformatic/kafka error code (`PLT_KFK_NETWORK`, `PLT_KFK_PROTOCOL`…). */
const KAFKA_CODE_PREFIX = 'PLT_KFK_';

type Fields = {
  readonly code?: unknown;
  readonly kind?: unknown;
  readonly canRetry?: unknown;
  readonly dependency?: unknown;
  readonly severity?: unknown;
  readonly apiId?: unknown;
  readonly name?: unknown;
  readonly cause?: unknown;
  readonly errors?: unknown;
};

/** A PostgreSQL server error (pg's `DatabaseError`): a five-character SQLSTATE and a severity. */
export function sqlstateOf(error: unknown): string | undefined {
  const { code, severity } = (error ?? {}) as Fields;
  return typeof code === 'string' && typeof severity === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** The dependency-or-message decision for a SQLSTATE. */
export function classifySqlstate(sqlstate: string): Classification {
  const dependency = PG_DEPENDENCY_SQLSTATES.some(({ pattern }) => pattern.test(sqlstate));
  return dependency
    ? { kind: 'dependency', canRetry: true, dependency: 'postgres', rule: `sqlstate ${sqlstate}` }
    : { kind: 'message', canRetry: false, rule: `sqlstate ${sqlstate}` };
}

/** Rules for one error object, without looking at its causes; undefined when none applies. */
function classifyOne(error: object): Classification | undefined {
  const fields = error as Fields;
  if (error instanceof ServiceError) {
    return { kind: error.kind, canRetry: error.canRetry, dependency: error.dependency, rule: 'service-error' };
  }
  const sqlstate = sqlstateOf(error);
  if (sqlstate !== undefined) return classifySqlstate(sqlstate);
  const code = typeof fields.code === 'string' ? fields.code : undefined;
  if (code !== undefined && (NETWORK_ERROR_CODES.has(code) || code.startsWith('UND_ERR_'))) {
    return { kind: 'dependency', canRetry: true, dependency: 'network', rule: `errno ${code}` };
  }
  if (code?.startsWith(KAFKA_CODE_PREFIX)) {
    const apiIds = kafkaApiIds(error);
    const rejected = apiIds.find((id) => KAFKA_MESSAGE_ERRORS.has(id));
    // UserError: the client refused the arguments (a record it cannot serialize), before any broker saw them.
    if (rejected !== undefined || code === 'PLT_KFK_USER') {
      return { kind: 'message', canRetry: false, rule: `kafka ${rejected ?? code}` };
    }
    return { kind: 'dependency', canRetry: true, dependency: 'kafka', rule: `kafka ${apiIds[0] ?? code}` };
  }
  // AbortSignal.timeout() and fetch-style timeouts.
  if (fields.name === 'TimeoutError') return { kind: 'dependency', canRetry: true, dependency: 'network', rule: 'timeout' };
  return undefined;
}

/** `apiId`s of a Kafka error and of the errors it aggregates (a `ResponseError` holds one `ProtocolError` per failed partition). */
function kafkaApiIds(error: object, depth = 0): string[] {
  const { apiId, errors } = error as Fields;
  const ids = typeof apiId === 'string' ? [apiId] : [];
  if (Array.isArray(errors) && depth < 4) {
    for (const member of errors) if (member !== null && typeof member === 'object') ids.push(...kafkaApiIds(member, depth + 1));
  }
  return ids;
}

/**
 * Whose fault `error` is and whether to try again: the error's own decision
 * when it is a `ServiceError`, else the first driver rule that recognises it
 * or, breadth first, one of its causes (`cause`, `AggregateError.errors`);
 * else the default explained in the module comment.
 */
export function classify(error: unknown): Classification {
  const queue: unknown[] = [error];
  for (let seen = 0; queue.length > 0 && seen < 16; seen++) {
    const current = queue.shift();
    if (current === null || typeof current !== 'object') continue;
    const found = classifyOne(current);
    if (found) return found;
    const { cause, errors } = current as Fields;
    if (cause !== undefined) queue.push(cause);
    if (Array.isArray(errors)) queue.push(...errors.slice(0, 4));
  }
  const flag = (error as Fields | null)?.canRetry;
  return { kind: 'message', canRetry: typeof flag === 'boolean' ? flag : true, rule: 'unrecognised' };
}

/** Whether `error` is a dependency failure (held and retried for ever, never dead-lettered). */
export function isDependencyFailure(error: unknown): boolean {
  return classify(error).kind === 'dependency';
}
