/**
 * Throughput over one block of `task-events`: the API user produces `events`
 * events; then, over exactly that block of offsets,
 *
 * 1. a bare consumer: the same client library, listener and fetch settings
 *    (`consumerFetchOptions`), decoding each value from JSON as any real
 *    consumer must (the services do the same before validating), and nothing
 *    else: no validation, no handler, no commits;
 * 1b. the audit service's runtime with a no-op handler (child process), for
 *    the cost of the database writes alone;
 * 2. the audit service (child process) writing every event to PostgreSQL,
 *    measured from its committed offsets, which it moves only after the rows
 *    are written;
 * 3. PostgreSQL's own COPY of the same rows into `audit_events` (no Kafka,
 *    postgres-copy.ts): the limit. Steps 2 and 3 run in `rounds` pairs, one
 *    right after the other, and the figures are the medians: the machine's
 *    speed moves both by ±15 % from one minute to the next, so a single pair
 *    measured minutes apart says more about the machine than the service;
 * 4. the peer, Kafka Connect with the Debezium JDBC sink, over the same events
 *    on a topic of its own (kafka-connect.ts);
 * 5. the recurring-task service (child process) for a fixed window, as it
 *    cannot keep the audit's pace (a database round trip per event).
 *
 * Rates are sustained rates: from the first progress seen to the last, so
 * process start-up and group joins are not counted.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Consumer } from '@platformatic/kafka';
import pg from 'pg';
import { consumerFetchOptions } from '../services/lib/kafka-consumer.js';
import { kafkaClientOptions } from '../services/lib/kafka-options.js';
import { publisherAs } from '../test/services/lib/broker-support.js';
import { AuditStore } from '../services/audit/audit-store.js';
import { readLocalEnv } from '../test/support/local-env.js';
import { benchEvent, benchUserPattern, type RunId } from './bench-events.js';
import { measureKafkaConnect } from './kafka-connect.js';
import { hostCpuBetween, readHostCpu } from './host-cpu.js';
import { checkpoint } from './postgres-checkpoint.js';
import { measurePostgresCopy, removeBenchRows } from './postgres-copy.js';
import { NOOP_SERVICE_BUNDLE } from './service-process.js';
import { median, progress } from './stats.js';
import { blockSize, measuredUse, produceBlock, serviceOverBlock, type ServiceRun, type TopicBlock } from './topic-block.js';
import type { MeasuredUse } from './resources.js';

export interface AuditThroughputOptions {
  /** Events produced and consumed. @default 150000 */
  readonly events: number;
  /** Longest the audit service may take for them, in seconds. @default 180 */
  readonly auditTimeoutSeconds: number;
  /** Window the recurring-task service is measured over, in seconds. @default 15 */
  readonly recurringWindowSeconds: number;
  /** Run the peer (Kafka Connect with the Debezium JDBC sink) over the same events. @default true */
  readonly kafkaConnect: boolean;
  /** Pairs of (audit service, PostgreSQL's COPY) measured, one after the other (see the module comment). @default 3 */
  readonly rounds: number;
}

export const AUDIT_THROUGHPUT_DEFAULTS: AuditThroughputOptions = {
  events: 150_000,
  auditTimeoutSeconds: 180,
  recurringWindowSeconds: 15,
  kafkaConnect: true,
  rounds: 3,
};

export interface AuditThroughputResult {
  readonly events: number;
  readonly bareRate: number;
  /** The service runtime with a handler that does nothing (see noop-service.ts). */
  readonly noopRate: number;
  /** The median of the rounds' rates. */
  readonly auditRate: number;
  /** Fewest rows of this run found in `audit_events` after a round (should equal `events`). */
  readonly rowsWritten: number;
  /** The highest of the rounds. */
  readonly auditPeakRssMiB: number;
  /** Idle and draining the block. */
  readonly auditUse: MeasuredUse;
  readonly recurringRate: number;
  readonly recurringPeakRssMiB: number;
  readonly recurringUse: MeasuredUse;
  /** PostgreSQL's own COPY of the same rows into `audit_events`, rows/s (postgres-copy.ts): the median of the rounds. */
  readonly postgresCopyRate: number;
  /** Each round's audit rate ÷ COPY rate, in order. */
  readonly copyRatios: readonly number[];
  /** The median of `copyRatios`. */
  readonly copyRatio: number;
  /** Each round's host steal during the audit's drain and during the COPY, % of the machine's CPU (host-cpu.ts). */
  readonly stealPercents: ReadonlyArray<{ readonly audit: number; readonly copy: number }>;
  /** The peer over the same events (kafka-connect.ts); undefined when not run. */
  readonly kafkaConnect?: {
    readonly rate: number;
    readonly rowsWritten: number;
    readonly peakRssMiB: number;
    readonly recordBytes: number;
  };
}

