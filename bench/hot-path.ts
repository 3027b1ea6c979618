/**
 * CPU of per-event steps of the consuming library, in one process, no
 * broker: the handling-time histogram (prom-client's `Histogram`, one
 * observation a message, against `BatchHistogram`, one a handler call of
 * 500), decoding plus validating a bench event (`parseEvent`), and reading
 * the records of fetched batches (@platformatic/kafka's `readRecord` over
 * the fetch response's chunks, against `decodeRecords`, what the service
 * bundle reads them with: bundle-kafka-records.ts).
 *
 *   npm run bench:hot-path
 *
 * Each figure is the median of five rounds; each ratio compares two ways
 * measured in the same rounds.
 */
import { Histogram, Registry } from 'prom-client';
import { HANDLING_SECONDS_BUCKETS, ServiceMetrics } from '../services/lib/metrics.js';
import { parseEvent } from '../services/lib/event-validation.js';
import { benchEvent } from './bench-events.js';
import { recordReads } from './record-reads.js';
import { median, round } from './stats.js';

const ROUNDS = 5;
const BATCH = 500;
const OBSERVATIONS = 2_000_000;
const EVENTS = 300_000;

/** Nanoseconds per unit of `units` calls of `work`, median of `ROUNDS`. */
function nsPer(units: number, work: () => void): number {
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const started = process.hrtime.bigint();
    work();
    rounds.push(Number(process.hrtime.bigint() - started) / units);
  }
  return median(rounds);
}

const reference = new Histogram({
  name: 'reference_seconds',
  help: 'prom-client, one observation a message',
  labelNames: ['service', 'topic'],
  buckets: HANDLING_SECONDS_BUCKETS,
  registers: [new Registry()],
});
const perMessage = nsPer(OBSERVATIONS, () => {
  for (let b = 0; b < OBSERVATIONS / BATCH; b++) {
    const series = reference.labels({ service: 'audit-service', topic: 'task-events' });
    for (let i = 0; i < BATCH; i++) series.observe(0.00002);
  }
});
const metrics = new ServiceMetrics('audit-service', { defaultMetrics: false });
const perCall = nsPer(OBSERVATIONS, () => {
  for (let b = 0; b < OBSERVATIONS / BATCH; b++) metrics.observeHandling('task-events', 0.01, BATCH);
});

const values = Array.from({ length: 1000 }, (_, i) => Buffer.from(JSON.stringify(benchEvent('a1b2c3d4', i, Date.now()))));
const parse = nsPer(EVENTS, () => {
  for (let i = 0; i < EVENTS; i++) parseEvent('task-events', values[i % values.length]!, 'task-event');
});

const records = recordReads();
const clientRecords = nsPer(records.count, records.client);
const onePassRecords = nsPer(records.count, records.onePass);

process.stdout.write(
  [
    `prom_client_histogram_ns_per_message: ${round(perMessage, 1)}`,
    `batch_histogram_ns_per_message: ${round(perCall, 2)}`,
    `batch_histogram_to_prom_client_ratio: ${round(perCall / perMessage, 4)}`,
    `parse_and_validate_ns_per_event: ${round(parse, 0)}`,
    `client_record_read_ns_per_record: ${round(clientRecords, 0)}`,
    `one_pass_record_read_ns_per_record: ${round(onePassRecords, 0)}`,
    `one_pass_to_client_record_read_ratio: ${round(onePassRecords / clientRecords, 2)}`,
  ].join('\n') + '\n',
);
