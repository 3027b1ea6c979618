/**
 * Throughput over one block of `task-events`: the API user produces `events`
 * events; then, over exactly that block of offsets,
 *
 * 1. a bare consumer (same client library and listener, reads and counts);
 * 2. the audit service (child process) writing every event to PostgreSQL,
 *    measured from its committed offsets, which it moves only after the rows
 *    are written;
 * 3. the recurring-task service (child process) for a fixed window, as it
 *    cannot keep the audit's pace (a database round trip per event).
 *
 * Rates are sustained rates: from the first progress seen to the last, so
 * process start-up and group joins are not counted.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Admin, Consumer } from '@platformatic/kafka';
import pg from 'pg';
import type { TaskEvent, TaskEventType } from '../services/lib/events.js';
import { DEFAULT_CONSUMER_TUNING } from '../services/lib/kafka-consumer.js';
import { kafkaClientOptions } from '../services/lib/kafka-options.js';
import { endOffsets, publisherAs, setGroupOffsets, type Offsets } from '../test/services/lib/broker-support.js';
import { readLocalEnv } from '../test/support/local-env.js';
import { ServiceProcess } from './service-process.js';
import { progress, sleep } from './stats.js';

export interface AuditThroughputOptions {
  /** Events produced and consumed. @default 150000 */
  readonly events: number;
  /** Longest the audit service may take for them, in seconds. @default 180 */
  readonly auditTimeoutSeconds: number;
  /** Window the recurring-task service is measured over, in seconds. @default 15 */
  readonly recurringWindowSeconds: number;
}

export const AUDIT_THROUGHPUT_DEFAULTS: AuditThroughputOptions = { events: 150_000, auditTimeoutSeconds: 180, recurringWindowSeconds: 15 };

export interface AuditThroughputResult {
  readonly events: number;
  readonly bareRate: number;
  readonly auditRate: number;
  /** Rows of this run found in `audit_events` afterwards (should equal `events`). */
  readonly rowsWritten: number;
  readonly auditPeakRssMiB: number;
  readonly recurringRate: number;
  readonly recurringPeakRssMiB: number;
}

const TOPIC = 'task-events';
const TYPES: readonly TaskEventType[] = ['created', 'updated', 'completed', 'deleted'];
const USERS = 1000;
/** Events per produce request (about 200 KiB, under the 1 MiB batch limit) and requests in flight. */
const PRODUCE_CHUNK = 500;
const PRODUCE_CONCURRENCY = 4;

function benchEvent(run: string, i: number): TaskEvent {
  const type = TYPES[i % TYPES.length]!;
  return {
    event_id: randomUUID(),
    event_type: type,
    timestamp: new Date().toISOString(),
    user_id: `bench-audit-${run}-${i % USERS}`,
    task_id: i + 1,
    // No due date and no recurrence: the recurring-task service handles every event, and creates nothing.
    task_data: {
      title: `Buy groceries ${i}`,
      completed: type === 'completed',
      priority: 'high',
      tags: ['home'],
      due_date: null,
      recurring: null,
    },
    metadata: { source: 'api', correlation_id: randomUUID() },
  };
}

