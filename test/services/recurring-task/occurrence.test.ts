import { assertValidEvent } from '../../../services/lib/event-validation.js';
import type { TaskEvent } from '../../../services/lib/events.js';
import { formatUtc, MINTED_TASK_ID_BASE, mintedTaskId, nextOccurrenceOf } from '../../../services/recurring-task/occurrence.js';
import { ID_NAMESPACES, uuidV5 } from '../../../services/recurring-task/uuid-v5.js';

const completion = (taskData: Partial<TaskEvent['task_data']>, extra: Partial<TaskEvent> = {}): TaskEvent => ({
  event_id: '0b6f3c1e-2d4a-4f5b-8c9d-1e2f3a4b5c6d',
  event_type: 'completed',
  timestamp: '2024-01-31T09:15:00Z',
  user_id: 'user-42',
  task_id: 123,
  task_data: { title: 'Pay rent', completed: true, priority: 'high', tags: ['home'], due_date: '2024-01-31T08:00:00Z', ...taskData },
  metadata: { source: 'chat', correlation_id: 'req-7' },
  ...extra,
});

describe('nextOccurrenceOf', () => {
  test('a completed monthly task on the 31st becomes a created event due on February 29 that keeps the anchor', () => {
    const result = nextOccurrenceOf(completion({ recurring: { frequency: 'monthly', interval: 1 } }));
    expect(result).toEqual({
      kind: 'next',
      dueAt: new Date('2024-02-29T08:00:00Z'),
      event: {
        event_id: uuidV5('0b6f3c1e-2d4a-4f5b-8c9d-1e2f3a4b5c6d', ID_NAMESPACES.occurrenceEvent),
        event_type: 'created',
        timestamp: '2024-01-31T09:15:00Z',
        user_id: 'user-42',
        task_id: mintedTaskId('0b6f3c1e-2d4a-4f5b-8c9d-1e2f3a4b5c6d'),
        task_data: {
          title: 'Pay rent',
          completed: false,
          priority: 'high',
          tags: ['home'],
          due_date: '2024-02-29T08:00:00Z',
          recurring: { frequency: 'monthly', interval: 1, day_of_month: 31 },
        },
        metadata: { source: 'chat', correlation_id: 'req-7', causation_id: '0b6f3c1e-2d4a-4f5b-8c9d-1e2f3a4b5c6d' },
      },
    });
  });

  test('the event is valid on task-events and identical for a redelivered completion', () => {
    const first = nextOccurrenceOf(completion({ recurring: 'weekly' }));
    const again = nextOccurrenceOf(completion({ recurring: 'weekly' }));
    expect(first.kind).toBe('next');
    if (first.kind !== 'next') return;
    expect(() => assertValidEvent('task-events', first.event)).not.toThrow();
    expect(JSON.stringify(again)).toBe(JSON.stringify(first));
  });

  test('a task without a due date recurs from its completion time', () => {
    const result = nextOccurrenceOf(completion({ due_date: null, recurring: { frequency: 'daily', interval: 2 } }));
    expect(result.kind === 'next' && result.event.task_data.due_date).toBe('2024-02-02T09:15:00Z');
  });

  test('a task completed late is next due after the completion', () => {
    const late = completion({ due_date: '2024-01-10T08:00:00Z', recurring: 'daily' });
    expect(nextOccurrenceOf(late).kind === 'next' && (nextOccurrenceOf(late) as { dueAt: Date }).dueAt).toEqual(
      new Date('2024-02-01T08:00:00Z'),
    );
  });

  test('tasks that do not recur, and series past until, produce nothing', () => {
    expect(nextOccurrenceOf(completion({ recurring: null }))).toEqual({ kind: 'not-recurring' });
    expect(nextOccurrenceOf(completion({}))).toEqual({ kind: 'not-recurring' });
    expect(nextOccurrenceOf(completion({ recurring: { frequency: 'daily', until: '2024-01-31T23:59:59Z' } as never }))).toEqual({
      kind: 'series-ended',
    });
  });

  test('without metadata on the completion, the API is the source and the completion is the correlation', () => {
    const result = nextOccurrenceOf(completion({ recurring: 'daily' }, { metadata: undefined }));
    expect(result.kind === 'next' && result.event.metadata).toEqual({
      source: 'api',
      correlation_id: '0b6f3c1e-2d4a-4f5b-8c9d-1e2f3a4b5c6d',
      causation_id: '0b6f3c1e-2d4a-4f5b-8c9d-1e2f3a4b5c6d',
    });
  });

  test('an unusable rule is a permanent error naming every problem', () => {
    const bad = completion({ recurring: { frequency: 'daily', interval: 0, day_of_month: 3 } as never });
    expect(() => nextOccurrenceOf(bad)).toThrow(
      expect.objectContaining({
        code: 'RECURRENCE_INVALID',
        canRetry: false,
        message:
          'task 123 has an unusable recurrence: task_data.recurring.interval: 0 is not an integer from 1 to 1000; ' +
          'task_data.recurring.day_of_month: only a monthly or yearly recurrence has a day of month; remove it or set frequency to "monthly"',
      }),
    );
  });
});

describe('mintedTaskId and formatUtc', () => {
  test('minted task ids are deterministic safe integers at or above 2^52', () => {
    const id = mintedTaskId('0b6f3c1e-2d4a-4f5b-8c9d-1e2f3a4b5c6d');
    expect(mintedTaskId('0b6f3c1e-2d4a-4f5b-8c9d-1e2f3a4b5c6d')).toBe(id);
    expect(mintedTaskId('0b6f3c1e-2d4a-4f5b-8c9d-1e2f3a4b5c6e')).not.toBe(id);
    expect(id).toBeGreaterThanOrEqual(MINTED_TASK_ID_BASE);
    expect(Number.isSafeInteger(id)).toBe(true);
  });

  test('UTC times are written without zero milliseconds', () => {
    expect(formatUtc(new Date('2024-02-29T08:00:00Z'))).toBe('2024-02-29T08:00:00Z');
    expect(formatUtc(new Date('2024-02-29T08:00:00.250Z'))).toBe('2024-02-29T08:00:00.250Z');
  });
});
