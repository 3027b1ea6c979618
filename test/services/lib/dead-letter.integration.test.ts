/**
 * Dead letters on the local broker, at the edges: a message as large as its
 * topic takes, whose envelope would not fit the dead-letter topic whole, and a
 * dead-letter topic that refuses the service's writes.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Admin, Consumer } from '@platformatic/kafka';
import type { DeadLetterEnvelope } from '../../../services/lib/dead-letter.js';
import type { TaskEvent, TaskUpdateEvent } from '../../../services/lib/events.js';
import type { ServiceDefinition } from '../../../services/lib/handler.js';
import { partitionForKey } from '../../../services/lib/partitioner.js';
import { describeWithBroker, readLocalEnv } from '../../support/local-env.js';
import { startService } from '../recurring-task/broker-harness.js';
import {
  adminProducer,
  endOffsets,
  privateTopics,
  publisherAs,
  startInGroup,
  taskEvent,
  TopicWatcher,
  uniqueGroup,
  until,
  untilService,
} from './broker-support.js';

/** The offset of the first record with `key` on `partition` of `topic`, at or after `from`. */
async function offsetOfKey(topic: string, partition: number, from: bigint, key: string): Promise<bigint> {
  const consumer = new Consumer<Buffer, Buffer, Buffer, Buffer>({
    clientId: `test-find-${key}`,
    groupId: `test-find-${key}`,
    bootstrapBrokers: [readLocalEnv().plaintextBootstrapServers],
    maxWaitTime: 100,
  });
  try {
    const stream = await consumer.consume({
      topics: [topic],
      mode: 'manual',
      offsets: [{ topic, partition, offset: from }],
      autocommit: false,
    });
    return await new Promise<bigint>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no record with key ${key} on ${topic}[${partition}] from ${from}`)), 15_000);
      stream.on('data', (message) => {
        if (message.partition === partition && message.key?.toString('utf8') === key) {
          clearTimeout(timer);
          resolve(message.offset);
        }
      });
      stream.on('error', reject);
    });
  } finally {
    await consumer.close(true);
  }
}

/** A service that records the titles of the events it handles. */
function recorder(handled: string[]): ServiceDefinition<TaskEvent> {
  return { name: 'audit', start: async () => ({ handle: async (event) => void handled.push(event.task_data.title) }) };
}

describeWithBroker('dead letters on the local broker', () => {
  describe('a 1 MiB undecodable message', () => {
    const marker = randomUUID().slice(0, 8);
    const topic = `test-big-${marker}`;
    const deadLetterTopic = `test-big-dlq-${marker}`;
    const user = `user-${randomUUID()}`;
    // As large as the topic takes (Kafka's default max.message.bytes, 1048588, is per record batch): 1 MiB less 1 KiB.
    const value = randomBytes(1024 * 1024 - 1024);
    const handled: string[] = [];
    let deleteTopics: () => Promise<void>;
    let watcher: TopicWatcher;
    let started: Awaited<ReturnType<typeof startInGroup>>;
    let poisonOffset: bigint;

    beforeAll(async () => {
      deleteTopics = await privateTopics([topic, deadLetterTopic]);
      watcher = await TopicWatcher.start([deadLetterTopic], () => true);
      started = await startInGroup(
        recorder(handled),
        uniqueGroup('big'),
        { KAFKA_TOPICS: topic, KAFKA_DLQ_TOPIC: deadLetterTopic },
        { [topic]: 'task-event' },
      );
      const producer = adminProducer(`test-big-${marker}`);
      try {
        await producer.send({ messages: [{ topic, key: user, value }] });
        await producer.send({
          messages: [{ topic, key: user, value: Buffer.from(JSON.stringify(taskEvent(user, 1, 'created', `after ${marker}`))) }],
        });
      } finally {
        await producer.close();
      }
      poisonOffset = (await endOffsets([topic]))[0]!.offset - 2n;
      await untilService(started, () => handled.length === 1 && watcher.records.length === 1, 'the dead letter and the next event', 60_000);
    }, 90_000);
    afterAll(async () => {
      await watcher?.close();
      await started?.service.close();
      await deleteTopics?.();
    });

    it('is dead-lettered with a truncated envelope: where it was, its size and SHA-256, and a bounded prefix', () => {
      const record = watcher.records[0]!;
      const letter = record.value as unknown as DeadLetterEnvelope;
      expect(Buffer.byteLength(record.raw)).toBeLessThanOrEqual(1_048_576);
      expect(letter.source).toEqual({ topic, partition: 0, offset: Number(poisonOffset) });
      expect(letter.error.code).toBe('MESSAGE_MALFORMED');
      expect(letter.original_message).toMatchObject({
        truncated: true,
        size: value.length,
        sha256: createHash('sha256').update(value).digest('hex'),
        value_encoding: 'base64',
        key: user,
      });
      const prefix = Buffer.from(letter.original_message.value!, 'base64');
      expect(prefix.length).toBe(letter.original_message.prefix_size);
      expect(prefix.length).toBeGreaterThan(0);
      expect(prefix.length).toBeLessThanOrEqual(64 * 1024);
      expect(prefix.equals(value.subarray(0, prefix.length))).toBe(true);
    });

    it('lets the partition move on: the next event is handled', () => {
      expect(handled).toEqual([`after ${marker}`]);
    });
  });

  describe('a dead-letter topic that refuses the writes', () => {
    const user = `user-${randomUUID()}`;
    // The websocket service's own Kafka user may use any group named websocket-service-…: one of its own, shared with nobody.
    const group = `websocket-service-test-dlq-${randomUUID().slice(0, 8)}`;
    const handled: string[] = [];
    let started: Awaited<ReturnType<typeof startService>>;
    let poison: { partition: number; offset: bigint };
    const definition: ServiceDefinition<TaskUpdateEvent> = {
      name: 'websocket',
      start: async () => ({ handle: async (event) => void handled.push(event.task.title) }),
    };

    beforeAll(async () => {
      // Its user may write task-events-dlq only: "reminders" is refused (TOPIC_AUTHORIZATION_FAILED).
      started = await startService(definition, { KAFKA_MODE: 'kafka', KAFKA_CONSUMER_GROUP: group, KAFKA_DLQ_TOPIC: 'reminders' });
      await until(() => started.service.isReady(), 'the consumer in its group', 30_000);
      const api = publisherAs('todo-api');
      // task-updates is shared with whatever else runs on the broker: find the poison by its key, not by counting offsets.
      const partition = partitionForKey(user, 3);
      const from = (await endOffsets(['task-updates'])).find((o) => o.partition === partition)!.offset;
      try {
        await api.sendRaw([{ topic: 'task-updates', key: user, value: 'not json at all' }]);
        await api.publish('task-updates', {
          event_id: randomUUID(),
          timestamp: new Date().toISOString(),
          user_id: user,
          update_type: 'created',
          task: { id: 2, title: 'behind the poison', completed: false, priority: 'high' },
        });
      } finally {
        await api.close();
      }
      poison = { partition, offset: await offsetOfKey('task-updates', partition, from, user) };
      await until(
        () => started.lines.some((l) => (l.err as { code?: string } | undefined)?.code === 'DEAD_LETTER_WRITE_FAILED'),
        'a failed dead-letter write',
        30_000,
      );
    }, 90_000);
    afterAll(() => started?.service.close());

    it('stops the partition loudly: the failure is logged with its cause, the service is not ready, and nothing behind it is handled', async () => {
      const failure = started.lines.find((l) => (l.err as { code?: string } | undefined)?.code === 'DEAD_LETTER_WRITE_FAILED')!;
      expect((failure.err as { message: string }).message).toMatch(
        /could not write 1 dead letter\(s\) to reminders: .*TOPIC_AUTHORIZATION_FAILED.*grant/,
      );
      await until(async () => (await fetch(`http://127.0.0.1:${started.service.port}/readyz`)).status === 503, 'not ready', 15_000);
      // Give it time: the event behind the poison must still not be handled, the partition is held.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(handled).not.toContain('behind the poison');
    });

    it('commits nothing past the message it could not dead-letter', async () => {
      const admin = new Admin({ clientId: `test-dlq-refused-${user}`, bootstrapBrokers: [readLocalEnv().plaintextBootstrapServers] });
      try {
        const [offsets] = await admin.listConsumerGroupOffsets({ groups: [group] });
        const committed = offsets!.topics
          .find((t) => t.name === 'task-updates')
          ?.partitions.find((p) => p.partitionIndex === poison.partition);
        expect(committed === undefined || committed.committedOffset <= poison.offset).toBe(true);
      } finally {
        await admin.close();
      }
    });
  });
});
