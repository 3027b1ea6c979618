/**
 * The reminder schedule against the real PostgreSQL: what each task-event does
 * to `reminder_schedule`, and what the scheduler claims, sends and expires.
 * Times are in 2001 so the scheduler's claims (everything due before its
 * clock) can only ever see this suite's rows.
 */
import pg from 'pg';
import type { ReminderEvent, TaskEvent } from '../../../services/lib/events.js';
import { planReminders, reminderEventId } from '../../../services/recurring-task/reminder-plan.js';
import { ReminderScheduler } from '../../../services/recurring-task/reminder-scheduler.js';
import { applyReminderPlan } from '../../../services/recurring-task/reminder-store.js';
import { migrate } from '../../../services/recurring-task/schema.js';
import { claimTaskPosition } from '../../../services/recurring-task/task-positions.js';
import { describeWithBroker, readLocalEnv } from '../../support/local-env.js';
import { memoryLogger, RUN_ID } from './broker-harness.js';

describeWithBroker('reminder schedule in PostgreSQL', () => {
  let pool: pg.Pool;
  const user = `rt-store-${RUN_ID}`;
  let nextTask = 1;
  let nextEvent = 1;
  const eventId = () => `00000000-0000-4000-8000-${(nextEvent++).toString(16).padStart(12, '0')}`;

  const taskEvent = (
    taskId: number,
    type: TaskEvent['event_type'],
    timestamp: string,
    data: Partial<TaskEvent['task_data']> = {},
  ): TaskEvent => ({
    event_id: eventId(),
    event_type: type,
    timestamp,
    user_id: user,
    task_id: taskId,
    task_data: { title: 'Water the plants', completed: false, due_date: '2001-06-10T18:00:00Z', ...data },
  });
  /** Applies `event` as the handler does, with "now" at `now`. */
  const apply = (event: TaskEvent, now = '2001-06-01T00:00:00Z') => applyReminderPlan(pool, planReminders(event, new Date(now)));
  const rows = async (taskId: number) =>
    (
      await pool.query(
        `SELECT reminder_type, state, remind_at, due_at, title, event_id, sent_at IS NOT NULL AS stamped
           FROM reminder_schedule WHERE user_id = $1 AND task_id = $2 ORDER BY reminder_type`,
        [user, taskId],
      )
    ).rows as Array<{
      reminder_type: string;
      state: string;
      remind_at: Date;
      due_at: Date;
      title: string;
      event_id: string;
      stamped: boolean;
    }>;
  /** Marks reminders as the scheduler would after publishing them. */
  const markSent = (taskId: number, type?: string) =>
    pool.query(
      `UPDATE reminder_schedule SET state = 'sent', sent_at = now() WHERE user_id = $1 AND task_id = $2 AND ($3::text IS NULL OR reminder_type = $3)`,
      [user, taskId, type ?? null],
    );
  const states = async (taskId: number) => (await rows(taskId)).map((r) => `${r.reminder_type}:${r.state}`);

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: readLocalEnv().databaseUrl, max: 3 });
    await migrate(pool);
    await migrate(pool); // idempotent
  });

  afterAll(async () => {
    await pool.query('DELETE FROM reminder_schedule WHERE user_id = $1', [user]);
    await pool.query('DELETE FROM task_event_positions WHERE user_id = $1', [user]);
    await pool.end();
  });

  test('a created task gets one pending row per reminder type at due minus a day and minus an hour', async () => {
    const task = nextTask++;
    const created = taskEvent(task, 'created', '2001-06-01T00:00:00Z');
    await apply(created);
    expect(await rows(task)).toEqual([
      {
        reminder_type: '1_day_before',
        state: 'pending',
        remind_at: new Date('2001-06-09T18:00:00Z'),
        due_at: new Date('2001-06-10T18:00:00Z'),
        title: 'Water the plants',
        event_id: reminderEventId(created.event_id, '1_day_before'),
        stamped: false,
      },
      {
        reminder_type: '1_hour_before',
        state: 'pending',
        remind_at: new Date('2001-06-10T17:00:00Z'),
        due_at: new Date('2001-06-10T18:00:00Z'),
        title: 'Water the plants',
        event_id: reminderEventId(created.event_id, '1_hour_before'),
        stamped: false,
      },
    ]);
  });

  test('a reminder whose time has passed is stored as skipped', async () => {
    const task = nextTask++;
    await apply(taskEvent(task, 'created', '2001-06-10T12:00:00Z'), '2001-06-10T12:00:00Z');
    expect(await states(task)).toEqual(['1_day_before:skipped', '1_hour_before:pending']);
  });

  test('a new due date moves both reminders and gives them new event ids', async () => {
    const task = nextTask++;
    await apply(taskEvent(task, 'created', '2001-06-01T00:00:00Z'));
    const moved = taskEvent(task, 'updated', '2001-06-02T00:00:00Z', { due_date: '2001-06-20T09:30:00Z' });
    await apply(moved);
    const after = await rows(task);
    expect(after.map((r) => [r.reminder_type, r.state, r.remind_at.toISOString(), r.event_id])).toEqual([
      ['1_day_before', 'pending', '2001-06-19T09:30:00.000Z', reminderEventId(moved.event_id, '1_day_before')],
      ['1_hour_before', 'pending', '2001-06-20T08:30:00.000Z', reminderEventId(moved.event_id, '1_hour_before')],
    ]);
  });

  test('completing or deleting a task cancels its pending reminders and leaves sent ones alone', async () => {
    const completedTask = nextTask++;
    await apply(taskEvent(completedTask, 'created', '2001-06-01T00:00:00Z'));
    await markSent(completedTask, '1_day_before');
    await apply(taskEvent(completedTask, 'completed', '2001-06-02T00:00:00Z', { completed: true }));
    expect(await states(completedTask)).toEqual(['1_day_before:sent', '1_hour_before:cancelled']);

    const deletedTask = nextTask++;
    await apply(taskEvent(deletedTask, 'created', '2001-06-01T00:00:00Z'));
    await apply(taskEvent(deletedTask, 'deleted', '2001-06-02T00:00:00Z'));
    expect(await states(deletedTask)).toEqual(['1_day_before:cancelled', '1_hour_before:cancelled']);
  });

  test('a replayed older event changes nothing: a cancelled reminder stays cancelled (the handler asks the task position first)', async () => {
    const task = nextTask++;
    // As the handler does: apply the plan only when the event is newer than the task's recorded position.
    const applyAt = async (event: TaskEvent, offset: number) =>
      (await claimTaskPosition(pool, event, new Date(event.timestamp), { partition: 0, offset: BigInt(offset) }))
        ? apply(event)
        : { changed: 0 };
    const created = taskEvent(task, 'created', '2001-06-01T00:00:00Z');
    await applyAt(created, 1);
    await applyAt(taskEvent(task, 'completed', '2001-06-02T00:00:00Z', { completed: true }), 2);
    expect((await applyAt(created, 1)).changed).toBe(0);
    expect(await states(task)).toEqual(['1_day_before:cancelled', '1_hour_before:cancelled']);
  });

  test('the same event applied twice does not re-arm a reminder that was already sent', async () => {
    const task = nextTask++;
    const created = taskEvent(task, 'created', '2001-06-01T00:00:00Z');
    await apply(created);
    await markSent(task);
    expect((await apply(created)).changed).toBe(0);
    expect(await states(task)).toEqual(['1_day_before:sent', '1_hour_before:sent']);
  });

  test('a title change keeps a sent reminder sent, with its event id, and renames the pending one', async () => {
    const task = nextTask++;
    const created = taskEvent(task, 'created', '2001-06-01T00:00:00Z');
    await apply(created);
    await markSent(task, '1_day_before');
    await apply(taskEvent(task, 'updated', '2001-06-03T00:00:00Z', { title: 'Water the cactus' }));
    expect((await rows(task)).map((r) => [r.reminder_type, r.state, r.title, r.event_id, r.stamped])).toEqual([
      ['1_day_before', 'sent', 'Water the cactus', reminderEventId(created.event_id, '1_day_before'), true],
      ['1_hour_before', 'pending', 'Water the cactus', reminderEventId(created.event_id, '1_hour_before'), false],
    ]);
    // An update that leaves due_date out only renames.
    await apply(taskEvent(task, 'updated', '2001-06-04T00:00:00Z', { title: 'Water everything', due_date: undefined }));
    expect((await rows(task)).map((r) => [r.state, r.title])).toEqual([
      ['sent', 'Water everything'],
      ['pending', 'Water everything'],
    ]);
  });

  test('a due date moved after a reminder was sent re-arms it for the new date', async () => {
    const task = nextTask++;
    await apply(taskEvent(task, 'created', '2001-06-01T00:00:00Z'));
    await markSent(task);
    await apply(taskEvent(task, 'updated', '2001-06-10T00:00:00Z', { due_date: '2001-06-15T18:00:00Z' }), '2001-06-10T00:00:00Z');
    expect((await rows(task)).map((r) => [r.state, r.stamped])).toEqual([
      ['pending', false],
      ['pending', false],
    ]);
  });

  describe('the scheduler', () => {
    const published: ReminderEvent[][] = [];
    const scheduler = (now: string, publish = async (events: readonly ReminderEvent[]) => void published.push([...events])) =>
      new ReminderScheduler(pool, publish, memoryLogger().log, { batchSize: 500 }, {}, () => new Date(now));
    beforeEach(() => (published.length = 0));

    test('publishes due reminders once, oldest first, marks them sent, and leaves later ones pending', async () => {
      const early = nextTask++;
      const late = nextTask++;
      await apply(taskEvent(early, 'created', '2001-06-01T00:00:00Z', { due_date: '2001-06-05T12:00:00Z' }));
      await apply(taskEvent(late, 'created', '2001-06-01T00:00:00Z', { due_date: '2001-06-05T14:00:00Z' }));
      // At 11:30 the day-before reminders of both and the hour-before of `early` are due.
      // (Counts are not asserted: other suites' leftovers from 2001 may be claimed too.)
      await scheduler('2001-06-05T11:30:00Z').runOnce();
      const mine = published.flat().filter((e) => e.user_id === user && (e.task_id === early || e.task_id === late));
      expect(mine.map((e) => [e.task_id, e.reminder_type, e.remind_at])).toEqual([
        [early, '1_day_before', '2001-06-04T12:00:00.000Z'],
        [late, '1_day_before', '2001-06-04T14:00:00.000Z'],
        [early, '1_hour_before', '2001-06-05T11:00:00.000Z'],
      ]);
      expect(mine[0]).toEqual({
        event_id: (await rows(early))[0]!.event_id,
        timestamp: '2001-06-05T11:30:00.000Z',
        task_id: early,
        user_id: user,
        title: 'Water the plants',
        due_at: '2001-06-05T12:00:00.000Z',
        remind_at: '2001-06-04T12:00:00.000Z',
        reminder_type: '1_day_before',
      });
      expect(await states(early)).toEqual(['1_day_before:sent', '1_hour_before:sent']);
      expect(await states(late)).toEqual(['1_day_before:sent', '1_hour_before:pending']);
      published.length = 0;
      await scheduler('2001-06-05T11:30:00Z').runOnce();
      expect(published.flat().filter((e) => e.task_id === early || e.task_id === late)).toEqual([]);
    });

    test('a reminder reached only after its task was due is expired, not sent', async () => {
      const task = nextTask++;
      await apply(taskEvent(task, 'created', '2001-06-01T00:00:00Z', { due_date: '2001-06-06T10:00:00Z' }));
      expect((await scheduler('2001-06-06T10:00:00Z').runOnce()).expired).toBeGreaterThanOrEqual(2);
      expect(published.flat().filter((e) => e.task_id === task)).toEqual([]);
      expect(await states(task)).toEqual(['1_day_before:expired', '1_hour_before:expired']);
    });

    test('a failed publish leaves the reminders pending for the next round', async () => {
      const task = nextTask++;
      await apply(taskEvent(task, 'created', '2001-06-01T00:00:00Z', { due_date: '2001-06-07T10:00:00Z' }));
      const failing = scheduler('2001-06-07T09:30:00Z', async () => {
        throw new Error('broker away');
      });
      await expect(failing.runOnce()).rejects.toThrow('broker away');
      expect(await states(task)).toEqual(['1_day_before:pending', '1_hour_before:pending']);
      await scheduler('2001-06-07T09:30:00Z').runOnce();
      expect(published.flat().filter((e) => e.task_id === task && e.user_id === user)).toHaveLength(2);
      expect(await states(task)).toEqual(['1_day_before:sent', '1_hour_before:sent']);
    });

    test('two schedulers running at once never publish the same reminder twice', async () => {
      const tasks = Array.from({ length: 40 }, () => nextTask++);
      for (const task of tasks) await apply(taskEvent(task, 'created', '2001-06-01T00:00:00Z', { due_date: '2001-06-08T10:00:00Z' }));
      const slowPublish = async (events: readonly ReminderEvent[]) => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        published.push([...events]);
      };
      const small = (now: string) =>
        new ReminderScheduler(pool, slowPublish, memoryLogger().log, { batchSize: 10 }, {}, () => new Date(now));
      const a = small('2001-06-08T09:30:00Z');
      const b = small('2001-06-08T09:30:00Z');
      for (let round = 0; round < 10; round++) await Promise.all([a.runOnce(), b.runOnce()]);
      const ids = published
        .flat()
        .filter((e) => e.user_id === user && tasks.includes(e.task_id))
        .map((e) => e.event_id);
      expect(ids).toHaveLength(80);
      expect(new Set(ids).size).toBe(80);
    });
  });
});
