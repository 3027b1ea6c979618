/**
 * The direct-Kafka consumer runner on the local broker: an event the handler
 * rejects is retried per the policy and dead-lettered with the reason while
 * the partition keeps moving; a failing dependency holds the event until it
 * heals, without a dead letter; offsets are committed only for what was
 * handled; close is graceful and idempotent; a wrong password is refused.
 */
import { randomUUID } from 'node:crypto';
import { Admin } from '@platformatic/kafka';
import type { DeadLetterEnvelope } from '../../../services/lib/dead-letter.js';
import { PermanentError, TransientError } from '../../../services/lib/errors.js';
import type { TaskEvent } from '../../../services/lib/events.js';
import type { ServiceDefinition } from '../../../services/lib/handler.js';
import { loadServiceConfig } from '../../../services/lib/config.js';
import { KafkaConsumerRunner } from '../../../services/lib/kafka-consumer.js';
import { MessageProcessor } from '../../../services/lib/message-processor.js';
import { ServiceMetrics } from '../../../services/lib/metrics.js';
import { runService, type RunningService } from '../../../services/lib/service.js';
import { describeWithBroker, readLocalEnv } from '../../support/local-env.js';
import {
  adminProducer,
  memoryLogger,
  privateTopics,
  serviceEnv,
  startInGroup,
  taskEvent,
  TEST_RETRY,
  TopicWatcher,
  uniqueGroup,
  until,
  untilService,
} from './broker-support.js';

