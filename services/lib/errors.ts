/**
 * Errors of the event services. Every error carries a stable `code`, an
 * optional `cause` and a `canRetry` flag: the consumer runner decides between
 * "retry with backoff" and "dead-letter now" from that flag alone, never from
 * the message text.
 */

/** Options every service error accepts. */
export interface ServiceErrorOptions {
  /** The lower-level error this one wraps. */
  readonly cause?: unknown;
  /** Overrides the class default of `canRetry`. */
  readonly canRetry?: boolean;
}

/** Base class: a coded error that says whether trying again can help. */
export class ServiceError extends Error {
  /** Machine-readable identifier, stable across releases (e.g. `EVENT_INVALID`). */
  readonly code: string;
  /** Whether the same operation may succeed if tried again later. */
  readonly canRetry: boolean;

  constructor(code: string, message: string, canRetry: boolean, options: ServiceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.canRetry = options.canRetry ?? canRetry;
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

/** A failure that may go away by itself (network, timeout, 5xx, lock). Retried. */
export class TransientError extends ServiceError {
  constructor(message: string, options: ServiceErrorOptions & { code?: string } = {}) {
    super(options.code ?? 'TRANSIENT', message, true, options);
  }
}

/** A failure that will repeat on every attempt (4xx, constraint violation). Dead-lettered. */
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
    super(`DAPR_PUBLISH_${status === 0 ? 'UNREACHABLE' : status}`, message, status === 0 || status === 403 || status >= 500, options);
  }
}

/**
 * Whether trying again may help. Errors without the flag (a driver's plain
 * `Error`, a bug) count as retryable: bounded retries cost a few seconds, and
 * after them the message is dead-lettered anyway, so nothing blocks.
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
