/**
 * Audit rows in COPY's text format, written straight into bytes: one line
 * per row, columns separated by tabs, backslash, tab, newline and carriage
 * return escaped, null as `\N`.
 * @see https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.2
 *
 * Why bytes and not a string (measured with a V8 allocation profile of the
 * audit service over the bench's 150,000 events): building each batch as one
 * string (the payload decoded to text, a string per value, the concatenation,
 * then `Buffer.from`) made 1.5 KiB of garbage per row, a quarter of all the
 * service allocated, and the service spent a third of its time collecting
 * garbage. Here the payload's bytes, as received from Kafka, are copied once
 * into a buffer that is reused from batch to batch.
 */
import { isUtf8 } from 'node:buffer';
import type { AuditRow } from './audit-store.js';

const TAB = 0x09;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const BACKSLASH = 0x5c;
/** The escape of each byte that needs one: the second byte after a backslash. */
const ESCAPED: Readonly<Record<number, number>> = { [BACKSLASH]: BACKSLASH, [TAB]: 0x74, [NEWLINE]: 0x6e, [CARRIAGE_RETURN]: 0x72 };
const NEEDS_ESCAPE = /[\\\t\n\r]/;
const NEEDS_ESCAPE_ALL = /[\\\t\n\r]/g;
const STRING_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Room a new writer starts with; it grows to the largest batch it was given and keeps that. @default 64 KiB */
const INITIAL_BYTES = 64 * 1024;

/** Writes rows of `audit_events` as COPY text into one growing buffer. Not for two batches at once. */
export class CopyTextWriter {
  private buffer: Buffer;
  private length = 0;

  constructor(initialBytes = INITIAL_BYTES) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  /** Forgets what was written; the buffer is kept for the next batch. */
  reset(): this {
    this.length = 0;
    return this;
  }

  /**
   * The bytes written since the last `reset`: a view of the writer's buffer,
   * valid until it is written to again (so not before whatever sends it is done).
   */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  /** Appends `rows[from]` up to (not including) `rows[to]`, columns in `AUDIT_COPY_COLUMNS` order (schema.ts). */
  rows(rows: readonly AuditRow[], from = 0, to = rows.length): this {
    for (let i = from; i < to; i++) {
      const row = rows[i]!;
      this.text(row.eventId).byte(TAB);
      this.text(row.eventType).byte(TAB);
      this.text(row.userId).byte(TAB);
      this.number(row.taskId).byte(TAB);
      this.text(row.occurredAt).byte(TAB);
      this.payload(row.payload).byte(TAB);
      this.text(row.topic).byte(TAB);
      this.number(row.partition).byte(TAB);
      this.number(row.offset).byte(NEWLINE);
    }
    return this;
  }

  private byte(value: number): this {
    this.reserve(1);
    this.buffer[this.length++] = value;
    return this;
  }

  private number(value: number | bigint | null): this {
    return value === null ? this.nullValue() : this.ascii(String(value));
  }

  private nullValue(): this {
    this.reserve(2);
    this.buffer[this.length++] = BACKSLASH;
    this.buffer[this.length++] = 0x4e; // N
    return this;
  }

  private ascii(text: string): this {
    this.reserve(text.length);
    this.length += this.buffer.write(text, this.length, 'latin1');
    return this;
  }

  private text(value: string): this {
    const text = NEEDS_ESCAPE.test(value) ? value.replace(NEEDS_ESCAPE_ALL, (c) => STRING_ESCAPES[c]!) : value;
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    this.reserve(text.length * 3);
    this.length += this.buffer.write(text, this.length, 'utf8');
    return this;
  }

  /**
   * The event as received. Valid UTF-8 (what the producers send) is copied as
   * is, escaping byte by byte where needed: the four bytes never occur inside
   * a multi-byte character. Anything else goes through a string, which
   * replaces invalid sequences as decoding always did here.
   */
  private payload(payload: AuditRow['payload']): this {
    if (!Buffer.isBuffer(payload) || !isUtf8(payload)) return this.text(payloadText(payload));
    if (
      payload.indexOf(BACKSLASH) === -1 &&
      payload.indexOf(TAB) === -1 &&
      payload.indexOf(NEWLINE) === -1 &&
      payload.indexOf(CARRIAGE_RETURN) === -1
    ) {
      this.reserve(payload.length);
      this.length += payload.copy(this.buffer, this.length);
      return this;
    }
    this.reserve(payload.length * 2);
    const buffer = this.buffer;
    let at = this.length;
    for (let i = 0; i < payload.length; i++) {
      const byte = payload[i]!;
      const escaped = ESCAPED[byte];
      if (escaped === undefined) buffer[at++] = byte;
      else {
        buffer[at++] = BACKSLASH;
        buffer[at++] = escaped;
      }
    }
    this.length = at;
    return this;
  }

  /** Makes room for `bytes` more, doubling the buffer when it is full. */
  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}

/** A row's payload as JSON text: given as text, decoded from the bytes (invalid UTF-8 replaced), or the event serialized. */
export function payloadText(payload: AuditRow['payload']): string {
  if (typeof payload === 'string') return payload;
  return Buffer.isBuffer(payload) ? payload.toString('utf8') : JSON.stringify(payload);
}

/** `rows` as COPY text in a buffer of their own (for callers that keep it, like the bench). */
export function copyBytes(rows: readonly AuditRow[], from = 0, to = rows.length): Buffer {
  return Buffer.from(new CopyTextWriter().rows(rows, from, to).bytes());
}
