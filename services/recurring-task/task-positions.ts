/**
 * The order of a task's events: the position (partition, offset) in
 * `task-events` of the newest event applied to each task, in
 * `task_event_positions`. `task-events` is keyed by `user_id`, so all events
 * of one task share a partition and its offsets are the order the producer
 * wrote them in, whatever their `timestamp` says: a producer with a skewed
 * clock, or two events in the same second, cannot make an older event win.
 *
 * Rules, in `claimTaskPosition`:
 * - same partition: the event applies only if its offset is greater than the
 *   stored one (a redelivery or an older event changes nothing);
 * - a replay from the dead-letter topic (`replayRecord` in
 *   services/lib/dead-letter.ts) carries its original position in
 *   `REPLAY_HEADERS` and is ordered by it, not by its own newer offset, so a
 *   replayed "created" never re-activates the reminders of a task deleted or
 *   completed after it;
 * - no position to compare (Dapr mode, where the sidecar does not pass
 *   offsets; a key that moved partition when the topic grew): the producer's
 *   `timestamp`, newer or equal, as the only order left.
 *
 * Every event leaves its position, also one that changes no reminder (a
 * delete of a task without due date), so a later replay of anything before it
 * is recognised.
 */
import type { Pool, PoolClient } from 'pg';
import { REPLAY_HEADERS } from '../lib/dead-letter.js';
import type { TaskEvent } from '../lib/events.js';
import type { EventContext } from '../lib/handler.js';

/** Where an event sits in its topic; null fields when unknown. */
export interface EventPosition {
  readonly partition: number | null;
  readonly offset: bigint | null;
}

const DIGITS = /^\d{1,19}$/;

/**
 * The position that orders an event: its original one when it is a replay
 * of a dead letter of the same topic, else where it was read (unknown without
 * a context or in Dapr mode).
 */
export function eventPosition(
  context: Partial<Pick<EventContext, 'topic' | 'partition' | 'offset' | 'headers'>> | undefined,
): EventPosition {
  const headers = context?.headers ?? {};
  const partition = headers[REPLAY_HEADERS.sourcePartition];
  const offset = headers[REPLAY_HEADERS.sourceOffset];
  if (headers[REPLAY_HEADERS.sourceTopic] === context?.topic && partition && offset && DIGITS.test(partition) && DIGITS.test(offset)) {
    return { partition: Number(partition), offset: BigInt(offset) };
  }
  return { partition: context?.partition ?? null, offset: context?.offset ?? null };
}

/**
 * Records `event` at `position` as the newest of its task, if it is newer
 * than the one recorded (see the module comment); returns whether it is.
 * Run it in the transaction that applies the event, so the position and the
 * event's effects commit or roll back together.
 */
export async function claimTaskPosition(db: Pool | PoolClient, event: TaskEvent, eventAt: Date, position: EventPosition): Promise<boolean> {
  const known = position.partition !== null && position.offset !== null;
  const result = await db.query(
    `INSERT INTO task_event_positions AS p (user_id, task_id, source_partition, source_offset, event_at, event_id)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (user_id, task_id) DO UPDATE SET
       source_partition = EXCLUDED.source_partition,
       source_offset = EXCLUDED.source_offset,
       event_at = EXCLUDED.event_at,
       event_id = EXCLUDED.event_id,
       updated_at = now()
     WHERE p.event_id <> EXCLUDED.event_id
       AND CASE
             WHEN p.source_partition IS NOT NULL AND EXCLUDED.source_partition IS NOT NULL
                  AND p.source_partition = EXCLUDED.source_partition
               THEN p.source_offset < EXCLUDED.source_offset
             ELSE p.event_at <= EXCLUDED.event_at
           END
     RETURNING 1`,
    [event.user_id, event.task_id, known ? position.partition : null, known ? String(position.offset) : null, eventAt, event.event_id],
  );
  return (result.rowCount ?? 0) > 0;
}
