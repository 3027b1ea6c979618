/**
 * The records of one Kafka record batch (format v2, the part after the
 * batch header) decoded from one contiguous Buffer, into the same objects
 * @platformatic/kafka's `readRecord` (`dist/protocol/records.js`, 2.12.1)
 * makes: `{ length, attributes, timestampDelta, offsetDelta, key, value,
 * headers }`, key and value views of the batch's bytes (null for a null
 * one), headers as `[key, value]` pairs. The service bundle decodes with this
 * instead (bundle-kafka-records.ts).
 *
 * Why: the client reads every field through its `DynamicBuffer` (the fetch
 * response as the socket's chunks), and each read walks the chunks from the
 * first to find its offset and returns its result in a fresh array
 * (`[value, bytesRead]`, `[offset, chunk]`), the 64-bit timestamp delta a
 * BigInt operation per byte: about thirty short-lived objects per record,
 * before the message is built. In a backlog that garbage is what makes the
 * young generation fill and the collector copy the messages still waiting.
 * Here the batch is one Buffer (a view when it lies in one chunk, else one
 * copy), a position is a number, and the only allocations are the record,
 * its key and value views and its timestamp delta.
 *
 * Wire format: https://kafka.apache.org/documentation/#recordbatch
 * (varints are zigzag-encoded, as in protobuf).
 */

/**
 * Bytes of a v2 batch before its first record: base offset (8), length (4),
 * leader epoch (4), magic (1), CRC (4), attributes (2), last offset delta
 * (4), base and max timestamps (8 + 8), producer id (8) and epoch (2), base
 * sequence (4), record count (4). Where a batch's records start, for code that
 * finds them itself (the bench, the tests); the batch ends `length` bytes
 * after the length field, at `BATCH_LENGTH_END + length`.
 */
export const RECORD_BATCH_HEADER_BYTES = 61;
/** Where a batch's record count lies: its header's last four bytes. */
export const RECORD_COUNT_OFFSET = RECORD_BATCH_HEADER_BYTES - 4;
/** Where the length field ends (base offset and length): what a batch's `length` counts from. */
export const BATCH_LENGTH_END = 12;

/** One record as the client's `readRecord` returns it. */
export interface DecodedRecord {
  readonly length: number;
  readonly attributes: number;
  readonly timestampDelta: bigint;
  readonly offsetDelta: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: ReadonlyArray<readonly [Buffer | null, Buffer | null]>;
}

/** A record that ends before its fields do: the batch is corrupt or cut short. */
export class TruncatedRecordBatchError extends RangeError {
  constructor(needed: number, available: number) {
    super(`Kafka record batch truncated: a record needs byte ${needed} of ${available}`);
    this.name = 'TruncatedRecordBatchError';
  }
}

/** Shared by every empty key, value or header part, as the client's `DynamicBuffer.slice` shares one. */
const EMPTY = Buffer.alloc(0);
/** Shared by every record without headers (nearly all); frozen, so no reader can change it for the others. */
const NO_HEADERS: DecodedRecord['headers'] = Object.freeze([]);

/** Largest varint length (in bytes) whose value is exact as a double: 7 × 7 = 49 bits. */
const EXACT_VARLONG_BYTES = 7;

/** Where decoding stands: the batch's bytes and the next byte to read. One decode at a time (synchronous). */
let bytes: Buffer = EMPTY;
let position = 0;

function nextByte(): number {
  if (position >= bytes.length) throw new TruncatedRecordBatchError(position + 1, bytes.length);
  return bytes[position++]!;
}

/** A zigzag varint of at most 32 bits, with the client's arithmetic (`readUnsignedVarInt`, `intZigZagDecode`). */
function varint(): number {
  let value = 0;
  let shift = 0;
  let byte: number;
  do {
    byte = nextByte();
    value += (byte & 0x7f) << shift;
    shift += 7;
  } while (byte >= 0x80);
  return (value >> 1) ^ -(value & 1);
}

/** A zigzag varint of up to 64 bits as a BigInt: in doubles while exact, in BigInts beyond. */
function varlong(): bigint {
  let value = 0;
  let scale = 1;
  for (let read = 0; read < EXACT_VARLONG_BYTES; read++) {
    const byte = nextByte();
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) return BigInt(value % 2 === 0 ? value / 2 : -(value + 1) / 2);
  }
  let big = BigInt(value);
  let shift = BigInt(7 * EXACT_VARLONG_BYTES);
  let byte: number;
  do {
    byte = nextByte();
    big += BigInt(byte & 0x7f) << shift;
    shift += 7n;
  } while (byte >= 0x80);
  return (big >> 1n) ^ -(big & 1n);
}

/** Length-prefixed bytes: null for length -1, else a view of the batch. */
function varBytes(): Buffer | null {
  const length = varint();
  if (length === -1) return null;
  if (length === 0) return EMPTY;
  const end = position + length;
  if (length < 0 || end > bytes.length) throw new TruncatedRecordBatchError(end, bytes.length);
  const view = bytes.subarray(position, end);
  position = end;
  return view;
}

function signedByte(): number {
  return (nextByte() << 24) >> 24;
}

/**
 * Decodes `count` records from the start of `batch` and appends them to
 * `into`; returns the bytes they took. Throws `TruncatedRecordBatchError`
 * when `batch` ends first.
 */
export function decodeRecords(batch: Buffer, count: number, into: DecodedRecord[]): number {
  bytes = batch;
  position = 0;
  try {
    for (let i = 0; i < count; i++) {
      const length = varint();
      const attributes = signedByte();
      const timestampDelta = varlong();
      const offsetDelta = varint();
      const key = varBytes();
      const value = varBytes();
      const headerCount = varint();
      let headers = NO_HEADERS;
      if (headerCount > 0) {
        const pairs: Array<readonly [Buffer | null, Buffer | null]> = [];
        for (let h = 0; h < headerCount; h++) pairs.push([varBytes(), varBytes()]);
        headers = pairs;
      }
      into.push({ length, attributes, timestampDelta, offsetDelta, key, value, headers });
    }
    return position;
  } finally {
    bytes = EMPTY;
  }
}
