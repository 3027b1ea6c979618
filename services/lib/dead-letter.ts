/**
 * The dead-letter envelope: what a consumer writes to its dead-letter topic
 * when it gives up on a message. It follows the specification's example
 * (`original_message`, `error`, `timestamp`) and adds where the message came
 * from and who gave up, so it can be reviewed and replayed.
 */
import { errorCode, errorMessage } from './errors.js';

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
    /** The value exactly as received: UTF-8 text, or base64 when it is not valid UTF-8. */
    readonly value: string | null;
    readonly value_encoding: 'utf8' | 'base64';
    readonly key: string | null;
    readonly headers: Readonly<Record<string, string>>;
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

function isUtf8(buffer: Buffer): boolean {
  return Buffer.from(buffer.toString('utf8'), 'utf8').equals(buffer);
}

/** The envelope for `message`, which `service` gave up on because of `error` after `attempts` attempts. */
export function deadLetterEnvelope(
  message: RawMessage,
  error: unknown,
  service: string,
  attempts: number,
  now = new Date(),
): DeadLetterEnvelope {
  const value = message.value;
  const utf8 = value === undefined || isUtf8(value);
  return {
    original_message: {
      value: value === undefined ? null : value.toString(utf8 ? 'utf8' : 'base64'),
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
}