const TOPIC = 'task-events';
/** Events per produce request (about 200 KiB, under the 1 MiB batch limit) and requests in flight. */
const PRODUCE_CHUNK = 500;
const PRODUCE_CONCURRENCY = 4;

/** Produces the `events` bench events of `run` to `task-events` as the API user, a few requests in flight. */
export async function produceBenchEvents(run: RunId, events: number, at: number): Promise<void> {
  const api = publisherAs('todo-api');
  try {
    for (let next = 0; next < events;) {
      const requests: Promise<unknown>[] = [];
      for (let r = 0; r < PRODUCE_CONCURRENCY && next < events; r++) {
        const count = Math.min(PRODUCE_CHUNK, events - next);
        requests.push(
          api.publishAll(
            TOPIC,
            Array.from({ length: count }, (_, k) => benchEvent(run, next + k, at)),
          ),
        );
        next += count;
      }
      await Promise.all(requests);
    }
  } finally {
    await api.close();
  }
}

/**
 * Reads the block with a plain consumer (admin user, SASL listener) that
 * decodes each value from JSON, and returns messages per second.
 */
async function bareConsumerRate(block: TopicBlock): Promise<number> {
  const local = readLocalEnv();
  const total = blockSize(block);
  const consumer = new Consumer<Buffer, unknown, Buffer, Buffer>({
    ...kafkaClientOptions(
      {
        bootstrapServers: [local.bootstrapServers],
        securityProtocol: 'SASL_PLAINTEXT',
        saslMechanism: local.saslMechanism,
        username: local.admin.username,
        password: local.admin.password,
      },
      'bench-bare-consumer',
    ),
    ...consumerFetchOptions(),
    groupId: `bench-bare-${randomUUID()}`,
    // What the services do to a value before validating it (parseEvent): UTF-8 text, then JSON.
    deserializers: { value: (value?: Buffer) => (value === undefined ? undefined : JSON.parse(value.toString('utf8'))) },
  });
  const last = new Map(block.end.map((e) => [e.partition, e.offset]));
  try {
    const stream = await consumer.consume({ topics: [TOPIC], mode: 'manual', offsets: block.start, autocommit: false });
    return await new Promise<number>((resolve, reject) => {
      let seen = 0;
      let first = 0;
      const timer = setTimeout(() => reject(new Error(`bare consumer read ${seen} of ${total} messages in 120 s`)), 120_000);
      stream.on('error', reject);
      stream.on('data', (message) => {
        if (message.offset >= last.get(message.partition)!) return;
        if (seen++ === 0) first = performance.now();
        if (seen === total) {
          clearTimeout(timer);
          resolve(((total - 1) / (performance.now() - first)) * 1000);
        }
      });
    });
  } finally {
    await consumer.close(true);
  }
}

/** One pair: the audit service's drain and PostgreSQL's COPY right after it. */
interface AuditRound {
  readonly audit: ServiceRun;
  readonly rows: number;
  readonly copyRate: number;
  /** The host's steal over the audit's measurement (its idle settling included) and over the COPY, % of the machine's CPU (host-cpu.ts). */
  readonly auditStealPercent: number;
  readonly copyStealPercent: number;
}

/** The round whose audit rate is the median. */
function medianRound<R extends { audit: ServiceRun }>(rounds: readonly R[]): R {
  return [...rounds].sort((a, b) => a.audit.rate - b.audit.rate)[Math.floor(rounds.length / 2)]!;
}

