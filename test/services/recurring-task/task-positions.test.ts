/**
 * The order of a task's events on the real PostgreSQL: by the event's
 * position in `task-events` (partition, offset), not by the producer's
 * `timestamp`; replays from the dead-letter topic by their original
 * position. And the retention of the recurring-task tables.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { REPLAY_HEADERS, deadLetterEnvelope, replayRecord } from '../../../services/lib/dead-letter.js';
import type { TaskEvent } from '../../../services/lib/events.js';
import { ReminderScheduler } from '../../../services/recurring-task/reminder-scheduler.js';
import { migrate } from '../../../services/recurring-task/schema.js';
import { RecurringTaskHandler, type PositionedContext } from '../../../services/recurring-task/service.js';
import { eventPosition } from '../../../services/recurring-task/task-positions.js';
import { describeWithBroker, readLocalEnv } from '../../support/local-env.js';
import { memoryLogger, RUN_ID } from './broker-harness.js';

const NOW = new Date('2031-05-01T10:00:00Z');

describe('eventPosition', () => {
  it("is where the event was read, or a replay's original position when it names the same topic", () => {
    expect(eventPosition({ topic: 'task-events', partition: 2, offset: 40n, headers: {} })).toEqual({ partition: 2, offset: 40n });
    const replayed = {
      [REPLAY_HEADERS.sourceTopic]: 'task-events',
      [REPLAY_HEADERS.sourcePartition]: '2',
      [REPLAY_HEADERS.sourceOffset]: '7',
    };
    expect(eventPosition({ topic: 'task-events', partition: 2, offset: 40n, headers: replayed })).toEqual({ partition: 2, offset: 7n });
    expect(
      eventPosition({ topic: 'task-events', partition: 2, offset: 40n, headers: { ...replayed, [REPLAY_HEADERS.sourceTopic]: 'other' } }),
    ).toEqual({
      partition: 2,
      offset: 40n,
    });
    expect(
      eventPosition({ topic: 'task-events', partition: 2, offset: 40n, headers: { ...replayed, [REPLAY_HEADERS.sourceOffset]: '-1' } }),
    ).toEqual({
      partition: 2,
      offset: 40n,
    });
    expect(eventPosition({ topic: 'task-events', partition: null, offset: null, headers: {} })).toEqual({ partition: null, offset: null });
    expect(eventPosition(undefined)).toEqual({ partition: null, offset: null });
  });
});

describeWithBroker('recurring-task orders a task’s events by offset', () => {
  const user = `rt-order-${RUN_ID}`;
  let pool: pg.Pool;
  let handler: RecurringTaskHandler;
  let nextTask = 1;

  const event = (
    type: TaskEvent['event_type'],
    taskId: number,
    timestamp: string,
    data: Partial<TaskEvent['task_data']> = {},
  ): TaskEvent => ({
    event_id: randomUUID(),
    event_type: type,
    timestamp,
    user_id: user,
    task_id: taskId,
    task_data: { title: `task ${taskId}`, completed: type === 'completed', due_date: '2031-05-20T10:00:00Z', ...data },
  });
  const at = (offset: number, headers: Record<string, string> = {}): PositionedContext => ({
    topic: 'task-events',
    partition: 1,
    offset: BigInt(offset),
    headers,
  });
  const reminders = async (taskId: number) =>
    (
      await pool.query(
        'SELECT reminder_type, state, due_at FROM reminder_schedule WHERE user_id = $1 AND task_id = $2 ORDER BY reminder_type',
        [user, taskId],
      )
    ).rows.map(
      (r: { reminder_type: string; state: string; due_at: Date }) => `${r.reminder_type}:${r.state}:${r.due_at.toISOString().slice(0, 10)}`,
    );
  /** What replaying `original` (read at `offset`) from the dead-letter topic looks like when it arrives again at `replayedAt`. */
  const replay = (original: TaskEvent, offset: number, replayedAt: number): PositionedContext => {
    const letter = deadLetterEnvelope(
      {
        topic: 'task-events',
        partition: 1,
        offset: BigInt(offset),
        key: user,
        headers: {},
        value: Buffer.from(JSON.stringify(original)),
        timestamp: null,
      },
      new Error('database was down'),
      'recurring-task-service',
      3,
    );
    return at(replayedAt, { ...replayRecord(letter).headers });
  };

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: readLocalEnv().databaseUrl, max: 4 });
    await migrate(pool);
    const publisher = { publish: async () => ({ topic: 'task-events' }) };
    handler = new RecurringTaskHandler(pool, publisher, memoryLogger().log, undefined, () => NOW);
  });

  afterAll(async () => {
    for (const table of ['reminder_schedule', 'recurring_occurrences', 'task_event_positions'])
      await pool.query(`DELETE FROM ${table} WHERE user_id = $1`, [user]);
    await pool.end();
  });

  test('a later event with an earlier timestamp (a producer with a skewed clock) still wins', async () => {
    const task = nextTask++;
    await handler.handle(event('created', task, '2031-05-01T10:00:05Z'), at(10));
    await handler.handle(event('updated', task, '2031-05-01T10:00:00Z', { due_date: '2031-05-25T10:00:00Z' }), at(11));
    expect(await reminders(task)).toEqual(['1_day_before:pending:2031-05-25', '1_hour_before:pending:2031-05-25']);
  });

  test('of two events with the same timestamp, the one behind wins, and redelivering the first changes nothing', async () => {
    const task = nextTask++;
    const created = event('created', task, '2031-05-01T10:00:00Z');
    await handler.handle(created, at(20));
    await handler.handle(event('deleted', task, '2031-05-01T10:00:00Z'), at(21));
    expect(await reminders(task)).toEqual(['1_day_before:cancelled:2031-05-20', '1_hour_before:cancelled:2031-05-20']);
    await handler.handle(created, at(20));
    expect(await reminders(task)).toEqual(['1_day_before:cancelled:2031-05-20', '1_hour_before:cancelled:2031-05-20']);
  });

  test('a replay from the dead-letter topic of an event older than a cancellation does not re-activate the reminders', async () => {
    const task = nextTask++;
    // "created" failed and was dead-lettered; "completed" then cancelled a task that had no reminders yet.
    const created = event('created', task, '2031-05-01T10:00:00Z');
    await handler.handle(event('completed', task, '2031-05-01T10:05:00Z'), at(31));
    expect(await reminders(task)).toEqual([]);
    // The replay arrives much later, at a new offset, and carries where it first was.
    await handler.handle(created, replay(created, 30, 90));
    expect(await reminders(task)).toEqual([]);
  });

  test('a replay of an event newer than anything applied is applied, by its original position', async () => {
    const task = nextTask++;
    await handler.handle(event('created', task, '2031-05-01T10:00:00Z'), at(40));
    const moved = event('updated', task, '2031-05-01T10:01:00Z', { due_date: '2031-05-28T10:00:00Z' });
    await handler.handle(moved, replay(moved, 41, 95));
    expect(await reminders(task)).toEqual(['1_day_before:pending:2031-05-28', '1_hour_before:pending:2031-05-28']);
  });

  test('in a batch the same rules hold, and a batch that fails leaves no position behind', async () => {
    const task = nextTask++;
    const created = event('created', task, '2031-05-01T10:00:09Z');
    const moved = event('updated', task, '2031-05-01T10:00:01Z', { due_date: '2031-05-26T10:00:00Z' });
    const signal = new AbortController().signal;
    const received = (e: TaskEvent, offset: number) => ({
      event: e,
      context: { ...at(offset), key: user, headers: {}, attempt: 1, signal } as never,
    });
    const bad = event('completed', task, '2031-05-01T10:00:02Z', { recurring: { frequency: 'weekly', interval: 0 } as never });
    await expect(handler.handleBatch([received(created, 50), received(bad, 51)])).rejects.toMatchObject({ canRetry: false });
    expect((await pool.query('SELECT 1 FROM task_event_positions WHERE user_id = $1 AND task_id = $2', [user, task])).rowCount).toBe(0);
    await handler.handleBatch([received(created, 50), received(moved, 52), received(created, 50)]);
    expect(await reminders(task)).toEqual(['1_day_before:pending:2031-05-26', '1_hour_before:pending:2031-05-26']);
  });

  test('without positions (Dapr mode) the timestamp orders, newer or equal', async () => {
    const task = nextTask++;
    const dapr = { topic: 'task-events', partition: null, offset: null, headers: {} };
    await handler.handle(event('created', task, '2031-05-01T10:00:05Z'), dapr);
    await handler.handle(event('updated', task, '2031-05-01T10:00:00Z', { due_date: '2031-05-25T10:00:00Z' }), dapr);
    expect(await reminders(task)).toEqual(['1_day_before:pending:2031-05-20', '1_hour_before:pending:2031-05-20']);
  });
});

