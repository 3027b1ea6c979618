/**
 * The recurring-task handler's batch path against the real PostgreSQL: the
 * reminder changes of a batch commit together, and a failing batch leaves
 * nothing behind for the library's one-by-one replay to trip over.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { TaskEvent } from '../../../services/lib/events.js';
import type { ReceivedEvent } from '../../../services/lib/handler.js';
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
});
