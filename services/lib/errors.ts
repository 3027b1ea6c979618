/**
 * Errors of the event services. Every error carries a stable `code`, an
 * optional `cause`, a `kind` and a `canRetry` flag, and the library decides
 * from those alone, never from the message text (see `classify` in
 * classify.ts, which also reads the drivers' own errors):
 *
 * - `kind: 'message'`: the message is at fault (not JSON, invalid, or the
 *   handler rejects it). `canRetry: false` dead-letters it at once; `true`
 *   gives it the specification's 3 attempts with backoff, then dead-letters it.
 * - `kind: 'dependency'`: something the handler needs failed (database,
 *   broker, webhook unavailable, timing out or refusing credentials). Never
 *   dead-lettered: the consumer holds the message, retries with capped backoff
 *   for as long as it takes, and reports itself not ready meanwhile.
 */

/** Whose fault a failure is: the message's own, or a dependency's. */
export type FailureKind = 'message' | 'dependency';
export const FAILURE_KINDS: readonly FailureKind[] = ['message', 'dependency'];

/** Options every service error accepts. */
export interface ServiceErrorOptions {
  /** The lower-level error this one wraps. */
  readonly cause?: unknown;
  /** Overrides the class default of `canRetry`. */
  readonly canRetry?: boolean;
  /** Overrides the class default of `kind`. */
  readonly kind?: FailureKind;
  /** Which dependency failed (`postgres`, `kafka`, `webhook`…), for the dependency metric and logs. */
  readonly dependency?: string;
}

/** Base class: a coded error that says whose fault it is and whether trying again can help. */
export class ServiceError extends Error {
  /** Machine-readable identifier, stable across releases (e.g. `EVENT_INVALID`). */
  readonly code: string;
  /** Whether the same operation may succeed if tried again later. */
  readonly canRetry: boolean;
  /** Whose fault the failure is; see the module comment. */
  readonly kind: FailureKind;
  /** The dependency that failed, when `kind` is `dependency` and it is known. */
  readonly dependency: string | undefined;

  constructor(code: string, message: string, canRetry: boolean, options: ServiceErrorOptions = {}, kind: FailureKind = 'message') {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.canRetry = options.canRetry ?? canRetry;
    this.kind = options.kind ?? kind;
    this.dependency = options.dependency;
  }
}

/** A message whose value is not JSON (or not UTF-8 text). Never retried. */
export class MalformedMessageError extends ServiceError {
  constructor(message: string, options: ServiceErrorOptions = {}) {
    super('MESSAGE_MALFORMED', message, false, options);
  }
}

/** An event that does not match its topic's schema. Never retried. */
export class InvalidEventError extends ServiceError {
  constructor(
    /** Topic whose schema was applied. */
    readonly topic: string,
    /** One line per problem, each starting with the field path. */
    readonly problems: readonly string[],
  ) {
    super('EVENT_INVALID', `invalid ${topic} event: ${problems.join('; ')}`, false);
  }
}

/**
 * A dependency failed in a way that heals by itself or by an operator (network,
 * timeout, 5xx, 401/403/429, connection refused, lock): retried until it works,
 * never dead-lettered. With `kind: 'message'` it is instead a retryable failure
 * of the message (the specification's 3 attempts, then the dead-letter topic).
 */
export class TransientError extends ServiceError {
  constructor(message: string, options: ServiceErrorOptions & { code?: string } = {}) {
    super(options.code ?? 'TRANSIENT', message, true, options, 'dependency');
  }
}

/**
 * The message can never be handled (the handler rejects it: a poison message,
 * a 4xx that blames the request, a constraint violation): dead-lettered at once.
 */
export class PermanentError extends ServiceError {
  constructor(message: string, options: ServiceErrorOptions & { code?: string } = {}) {
    super(options.code ?? 'PERMANENT', message, false, options);
  }
}

/** The service configuration (environment) is missing or malformed. Lists every problem. */
export class ServiceConfigError extends ServiceError {
  constructor(
    readonly service: string,
    /** One line per problem: `NAME: what is wrong; what to do`. */
    readonly problems: readonly string[],
  ) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(
      'SERVICE_CONFIG_INVALID',
      `configuration of service ${service} has ${count}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      false,
      {},
      // Not the message's fault: an event never pays for a misconfigured service.
      'dependency',
    );
  }
}

/** Publishing through the Dapr sidecar failed; `status` is the sidecar's HTTP status (0 = no answer). */
export class DaprPublishError extends ServiceError {
  constructor(
    readonly status: number,
    message: string,
    options: ServiceErrorOptions = {},
  ) {
    // 400 (malformed) and 404 (no such pub/sub) repeat; 403 (not allowed) and
    // 500/no answer can heal (sidecar starting, broker away, policy change).
    // Only 400 blames the event; a missing component or a refusal is the
    // deployment's fault, so it is held and retried, never dead-lettered.
    super(
      `DAPR_PUBLISH_${status === 0 ? 'UNREACHABLE' : status}`,
      message,
      status === 0 || status === 403 || status >= 500,
      { dependency: 'dapr', ...options },
      status === 400 ? 'message' : 'dependency',
    );
  }
}

/**
 * The `canRetry` flag of an error. Errors without the flag (a driver's plain
 * `Error`, a bug) count as retryable: bounded retries cost a few seconds, and
 * after them the message is dead-lettered anyway, so nothing blocks. Whether
 * a failure is retried for ever is the `kind`'s business: see `classify`.
 */
export function canRetry(error: unknown): boolean {
  if (error !== null && typeof error === 'object' && 'canRetry' in error && typeof error.canRetry === 'boolean') {
    return error.canRetry;
  }
  return true;
}

/** The `code` of an error, or `HANDLER_ERROR` for errors that have none. */
export function errorCode(error: unknown): string {
  if (error !== null && typeof error === 'object' && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return 'HANDLER_ERROR';
}

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