describeWithBroker('retention of the recurring-task tables', () => {
  const user = `rt-retention-${RUN_ID}`;
  let pool: pg.Pool;

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: readLocalEnv().databaseUrl, max: 3 });
    await migrate(pool);
  });
  afterAll(async () => {
    for (const table of ['reminder_schedule', 'recurring_occurrences', 'task_event_positions'])
      await pool.query(`DELETE FROM ${table} WHERE user_id = $1`, [user]);
    await pool.end();
  });

  const insertReminder = (taskId: number, state: string, updatedAt: string) =>
    pool.query(
      `INSERT INTO reminder_schedule (user_id, task_id, reminder_type, remind_at, due_at, title, state, event_id, source_event_id, task_event_at, updated_at)
       VALUES ($1, $2, '1_day_before', '2000-01-01', '2000-01-02', 't', $3, $4, $5, '2000-01-01', $6)`,
      [user, taskId, state, randomUUID(), randomUUID(), updatedAt],
    );
  const insertPosition = (taskId: number, updatedAt: string) =>
    pool.query(
      `INSERT INTO task_event_positions (user_id, task_id, source_partition, source_offset, event_at, event_id, updated_at) VALUES ($1, $2, 0, 1, '2000-01-01', $3, $4)`,
      [user, taskId, randomUUID(), updatedAt],
    );
  const insertOccurrence = (taskId: number, recordedAt: string) =>
    pool.query(`INSERT INTO recurring_occurrences (source_event_id, user_id, task_id, recorded_at) VALUES ($1, $2, $3, $4)`, [
      randomUUID(),
      user,
      taskId,
      recordedAt,
    ]);
  const left = async (table: string) =>
    (await pool.query(`SELECT task_id FROM ${table} WHERE user_id = $1 ORDER BY task_id`, [user])).rows.map((r: { task_id: string }) =>
      Number(r.task_id),
    );

  test('the scheduler deletes settled reminders, positions and handled completions older than the retention, and keeps pending and recent ones', async () => {
    // "Now" is 2000-07-01 and the retention 30 days: the cutoff is 2000-06-01, before every other suite's rows.
    for (const [task, state] of [
      [1, 'sent'],
      [2, 'cancelled'],
      [3, 'skipped'],
      [4, 'expired'],
      [5, 'pending'],
    ] as const)
      await insertReminder(task, state, '2000-05-01');
    await insertReminder(6, 'sent', '2000-06-15');
    await insertPosition(1, '2000-05-01');
    await insertPosition(6, '2000-06-15');
    await insertOccurrence(1, '2000-05-01');
    await insertOccurrence(6, '2000-06-15');

    const pruned: unknown[] = [];
    const scheduler = new ReminderScheduler(
      pool,
      async () => undefined,
      memoryLogger().log,
      { retentionMs: 30 * 86_400_000, pruneIntervalMs: 3_600_000, pollIntervalMs: 10 },
      { pruned: (result) => pruned.push(result) },
      () => new Date('2000-07-01T00:00:00Z'),
    );
    // Its loop prunes on its first round, then at most once per interval (an hour here): one pruning, however many rounds run.
    scheduler.start();
    try {
      for (const deadline = Date.now() + 10_000; pruned.length === 0;) {
        if (Date.now() > deadline) throw new Error('the scheduler never pruned');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await scheduler.stop();
    }
    expect(pruned).toHaveLength(1);
    expect(pruned[0]).toMatchObject({ reminders: expect.any(Number), positions: expect.any(Number), occurrences: expect.any(Number) });
    expect(await left('reminder_schedule')).toEqual([5, 6]);
    expect(await left('task_event_positions')).toEqual([6]);
    expect(await left('recurring_occurrences')).toEqual([6]);
  });
});
