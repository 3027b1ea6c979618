/**
 * The next occurrence of a recurring task, as the `created` task-event the
 * service publishes when the current one is completed. Everything in it is
 * derived from the completion event alone (ids, dates, even the timestamp), so
 * handling a redelivered completion produces the very same event, byte for
 * byte, and the dedupe on `event_id` downstream sees one event.
 */
import { PermanentError } from '../lib/errors.js';
import type { EventMetadata, TaskEvent } from '../lib/events.js';
import { anchoredRecurrence, nextOccurrence, parseRecurrence, parseZonedDateTime } from './recurrence.js';
import { ID_NAMESPACES, uuidV5 } from './uuid-v5.js';

/** Error code of a completion whose `task_data.recurring` cannot be read; never retried. */
export const RECURRENCE_INVALID = 'RECURRENCE_INVALID';

/**
 * Task ids minted for occurrences live in [2^52, 2^53): above any id a
 * database sequence of the API reaches, and still a safe JavaScript integer
 * and a PostgreSQL bigint.
 */
export const MINTED_TASK_ID_BASE = 2 ** 52;

/** What completing a task means for its series. */
export type NextOccurrence =
  | { readonly kind: 'not-recurring' }
  /** The rule's `until` is reached: the series ends with this task. */
  | { readonly kind: 'series-ended' }
  | { readonly kind: 'next'; readonly event: TaskEvent; readonly dueAt: Date };

/** An RFC 3339 UTC time as the specification writes it: `2024-01-20T18:00:00Z`, milliseconds only when present. */
export function formatUtc(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}

/** The deterministic task id of the occurrence created by completion `completionEventId`. */
export function mintedTaskId(completionEventId: string): number {
  const hex = uuidV5(completionEventId, ID_NAMESPACES.occurrenceTaskId).replace(/-/g, '');
  // 52 bits of the hash (13 hex digits) on top of the base.
  return MINTED_TASK_ID_BASE + Number.parseInt(hex.slice(0, 13), 16);
}

/**
 * The causation chain of the new event: the request that completed the task
 * (its `source` and `correlation_id`) also caused the next occurrence, and
 * `causation_id` names the completion event itself. Without metadata on the
 * completion, the API (the only producer of task-events) is the source.
 */
function occurrenceMetadata(completed: TaskEvent): EventMetadata & { causation_id: string } {
  return {
    source: completed.metadata?.source ?? 'api',
    correlation_id: completed.metadata?.correlation_id ?? completed.event_id,
    causation_id: completed.event_id,
  };
}

/**
 * The `created` event of the occurrence after `completed`, or why there is
 * none. The series is anchored at the completed task's due date (or, without
 * one, at the completion time); the next due date is the first occurrence
 * after both the due date and the completion, so a task completed a week late
 * does not spawn an already overdue copy.
 * @throws PermanentError (code `RECURRENCE_INVALID`) when the rule is malformed
 */
export function nextOccurrenceOf(completed: TaskEvent): NextOccurrence {
  const parsed = parseRecurrence(completed.task_data.recurring);
  if (parsed.problems) {
    throw new PermanentError(`task ${completed.task_id} has an unusable recurrence: ${parsed.problems.join('; ')}`, {
      code: RECURRENCE_INVALID,
    });
  }
  if (parsed.recurrence === null) return { kind: 'not-recurring' };
  const completedAt = parseZonedDateTime(completed.timestamp);
  if (completedAt === undefined) {
    throw new PermanentError(`timestamp ${JSON.stringify(completed.timestamp)} is not a date-time with a zone`, {
      code: RECURRENCE_INVALID,
    });
  }
  const dueDate = completed.task_data.due_date;
  const start = (dueDate && parseZonedDateTime(dueDate)) || completedAt;
  const dueAt = nextOccurrence(start, parsed.recurrence, completedAt);
  if (dueAt === null) return { kind: 'series-ended' };
  const eventId = uuidV5(completed.event_id, ID_NAMESPACES.occurrenceEvent);
  const event: TaskEvent = {
    event_id: eventId,
    event_type: 'created',
    timestamp: completed.timestamp,
    user_id: completed.user_id,
    task_id: mintedTaskId(completed.event_id),
    task_data: {
      ...completed.task_data,
      completed: false,
      due_date: formatUtc(dueAt),
      recurring: anchoredRecurrence(start, parsed.recurrence),
    },
    metadata: occurrenceMetadata(completed),
  };
  return { kind: 'next', event, dueAt };
}