async function produce(run: string, events: number): Promise<void> {
  const api = publisherAs('todo-api');
  try {
    for (let next = 0; next < events;) {
      const requests: Promise<unknown>[] = [];
      for (let r = 0; r < PRODUCE_CONCURRENCY && next < events; r++) {
        const count = Math.min(PRODUCE_CHUNK, events - next);
        requests.push(
          api.publishAll(
            TOPIC,
            Array.from({ length: count }, (_, k) => benchEvent(run, next + k)),
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

const blockSize = (start: Offsets, end: Offsets) =>
  end.reduce((sum, e) => sum + Number(e.offset - start.find((s) => s.partition === e.partition)!.offset), 0);

/** Reads the block with a plain consumer (admin user, SASL listener) and returns messages per second. */
async function bareConsumerRate(start: Offsets, end: Offsets): Promise<number> {
  const local = readLocalEnv();
  const total = blockSize(start, end);
  const consumer = new Consumer<Buffer, Buffer, Buffer, Buffer>({
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
    groupId: `bench-bare-${randomUUID()}`,
    maxWaitTime: DEFAULT_CONSUMER_TUNING.maxWaitMs,
    highWaterMark: DEFAULT_CONSUMER_TUNING.highWaterMark,
  });
  const last = new Map(end.map((e) => [e.partition, e.offset]));
  try {
    const stream = await consumer.consume({ topics: [TOPIC], mode: 'manual', offsets: start, autocommit: false });
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

/** Events of the block behind `group`'s committed offsets. */
async function committedProgress(admin: Admin, group: string, start: Offsets): Promise<number> {
  const [listed] = await admin.listConsumerGroupOffsets({ groups: [group] });
  let done = 0;
  for (const partition of listed?.topics.find((t) => t.name === TOPIC)?.partitions ?? []) {
    const from = start.find((s) => s.partition === partition.partitionIndex)!.offset;
    if (partition.committedOffset > from) done += Number(partition.committedOffset - from);
  }
  return done;
}

/**
 * Watches `group` work through the block until it is done or `windowMs`
 * passed; returns its sustained events per second.
 */
async function groupRate(group: string, start: Offsets, total: number, windowMs: number): Promise<number> {
  const admin = new Admin({ clientId: 'bench-progress', bootstrapBrokers: [readLocalEnv().plaintextBootstrapServers] });
  try {
    let first: { at: number; done: number } | undefined;
    let latest = { at: performance.now(), done: 0 };
    const deadline = performance.now() + windowMs;
    while (performance.now() < (first ? Math.min(deadline, first.at + windowMs) : deadline) && latest.done < total) {
      await sleep(100);
      latest = { at: performance.now(), done: Math.min(total, await committedProgress(admin, group, start)) };
      if (!first && latest.done > 0) first = latest;
    }
    if (!first || latest.done === first.done) throw new Error(`${group} made no progress through the block in ${windowMs} ms`);
    return ((latest.done - first.done) / (latest.at - first.at)) * 1000;
  } finally {
    await admin.close();
  }
}

export async function measureAuditThroughput(options: AuditThroughputOptions = AUDIT_THROUGHPUT_DEFAULTS): Promise<AuditThroughputResult> {
  const run = randomUUID().slice(0, 8);
  const start = await endOffsets([TOPIC]);
  progress(`audit: producing ${options.events} task-events`);
  await produce(run, options.events);
  const end = await endOffsets([TOPIC]);
  // Other suites may write to the shared topic meanwhile: the block is whatever lies between.
  const total = blockSize(start, end);

  progress(`audit: bare consumer over ${total} events`);
  const bareRate = await bareConsumerRate(start, end);

  progress('audit: audit service over the same events');
  await setGroupOffsets('audit-service', start);
  const audit = await ServiceProcess.start('audit');
  let auditRate: number;
  let auditPeakRssMiB: number;
  try {
    auditRate = await groupRate('audit-service', start, total, options.auditTimeoutSeconds * 1000);
    auditPeakRssMiB = audit.memoryMiB().peakRss;
  } finally {
    await audit.stop();
  }

  progress(`recurring-task: ${options.recurringWindowSeconds} s over the same events`);
  await setGroupOffsets('recurring-task-service', start);
  const recurring = await ServiceProcess.start('recurring-task');
  let recurringRate: number;
  let recurringPeakRssMiB: number;
  try {
    recurringRate = await groupRate('recurring-task-service', start, total, options.recurringWindowSeconds * 1000);
    recurringPeakRssMiB = recurring.memoryMiB().peakRss;
  } finally {
    await recurring.stop();
    // What it did not reach stays unread: the next start begins after the block.
    await setGroupOffsets('recurring-task-service', end);
  }

  const pool = new pg.Pool({ connectionString: readLocalEnv().databaseUrl, max: 1 });
  try {
    const pattern = `bench-audit-${run}-%`;
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_events WHERE user_id LIKE $1', [pattern]);
    await pool.query('DELETE FROM audit_events WHERE user_id LIKE $1', [pattern]);
    return { events: options.events, bareRate, auditRate, rowsWritten: rows[0]!.n, auditPeakRssMiB, recurringRate, recurringPeakRssMiB };
  } finally {
    await pool.end();
  }
}
