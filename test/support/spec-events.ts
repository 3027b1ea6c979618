/** Events shaped exactly like the specification's examples, with a fresh `event_id` each. */
import { randomUUID } from 'node:crypto';
import type { ReminderEvent } from '../../services/lib/events.js';

/** The specification's `reminders` example; `overrides` replace single fields. */
export function specReminder(overrides: Partial<ReminderEvent> = {}): ReminderEvent {
  return {
    event_id: randomUUID(),
    timestamp: '2024-01-15T10:30:00Z',
    task_id: 123,
    user_id: 'user-uuid',
    title: 'Buy groceries',
    due_at: '2024-01-20T18:00:00Z',
    remind_at: '2024-01-20T17:00:00Z',
    reminder_type: '1_hour_before',
    ...overrides,
  };
}
