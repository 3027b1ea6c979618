/**
 * The recurring-task service end to end on the local broker and PostgreSQL:
 * it runs as its own Kafka user, consumes task-events the API user produces,
 * and its output is read back from task-events, reminders and the dead-letter
 * topic.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { TaskEvent } from '../../../services/lib/events.js';
import { partitionForKey } from '../../../services/lib/partitioner.js';
import type { RunningService } from '../../../services/lib/service.js';
import type { KafkaEventPublisher } from '../../../services/lib/kafka-publisher.js';
import { RECURRING_TASK_METRICS } from '../../../services/recurring-task/metrics.js';
import { formatUtc, mintedTaskId } from '../../../services/recurring-task/occurrence.js';
import { recurringTaskService } from '../../../services/recurring-task/service.js';
import { ID_NAMESPACES, uuidV5 } from '../../../services/recurring-task/uuid-v5.js';
import { describeWithBroker, readLocalEnv } from '../../support/local-env.js';
import { publisherAs, RUN_ID, startService, TopicWatcher, until, waitUntilReady } from './broker-harness.js';

const TOPICS = ['task-events', 'reminders', 'task-events-dlq'];
const HOUR = 3_600_000;

describeWithBroker('recurring-task service on the local broker', () => {
  const user = `rt-svc-${RUN_ID}`;
  let service: RunningService;
  let lines: Array<Record<string, unknown>> = [];
  let api: KafkaEventPublisher;
  let watcher: TopicWatcher;
  let pool: pg.Pool;
  let nextTask = 1;

  const start = async () => {
    ({ service, lines } = await startService(recurringTaskService, { REMINDER_POLL_INTERVAL_MS: '100' }));
    await waitUntilReady(service);
  };
  const taskEvent = (type: TaskEvent['event_type'], taskId: number, data: Partial<TaskEvent['task_data']> = {}): TaskEvent => ({
    event_id: randomUUID(),
    event_type: type,
    timestamp: formatUtc(new Date()),
    user_id: user,
    task_id: taskId,
    task_data: {
      title: `task ${taskId}`,
      completed: type === 'completed',
      priority: 'high',
      tags: ['home'],
      due_date: null,
      recurring: null,
      ...data,
    },
    metadata: { source: 'api', correlation_id: randomUUID() },
  });
  const remindersOf = (taskId: number) => watcher.values('reminders').filter((r) => r.task_id === taskId);
  const rowStates = async (userId: string, taskId: number) =>
    (
      await pool.query(`SELECT reminder_type, state FROM reminder_schedule WHERE user_id = $1 AND task_id = $2 ORDER BY reminder_type`, [
        userId,
        taskId,
      ])
    ).rows.map((r: { reminder_type: string; state: string }) => `${r.reminder_type}:${r.state}`);
  const occurrenceCount = async (outcome: string) => {
    const text = await service.metrics.render();
    const line = text.split('\n').find((l) => l.startsWith(`${RECURRING_TASK_METRICS.occurrences}{`) && l.includes(`outcome="${outcome}"`));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: readLocalEnv().databaseUrl, max: 2 });
    watcher = await TopicWatcher.start(TOPICS, (value) => JSON.stringify(value).includes(user));
    api = publisherAs('todo-api');
    await start();
  }, 60_000);

  afterAll(async () => {
    if (process.env.DEBUG_SERVICE_LOGS) console.log(lines.map((l) => JSON.stringify(l)).join('\n'));
    await service?.close();
    await api?.close();
    await watcher?.close();
    await pool?.query('DELETE FROM reminder_schedule WHERE user_id = $1', [user]);
    await pool?.query('DELETE FROM recurring_occurrences WHERE user_id = $1', [user]);
    await pool?.query('DELETE FROM task_event_positions WHERE user_id = $1', [user]);
    await pool?.end();
  }, 30_000);

  test('a monthly task completed on the 31st and delivered three times publishes one next occurrence, due on February 28', async () => {
    const taskId = nextTask++;
    const completion = taskEvent('completed', taskId, {
      title: 'Pay rent',
      due_date: '2031-01-31T08:00:00Z',
      recurring: { frequency: 'monthly', interval: 1 },
    });
    for (let i = 0; i < 3; i++) await api.publish('task-events', completion);

    await until(
      async () => (await occurrenceCount('published')) >= 1 && (await occurrenceCount('duplicate')) >= 2,
      'three completions handled',
      20_000,
    );
    const created = watcher.records.filter(
      (r) => r.topic === 'task-events' && r.value.event_type === 'created' && r.value.task_id !== taskId,
    );
    expect(created).toHaveLength(1);
    const nextTaskId = mintedTaskId(completion.event_id);
    expect(created[0]!.value).toEqual({
      event_id: uuidV5(completion.event_id, ID_NAMESPACES.occurrenceEvent),
      event_type: 'created',
      timestamp: completion.timestamp,
      user_id: user,
      task_id: nextTaskId,
      task_data: {
        title: 'Pay rent',
        completed: false,
        priority: 'high',
        tags: ['home'],
        due_date: '2031-02-28T08:00:00Z',
        recurring: { frequency: 'monthly', interval: 1, day_of_month: 31 },
      },
      metadata: { source: 'api', correlation_id: completion.metadata!.correlation_id, causation_id: completion.event_id },
    });
    // Keyed by user and on the partition the Java client would pick.
    expect(created[0]!.key).toBe(user);
    expect(created[0]!.partition).toBe(partitionForKey(user, 3));
    const { rows } = await pool.query(
      'SELECT next_event_id, next_task_id, next_due_at FROM recurring_occurrences WHERE source_event_id = $1',
      [completion.event_id],
    );
    expect(rows).toEqual([
      { next_event_id: created[0]!.value.event_id, next_task_id: String(nextTaskId), next_due_at: new Date('2031-02-28T08:00:00Z') },
    ]);
    // The service consumes its own created event and schedules the new task's reminders.
    await until(async () => (await rowStates(user, nextTaskId)).length === 2, 'reminders of the next occurrence');
    expect(await rowStates(user, nextTaskId)).toEqual(['1_day_before:pending', '1_hour_before:pending']);
  }, 40_000);

  test('a reminder is published once at its remind_at with the specification fields; one already past is skipped', async () => {
    const taskId = nextTask++;
    const dueAt = new Date(Date.now() + HOUR + 2_000);
    const remindAt = new Date(dueAt.getTime() - HOUR);
    await api.publish('task-events', taskEvent('created', taskId, { title: 'Call the dentist', due_date: dueAt.toISOString() }));

    await until(() => remindersOf(taskId).length > 0, 'the reminder', 15_000);
    expect(Date.now()).toBeGreaterThanOrEqual(remindAt.getTime());
    const [reminder] = remindersOf(taskId);
    expect(reminder).toEqual({
      event_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      timestamp: expect.any(String),
      task_id: taskId,
      user_id: user,
      title: 'Call the dentist',
      due_at: dueAt.toISOString(),
      remind_at: remindAt.toISOString(),
      reminder_type: '1_hour_before',
    });
    expect(Date.parse(reminder!.timestamp as string)).toBeGreaterThanOrEqual(remindAt.getTime());
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(remindersOf(taskId)).toHaveLength(1);
    expect(await rowStates(user, taskId)).toEqual(['1_day_before:skipped', '1_hour_before:sent']);
  }, 30_000);

  test('a moved due date moves the reminder, and completing or deleting a task cancels it', async () => {
    const moved = nextTask++;
    const completed = nextTask++;
    const deleted = nextTask++;
    const soon = () => new Date(Date.now() + HOUR + 2_500).toISOString();
    await api.publish('task-events', taskEvent('created', moved, { due_date: new Date(Date.now() + 3 * HOUR).toISOString() }));
    const newDue = soon();
    await api.publish('task-events', taskEvent('updated', moved, { due_date: newDue }));
    await api.publish('task-events', taskEvent('created', completed, { due_date: soon() }));
    await api.publish('task-events', taskEvent('completed', completed, { due_date: soon() }));
    await api.publish('task-events', taskEvent('created', deleted, { due_date: soon() }));
    await api.publish('task-events', taskEvent('deleted', deleted, { due_date: soon() }));

    await until(() => remindersOf(moved).length > 0, 'the moved reminder', 15_000);
    expect(remindersOf(moved).map((r) => [r.reminder_type, r.due_at])).toEqual([['1_hour_before', newDue]]);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(remindersOf(completed)).toEqual([]);
    expect(remindersOf(deleted)).toEqual([]);
    expect(await rowStates(user, completed)).toEqual(['1_day_before:skipped', '1_hour_before:cancelled']);
    expect(await rowStates(user, deleted)).toEqual(['1_day_before:skipped', '1_hour_before:cancelled']);
  }, 30_000);

  test('a reminder scheduled before a restart is published by the restarted service', async () => {
    const taskId = nextTask++;
    const dueAt = new Date(Date.now() + HOUR + 3_000);
    await api.publish('task-events', taskEvent('created', taskId, { due_date: dueAt.toISOString() }));
    await until(async () => (await rowStates(user, taskId)).includes('1_hour_before:pending'), 'the reminder scheduled');
    await service.close();
    await until(() => Date.now() > dueAt.getTime() - HOUR + 500, 'the reminder time to pass while stopped', 10_000);
    expect(remindersOf(taskId)).toEqual([]);

    await start();
    await until(() => remindersOf(taskId).length > 0, 'the reminder after restart', 15_000);
    expect(remindersOf(taskId)).toHaveLength(1);
  }, 60_000);

  test('a completion with an unusable recurrence is dead-lettered with the reason and the next event is still handled', async () => {
    const poisoned = nextTask++;
    const after = nextTask++;
    const bad = taskEvent('completed', poisoned, {
      due_date: '2031-01-31T08:00:00Z',
      recurring: { frequency: 'monthly', day_of_month: 40 } as never,
    });
    await api.publish('task-events', bad);
    await api.publish('task-events', taskEvent('created', after, { due_date: new Date(Date.now() + 5 * HOUR).toISOString() }));

    await until(() => watcher.values('task-events-dlq').length > 0, 'the dead letter', 20_000);
    const [letter] = watcher.values('task-events-dlq');
    expect(letter).toMatchObject({
      original_message: { value: JSON.stringify(bad), key: user },
      error: {
        code: 'RECURRENCE_INVALID',
        message: `task ${poisoned} has an unusable recurrence: task_data.recurring.day_of_month: 40 is not an integer from 1 to 31`,
      },
      source: { topic: 'task-events', partition: partitionForKey(user, 3) },
      service: 'recurring-task-service',
      attempts: 1,
    });
    await until(async () => (await rowStates(user, after)).length === 2, 'the event after the poison message');
    // Other suites' poison messages on the shared topic may be counted too.
    expect(await service.metrics.processedCount('task-events', 'dead_letter')).toBeGreaterThanOrEqual(1);
  }, 40_000);
});
