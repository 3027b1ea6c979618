/**
 * Running the services against the local broker and PostgreSQL in tests.
 *
 * Each test run consumes in its own consumer group (as the platform admin,
 * who may use any group), placed at the end of the topics first: the broker
 * is shared with other suites, so a service only sees what its test
 * produces. Generic helpers (offsets, watchers, polling) come from the
 * recurring-task suite's harness.
 */
import { randomUUID } from 'node:crypto';
import { Admin } from '@platformatic/kafka';
import pg from 'pg';
import type { AnyEvent, EventKind, ReminderEvent, TaskEvent, TaskEventType } from '../../../services/lib/events.js';
import { loadKafkaClient } from '../../../services/lib/kafka-client.js';
import { createKafkaProducer, type KafkaProducer } from '../../../services/lib/kafka-publisher.js';
import type { ServiceDefinition } from '../../../services/lib/handler.js';
import { runService, type RunningService } from '../../../services/lib/service.js';
import { readLocalEnv } from '../../support/local-env.js';
import { specReminder } from '../../support/spec-events.js';
import { memoryLogger, RUN_ID, TEST_RETRY, until } from '../recurring-task/broker-harness.js';

// The library loads the Kafka client on first use; the synchronous createKafkaProducer below needs it loaded.
await loadKafkaClient();

export { endOffsets, memoryLogger, publisherAs, RUN_ID, TEST_RETRY, TopicWatcher, until } from '../recurring-task/broker-harness.js';

/** A consumer group no other run or suite uses. */
export function uniqueGroup(purpose: string): string {
  return `test-${purpose}-${RUN_ID}-${randomUUID().slice(0, 8)}`;
}

export type Offsets = Array<{ topic: string; partition: number; offset: bigint }>;

/**
 * Longest wait for a group's members to go before its offsets are set: a
 * consumer that died without leaving (a crashed service of an earlier run)
 * stays a member until its session times out, 30 s for the services
 * (`DEFAULT_CONSUMER_TUNING.sessionTimeoutMs`), and the broker refuses an
 * admin's offset commit meanwhile ("the coordinator is not aware of this
 * member").
 */
const GROUP_EMPTY_TIMEOUT_MS = 45_000;

/**
 * Commits `offsets` for `group`, first waiting until the group has no member
 * (up to `GROUP_EMPTY_TIMEOUT_MS`; then it fails saying which group and why).
 */
