/**
 * The audit service end to end on the local broker and PostgreSQL:
 * spec-shaped events in, one row each out, on the Java client's partitions,
 * in per-user order, never twice, with poison messages dead-lettered.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { auditService } from '../../../services/audit/index.js';
import type { DeadLetterEnvelope } from '../../../services/lib/dead-letter.js';
import { createKafkaProducer } from '../../../services/lib/kafka-publisher.js';
import { partitionForKey } from '../../../services/lib/partitioner.js';
import type { RunningService } from '../../../services/lib/service.js';
import type { TaskEvent } from '../../../services/lib/events.js';
import { describeWithBroker, readLocalEnv } from '../../support/local-env.js';
import {
  endOffsets,
  localPool,
  publisherAs,
  setGroupOffsets,
  startInGroup,
  taskEvent,
  TEST_RETRY,
  TopicWatcher,
  uniqueGroup,
  until,
  untilService,
  type Offsets,
} from '../lib/broker-support.js';

interface AuditRecord {
  event_id: string;
  event_type: string;
  user_id: string;
  task_id: string;
  occurred_at: Date;
  payload: TaskEvent;
  topic: string;
  partition: number;
  offset: string;
  recorded_at: Date;
}

async function rowsFor(pool: pg.Pool, ids: readonly string[]): Promise<AuditRecord[]> {
  const result = await pool.query<AuditRecord>('SELECT * FROM audit_events WHERE event_id = ANY($1::uuid[]) ORDER BY "offset"', [ids]);
  return result.rows;
}

describeWithBroker('audit service on the local broker', () => {
  let pool: pg.Pool;
  beforeAll(() => {
    pool = localPool();
  });
  afterAll(() => pool.end());

  describe('a run of spec-shaped events from eight users', () => {
    const group = uniqueGroup('audit');
    const users = Array.from({ length: 8 }, () => `user-${randomUUID()}`);
    // Five events per user, in the order the producing app emits them.
    const events = users.flatMap((user, u) =>
      (['created', 'updated', 'updated', 'completed', 'deleted'] as const).map((type) => taskEvent(user, 1000 + u, type)),
    );
    const ids = events.map((e) => e.event_id);
    let before: Offsets;
    let service: RunningService;

    beforeAll(async () => {
      before = await endOffsets(['task-events']);
      await setGroupOffsets(group, before);
      const started = await startInGroup(auditService, group);
      service = started.service;
      const producer = publisherAs('todo-api');
      try {
        // One request for the first half, one per event for the rest: both paths keep per-key order.
        await producer.publishAll('task-events', events.slice(0, 20));
        for (const event of events.slice(20)) await producer.publish('task-events', event);
      } finally {
        await producer.close();
      }
      await untilService(started, async () => (await rowsFor(pool, ids)).length === events.length, 'all audit rows');
    }, 60_000);
    afterAll(() => service?.close());

    it('records each event once with its type, user, task, time, payload, topic, partition and offset', async () => {
      const rows = await rowsFor(pool, ids);
      expect(rows).toHaveLength(events.length);
      const byId = new Map(rows.map((r) => [r.event_id, r]));
      for (const event of events) {
        const row = byId.get(event.event_id)!;
        expect([row.event_type, row.user_id, Number(row.task_id), row.occurred_at.toISOString(), row.topic]).toEqual([
          event.event_type,
          event.user_id,
          event.task_id,
          new Date(event.timestamp).toISOString(),
          'task-events',
        ]);
        expect(row.payload).toEqual(event);
        expect(BigInt(row.offset) >= before.find((o) => o.partition === row.partition)!.offset).toBe(true);
      }
    });

    it('finds every user on the partition the Java client computes from its user_id (murmur2)', async () => {
      const rows = await rowsFor(pool, ids);
      for (const row of rows) expect(row.partition).toBe(partitionForKey(row.user_id, 3));
      // Eight users spread over more than one of the three partitions, so the check has teeth.
      expect(new Set(rows.map((r) => r.partition)).size).toBeGreaterThan(1);
    });

    it("keeps each user's events in the order they were produced", async () => {
      const rows = await rowsFor(pool, ids);
      for (const user of users) {
        const produced = events.filter((e) => e.user_id === user).map((e) => e.event_id);
        const stored = rows.filter((r) => r.user_id === user).sort((a, b) => Number(BigInt(a.offset) - BigInt(b.offset)));
        expect(stored.map((r) => r.event_id)).toEqual(produced);
      }
    });

    it('adds no second row when the same events are delivered again', async () => {
      const first = await rowsFor(pool, ids);
      await service.close();
      await setGroupOffsets(group, before);
      const restarted = await startInGroup(auditService, group);
      service = restarted.service;
      await untilService(
        restarted,
        async () => (await service.metrics.processedCount('task-events', 'success')) >= events.length,
        'redelivered events handled',
      );
      const again = await rowsFor(pool, ids);
      expect(again).toHaveLength(events.length);
      expect(again.map((r) => r.recorded_at.getTime())).toEqual(first.map((r) => r.recorded_at.getTime()));
    });

    it('reports the lag of its partitions, zero once caught up', async () => {
      await until(
        async () =>
          (await service.metrics.render()).includes(
            'todo_events_consumer_lag{service="audit-service",topic="task-events",partition="0"} 0',
          ),
        'lag gauge',
        10_000,
      );
    });
  });

  describe('poison messages', () => {
    const group = uniqueGroup('audit-poison');
    const user = `user-${randomUUID()}`;
    const marker = randomUUID();
    const invalid = { ...taskEvent(user, 7), task_data: { title: '', completed: 'no' } };
    const valid = [taskEvent(user, 8), taskEvent(user, 9, 'completed')];
    let service: RunningService;
    let watcher: TopicWatcher;

    beforeAll(async () => {
      await setGroupOffsets(group, await endOffsets(['task-events']));
      watcher = await TopicWatcher.start(
        ['task-events-dlq'],
        (v) => JSON.stringify(v).includes(marker) || JSON.stringify(v).includes(invalid.event_id),
      );
      const started = await startInGroup(auditService, group);
      service = started.service;
      const local = readLocalEnv().userEnv('todo-api');
      const producer = createKafkaProducer(
        {
          bootstrapServers: [local.bootstrapServers],
          securityProtocol: 'SASL_PLAINTEXT',
          saslMechanism: local.saslMechanism,
          username: local.username,
          password: local.password,
        },
        `test-poison-${marker}`,
        TEST_RETRY,
      );
      try {
        // Same key as the valid events: the poison sits in front of them on one partition.
        await producer.send({ messages: [{ topic: 'task-events', key: user, value: Buffer.from(`not json ${marker}`) }] });
        await producer.send({ messages: [{ topic: 'task-events', key: user, value: Buffer.from(JSON.stringify(invalid)) }] });
      } finally {
        await producer.close();
      }
      const publisher = publisherAs('todo-api');
      await publisher.publishAll('task-events', valid);
      await publisher.close();
      await untilService(started, () => watcher.records.length === 2, 'two dead letters');
      await untilService(
        started,
        async () =>
          (
            await rowsFor(
              pool,
              valid.map((e) => e.event_id),
            )
          ).length === 2,
        'valid events after the poison',
      );
    }, 60_000);
    afterAll(async () => {
      await watcher?.close();
      await service?.close();
    });

    it('writes a message that is not JSON to the dead-letter topic with the reason and where it came from', () => {
      const letter = watcher.records.find((r) => r.raw.includes(marker))!.value as unknown as DeadLetterEnvelope;
      expect(letter.original_message).toEqual({ value: `not json ${marker}`, value_encoding: 'utf8', key: user, headers: {} });
      expect(letter.error.code).toBe('MESSAGE_MALFORMED');
      expect(letter.error.message).toMatch(/^message on task-events is not JSON: /);
      expect(letter.source).toMatchObject({ topic: 'task-events', partition: partitionForKey(user, 3) });
      expect([letter.service, letter.attempts, typeof letter.source.offset, typeof letter.timestamp]).toEqual([
        'audit-service',
        0,
        'number',
        'string',
      ]);
    });

    it('writes an event that breaks the schema to the dead-letter topic with every problem', () => {
      const letter = watcher.records.find((r) => r.raw.includes(invalid.event_id))!.value as unknown as DeadLetterEnvelope;
      expect(letter.error).toEqual({
        code: 'EVENT_INVALID',
        message:
          'invalid task-events event: task_data.title: must be a non-empty string, got ""; task_data.completed: must be true or false, got "no"',
      });
      expect(JSON.parse(letter.original_message.value!)).toEqual(invalid);
    });

    it('keeps consuming: the events behind the poison are recorded, and no row exists for the poison', async () => {
      expect(await rowsFor(pool, [invalid.event_id])).toEqual([]);
      expect(
        (
          await rowsFor(
            pool,
            valid.map((e) => e.event_id),
          )
        ).map((r) => r.event_id),
      ).toEqual(valid.map((e) => e.event_id));
    });

    it('counts the dead letters and the successes (at least ours: other suites share the topic)', async () => {
      expect(await service.metrics.processedCount('task-events', 'dead_letter')).toBeGreaterThanOrEqual(2);
      expect(await service.metrics.processedCount('task-events', 'success')).toBeGreaterThanOrEqual(2);
    });
  });
});
