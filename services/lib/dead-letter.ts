/**
 * The dead-letter envelope: what a consumer writes to its dead-letter topic
 * when it gives up on a message. It follows the specification's example
 * (`original_message`, `error`, `timestamp`) and adds where the message came
 * from and who gave up, so it can be reviewed and replayed.
 *
 * An envelope always fits the dead-letter topic. The envelope of a message
 * close to the source topic's own limit would not (its value, base64 or
 * JSON-escaped, grows by up to a third or more), and a dead letter that cannot
 * be written blocks its partition for good. Such an envelope keeps
 * topic/partition/offset, the error, a SHA-256 digest and the size of the
 * value and a bounded prefix of it, and says so (`truncated: true`); the full
 * value stays in the source topic for its retention, at the offset given.
 */
import { createHash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { errorCode, errorMessage, ServiceError } from './errors.js';
import type { RawRecord } from './kafka-publisher.js';

/** A message as it arrived, before any decoding. */
export interface RawMessage {
  readonly topic: string;
  /** Null when unknown (Dapr deliveries). */
  readonly partition: number | null;
  /** Null when unknown (Dapr deliveries). */
  readonly offset: bigint | null;
  readonly key: string | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly value: Buffer | undefined;
  /** Broker timestamp, when known. */
  readonly timestamp: Date | null;
}

export interface DeadLetterEnvelope {
  readonly original_message: {
    /** The value exactly as received: UTF-8 text, or base64 when it is not valid UTF-8. Only a prefix when `truncated`. */
    readonly value: string | null;
    readonly value_encoding: 'utf8' | 'base64';
    /** The record key; only a prefix when `key_truncated`. */
    readonly key: string | null;
    /** The record headers; empty when `headers_truncated`. */
    readonly headers: Readonly<Record<string, string>>;
    /** Present (true) when the envelope would not have fit the dead-letter topic whole: `value` is a prefix. */
    readonly truncated?: true;
    /** With `truncated`: size of the whole value in bytes. */
    readonly size?: number;
    /** With `truncated`: SHA-256 of the whole value, lower-case hex. */
    readonly sha256?: string;
    /** With `truncated`: bytes of the value the prefix in `value` holds. */
    readonly prefix_size?: number;
    readonly key_truncated?: true;
    readonly headers_truncated?: true;
  };
  readonly error: { readonly code: string; readonly message: string };
  /** When the consumer gave up (RFC 3339). */
  readonly timestamp: string;
  readonly source: { readonly topic: string; readonly partition: number | null; readonly offset: number | null };
  /** App id of the consumer that gave up, e.g. `audit-service`. */
  readonly service: string;
  /** Handling attempts made before giving up (0 when the message could not even be decoded). */
  readonly attempts: number;
}

/** Headers set on dead-letter records, so tools can filter without parsing the body. */
export const DEAD_LETTER_HEADERS = { errorCode: 'dlq-error-code', sourceTopic: 'dlq-source-topic', service: 'dlq-service' } as const;

/**
 * Headers a replay of a dead letter carries (`replayRecord`): where the event
 * originally was. A consumer that orders a key's events by offset (recurring-task)
 * orders a replay by these, not by the replay's own, newer offset, so a replay
 * never overtakes what happened after the original.
 */
export const REPLAY_HEADERS = {
  sourceTopic: 'replay-source-topic',
  sourcePartition: 'replay-source-partition',
  sourceOffset: 'replay-source-offset',
} as const;

/** Bounds of an envelope; `DEAD_LETTER_LIMITS` are the defaults. */
export interface DeadLetterLimits {
  /** Largest serialized envelope (the record value), in bytes. */
  readonly maxEnvelopeBytes: number;
  /** Most bytes of the value a truncated envelope keeps. */
  readonly valuePrefixBytes: number;
  /** Most characters of the error message. */
  readonly maxErrorChars: number;
  /** Most bytes of the key kept (in the envelope and as the record key). */
  readonly maxKeyBytes: number;
  /** Most bytes of the headers (as JSON) kept. */
  readonly maxHeadersBytes: number;
}

/**
 * Room left in a record batch for everything but the envelope: the batch
 * header (61 bytes), the record's own framing, the key (at most
 * `maxKeyBytes`) and the `dlq-*` headers, with margin.
 */
export const RECORD_OVERHEAD_BYTES = 8 * 1024;

/**
 * Defaults, for a dead-letter topic whose limit is the smaller of Dapr's
 * `maxMessageBytes` and Kafka's default `max.message.bytes` (1 MiB,
 * `topicRecordLimit` in platform/message-limits.ts): the envelope takes the
 * limit less `RECORD_OVERHEAD_BYTES`; a truncated one keeps 64 KiB of the
 * value, enough to see what the message was.
 */
export const DEAD_LETTER_LIMITS: DeadLetterLimits = {
  maxEnvelopeBytes: 1_048_576 - RECORD_OVERHEAD_BYTES,
  valuePrefixBytes: 64 * 1024,
  maxErrorChars: 8 * 1024,
  maxKeyBytes: 1024,
  maxHeadersBytes: 16 * 1024,
};

/** The envelope limits for records of at most `recordLimitBytes`. */
export function deadLetterLimitsFor(recordLimitBytes: number): DeadLetterLimits {
  const maxEnvelopeBytes = Math.max(4096, recordLimitBytes - RECORD_OVERHEAD_BYTES);
  return {
    ...DEAD_LETTER_LIMITS,
    maxEnvelopeBytes,
    valuePrefixBytes: Math.min(DEAD_LETTER_LIMITS.valuePrefixBytes, Math.floor(maxEnvelopeBytes / 4)),
  };
}

function bytesOf(envelope: DeadLetterEnvelope): number {
  return Buffer.byteLength(JSON.stringify(envelope));
}

/** The first `max` bytes of `buffer`, never cutting a UTF-8 sequence when `utf8`. */
function prefixOf(buffer: Buffer, max: number, utf8: boolean): Buffer {
  let end = Math.min(buffer.length, Math.max(0, Math.floor(max)));
  // Back off continuation bytes (10xxxxxx) so the prefix ends on a character boundary.
  if (utf8 && end < buffer.length) while (end > 0 && (buffer[end]! & 0xc0) === 0x80) end--;
  return buffer.subarray(0, end);
}

function truncateText(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  return prefixOf(Buffer.from(text, 'utf8'), maxBytes, true).toString('utf8');
}

/** The original value's bytes as an envelope holds them (whole), or undefined when none. */
function valueBytes(envelope: DeadLetterEnvelope): Buffer | undefined {
  const { value, value_encoding } = envelope.original_message;
  return value === null ? undefined : Buffer.from(value, value_encoding);
}

/**
 * `envelope` made to fit `limits`: unchanged when it does, else truncated
 * (see the module comment). Idempotent; a truncated envelope keeps the digest
 * and size of the whole value.
 */
export function fitDeadLetter(envelope: DeadLetterEnvelope, limits: DeadLetterLimits = DEAD_LETTER_LIMITS): DeadLetterEnvelope {
  return bytesOf(envelope) <= limits.maxEnvelopeBytes ? envelope : truncate(envelope, limits, valueBytes(envelope));
}

/**
 * The truncated form of `envelope`, whose whole value is `value`: the value
 * cut to a prefix, with the digest and size of the whole; the error message,
 * key and headers bounded; the prefix halved until the envelope fits.
 */
function truncate(envelope: DeadLetterEnvelope, limits: DeadLetterLimits, value: Buffer | undefined): DeadLetterEnvelope {
  const original = envelope.original_message;
  const utf8 = original.value_encoding === 'utf8';
  const size = original.truncated ? original.size! : (value?.length ?? 0);
  const sha256 = original.truncated
    ? original.sha256!
    : createHash('sha256')
        .update(value ?? Buffer.alloc(0))
        .digest('hex');
  const key = original.key === null ? null : truncateText(original.key, limits.maxKeyBytes);
  const headersFit = Buffer.byteLength(JSON.stringify(original.headers)) <= limits.maxHeadersBytes;
  const base = {
    ...envelope,
    error: { code: truncateText(envelope.error.code, 256), message: truncateText(envelope.error.message, limits.maxErrorChars) },
  };
  for (let prefixBytes = Math.min(limits.valuePrefixBytes, value?.length ?? 0); ; prefixBytes = Math.floor(prefixBytes / 2)) {
    const prefix = value === undefined ? undefined : prefixOf(value, prefixBytes, utf8);
    const candidate: DeadLetterEnvelope = {
      ...base,
      original_message: {
        value: prefix === undefined ? null : prefix.toString(utf8 ? 'utf8' : 'base64'),
        value_encoding: original.value_encoding,
        key,
        headers: headersFit ? original.headers : {},
        truncated: true,
        size,
        sha256,
        prefix_size: prefix?.length ?? 0,
        ...(key !== original.key || original.key_truncated ? { key_truncated: true as const } : {}),
        ...(!headersFit || original.headers_truncated ? { headers_truncated: true as const } : {}),
      },
    };
    if (prefixBytes === 0 || bytesOf(candidate) <= limits.maxEnvelopeBytes) return candidate;
  }
}

/**
 * The envelope for `message`, which `service` gave up on because of `error`
 * after `attempts` attempts, fitted to `limits` (see `fitDeadLetter`).
 */
export function deadLetterEnvelope(
  message: RawMessage,
  error: unknown,
  service: string,
  attempts: number,
  now = new Date(),
  limits: DeadLetterLimits = DEAD_LETTER_LIMITS,
): DeadLetterEnvelope {
  const value = message.value;
  const utf8 = value === undefined || isUtf8(value);
  // A value far above the limit is cut from its bytes at once, without encoding it whole first.
  const huge = value !== undefined && value.length > limits.maxEnvelopeBytes;
  const envelope: DeadLetterEnvelope = {
    original_message: {
      value: value === undefined ? null : huge ? '' : value.toString(utf8 ? 'utf8' : 'base64'),
      value_encoding: utf8 ? 'utf8' : 'base64',
      key: message.key,
      headers: message.headers,
    },
    error: { code: errorCode(error), message: errorMessage(error) },
    timestamp: now.toISOString(),
    source: {
      topic: message.topic,
      partition: message.partition,
      offset: message.offset === null ? null : Number(message.offset),
    },
    service,
    attempts,
  };
  return huge || bytesOf(envelope) > limits.maxEnvelopeBytes ? truncate(envelope, limits, value) : envelope;
}

/**
 * Writing to the dead-letter topic failed (refused: ACL, topic missing, too
 * large; or the broker is away). A dependency failure, never the message's:
 * the consumer holds the message and retries, reports itself not ready, and
 * commits nothing past it; a dead letter is never skipped.
 */
export class DeadLetterWriteError extends ServiceError {
  constructor(
    readonly topic: string,
    readonly letters: number,
    cause: unknown,
  ) {
    const reason = describeCause(cause);
    super(
      'DEAD_LETTER_WRITE_FAILED',
      `could not write ${letters} dead letter(s) to ${topic}: ${reason}; nothing after them is committed until it works` +
        (/AUTHORIZATION|authoriz/i.test(reason) ? ` (grant the service's Kafka user Write on topic ${topic})` : ''),
      true,
      { cause, dependency: 'kafka' },
      'dependency',
    );
  }
}

/** The Kafka error codes behind a produce failure (`apiId`s), else its message. */
function describeCause(cause: unknown): string {
  const ids = new Set<string>();
  const visit = (error: unknown, depth: number) => {
    if (error === null || typeof error !== 'object' || depth > 5) return;
    const { apiId, errors, cause: inner } = error as { apiId?: unknown; errors?: unknown; cause?: unknown };
    if (typeof apiId === 'string') ids.add(apiId);
    if (Array.isArray(errors)) for (const e of errors.slice(0, 8)) visit(e, depth + 1);
    visit(inner, depth + 1);
  };
  visit(cause, 0);
  return ids.size > 0 ? [...ids].join(', ') : errorMessage(cause);
}

/** The record of a dead letter on the dead-letter topic. */
export function deadLetterRecord(topic: string, letter: DeadLetterEnvelope): RawRecord {
  return {
    topic,
    key: letter.original_message.key ?? undefined,
    value: JSON.stringify(letter),
    headers: {
      [DEAD_LETTER_HEADERS.errorCode]: letter.error.code,
      [DEAD_LETTER_HEADERS.sourceTopic]: letter.source.topic,
      [DEAD_LETTER_HEADERS.service]: letter.service,
    },
  };
}

/**
 * Writes dead letters to `topic` so each record, and each produce request,
 * fits `recordLimitBytes`: every envelope is fitted first (a no-op for the
 * ordinary ones), and letters go in requests of at most that many bytes (one
 * request becomes one record batch on the single-partition topic, and the
 * broker's limit is per batch). Letters already written are not written again
 * when the caller retries after a failure part-way. Throws
 * `DeadLetterWriteError` when it could not write, as the message processor's
 * `deadLetter` contract requires.
 */
export class DeadLetterWriter {
  private readonly limits: DeadLetterLimits;
  private readonly written = new WeakSet<DeadLetterEnvelope>();

  constructor(
    private readonly producer: { sendRaw(records: readonly RawRecord[]): Promise<unknown> },
    readonly topic: string,
    readonly recordLimitBytes: number,
  ) {
    this.limits = deadLetterLimitsFor(recordLimitBytes);
  }

  async write(letters: readonly DeadLetterEnvelope[]): Promise<void> {
    const pending = letters.filter((letter) => !this.written.has(letter));
    let chunk: Array<{ letter: DeadLetterEnvelope; record: RawRecord }> = [];
    let chunkBytes = 0;
    const flush = async () => {
      if (chunk.length === 0) return;
      try {
        await this.producer.sendRaw(chunk.map((c) => c.record));
      } catch (error) {
        throw new DeadLetterWriteError(this.topic, pending.length, error);
      }
      for (const { letter } of chunk) this.written.add(letter);
      chunk = [];
      chunkBytes = 0;
    };
    for (const letter of pending) {
      const record = deadLetterRecord(this.topic, fitDeadLetter(letter, this.limits));
      const bytes = Buffer.byteLength(record.value as string) + RECORD_OVERHEAD_BYTES;
      if (chunkBytes + bytes > this.recordLimitBytes) await flush();
      chunk.push({ letter, record });
      chunkBytes += bytes;
    }
    await flush();
  }
}

/**
 * The record that replays a dead letter to its source topic: the original
 * value, key and headers, plus `REPLAY_HEADERS` naming where it was first.
 * Throws for a truncated letter, whose value is only a prefix (replay that one
 * from the source topic at `source.offset` while it is retained).
 */
export function replayRecord(letter: DeadLetterEnvelope): RawRecord {
  const original = letter.original_message;
  if (original.truncated) {
    throw new Error(
      `dead letter of ${letter.source.topic}[${letter.source.partition}]@${letter.source.offset} holds only a prefix of its value; replay it from the source topic`,
    );
  }
  const { source } = letter;
  return {
    topic: source.topic,
    key: original.key ?? undefined,
    value: original.value === null ? Buffer.alloc(0) : Buffer.from(original.value, original.value_encoding),
    headers: {
      ...original.headers,
      [REPLAY_HEADERS.sourceTopic]: source.topic,
      ...(source.partition === null ? {} : { [REPLAY_HEADERS.sourcePartition]: String(source.partition) }),
      ...(source.offset === null ? {} : { [REPLAY_HEADERS.sourceOffset]: String(source.offset) }),
    },
  };
}
