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

/** What a reader asked of a record beyond its topic, partition, offset and value: decoded once, kept with the view. */
interface Decoded {
  key?: string | null;
  headers?: Readonly<Record<string, string>>;
  timestamp?: Date;
}

/**
 * A view of a fetched record with nothing of its own but the record and, once
 * something asks for its key, headers or timestamp, their decoded values: a
 * backlog holds one per waiting message, and each field of their own (the
 * view had eight) was heap the collector copied while it waited.
 *
 * Views are made by `toRawMessage` as object literals with this class's
 * prototype, not with `new`: V8 tracks the objects of an object or array
 * literal back to its allocation site (an allocation memento behind each),
 * and once enough of them survive a scavenge (85 % of at least 100 in the
 * published description) it allocates that site's objects straight into
 * the old generation: "Memento Mori: Dynamic Allocation-Site-Based
 * Optimizations", Clifford et al., ISMM 2015, and Andy Wingo's "pre-tenuring
 * in v8" (January 2026). That `new` does not get this here is what we
 * measured: the consumed message as a class instance promoted 102 MB over
 * an audit drain against 78 as a literal, and these views as literals
 * 72 MB against 78–79 (`--trace-gc-nvp`; README, Performance). The fields
 * are therefore plain ones (a private field needs the constructor).
 */
class KafkaRawMessage implements RawMessage {
  declare readonly record: KafkaMessage;
  declare decoded: Decoded | undefined;

  get topic(): string {
    return this.record.topic;
  }

  get partition(): number {
    return this.record.partition;
  }

  get offset(): bigint {
    return this.record.offset;
  }

  get value(): Buffer | undefined {
    return this.record.value ?? undefined;
  }

  get key(): string | null {
    const decoded = (this.decoded ??= {});
    if (decoded.key === undefined) {
      const key = this.record.key;
      decoded.key = key === undefined || key === null ? null : key.toString('utf8');
    }
    return decoded.key;
  }

  /** Headers as a plain string map (values UTF-8 decoded). */
  get headers(): Readonly<Record<string, string>> {
    const decoded = (this.decoded ??= {});
    if (decoded.headers === undefined) {
      const headers: Record<string, string> = {};
      for (const [key, value] of this.record.headers) headers[key.toString('utf8')] = value?.toString('utf8') ?? '';
      decoded.headers = Object.keys(headers).length === 0 ? NO_HEADERS : headers;
    }
    return decoded.headers;
  }

  get timestamp(): Date {
    const decoded = (this.decoded ??= {});
    decoded.timestamp ??= new Date(Number(this.record.timestamp));
    return decoded.timestamp;
  }

  /** The decoded fields, as a plain object would have them (logs, test failures). */
  toJSON(): RawMessage {
    const { topic, partition, offset, key, headers, value, timestamp } = this;
    return { topic, partition, offset, key, headers, value, timestamp };
  }
}

/** `message` as a `RawMessage` (see the module comment and `KafkaRawMessage`). */
export function toRawMessage(message: KafkaMessage): RawMessage {
  return { __proto__: KafkaRawMessage.prototype, record: message, decoded: undefined } as unknown as KafkaRawMessage;
}
