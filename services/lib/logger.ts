/**
 * Structured logs: one JSON object per line on stdout, pino-style
 * (`log.error({ err, topic, offset }, 'processing failed')`). Errors are
 * serialized with their code, canRetry flag and cause; bigint offsets as strings.
 */
import type { Writable } from 'node:stream';
import { ServiceError } from './errors.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(fields: LogFields | string, msg?: string): void;
  info(fields: LogFields | string, msg?: string): void;
  warn(fields: LogFields | string, msg?: string): void;
  error(fields: LogFields | string, msg?: string): void;
  /** A logger that adds `bindings` to every line. */
  child(bindings: LogFields): Logger;
}

export interface LoggerOptions {
  /** Fields on every line, e.g. `{ service: 'audit' }`. */
  readonly bindings?: LogFields;
  /** Lowest level written. @default 'info' (or `LOG_LEVEL`) */
  readonly level?: LogLevel;
  /** @default process.stdout */
  readonly stream?: Pick<Writable, 'write'>;
}

/** A plain-object form of an error, cause chain included (bounded). */
export function serializeError(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error)) return error;
  const out: LogFields = { type: error.name, message: error.message };
  const extra = error as Error & { code?: unknown; canRetry?: unknown; status?: unknown };
  if (extra.code !== undefined) out.code = extra.code;
  if (extra.canRetry !== undefined) out.canRetry = extra.canRetry;
  if (extra.status !== undefined) out.status = extra.status;
  // Service errors are expected outcomes with codes: their stack says nothing the code does not.
  if (error.stack && !(error instanceof ServiceError)) out.stack = error.stack;
  if (error.cause !== undefined && depth < 6) out.cause = serializeError(error.cause, depth + 1);
  // Clients report retried failures as one AggregateError: its members say what actually went wrong.
  const members = (error as { errors?: unknown }).errors;
  if (Array.isArray(members) && depth < 6) out.errors = members.slice(0, 3).map((e: unknown) => serializeError(e, depth + 1));
  return out;
}

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return serializeError(value);
  return value;
}

/** Creates a JSON-lines logger. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const envLevel = process.env.LOG_LEVEL as LogLevel | undefined;
  const level = options.level ?? (envLevel && LOG_LEVELS.includes(envLevel) ? envLevel : 'info');
  const minimum = LOG_LEVELS.indexOf(level);
  const stream = options.stream ?? process.stdout;
  const bindings = options.bindings ?? {};

  const write = (lineLevel: LogLevel, fields: LogFields | string, msg?: string) => {
    if (LOG_LEVELS.indexOf(lineLevel) < minimum) return;
    const body = typeof fields === 'string' ? { msg: fields } : { ...fields, msg };
    const line = { time: new Date().toISOString(), level: lineLevel, ...bindings, ...body };
    stream.write(`${JSON.stringify(line, replacer)}\n`);
  };

  return {
    debug: (fields, msg) => write('debug', fields, msg),
    info: (fields, msg) => write('info', fields, msg),
    warn: (fields, msg) => write('warn', fields, msg),
    error: (fields, msg) => write('error', fields, msg),
    child: (more) => createLogger({ level, stream, bindings: { ...bindings, ...more } }),
  };
}
