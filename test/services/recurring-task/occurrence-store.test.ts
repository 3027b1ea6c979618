/**
 * Exactly one next occurrence per completion, against the real PostgreSQL and
 * broker, including the crash window between publishing and recording.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { TaskEvent } from '../../../services/lib/events.js';
import type { KafkaEventPublisher } from '../../../services/lib/kafka-publisher.js';
import { nextOccurrenceOf } from '../../../services/recurring-task/occurrence.js';
import { publishNextOccurrenceOnce } from '../../../services/recurring-task/occurrence-store.js';
import { migrate } from '../../../services/recurring-task/schema.js';
import { describeWithBroker, readLocalEnv } from '../../support/local-env.js';
import { publisherAs, RUN_ID, TopicWatcher, until } from './broker-harness.js';

describeWithBroker('publishing the next occurrence once', () => {
  const user = `rt-once-${RUN_ID}`;
  let pool: pg.Pool;
  let publisher: KafkaEventPublisher;
  let watcher: TopicWatcher;

  const completion = (data: Partial<TaskEvent['task_data']> = {}): TaskEvent => ({
    event_id: randomUUID(),
    event_type: 'completed',
    timestamp: '2031-03-01T10:00:00Z',
    user_id: user,
    task_id: 77,
    task_data: { title: 'Stand-up', completed: true, due_date: '2031-03-01T09:00:00Z', recurring: 'daily', ...data },
  });
  const published = (eventId: string) => watcher.records.filter((r) => r.topic === 'task-events' && r.value.event_id === eventId);

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: readLocalEnv().databaseUrl, max: 4 });
    await migrate(pool);
    // The service's own user: what it is allowed to write is what this test writes.
    publisher = publisherAs('recurring-task-service');
    watcher = await TopicWatcher.start(['task-events'], (value) => value.user_id === user);
  }, 30_000);

  afterAll(async () => {
    await pool?.query('DELETE FROM recurring_occurrences WHERE user_id = $1', [user]);
    await pool?.end();
    await publisher?.close();
    await watcher?.close();
  });

  test('a crash after publishing and before recording republishes the identical event, and then never again', async () => {
    const completed = completion();
    const next = nextOccurrenceOf(completed);
    if (next.kind !== 'next') throw new Error('expected a next occurrence');
    const crashAfterPublish = async (event: TaskEvent) => {
      await publisher.publish('task-events', event);
      throw new Error('process killed before COMMIT');
    };
    await expect(publishNextOccurrenceOnce(pool, completed, next, crashAfterPublish)).rejects.toThrow('process killed before COMMIT');
    const recorded = async () =>
      (await pool.query('SELECT count(*)::int AS n FROM recurring_occurrences WHERE source_event_id = $1', [completed.event_id])).rows[0].n;
    expect(await recorded()).toBe(0);

    // The redelivered completion computes the same event and publishes it again.
    const redelivered = nextOccurrenceOf(completed);
    expect(await publishNextOccurrenceOnce(pool, completed, redelivered as typeof next, (e) => publisher.publish('task-events', e))).toBe(
      'published',
    );
    expect(await publishNextOccurrenceOnce(pool, completed, redelivered as typeof next, (e) => publisher.publish('task-events', e))).toBe(
      'duplicate',
    );
    expect(await recorded()).toBe(1);

    await until(() => published(next.event.event_id).length === 2, 'both copies on the topic');
    const [first, second] = published(next.event.event_id);
    expect(second!.raw).toBe(first!.raw);
    expect((first!.value.task_data as { due_date: string }).due_date).toBe('2031-03-02T09:00:00Z');
  }, 30_000);

  test('two consumers handling the same completion at once publish it once', async () => {
    const completed = completion();
    const next = nextOccurrenceOf(completed);
    if (next.kind !== 'next') throw new Error('expected a next occurrence');
    const slowPublish = async (event: TaskEvent) => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      await publisher.publish('task-events', event);
    };
    const outcomes = await Promise.all([
      publishNextOccurrenceOnce(pool, completed, next, slowPublish),
      publishNextOccurrenceOnce(pool, completed, next, slowPublish),
    ]);
    expect(outcomes.sort()).toEqual(['duplicate', 'published']);
    await until(() => published(next.event.event_id).length >= 1, 'the occurrence on the topic');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(published(next.event.event_id)).toHaveLength(1);
  }, 30_000);

  test('a series past its until is recorded without publishing', async () => {
    const completed = completion({ recurring: { frequency: 'daily', until: '2031-03-01T23:00:00Z' } as never });
    const next = nextOccurrenceOf(completed);
    expect(next.kind).toBe('series-ended');
    const calls: TaskEvent[] = [];
    const publish = async (event: TaskEvent) => void calls.push(event);
    expect(await publishNextOccurrenceOnce(pool, completed, next as Exclude<typeof next, { kind: 'not-recurring' }>, publish)).toBe(
      'series-ended',
    );
    expect(calls).toEqual([]);
    const { rows } = await pool.query('SELECT next_event_id, next_task_id FROM recurring_occurrences WHERE source_event_id = $1', [
      completed.event_id,
    ]);
    expect(rows).toEqual([{ next_event_id: null, next_task_id: null }]);
  });
});
