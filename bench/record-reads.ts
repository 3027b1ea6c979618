/**
 * The records of one fetch response's worth of bench events (about 1 MiB,
 * in the 64 KiB chunks a socket delivers, as a `DynamicBuffer`), read two
 * ways: as @platformatic/kafka reads each batch's records (`readRecord`,
 * field by field, each read finding its chunk again) and as the service
 * bundle does (`decodeRecords`, one pass over the chunks). Only the part
 * bundle-kafka-records.ts replaces differs; the batch headers are read once,
 * before, to find where each batch's records lie.
 */
import { DynamicBuffer } from '@platformatic/dynamic-buffer';
import { Reader } from '../node_modules/@platformatic/kafka/dist/protocol/reader.js';
import { createRecordsBatch, readRecord } from '../node_modules/@platformatic/kafka/dist/protocol/records.js';
import { decodeRecords, recordSpan, type DecodedRecord, type RecordSpan } from '../services/lib/kafka-record-decoder.js';
import { benchEvent } from './bench-events.js';

const SOCKET_CHUNK_BYTES = 64 * 1024;
const RESPONSE_BYTES = 1024 * 1024;
/** Records per batch, about what the bench's producer sends per partition request. */
const RECORDS_PER_BATCH = 100;
/** Times one call reads the response, so that a call is long enough to time and the code is optimized after the first. */
const PASSES = 50;

export interface RecordReads {
  /** Records read by one call of either (`PASSES` reads of the response). */
  readonly count: number;
  readonly client: () => void;
  readonly onePass: () => void;
}

/** Batches of bench events, keyed by user as the services' producers key them, up to `RESPONSE_BYTES`. */
function responseBytes(): Buffer {
  const batches: Buffer[] = [];
  let bytes = 0;
  for (let first = 0; bytes < RESPONSE_BYTES; first += RECORDS_PER_BATCH) {
    const messages = Array.from({ length: RECORDS_PER_BATCH }, (_, i) => {
      const event = benchEvent('r3c0rd5', first + i, Date.now());
      return { topic: 'task-events', key: Buffer.from(event.user_id), value: Buffer.from(JSON.stringify(event)) };
    });
    const batch = Buffer.from(createRecordsBatch(messages).buffer);
    batches.push(batch);
    bytes += batch.length;
  }
  return Buffer.concat(batches);
}

export function recordReads(): RecordReads {
  const response = responseBytes();
  const chunks = new DynamicBuffer();
  for (let at = 0; at < response.length; at += SOCKET_CHUNK_BYTES) chunks.append(response.subarray(at, at + SOCKET_CHUNK_BYTES));
  // Where each batch's records lie, and how many there are.
  const spans: RecordSpan[] = [];
  for (let at = 0; at < response.length; at = spans[spans.length - 1]!.end) spans.push(recordSpan(response, at));
  const count = PASSES * spans.reduce((sum, span) => sum + span.records, 0);
  return {
    count,
    client: () => {
      const reader = Reader.from(chunks);
      for (let pass = 0; pass < PASSES; pass++) {
        for (const span of spans) {
          reader.position = span.start;
          const records = [];
          for (let i = 0; i < span.records; i++) records.push(readRecord(reader));
        }
      }
    },
    onePass: () => {
      for (let pass = 0; pass < PASSES; pass++) {
        for (const span of spans) {
          const records: DecodedRecord[] = [];
          decodeRecords(chunks, span.start, span.end - span.start, span.records, records);
        }
      }
    },
  };
}
