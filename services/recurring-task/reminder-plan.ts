/**
 * What a task-event means for the task's reminders, decided without touching
 * the database: schedule (or move) them, cancel them, or only carry a new
 * title. `reminder-store.ts` applies the plan.
 */
import { PermanentError } from '../lib/errors.js';
import { REMINDER_TYPES, type ReminderType, type TaskEvent } from '../lib/events.js';
import { parseZonedDateTime } from './recurrence.js';
import { ID_NAMESPACES, uuidV5 } from './uuid-v5.js';

/** How long before the due date each reminder fires. */
export const REMINDER_OFFSETS_MS: Readonly<Record<ReminderType, number>> = {
  '1_day_before': 86_400_000,
  '1_hour_before': 3_600_000,
};

/**
 * Life of a `reminder_schedule` row. `pending`: waits for its `remind_at`.
 * `sent`: published. `cancelled`: the task was completed, deleted or lost its
 * due date first. `skipped`: its time had already passed when it was
 * scheduled. `expired`: the scheduler reached it only after the task was due.
 */
export const REMINDER_STATES = ['pending', 'sent', 'cancelled', 'skipped', 'expired'] as const;
export type ReminderState = (typeof REMINDER_STATES)[number];

/** One reminder of a task, as planned. */
export interface PlannedReminder {
  readonly reminderType: ReminderType;
  readonly remindAt: Date;
  /** `pending`, or `skipped` when `remindAt` is not in the future. */
  readonly state: Extract<ReminderState, 'pending' | 'skipped'>;
  /** `event_id` of the reminder event, derived from the task-event that scheduled it. */
  readonly eventId: string;
}

/** Identity and ordering facts of the task-event behind a plan. */
export interface PlanSource {
  readonly userId: string;
  readonly taskId: number;
  readonly eventId: string;
  /** The task-event's `timestamp`: a row only follows events at least as new as the one it last followed. */
  readonly eventAt: Date;
}

export type ReminderPlan = PlanSource &
  (
    | { readonly kind: 'schedule'; readonly title: string; readonly dueAt: Date; readonly reminders: readonly PlannedReminder[] }
    | { readonly kind: 'cancel'; readonly reason: 'completed' | 'deleted' | 'no-due-date' }
    /** An update that leaves `due_date` out changes the title only. */
    | { readonly kind: 'retitle'; readonly title: string }
  );

/** The reminder `event_id` for `reminderType` scheduled by task-event `sourceEventId`. */
export function reminderEventId(sourceEventId: string, reminderType: ReminderType): string {
  return uuidV5(`${sourceEventId}/${reminderType}`, ID_NAMESPACES.reminderEvent);
}

/** The reminders of a task due at `dueAt`, each `pending` only if its time is still ahead of `now`. */
export function plannedReminders(dueAt: Date, sourceEventId: string, now: Date): PlannedReminder[] {
  return REMINDER_TYPES.map((reminderType) => {
    const remindAt = new Date(dueAt.getTime() - REMINDER_OFFSETS_MS[reminderType]);
    return {
      reminderType,
      remindAt,
      state: remindAt.getTime() > now.getTime() ? 'pending' : 'skipped',
      eventId: reminderEventId(sourceEventId, reminderType),
    };
  });
}

/**
 * The plan for one task-event. `task_data` is the task as it is after the
 * event (the specification's events carry the whole task), except that an
 * `updated` event without a `due_date` field leaves the due date alone.
 */
export function planReminders(event: TaskEvent, now: Date): ReminderPlan {
  const eventAt = parseZonedDateTime(event.timestamp);
  if (eventAt === undefined) throw new PermanentError(`timestamp ${JSON.stringify(event.timestamp)} is not a date-time with a zone`);
  const source: PlanSource = { userId: event.user_id, taskId: event.task_id, eventId: event.event_id, eventAt };
  if (event.event_type === 'deleted') return { ...source, kind: 'cancel', reason: 'deleted' };
  if (event.event_type === 'completed' || event.task_data.completed) return { ...source, kind: 'cancel', reason: 'completed' };
  const dueDate = event.task_data.due_date;
  if (dueDate === undefined && event.event_type === 'updated') return { ...source, kind: 'retitle', title: event.task_data.title };
  if (dueDate === undefined || dueDate === null) return { ...source, kind: 'cancel', reason: 'no-due-date' };
  const dueAt = parseZonedDateTime(dueDate);
  if (dueAt === undefined) throw new PermanentError(`task_data.due_date ${JSON.stringify(dueDate)} is not a date-time with a zone`);
  return { ...source, kind: 'schedule', title: event.task_data.title, dueAt, reminders: plannedReminders(dueAt, event.event_id, now) };
}