/**
 * One pair: the audit service drains the block into a vacuumed table, its
 * rows are counted and removed, then PostgreSQL's own COPY of the same rows
 * (which removes them again).
 */
async function auditRound(
  pool: pg.Pool,
  block: TopicBlock,
  run: RunId,
  options: AuditThroughputOptions,
  at: number,
  databaseUrl: string,
): Promise<AuditRound> {
  // As the COPY below finds it: dead rows of earlier runs vacuumed away, every dirty page written (postgres-checkpoint.ts).
  await pool.query('VACUUM audit_events');
  await checkpoint(databaseUrl);
  const auditHost = readHostCpu();
  const audit = await serviceOverBlock('audit', block, options.auditTimeoutSeconds * 1000);
  const auditHostCpu = hostCpuBetween(auditHost, readHostCpu());
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_events WHERE user_id LIKE $1', [
    benchUserPattern(run),
  ]);
  await removeBenchRows(pool, run);
  const copyHost = readHostCpu();
  const copy = await measurePostgresCopy(databaseUrl, run, options.events, at);
  const copyHostCpu = hostCpuBetween(copyHost, readHostCpu());
  if (copy.rows !== options.events) throw new Error(`COPY wrote ${copy.rows} of ${options.events} rows`);
  return {
    audit,
    rows: rows[0]!.n,
    copyRate: copy.rate,
    auditStealPercent: auditHostCpu.stealPercent,
    copyStealPercent: copyHostCpu.stealPercent,
  };
}

export async function measureAuditThroughput(options: AuditThroughputOptions = AUDIT_THROUGHPUT_DEFAULTS): Promise<AuditThroughputResult> {
  const run = randomUUID().slice(0, 8);
  const at = Date.now();
  const { databaseUrl } = readLocalEnv();
  progress(`audit: producing ${options.events} task-events`);
  // Other suites may write to the shared topic meanwhile: the block is whatever lies between.
  const block = await produceBlock(TOPIC, () => produceBenchEvents(run, options.events, at));

  progress(`audit: bare consumer over ${blockSize(block)} events`);
  const bareRate = await bareConsumerRate(block);
  progress('audit: the audit runtime with a no-op handler over the same events');
  const noop = await serviceOverBlock('audit', block, options.auditTimeoutSeconds * 1000, {}, [NOOP_SERVICE_BUNDLE]);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  try {
    // The table as the audit service creates it (a fresh `npm run local:up` has none yet).
    await new AuditStore(pool).migrate();
    const rounds: AuditRound[] = [];
    for (let r = 1; r <= options.rounds; r++) {
      progress(`audit: round ${r} of ${options.rounds}: the audit service over the same events, then PostgreSQL's own COPY of them`);
      rounds.push(await auditRound(pool, block, run, options, at, databaseUrl));
    }
    const copyRatios = rounds.map((r) => r.audit.rate / r.copyRate);

    const kafkaConnect = options.kafkaConnect ? await measureKafkaConnect(run, options.events, at) : undefined;

    progress(`recurring-task: ${options.recurringWindowSeconds} s over the same events`);
    const recurring = await serviceOverBlock('recurring-task', block, options.recurringWindowSeconds * 1000);
    return {
      events: options.events,
      bareRate,
      noopRate: noop.rate,
      auditRate: median(rounds.map((r) => r.audit.rate)),
      rowsWritten: Math.min(...rounds.map((r) => r.rows)),
      auditPeakRssMiB: Math.max(...rounds.map((r) => r.audit.peakRssMiB)),
      // The round whose rate is the median, for the resources it suggests.
      auditUse: measuredUse(medianRound(rounds).audit),
      recurringRate: recurring.rate,
      recurringPeakRssMiB: recurring.peakRssMiB,
      recurringUse: measuredUse(recurring),
      postgresCopyRate: median(rounds.map((r) => r.copyRate)),
      copyRatios,
      copyRatio: median(copyRatios),
      stealPercents: rounds.map((r) => ({ audit: r.auditStealPercent, copy: r.copyStealPercent })),
      kafkaConnect,
    };
  } finally {
    await pool.end();
  }
}
