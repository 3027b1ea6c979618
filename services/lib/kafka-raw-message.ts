/**
 * A fetched Kafka record as the processor's `RawMessage`. The key, the
 * headers and the timestamp are decoded only when something reads them (a
 * dead letter, a handler that asks its context): most handlers never do, and
 * decoding them for every record was a tenth of what the audit service
 * allocated per event (a V8 allocation profile over the bench's 150,000
 * events), garbage that the collector then had to copy while the batch
 * waited for its turn.
 */
import type { Message } from '@platformatic/kafka';
import type { RawMessage } from './dead-letter.js';

type KafkaMessage = Message<Buffer, Buffer, Buffer, Buffer>;

/** Shared by every record without headers (nearly all); frozen, so no reader can change it for the others. */
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

class KafkaRawMessage implements RawMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly value: Buffer | undefined;
  readonly #record: KafkaMessage;
  #key: string | null | undefined;
  #headers: Readonly<Record<string, string>> | undefined;
  #timestamp: Date | undefined;

  constructor(record: KafkaMessage) {
    this.#record = record;
    this.topic = record.topic;
    this.partition = record.partition;
    this.offset = record.offset;
    this.value = record.value ?? undefined;
  }

  get key(): string | null {
    if (this.#key === undefined)
      this.#key = this.#record.key === undefined || this.#record.key === null ? null : this.#record.key.toString('utf8');
    return this.#key;
  }

  /** Headers as a plain string map (values UTF-8 decoded). */
  get headers(): Readonly<Record<string, string>> {
    if (this.#headers === undefined) {
      const headers: Record<string, string> = {};
      for (const [key, value] of this.#record.headers) headers[key.toString('utf8')] = value?.toString('utf8') ?? '';
      this.#headers = Object.keys(headers).length === 0 ? NO_HEADERS : headers;
    }
    return this.#headers;
  }

  get timestamp(): Date {
    this.#timestamp ??= new Date(Number(this.#record.timestamp));
    return this.#timestamp;
  }

  /** The decoded fields, as a plain object would have them (logs, test failures). */
  toJSON(): RawMessage {
    const { topic, partition, offset, key, headers, value, timestamp } = this;
    return { topic, partition, offset, key, headers, value, timestamp };
  }
}

/** `message` as a `RawMessage` (see the module comment). */
export function toRawMessage(message: KafkaMessage): RawMessage {
  return new KafkaRawMessage(message);
}
