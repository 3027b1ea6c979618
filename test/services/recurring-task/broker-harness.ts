/**
 * Running a service against the local broker and PostgreSQL in a test, and
 * watching topics. Shared by the recurring-task and websocket suites.
 *
 * Services run as their real Kafka users in their real consumer groups (so
 * their ACLs are exercised); before a start, the group is moved to the end of
 * its topics, so a service handles only what the test produces and not what
 * other suites left on the shared topics.
 */
import { Admin, Consumer, ListOffsetTimestamps } from '@platformatic/kafka';
import { defaultServiceSpec } from '../../../services/lib/platform-defaults.js';
import { createLogger, type Logger } from '../../../services/lib/logger.js';
import { localServiceEnvironment } from '../../../services/lib/local-environment.js';
import { KafkaEventPublisher } from '../../../services/lib/kafka-publisher.js';
import type { AnyEvent } from '../../../services/lib/events.js';
import type { ServiceDefinition } from '../../../services/lib/handler.js';
import { runService, type RunningService } from '../../../services/lib/service.js';
import type { RetryPolicy } from '../../../services/lib/retry.js';
import { readLocalEnv } from '../../support/local-env.js';

/** Retries fast enough for tests, same shape as the specification's. */
export const TEST_RETRY: RetryPolicy = { attempts: 3, initialDelayMs: 50, maxDelayMs: 200 };

/** A unique suffix per test run, so ids never meet those of earlier runs or other suites. */
export const RUN_ID = `${Date.now().toString(36)}-${process.pid}`;

function admin(): Admin {
  return new Admin({ clientId: `test-admin-${RUN_ID}`, bootstrapBrokers: [readLocalEnv().plaintextBootstrapServers] });
}

/** The offset after the last record of every partition of `topics`. */
export async function endOffsets(topics: readonly string[]): Promise<Array<{ topic: string; partition: number; offset: bigint }>> {
  const client = admin();
  try {
    const metadata = await client.metadata({ topics: [...topics] });
    const listed = await client.listOffsets({
      topics: topics.map((name) => ({
        name,
        partitions: Array.from({ length: metadata.topics.get(name)!.partitionsCount }, (_, partitionIndex) => ({
          partitionIndex,
          timestamp: ListOffsetTimestamps.LATEST,
        })),
      })),
    });
    return listed.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, offset: p.offset })));
  } finally {
    await client.close();
  }
}

/** Commits `group`'s offsets at the end of `topics` (the group must have no active member). */
export async function moveGroupToEnd(group: string, topics: readonly string[]): Promise<void> {
  const offsets = await endOffsets(topics);
  const client = admin();
  try {
    await client.alterConsumerGroupOffsets({
      groupId: group,
      topics: topics.map((name) => ({
        name,
        partitionOffsets: offsets.filter((o) => o.topic === name).map((o) => ({ partition: o.partition, offset: o.offset })),
      })),
    });
  } finally {
    await client.close();
  }
}

/** A logger that keeps its lines (shown when a test needs them) instead of printing. */
export function memoryLogger(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger({
    level: 'debug',
    stream: {
      write: (line: string) => {
        lines.push(JSON.parse(line) as Record<string, unknown>);
        return true;
      },
    },
  });
  return { log, lines };
}

/**
 * Starts `definition` in this process as it runs under `npm run service`
 * (local files, its own user and group), on a free port, with fast retries.
 */
export async function startService<E extends AnyEvent, K = E>(
  definition: ServiceDefinition<E, K>,
  extraEnv: Record<string, string> = {},
): Promise<{ service: RunningService; lines: Array<Record<string, unknown>> }> {
  const spec = defaultServiceSpec(definition.name);
  const { env } = localServiceEnvironment(definition.name, { PORT: '0', ...extraEnv });
  // A Dapr-mode instance joins no group (the sidecar would consume).
  if (env.KAFKA_MODE !== 'dapr') await moveGroupToEnd(spec.consumerGroup, spec.consumes);
  const { log, lines } = memoryLogger();
  const service = await runService(definition, { env, logger: log, retry: TEST_RETRY, tuning: { maxWaitMs: 100 } });
  return { service, lines };
}

/** Waits until `service` reports ready (its consumer joined the group). */
export async function waitUntilReady(service: RunningService, timeoutMs = 30_000): Promise<void> {
  await until(() => service.isReady(), 'service ready', timeoutMs);
}

/** Polls `condition` every 25 ms until it holds; rejects after `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A publisher authenticated as a spec user on the SASL listener (e.g. the producing app `todo-api`). */
export function publisherAs(user: string): KafkaEventPublisher {
  const env = readLocalEnv().userEnv(user);
  return new KafkaEventPublisher(
    {
      bootstrapServers: env.bootstrapServers.split(','),
      securityProtocol: 'SASL_PLAINTEXT',
      saslMechanism: env.saslMechanism,
      username: env.username,
      password: env.password,
    },
    `test-${user}-${RUN_ID}`,
    undefined,
    TEST_RETRY,
  );
}

/** A record seen by a `TopicWatcher`. */
export interface WatchedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly key: string | null;
  /** The value exactly as stored. */
  readonly raw: string;
  readonly value: Record<string, unknown>;
}

/**
 * Reads `topics` from their current end (records produced after `start`),
 * keeping the JSON records `accept` selects. Never commits.
 */
export class TopicWatcher {
  readonly records: WatchedRecord[] = [];
  private constructor(private readonly consumer: Consumer<Buffer, Buffer, Buffer, Buffer>) {}

  static async start(topics: readonly string[], accept: (value: Record<string, unknown>) => boolean): Promise<TopicWatcher> {
    const offsets = await endOffsets(topics);
    const consumer = new Consumer<Buffer, Buffer, Buffer, Buffer>({
      clientId: `test-watcher-${RUN_ID}`,
      groupId: `test-watcher-${RUN_ID}-${Math.random().toString(36).slice(2)}`,
      bootstrapBrokers: [readLocalEnv().plaintextBootstrapServers],
      maxWaitTime: 100,
    });
    const watcher = new TopicWatcher(consumer);
    const stream = await consumer.consume({ topics: [...topics], mode: 'manual', offsets, autocommit: false });
    stream.on('data', (message) => {
      const raw = message.value?.toString('utf8') ?? '';
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        return;
      }
      if (typeof value === 'object' && value !== null && accept(value as Record<string, unknown>)) {
        watcher.records.push({
          topic: message.topic,
          partition: message.partition,
          key: message.key?.toString('utf8') ?? null,
          raw,
          value: value as Record<string, unknown>,
        });
      }
    });
    stream.on('error', () => undefined);
    return watcher;
  }

  /** Values of the records seen so far on `topic`. */
  values(topic: string): Array<Record<string, unknown>> {
    return this.records.filter((r) => r.topic === topic).map((r) => r.value);
  }

  async close(): Promise<void> {
    await this.consumer.close(true);
  }
}