export async function setGroupOffsets(group: string, offsets: Offsets): Promise<void> {
  const admin = new Admin({ clientId: `test-admin-${RUN_ID}`, bootstrapBrokers: [readLocalEnv().plaintextBootstrapServers] });
  try {
    const deadline = Date.now() + GROUP_EMPTY_TIMEOUT_MS;
    for (;;) {
      const members = (await admin.describeGroups({ groups: [group] })).get(group)?.members.size ?? 0;
      if (members === 0) break;
      if (Date.now() > deadline) {
        throw new Error(
          `consumer group ${group} still has ${members} member(s) after ${GROUP_EMPTY_TIMEOUT_MS / 1000} s: ` +
            'stop the consumer of an earlier run that is still running, or wait for the session of one that died to expire',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const topics = [...new Set(offsets.map((o) => o.topic))];
    await admin.alterConsumerGroupOffsets({
      groupId: group,
      topics: topics.map((name) => ({
        name,
        partitionOffsets: offsets.filter((o) => o.topic === name).map((o) => ({ partition: o.partition, offset: o.offset })),
      })),
    });
  } finally {
    await admin.close();
  }
}

/**
 * Creates topics only this test run uses (one partition each, like
 * `reminders`), for assertions that must not see other suites' traffic
 * (exact counters). Returns a function that deletes them.
 */
export async function privateTopics(names: readonly string[], partitions = 1): Promise<() => Promise<void>> {
  const admin = new Admin({ clientId: `test-admin-${RUN_ID}`, bootstrapBrokers: [readLocalEnv().plaintextBootstrapServers] });
  try {
    await admin.createTopics({ topics: [...names], partitions, replicas: 1 });
    // Wait until the partition leaders are known, so the first produce does not race topic creation.
    await until(async () => {
      const metadata = await admin.metadata({ topics: [...names], forceUpdate: true });
      return names.every((name) => metadata.topics.get(name)?.partitions.every((p) => p.leader >= 0));
    }, 'private topics ready');
  } finally {
    await admin.close();
  }
  return async () => {
    const cleanup = new Admin({ clientId: `test-admin-${RUN_ID}`, bootstrapBrokers: [readLocalEnv().plaintextBootstrapServers] });
    try {
      await cleanup.deleteTopics({ topics: [...names] });
    } finally {
      await cleanup.close();
    }
  };
}

/** A producer authenticated as the platform admin (who may write any topic), with the specification's settings. */
export function adminProducer(clientId: string): KafkaProducer {
  const local = readLocalEnv();
  return createKafkaProducer(
    {
      bootstrapServers: [local.bootstrapServers],
      securityProtocol: 'SASL_PLAINTEXT',
      saslMechanism: local.saslMechanism,
      username: local.admin.username,
      password: local.admin.password,
    },
    clientId,
    TEST_RETRY,
  );
}

/**
 * The environment a service gets in these tests: the SASL listener with the
 * admin's credentials (so the unique group is allowed), direct Kafka mode,
 * the local database, any free port.
 */
export function serviceEnv(group: string, extra: Record<string, string> = {}): Record<string, string> {
  const local = readLocalEnv();
  return {
    KAFKA_BOOTSTRAP_SERVERS: local.bootstrapServers,
    KAFKA_SECURITY_PROTOCOL: local.securityProtocol,
    KAFKA_SASL_MECHANISM: local.saslMechanism,
    KAFKA_USERNAME: local.admin.username,
    KAFKA_PASSWORD: local.admin.password,
    KAFKA_MODE: 'kafka',
    KAFKA_CONSUMER_GROUP: group,
    DATABASE_URL: local.databaseUrl,
    PORT: '0',
    ...extra,
  };
}

/** Starts `definition` in this process in `group` and waits until it has joined. */
export async function startInGroup<E extends AnyEvent, K = E>(
  definition: ServiceDefinition<E, K>,
  group: string,
  extra: Record<string, string> = {},
  eventKinds?: Readonly<Record<string, EventKind>>,
): Promise<{ service: RunningService; lines: Array<Record<string, unknown>> }> {
  const { log, lines } = memoryLogger();
  const service = await runService(definition, {
    env: serviceEnv(group, extra),
    logger: log,
    retry: TEST_RETRY,
    tuning: { maxWaitMs: 100, lagIntervalMs: 500 },
    eventKinds,
  });
  await until(() => service.isReady(), `${definition.name} ready`, 30_000);
  return { service, lines };
}

/**
 * Waits like `until`, but a timeout fails with what the service was doing:
 * its last log lines, its counters and its lag, so a stall is diagnosable
 * from the test report alone.
 */
export async function untilService(
  started: { service: RunningService; lines: ReadonlyArray<Record<string, unknown>> },
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  try {
    await until(condition, what, timeoutMs);
  } catch (error) {
    const recent = started.lines
      .slice(-15)
      .map((l) => `${l.time} ${l.level} ${l.msg}${l.err ? ` (${(l.err as { message?: string }).message})` : ''}`);
    const metrics = (await started.service.metrics.render())
      .split('\n')
      .filter(
        (l) =>
          (l.startsWith('todo_events_messages_processed_total{') || l.startsWith('todo_events_consumer_lag{')) && !l.includes('_bucket'),
      );
    throw new Error(`${(error as Error).message}\nlast log lines:\n  ${recent.join('\n  ')}\nmetrics:\n  ${metrics.join('\n  ')}`);
  }
}

/** A pool on the local database. */
export function localPool(): pg.Pool {
  return new pg.Pool({ connectionString: readLocalEnv().databaseUrl, max: 2 });
}

let clock = Date.parse('2024-01-15T10:30:00Z');
/** A strictly increasing RFC 3339 timestamp, one second after the previous. */
function nextTimestamp(): string {
  clock += 1000;
  return new Date(clock).toISOString().replace('.000Z', 'Z');
}

/** A `task-events` event shaped like the specification's example. */
export function taskEvent(userId: string, taskId: number, eventType: TaskEventType = 'created', title = 'Buy groceries'): TaskEvent {
  return {
    event_id: randomUUID(),
    event_type: eventType,
    timestamp: nextTimestamp(),
    user_id: userId,
    task_id: taskId,
    task_data: {
      title,
      completed: eventType === 'completed',
      priority: 'high',
      tags: ['home'],
      due_date: '2024-01-20T18:00:00Z',
      recurring: null,
    },
    metadata: { source: 'api', correlation_id: randomUUID() },
  };
}

/** A `reminders` event shaped like the specification's example. */
export function reminderEvent(title: string, userId = `user-${randomUUID()}`): ReminderEvent {
  return specReminder({ timestamp: nextTimestamp(), user_id: userId, title });
}
