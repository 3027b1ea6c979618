/**
 * The records of one Kafka record batch (format v2, the part after the
 * batch header) decoded straight from the fetch response's chunks, into the same objects
 * @platformatic/kafka's `readRecord` (`dist/protocol/records.js`, 2.12.1)
 * makes: `{ length, attributes, timestampDelta, offsetDelta, key, value,
 * headers }`, key and value views of the fetched bytes (null for a null
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
 * Here the records are read from the chunks in one pass (the chunk holding
 * the batch's start is found once), a position is a number, and the only
 * allocations are the record, its key and value views and its timestamp
 * delta; as in the client, a key or value that spans two chunks is copied.
 *
 * Wire format: https://kafka.apache.org/documentation/#recordbatch
 * (varints are zigzag-encoded, as in protobuf).
 */
import { smallBigInt } from './small-bigints.js';

/**
 * Bytes of a v2 batch before its first record: base offset (8), length (4),
 * leader epoch (4), magic (1), CRC (4), attributes (2), last offset delta
 * (4), base and max timestamps (8 + 8), producer id (8) and epoch (2), base
 * sequence (4), record count (4).
 */
const RECORD_BATCH_HEADER_BYTES = 61;
/** Where a batch's length field lies; the length counts the bytes after it. */
const BATCH_LENGTH_OFFSET = 8;
/** Where a batch's record count lies: its header's last four bytes. */
export const RECORD_COUNT_OFFSET = RECORD_BATCH_HEADER_BYTES - 4;

/** Where the records of the (uncompressed) batch at `at` in `bytes` lie, and how many there are. */
export interface RecordSpan {
  readonly start: number;
  readonly end: number;
  readonly records: number;
}

/** The `RecordSpan` of the batch starting at `at` in `bytes`: for code that finds records itself (the bench, the tests). */
export function recordSpan(bytes: Buffer, at = 0): RecordSpan {
  return {
    start: at + RECORD_BATCH_HEADER_BYTES,
    end: at + BATCH_LENGTH_OFFSET + 4 + bytes.readInt32BE(at + BATCH_LENGTH_OFFSET),
    records: bytes.readInt32BE(at + RECORD_COUNT_OFFSET),
  };
}

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

/**
 * Where decoding stands, one decode at a time (it is synchronous): the
 * chunks, the one being read and the next byte in it, and how many bytes of
 * the batch are left after that chunk's part.
 */
let chunks: readonly Buffer[] = [];
let chunkIndex = 0;
let chunk: Buffer = EMPTY;
let at = 0;
/** Bytes of the batch in `chunk` (it may end before the chunk does). */
let chunkEnd = 0;
/** Bytes of the batch after `chunkEnd`, in the chunks after this one. */
let after = 0;
/** Bytes read before `chunk`, to report positions within the batch. */
let before = 0;

/** Moves to the next chunk holding bytes of the batch; false at its end. */
function nextChunk(): boolean {
  while (after > 0 && chunkIndex + 1 < chunks.length) {
    before += chunkEnd;
    chunk = chunks[++chunkIndex]!;
    at = 0;
    chunkEnd = Math.min(chunk.length, after);
    after -= chunkEnd;
    if (chunkEnd > 0) return true;
  }
  return false;
}

function truncated(needed: number): TruncatedRecordBatchError {
  return new TruncatedRecordBatchError(before + at + needed, before + chunkEnd + after);
}

function nextByte(): number {
  if (at >= chunkEnd && !nextChunk()) throw truncated(1);
  return chunk[at++]!;
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
    // Most deltas are small: those BigInts are shared (small-bigints.ts).
    if (byte < 0x80) return smallBigInt(value % 2 === 0 ? value / 2 : -(value + 1) / 2);
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

/**
 * Length-prefixed bytes: null for length -1, else a view of the chunk they
 * lie in, or, when they span two, a copy (as the client's `DynamicBuffer.slice`).
 */
function varBytes(): Buffer | null {
  const length = varint();
  if (length === -1) return null;
  if (length === 0) return EMPTY;
  if (length < 0) throw truncated(length);
  if (at >= chunkEnd && !nextChunk()) throw truncated(length);
  if (at + length <= chunkEnd) {
    const view = chunk.subarray(at, at + length);
    at += length;
    return view;
  }
  if (length > chunkEnd - at + after) throw truncated(length);
  const copy = Buffer.allocUnsafe(length);
  for (let copied = 0; copied < length;) {
    if (at >= chunkEnd) nextChunk();
    const take = Math.min(length - copied, chunkEnd - at);
    chunk.copy(copy, copied, at, at + take);
    copied += take;
    at += take;
  }
  return copy;
}

function signedByte(): number {
  return (nextByte() << 24) >> 24;
}

/**
 * Decodes `count` records from the `length` bytes that start `start` bytes
 * into `source` (one Buffer, or the chunks of a fetch response as the
 * client's `DynamicBuffer` holds them: `buffers`), appends them to `into`, and
 * returns the bytes they took. Keys, values and headers are views of the
 * chunks. Throws `TruncatedRecordBatchError` when the bytes end first.
 */
export function decodeRecords(
  source: Buffer | { readonly buffers: readonly Buffer[] },
  start: number,
  length: number,
  count: number,
  into: DecodedRecord[],
): number {
  chunks = Buffer.isBuffer(source) ? [source] : source.buffers;
  // The chunk holding `start`, walked to once per batch.
  chunkIndex = 0;
  let skip = start;
  while (chunkIndex < chunks.length && skip >= chunks[chunkIndex]!.length) skip -= chunks[chunkIndex++]!.length;
  chunk = chunks[chunkIndex] ?? EMPTY;
  at = skip;
  chunkEnd = Math.min(chunk.length, at + length);
  after = length - (chunkEnd - at);
  before = -at;
  try {
    for (let i = 0; i < count; i++) {
      const recordLength = varint();
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
      into.push({ length: recordLength, attributes, timestampDelta, offsetDelta, key, value, headers });
    }
    return before + at;
  } finally {
    chunks = [];
    chunk = EMPTY;
  }
}