describeWithBroker('consumer runner on the local broker', () => {
  describe('a handler that throws', () => {
    const group = uniqueGroup('runner');
    const marker = randomUUID().slice(0, 8);
    // Private topics: exact counters, whatever other suites write to the shared ones.
    const topic = `test-task-events-${marker}`;
    const deadLetterTopic = `test-dlq-${marker}`;
    let deleteTopics: () => Promise<void>;
    const user = `user-${randomUUID()}`;
    const titles = ['ok-1', 'transient', 'ok-2', 'permanent', 'ok-3', 'bug', 'ok-4'];
    const events = titles.map((title, i) => taskEvent(user, 500 + i, 'created', `${title} ${marker}`));
    const calls = new Map<string, number>();
    const handled: string[] = [];
    const definition: ServiceDefinition<TaskEvent> = {
      name: 'audit',
      start: async () => ({
        handle: async (event) => {
          const title = event.task_data.title.split(' ')[0]!;
          calls.set(title, (calls.get(title) ?? 0) + 1);
          // The database refuses twice, then answers: held and retried, never dead-lettered.
          if (title === 'transient' && calls.get(title)! <= 2) throw new TransientError('lock timeout', { code: 'POSTGRES_55P03' });
          if (title === 'permanent') throw new PermanentError('task belongs to a deleted user', { code: 'USER_DELETED' });
          if (title === 'bug') throw new TypeError("Cannot read properties of undefined (reading 'id')");
          handled.push(title);
        },
      }),
    };
    let started: Awaited<ReturnType<typeof startInGroup>>;
    let watcher: TopicWatcher;

    beforeAll(async () => {
      deleteTopics = await privateTopics([topic, deadLetterTopic]);
      watcher = await TopicWatcher.start([deadLetterTopic], (v) => JSON.stringify(v).includes(marker));
      started = await startInGroup(definition, group, { KAFKA_TOPICS: topic, KAFKA_DLQ_TOPIC: deadLetterTopic }, { [topic]: 'task-event' });
      const producer = adminProducer(`test-runner-${marker}`);
      await producer.send({ messages: events.map((event) => ({ topic, key: user, value: Buffer.from(JSON.stringify(event)) })) });
      await producer.close();
      await untilService(started, () => handled.length === 5 && watcher.records.length === 2, 'five events handled and two dead letters');
    }, 60_000);
    afterAll(async () => {
      await watcher?.close();
      await started?.service.close();
      await deleteTopics?.();
    });

    it('handles the events behind each failure, in order: the partition keeps moving', () => {
      expect(handled).toEqual(['ok-1', 'transient', 'ok-2', 'ok-3', 'ok-4']);
    });

    it('holds an event through a dependency failure until it heals, tries a failing event 3 times and a rejected one once', () => {
      expect(Object.fromEntries(calls)).toEqual({ 'ok-1': 1, transient: 3, 'ok-2': 1, permanent: 1, 'ok-3': 1, bug: 3, 'ok-4': 1 });
    });

    it('dead-letters each event at fault with its error, attempts, source and original bytes, and never one held for a dependency', () => {
      const letters = watcher.records.map((r) => r.value as unknown as DeadLetterEnvelope);
      expect(letters.map((l) => [JSON.parse(l.original_message.value!).task_data.title.split(' ')[0], l.error, l.attempts])).toEqual([
        ['permanent', { code: 'USER_DELETED', message: 'task belongs to a deleted user' }, 1],
        ['bug', { code: 'HANDLER_ERROR', message: "Cannot read properties of undefined (reading 'id')" }, 3],
      ]);
      for (const letter of letters) {
        expect(letter.source.topic).toBe(topic);
        expect(letter.original_message.key).toBe(user);
        expect(letter.service).toBe('audit-service');
      }
      // Dead letters keep the user's key: the dead-letter topic preserves per-user order too.
      expect(watcher.records.every((r) => r.key === user)).toBe(true);
    });

    it('counts 5 successes, 4 retries and 2 dead letters', async () => {
      const count = (outcome: 'success' | 'retry' | 'dead_letter') => started.service.metrics.processedCount(topic, outcome);
      expect([await count('success'), await count('retry'), await count('dead_letter')]).toEqual([5, 4, 2]);
    });

    it('commits the offset after the last handled event, and closes gracefully and idempotently', async () => {
      const last = Math.max(...watcher.records.map((r) => (r.value as unknown as DeadLetterEnvelope).source.offset!));
      const partition = (watcher.records[0]!.value as unknown as DeadLetterEnvelope).source.partition!;
      await Promise.all([started.service.close(), started.service.close()]);
      const admin = new Admin({ clientId: `test-${marker}`, bootstrapBrokers: [readLocalEnv().plaintextBootstrapServers] });
      try {
        const [committed] = await admin.listConsumerGroupOffsets({ groups: [group] });
        const offset = committed!.topics
          .find((t) => t.name === topic)!
          .partitions.find((p) => p.partitionIndex === partition)!.committedOffset;
        // 'ok-4' follows the last dead letter ('bug') on the same partition.
        expect(offset).toBe(BigInt(last) + 2n);
      } finally {
        await admin.close();
      }
    });
  });

  describe('a failed rejoin (the client emits error)', () => {
    const group = uniqueGroup('rejoin');
    const marker = randomUUID().slice(0, 8);
    const topic = `test-task-events-${marker}`;
    const handled: string[] = [];
    let deleteTopics: () => Promise<void>;
    let runner: KafkaConsumerRunner;
    const { log, lines } = memoryLogger();

    beforeAll(async () => {
      deleteTopics = await privateTopics([topic]);
      const processor = new MessageProcessor({
        service: 'audit-service',
        handler: { handle: async (event) => void handled.push((event as TaskEvent).task_data.title) },
        retry: TEST_RETRY,
        metrics: new ServiceMetrics('audit-service', { defaultMetrics: false }),
        log,
        signal: new AbortController().signal,
        eventKindOf: () => 'task-event',
        deadLetter: async () => {},
      });
      const config = loadServiceConfig('audit', serviceEnv(group, { KAFKA_TOPICS: topic }));
      runner = new KafkaConsumerRunner({
        config,
        processor,
        log,
        metrics: new ServiceMetrics('audit-service', { defaultMetrics: false }),
        retry: TEST_RETRY,
        tuning: { maxWaitMs: 100 },
      });
      runner.start();
      await until(() => runner.isReady(), 'the runner ready', 30_000);
    }, 60_000);
    afterAll(async () => {
      await runner?.stop();
      await deleteTopics?.();
    });

    it('ends the session instead of the process, is not ready meanwhile, and resumes consuming', async () => {
      // What @platformatic/kafka does when a heartbeat-driven rejoin fails (coordinator failover): emit 'error' on the consumer.
      const consumer = (runner as unknown as { consumer: NodeJS.EventEmitter }).consumer;
      consumer.emit('error', new Error('joinGroup failed 3 times.'));
      expect(runner.isReady()).toBe(false);
      await until(
        () => lines.some((l) => l.msg === 'consumer session failed; resuming from committed offsets'),
        'the session ended',
        10_000,
      );
      await until(() => runner.isReady(), 'a new session', 30_000);
      const producer = adminProducer(`test-rejoin-${marker}`);
      await producer.send({
        messages: [{ topic, key: 'u', value: Buffer.from(JSON.stringify(taskEvent('u', 1, 'created', `after ${marker}`))) }],
      });
      await producer.close();
      await until(() => handled.includes(`after ${marker}`), 'an event consumed by the new session', 30_000);
    }, 60_000);
  });

  describe('authentication', () => {
    let service: RunningService | undefined;
    afterAll(() => service?.close());

    it('refuses a wrong SASL password: the service stays not ready and logs an authentication error', async () => {
      const { log, lines } = memoryLogger();
      service = await runService(
        { name: 'audit', start: async () => ({ handle: async () => {} }) },
        {
          env: serviceEnv(uniqueGroup('badpass'), { KAFKA_PASSWORD: 'wrong-password' }),
          logger: log,
          retry: TEST_RETRY,
          tuning: { maxWaitMs: 100 },
        },
      );
      await until(
        () => lines.some((l) => l.msg === 'consumer session failed; resuming from committed offsets'),
        'a failed session',
        20_000,
      );
      const failure = lines.find((l) => l.msg === 'consumer session failed; resuming from committed offsets')!;
      expect(JSON.stringify(failure.err)).toMatch(/SASL authentication failed|Authentication failed/);
      expect(service.isReady()).toBe(false);
      const ready = await fetch(`http://127.0.0.1:${service.port}/readyz`);
      // A broker refusing the credentials is a failing dependency: readiness and the gauge the alerts read say so.
      expect([ready.status, await ready.json()]).toEqual([503, { status: 'not ready', failing: ['dependencies', 'kafka'] }]);
      expect(await service.metrics.dependencyState('kafka')).toBe(0);
    });
  });
});
