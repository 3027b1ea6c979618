import { decodeRecords, recordSpan, TruncatedRecordBatchError, type DecodedRecord } from '../../../services/lib/kafka-record-decoder.js';
import { encodeBatch, encodeRecords, Reader, readRecord, readRecordsBatches, sampleMessages } from './record-batches.js';

/** The record bytes of an encoded batch: after its header, up to where its length says it ends. */
function recordBytes(batch: Buffer): Buffer {
  const { start, end } = recordSpan(batch);
  return batch.subarray(start, end);
}

describe('decodeRecords', () => {
  const batch = encodeBatch(sampleMessages());
  const expected = readRecordsBatches(Reader.from(batch))[0]!.records;

  it("decodes a batch's records into exactly what the client's readRecord makes", () => {
    const decoded: DecodedRecord[] = [];
    const read = decodeRecords(recordBytes(batch), 0, recordBytes(batch).length, expected.length, decoded);
    expect(decoded).toEqual(expected);
    expect(read).toBe(recordBytes(batch).length);
    // The cases the sample is for, so a change of the sample cannot drop one silently.
    expect(decoded.map((record) => record.key?.toString() ?? null)).toEqual(['user-1', null, '', 'ü-ß', 'k']);
    expect(decoded[2]!.headers.map(([key, value]) => [key!.toString(), value!.toString()])).toEqual([
      ['trace-id', 'abc'],
      ['empty', ''],
    ]);
  });

  it('decodes timestamp deltas of any size and sign, in doubles and beyond them in BigInts, as the client reads them', () => {
    const deltas = [0n, 1n, -1n, 2n ** 40n, -(2n ** 40n), 2n ** 48n, 2n ** 49n, 2n ** 60n, 2n ** 63n - 1n, -(2n ** 63n)];
    const bytes = encodeRecords(deltas.map((timestampDelta) => ({ timestampDelta, key: null, value: Buffer.from('v') })));
    const reader = Reader.from(bytes);
    const clients = deltas.map(() => readRecord(reader));
    const decoded: DecodedRecord[] = [];
    decodeRecords(bytes, 0, bytes.length, deltas.length, decoded);
    expect(decoded).toEqual(clients);
    expect(decoded.map((record) => record.timestampDelta)).toEqual(deltas);
  });

  it('appends after what the array holds and gives records without headers one shared, frozen array', () => {
    const decoded: DecodedRecord[] = [expected[0]!];
    decodeRecords(recordBytes(batch), 0, recordBytes(batch).length, expected.length, decoded);
    expect(decoded).toHaveLength(expected.length + 1);
    expect(decoded[1]!.headers).toBe(decoded[2]!.headers);
    expect(Object.isFrozen(decoded[1]!.headers)).toBe(true);
  });

  it('reads the records from chunks split anywhere, starting inside any chunk, into the same records', () => {
    // Some bytes before the records, as the batch header is before them in a fetch response.
    const bytes = Buffer.concat([Buffer.from('header'), recordBytes(batch)]);
    for (let size = 1; size <= bytes.length; size += size < 16 ? 1 : 37) {
      const buffers: Buffer[] = [];
      for (let at = 0; at < bytes.length; at += size) buffers.push(bytes.subarray(at, at + size));
      const decoded: DecodedRecord[] = [];
      const read = decodeRecords({ buffers }, 6, bytes.length - 6, expected.length, decoded);
      expect({ size, read, decoded }).toEqual({ size, read: bytes.length - 6, decoded: expected });
    }
  });

  it('stops at the length it is given, not at the end of the chunks', () => {
    const bytes = recordBytes(batch);
    const buffers = [bytes.subarray(0, 50), bytes.subarray(50)];
    expect(() => decodeRecords({ buffers }, 0, bytes.length - 1, expected.length, [])).toThrow(TruncatedRecordBatchError);
  });

  it('gives views of the batch, not copies', () => {
    const bytes = recordBytes(batch);
    const decoded: DecodedRecord[] = [];
    decodeRecords(bytes, 0, bytes.length, expected.length, decoded);
    expect(decoded[0]!.value!.buffer).toBe(bytes.buffer);
  });

  it('throws TruncatedRecordBatchError when the bytes end before the records do', () => {
    const bytes = recordBytes(batch);
    for (const cut of [1, 5, 40, bytes.length - 1]) {
      expect(() => decodeRecords(bytes, 0, cut, expected.length, [])).toThrow(TruncatedRecordBatchError);
    }
    expect(() => decodeRecords(bytes, 0, bytes.length, expected.length + 1, [])).toThrow(/Kafka record batch truncated/);
  });
});
