/**
 * Kafka records for the decoder's tests: batches written by
 * @platformatic/kafka's own encoder (keys null, empty and set, records with
 * and without headers), and records written here (`encodeRecords`) with
 * timestamp deltas the client's writer cannot encode: beyond 32 bits its
 * zigzag step (`>> 31n`) mangles them, and beyond 49 bits is the decoder's
 * BigInt path.
 */
import { Reader } from '../../../node_modules/@platformatic/kafka/dist/protocol/reader.js';
import { createRecordsBatch, readRecord, readRecordsBatches } from '../../../node_modules/@platformatic/kafka/dist/protocol/records.js';

export { Reader, readRecord, readRecordsBatches };

const BASE = 1_764_000_000_000n;

type TestMessage = Parameters<typeof createRecordsBatch>[0][number];

/** The messages of the first test batch. */
export function sampleMessages(): TestMessage[] {
  const headers = new Map<Buffer, Buffer>([
    [Buffer.from('trace-id'), Buffer.from('abc')],
    [Buffer.from('empty'), Buffer.alloc(0)],
  ]);
  return [
    { topic: 't', key: Buffer.from('user-1'), value: Buffer.from('{"a":1}'), timestamp: BASE },
    { topic: 't', value: Buffer.from('no key'), timestamp: BASE + 1n },
    { topic: 't', key: Buffer.alloc(0), value: Buffer.alloc(0), timestamp: BASE + 2n ** 40n, headers },
    { topic: 't', key: Buffer.from('ü-ß'), value: Buffer.from('x'.repeat(300)), timestamp: BASE + 2n ** 60n },
    { topic: 't', key: Buffer.from('k'), value: Buffer.from('earlier'), timestamp: BASE - 5n },
  ] as TestMessage[];
}

/** One encoded batch of `messages` (gzip-compressed when asked). */
export function encodeBatch(messages: TestMessage[], compression?: 'gzip'): Buffer {
  const writer = createRecordsBatch(messages, compression ? { compression } : {});
  return Buffer.from(writer.buffer);
}

/** A record's fields, for `encodeRecords`. */
export interface PlainRecord {
  readonly timestampDelta: bigint;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: ReadonlyArray<readonly [Buffer, Buffer | null]>;
}

function zigzagVarint(value: bigint): number[] {
  let unsigned = value >= 0n ? value << 1n : (-value << 1n) - 1n;
  const bytes: number[] = [];
  do {
    const low = Number(unsigned & 0x7fn);
    unsigned >>= 7n;
    bytes.push(unsigned === 0n ? low : low | 0x80);
  } while (unsigned !== 0n);
  return bytes;
}

function varBytes(bytes: Buffer | null): number[] {
  return bytes === null ? zigzagVarint(-1n) : [...zigzagVarint(BigInt(bytes.length)), ...bytes];
}

/** The bytes of `records` as they follow a batch header (format v2), offset deltas 0, 1, 2, … */
export function encodeRecords(records: readonly PlainRecord[]): Buffer {
  const out: number[] = [];
  records.forEach((record, offsetDelta) => {
    const body = [
      0, // attributes
      ...zigzagVarint(record.timestampDelta),
      ...zigzagVarint(BigInt(offsetDelta)),
      ...varBytes(record.key),
      ...varBytes(record.value),
      ...zigzagVarint(BigInt(record.headers?.length ?? 0)),
      ...(record.headers ?? []).flatMap(([key, value]) => [...varBytes(key), ...varBytes(value)]),
    ];
    out.push(...zigzagVarint(BigInt(body.length)), ...body);
  });
  return Buffer.from(out);
}
