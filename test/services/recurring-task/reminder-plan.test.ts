import type { TaskEvent } from '../../../services/lib/events.js';
import { planReminders, plannedReminders, reminderEventId } from '../../../services/recurring-task/reminder-plan.js';

const NOW = new Date('2024-01-19T12:00:00Z');
const event = (eventType: TaskEvent['event_type'], taskData: Partial<TaskEvent['task_data']> = {}): TaskEvent => ({
  event_id: '7d1c9a52-3b1e-4c8f-9f0a-5e6d7c8b9a01',
  event_type: eventType,
  timestamp: '2024-01-19T11:59:00Z',
  user_id: 'user-1',
  task_id: 7,
  task_data: { title: 'Buy groceries', completed: false, due_date: '2024-01-20T18:00:00Z', ...taskData },
});
const source = { userId: 'user-1', taskId: 7, eventId: '7d1c9a52-3b1e-4c8f-9f0a-5e6d7c8b9a01', eventAt: new Date('2024-01-19T11:59:00Z') };

describe('plannedReminders', () => {
  test('a task due in more than a day gets both reminders pending at their times', () => {
    expect(plannedReminders(new Date('2024-01-20T18:00:00Z'), 'e', NOW)).toEqual([
      {
        reminderType: '1_hour_before',
        remindAt: new Date('2024-01-20T17:00:00Z'),
        state: 'pending',
        eventId: reminderEventId('e', '1_hour_before'),
      },
      {
        reminderType: '1_day_before',
        remindAt: new Date('2024-01-19T18:00:00Z'),
        state: 'pending',
        eventId: reminderEventId('e', '1_day_before'),
      },
    ]);
  });

  test('reminders whose time has passed are skipped, including one due exactly now', () => {
    const states = (due: string) => plannedReminders(new Date(due), 'e', NOW).map((r) => [r.reminderType, r.state]);
    expect(states('2024-01-20T11:00:00Z')).toEqual([
      ['1_hour_before', 'pending'],
      ['1_day_before', 'skipped'],
    ]);
    expect(states('2024-01-20T12:00:00Z')).toEqual([
      ['1_hour_before', 'pending'],
      ['1_day_before', 'skipped'],
    ]);
    expect(states('2024-01-19T12:30:00Z')).toEqual([
      ['1_hour_before', 'skipped'],
      ['1_day_before', 'skipped'],
    ]);
  });

  test('reminder event ids differ per type and per scheduling event', () => {
    expect(reminderEventId('a', '1_day_before')).not.toBe(reminderEventId('a', '1_hour_before'));
    expect(reminderEventId('a', '1_day_before')).not.toBe(reminderEventId('b', '1_day_before'));
    expect(reminderEventId('a', '1_day_before')).toBe(reminderEventId('a', '1_day_before'));
  });
});

describe('planReminders', () => {
  test('a created task with a due date is scheduled', () => {
    const plan = planReminders(event('created'), NOW);
    expect(plan).toMatchObject({ ...source, kind: 'schedule', title: 'Buy groceries', dueAt: new Date('2024-01-20T18:00:00Z') });
    expect(plan.kind === 'schedule' && plan.reminders.map((r) => r.state)).toEqual(['pending', 'pending']);
  });

  test('an updated due date schedules again, which moves the reminders', () => {
    expect(planReminders(event('updated', { due_date: '2024-01-25T09:00:00Z' }), NOW)).toMatchObject({
      kind: 'schedule',
      dueAt: new Date('2024-01-25T09:00:00Z'),
    });
  });

  test('completion, deletion, a completed snapshot and a removed due date cancel', () => {
    expect(planReminders(event('completed'), NOW)).toEqual({ ...source, kind: 'cancel', reason: 'completed' });
    expect(planReminders(event('updated', { completed: true }), NOW)).toEqual({ ...source, kind: 'cancel', reason: 'completed' });
    expect(planReminders(event('deleted'), NOW)).toEqual({ ...source, kind: 'cancel', reason: 'deleted' });
    expect(planReminders(event('updated', { due_date: null }), NOW)).toEqual({ ...source, kind: 'cancel', reason: 'no-due-date' });
    expect(planReminders(event('created', { due_date: undefined }), NOW)).toEqual({ ...source, kind: 'cancel', reason: 'no-due-date' });
  });

  test('an update without a due_date field only carries the new title', () => {
    expect(planReminders(event('updated', { due_date: undefined, title: 'Buy bread' }), NOW)).toEqual({
      ...source,
      kind: 'retitle',
      title: 'Buy bread',
    });
  });
});
