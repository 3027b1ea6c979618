/**
 * The recurring-task handler's batch path against the real PostgreSQL: the
 * reminder changes of a batch commit together, and a failing batch leaves
 * nothing behind for the library's one-by-one replay to trip over.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { TaskEvent } from '../../../services/lib/events.js';
import type { ReceivedEvent } from '../../../services/lib/handler.js';
import { classify } from '../../../services/lib/classify.js';
import { migrate } from '../../../services/recurring-task/schema.js';
import { RecurringTaskHandler } from '../../../services/recurring-task/service.js';
import { describeWithBroker, readLocalEnv } from '../../support/local-env.js';
import { memoryLogger, RUN_ID } from './broker-harness.js';

describeWithBroker('recurring-task handler batches', () => {
  const user = `rt-batch-${RUN_ID}`;
  let pool: pg.Pool;
  let handler: RecurringTaskHandler;
  const published: TaskEvent[] = [];

  const event = (type: TaskEvent['event_type'], taskId: number, data: Partial<TaskEvent['task_data']> = {}): TaskEvent => ({
    event_id: randomUUID(),
    event_type: type,
    timestamp: '2031-05-01T10:00:00Z',
    user_id: user,
    task_id: taskId,
    task_data: { title: `task ${taskId}`, completed: type === 'completed', due_date: '2031-05-20T10:00:00Z', ...data },
  });
  const received = (events: TaskEvent[]): ReceivedEvent<TaskEvent>[] =>
    events.map((e, i) => ({
      event: e,
      context: {
        topic: 'task-events',
        partition: 0,
        offset: BigInt(i),
        key: user,
        headers: {},
        attempt: 1,
        signal: new AbortController().signal,
      },
    }));
  const states = async (taskId: number) =>
    (
      await pool.query('SELECT state FROM reminder_schedule WHERE user_id = $1 AND task_id = $2 ORDER BY reminder_type', [user, taskId])
    ).rows.map((r: { state: string }) => r.state);

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: readLocalEnv().databaseUrl, max: 4 });
    await migrate(pool);
    const publisher = { publish: async (_topic: string, e: unknown) => void published.push(e as TaskEvent) } as never;
    handler = new RecurringTaskHandler(pool, publisher, memoryLogger().log, undefined, () => new Date('2031-05-01T10:00:00Z'));
  });

  afterAll(async () => {
    await pool.query('DELETE FROM reminder_schedule WHERE user_id = $1', [user]);
    await pool.query('DELETE FROM recurring_occurrences WHERE user_id = $1', [user]);
    await pool.query('DELETE FROM task_event_positions WHERE user_id = $1', [user]);
    await pool.end();
  });

  test('a batch applies its events in order: created, moved, completed', async () => {
    await handler.handleBatch(
      received([
        event('created', 1),
        event('updated', 1, { due_date: '2031-05-25T10:00:00Z' }),
        event('created', 2),
        event('completed', 2, { recurring: 'weekly' }),
      ]),
    );
    const { rows } = await pool.query('SELECT due_at FROM reminder_schedule WHERE user_id = $1 AND task_id = 1', [user]);
    expect(rows.map((r: { due_at: Date }) => r.due_at)).toEqual([new Date('2031-05-25T10:00:00Z'), new Date('2031-05-25T10:00:00Z')]);
    expect(await states(2)).toEqual(['cancelled', 'cancelled']);
    expect(published.map((e) => [e.event_type, e.task_data.due_date])).toEqual([['created', '2031-05-27T10:00:00Z']]);
  });

  test('a batch that fails part-way leaves none of its reminder changes behind', async () => {
    const bad = event('completed', 4, { recurring: { frequency: 'weekly', interval: 0 } as never });
    await expect(handler.handleBatch(received([event('created', 3), bad]))).rejects.toMatchObject({
      code: 'RECURRENCE_INVALID',
      canRetry: false,
    });
    expect(await states(3)).toEqual([]);
    // The library's replay, one event at a time, then handles the good one.
    await handler.handle(event('created', 3));
    expect(await states(3)).toEqual(['pending', 'pending']);
  });

  test("a bug in the service's own code is the message's fault, a database error the database's", async () => {
    // A clock that throws stands for any plain Error of our own code between two statements.
    const buggy = new RecurringTaskHandler(pool, { publish: async () => {} } as never, memoryLogger().log, undefined, () => {
      throw new Error('clock exploded');
    });
    const ownBug = await buggy.handle(event('created', 5)).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(ownBug).toBeInstanceOf(Error);
    // Retried, then dead-lettered with the event kept for replay; never held for ever as if PostgreSQL were down.
    expect(classify(ownBug)).toMatchObject({ kind: 'message', canRetry: true });
    expect(await states(5)).toEqual([]);

    // A statement the database refuses for its own reasons (here: the table is locked and lock_timeout ends the wait).
    const blocker = await pool.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE reminder_schedule IN ACCESS EXCLUSIVE MODE');
      const locked = new pg.Pool({ connectionString: readLocalEnv().databaseUrl, max: 1, options: '-c lock_timeout=200' });
      try {
        const held = new RecurringTaskHandler(
          locked,
          { publish: async () => {} } as never,
          memoryLogger().log,
          undefined,
          () => new Date('2031-05-01T10:00:00Z'),
        );
        const dbFault = await held.handle(event('created', 6)).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(classify(dbFault)).toMatchObject({ kind: 'dependency', dependency: 'postgres' });
      } finally {
        await locked.end();
      }
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
  });
});
