/**
 * Bundled by bundle-kafka-records.test.ts (and run unbundled beside it):
 * reads record batches the way a fetch response hands them to the client,
 * a `DynamicBuffer` of socket-sized chunks (here 7 bytes, so batches and
 * records span chunks), through @platformatic/kafka's `readRecordsBatches`,
 * and prints what it read: every record of a plain and a gzip batch, then
 * the error a batch whose count promises one record more than it holds
 * ends in.
 */
import { DynamicBuffer } from '@platformatic/dynamic-buffer';
import { RECORD_COUNT_OFFSET } from '../../../../services/lib/kafka-record-decoder.js';
import { encodeBatch, Reader, readRecordsBatches, sampleMessages } from '../record-batches.js';

function chunked(bytes: Buffer, size: number): DynamicBuffer {
  const buffer = new DynamicBuffer();
  for (let at = 0; at < bytes.length; at += size) buffer.append(bytes.subarray(at, at + size));
  return buffer;
}

const show = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)));

const plain = encodeBatch(sampleMessages());
const compressed = encodeBatch(sampleMessages().slice(0, 3), 'gzip');
const batches = readRecordsBatches(Reader.from(chunked(Buffer.concat([plain, compressed]), 7)));

// One record more than there are leaves the last read short.
const overcounted = Buffer.from(plain);
overcounted.writeInt32BE(overcounted.readInt32BE(RECORD_COUNT_OFFSET) + 1, RECORD_COUNT_OFFSET);
let truncated = 'read without error';
try {
  readRecordsBatches(Reader.from(chunked(overcounted, 7)));
} catch (error) {
  truncated = (error as Error).name;
}

process.stdout.write(
  `${JSON.stringify({
    batches: batches.map((batch) => ({ attributes: batch.attributes, records: show(batch.records) })),
    truncated,
  })}\n`,
);
