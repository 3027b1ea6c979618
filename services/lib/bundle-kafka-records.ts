/**
 * An esbuild plugin of the service bundle that decodes the records of each
 * fetched record batch with `decodeRecords` (kafka-record-decoder.ts) instead
 * of @platformatic/kafka's (2.12.1) field-by-field reads: the same record
 * objects, read in one pass over the fetch response's chunks, without the
 * per-field garbage (see that module for why).
 *
 * What changes in `dist/protocol/records.js`, in `readRecordsBatch`: the loop
 * `batch.records.push(readRecord(reader))` becomes one `decodeRecords` over
 * the batch's record bytes in the reader's chunks (`reader.buffer.buffers`,
 * from `reader.position`). They end where the batch does (`batch.length`
 * counts from after the length field), or, for a compressed batch, where the
 * decompressed data does; the reader then moves to that end, as it did after
 * reading the last record. The rewrite throws when its source is not found,
 * so a client version that moved the code fails the build instead of silently
 * decoding the old way.
 */
import { fileURLToPath } from 'node:url';
import { sourceRewritePlugin } from './bundle-kafka-client.js';

/** The module that reads record batches. */
export const KAFKA_RECORDS = /[\\/]@platformatic[\\/]kafka[\\/]dist[\\/]protocol[\\/]records\.js$/;

/** The decoder the rewritten module imports, by absolute path (esbuild bundles it from the TypeScript). */
export const RECORD_DECODER = fileURLToPath(new URL('./kafka-record-decoder.ts', import.meta.url));

const RECORDS_LOOP = /for \(let i = 0; i < recordsLength; i\+\+\) \{\s*batch\.records\.push\(readRecord\(reader\)\);\s*\}/;

const DECODE_RECORDS =
  'const __end = compression !== 0 ? reader.buffer.length : initialPosition + BATCH_HEAD + batch.length;\n' +
  '    __decodeRecords(reader.buffer, reader.position, __end - reader.position, recordsLength, batch.records);\n' +
  '    reader.skip(__end - reader.position);';

/** `source` (records.js) decoding through `decodeRecords`; throws naming the file to update when the loop is not found. */
export function onePassRecordsSource(source: string, file = 'records.js', decoder = RECORD_DECODER): string {
  if (!RECORDS_LOOP.test(source) || !/\bBATCH_HEAD\b/.test(source) || !/\binitialPosition\b/.test(source)) {
    throw new Error(
      `${file}: did not find readRecordsBatch's loop over readRecord; @platformatic/kafka changed, update services/lib/bundle-kafka-records.ts`,
    );
  }
  return `import { decodeRecords as __decodeRecords } from ${JSON.stringify(decoder)};\n${source.replace(RECORDS_LOOP, DECODE_RECORDS)}`;
}

/** Rewrites `KAFKA_RECORDS` as it is bundled (`onePassRecordsSource`). */
export const onePassKafkaRecords = sourceRewritePlugin('one-pass-kafka-records', KAFKA_RECORDS, (source, file) =>
  onePassRecordsSource(source, file),
);
