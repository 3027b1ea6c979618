/**
 * Publishes a task's next occurrence once per completion. The completion's
 * `event_id` is inserted into `recurring_occurrences` and the next occurrence
 * published inside one transaction:
 *
 * - a redelivered completion finds the committed row and publishes nothing;
 * - two consumers handling the same completion at once (a rebalance) queue on
 *   the row lock, and the second finds the row;
 * - a crash after the publish and before the commit rolls the row back, so the
 *   completion is handled again and publishes the same event again: same
 *   `event_id`, same bytes (see occurrence.ts), which consumers deduplicate.
 */
import type { Pool } from 'pg';
import type { TaskEvent } from '../lib/events.js';
import type { NextOccurrence } from './occurrence.js';
import { withTransaction } from './transaction.js';

/** What handling a completion did. */
export type OccurrenceOutcome = 'published' | 'series-ended' | 'duplicate';

/**
 * Records `completed` and, when the series goes on, calls `publish` with the
 * next occurrence before committing. A `publish` that throws rolls back, so
 * the completion is retried as a whole.
 */
export async function publishNextOccurrenceOnce(
  pool: Pool,
  completed: TaskEvent,
  next: Exclude<NextOccurrence, { kind: 'not-recurring' }>,
  publish: (event: TaskEvent) => Promise<unknown>,
): Promise<OccurrenceOutcome> {
  return withTransaction(pool, async (client) => {
    const event = next.kind === 'next' ? next.event : null;
    const inserted = await client.query(
      `INSERT INTO recurring_occurrences (source_event_id, user_id, task_id, next_event_id, next_task_id, next_due_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (source_event_id) DO NOTHING`,
      [
        completed.event_id,
        completed.user_id,
        completed.task_id,
        event?.event_id ?? null,
        event?.task_id ?? null,
        next.kind === 'next' ? next.dueAt : null,
      ],
    );
    if (inserted.rowCount === 0) return 'duplicate';
    if (event === null) return 'series-ended';
    await publish(event);
    return 'published';
  });
}
