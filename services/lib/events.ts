/**
 * The three event types of the specification (`kafka-spec.md`, "Event Schema"
 * of each topic), as TypeScript types. Field names are the wire names.
 * Validation lives in `event-validation.ts`; which topic carries which type
 * in `event-topics.ts`.
 */

/** RFC 3339 date-time with a zone, e.g. `2024-01-15T10:30:00Z`. */
export type IsoDateTime = string;

export type TaskEventType = 'created' | 'updated' | 'completed' | 'deleted';
export const TASK_EVENT_TYPES: readonly TaskEventType[] = ['created', 'updated', 'completed', 'deleted'];

export type EventSource = 'chat' | 'api';
export const EVENT_SOURCES: readonly EventSource[] = ['chat', 'api'];

export type RecurrenceFrequency = 'daily' | 'weekly' | 'monthly' | 'yearly';
export const RECURRENCE_FREQUENCIES: readonly RecurrenceFrequency[] = ['daily', 'weekly', 'monthly', 'yearly'];

/**
 * How a task repeats. The specification only shows `"recurring": null`; a
 * producer may send the frequency alone (`"weekly"`) or this object.
 */
export interface Recurrence {
  readonly frequency: RecurrenceFrequency;
  /** Every n-th period. @default 1 */
  readonly interval?: number;
}

/** The task as carried by `task-events`. */
export interface TaskData {
  readonly title: string;
  readonly completed: boolean;
  readonly priority?: string;
  readonly tags?: readonly string[];
  readonly due_date?: IsoDateTime | null;
  readonly recurring?: RecurrenceFrequency | Recurrence | null;
}

/** Who caused the event. */
export interface EventMetadata {
  readonly source: EventSource;
  readonly correlation_id?: string;
}

/** `task-events`: every task CRUD operation. Keyed by `user_id`. */
export interface TaskEvent {
  readonly event_id: string;
  readonly event_type: TaskEventType;
  readonly timestamp: IsoDateTime;
  readonly user_id: string;
  readonly task_id: number;
  readonly task_data: TaskData;
  readonly metadata?: EventMetadata;
}

export type ReminderType = '1_hour_before' | '1_day_before';
export const REMINDER_TYPES: readonly ReminderType[] = ['1_hour_before', '1_day_before'];

/** `reminders`: a reminder due for delivery. Single partition: order matters. */
export interface ReminderEvent {
  readonly event_id: string;
  readonly timestamp: IsoDateTime;
  readonly task_id: number;
  readonly user_id: string;
  readonly title: string;
  readonly due_at: IsoDateTime;
  readonly remind_at: IsoDateTime;
  readonly reminder_type: ReminderType;
}

export type TaskUpdateType = 'created' | 'updated' | 'deleted';
export const TASK_UPDATE_TYPES: readonly TaskUpdateType[] = ['created', 'updated', 'deleted'];

/** The task as pushed to connected clients. */
export interface TaskSnapshot {
  readonly id: number;
  readonly title: string;
  readonly completed: boolean;
  readonly priority?: string;
}

/** `task-updates`: real-time updates for a user's connected clients. Keyed by `user_id`. */
export interface TaskUpdateEvent {
  readonly event_id: string;
  readonly timestamp: IsoDateTime;
  readonly user_id: string;
  readonly update_type: TaskUpdateType;
  readonly task: TaskSnapshot;
}

/** Names of the event types, one per events topic. */
export type EventKind = 'task-event' | 'reminder' | 'task-update';

/** The event type of each kind. */
export interface EventsByKind {
  'task-event': TaskEvent;
  reminder: ReminderEvent;
  'task-update': TaskUpdateEvent;
}

export type AnyEvent = EventsByKind[EventKind];

/** The frequency and interval of a `recurring` field, or null when the task does not repeat. */
export function normalizeRecurrence(recurring: TaskData['recurring']): Required<Recurrence> | null {
  if (recurring === null || recurring === undefined) return null;
  if (typeof recurring === 'string') return { frequency: recurring, interval: 1 };
  return { frequency: recurring.frequency, interval: recurring.interval ?? 1 };
}
