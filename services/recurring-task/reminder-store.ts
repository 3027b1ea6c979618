/**
 * `reminder_schedule` in PostgreSQL: applying a task-event's plan, the
 * scheduler's claim of due reminders, and the retention of settled rows.
 *
 * Which event is newer is decided before a plan gets here, by the task's
 * position in `task-events` (task-positions.ts): the handler applies a plan
 * only for an event newer than every one the task has seen, so a redelivery,
 * a consumer group reset to the earliest offset or a replay from the
 * dead-letter topic changes nothing. The writes here only refuse the same
 * event twice (`source_event_id`), so re-applying the event that scheduled a
 * reminder that was already sent does not send it again. `task_event_at`
 * keeps the event's `timestamp`, for people reading the table.
 */
import type { Pool, PoolClient } from 'pg';
import type { ReminderEvent, ReminderType } from '../lib/events.js';
import type { ReminderPlan, ReminderState } from './reminder-plan.js';

/** How many rows a plan changed. */
export interface PlanResult {
  readonly changed: number;
}

/** Guard shared by every write: not the same event again ($3, the event's timestamp, is only stored). */
const FOLLOWS_EVENT = `r.source_event_id <> $4`;

/**
 * Schedules, moves, cancels or retitles a task's reminders.
 *
 * Scheduling upserts one row per reminder type. When the due date is
 * unchanged and the row is pending or already sent, the row keeps its state,
 * `event_id` and `sent_at` (a title change must not send a reminder twice);
 * any other row takes the new times, state and `event_id`.
 */
export async function applyReminderPlan(pool: Pool | PoolClient, plan: ReminderPlan): Promise<PlanResult> {
  const key = [plan.userId, plan.taskId, plan.eventAt, plan.eventId];
  switch (plan.kind) {
    case 'schedule': {
      let changed = 0;
      for (const reminder of plan.reminders) {
        const result = await pool.query(
          `INSERT INTO reminder_schedule AS r
             (user_id, task_id, task_event_at, source_event_id, reminder_type, remind_at, due_at, title, state, event_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT (user_id, task_id, reminder_type) DO UPDATE SET
             title = EXCLUDED.title,
             task_event_at = EXCLUDED.task_event_at,
             source_event_id = EXCLUDED.source_event_id,
             updated_at = now(),
             remind_at = EXCLUDED.remind_at,
             due_at = EXCLUDED.due_at,
             state = CASE WHEN r.due_at = EXCLUDED.due_at AND r.state IN ('pending', 'sent') THEN r.state ELSE EXCLUDED.state END,
             event_id = CASE WHEN r.due_at = EXCLUDED.due_at AND r.state IN ('pending', 'sent') THEN r.event_id ELSE EXCLUDED.event_id END,
             sent_at = CASE WHEN r.due_at = EXCLUDED.due_at AND r.state IN ('pending', 'sent') THEN r.sent_at END
           WHERE ${FOLLOWS_EVENT}`,
          [...key, reminder.reminderType, reminder.remindAt, plan.dueAt, plan.title, reminder.state, reminder.eventId],
        );
        changed += result.rowCount ?? 0;
      }
      return { changed };
    }
    case 'cancel': {
      const result = await pool.query(
        `UPDATE reminder_schedule AS r SET
           state = CASE WHEN r.state = 'pending' THEN 'cancelled' ELSE r.state END,
           task_event_at = $3, source_event_id = $4, updated_at = now()
         WHERE r.user_id = $1 AND r.task_id = $2 AND ${FOLLOWS_EVENT}`,
        key,
      );
      return { changed: result.rowCount ?? 0 };
    }
    case 'retitle': {
      const result = await pool.query(
        `UPDATE reminder_schedule AS r SET title = $5, task_event_at = $3, source_event_id = $4, updated_at = now()
         WHERE r.user_id = $1 AND r.task_id = $2 AND ${FOLLOWS_EVENT}`,
        [...key, plan.title],
      );
      return { changed: result.rowCount ?? 0 };
    }
  }
}

/** A pending reminder claimed by the scheduler (locked until its transaction ends). */
export interface DueReminder {
  readonly userId: string;
  readonly taskId: number;
  readonly reminderType: ReminderType;
  readonly remindAt: Date;
  readonly dueAt: Date;
  readonly title: string;
  readonly eventId: string;
}

interface DueRow {
  user_id: string;
  task_id: string;
  reminder_type: ReminderType;
  remind_at: Date;
  due_at: Date;
  title: string;
  event_id: string;
}

/**
 * Locks up to `limit` pending reminders whose time has come, oldest first.
 * `SKIP LOCKED` lets several replicas share the work without waiting on each
 * other; a row stays locked until the caller's transaction ends.
 */
export async function claimDueReminders(client: PoolClient, now: Date, limit: number): Promise<DueReminder[]> {
  const { rows } = await client.query<DueRow>(
    `SELECT user_id, task_id, reminder_type, remind_at, due_at, title, event_id
       FROM reminder_schedule
      WHERE state = 'pending' AND remind_at <= $1
      ORDER BY remind_at, user_id, task_id, reminder_type
      LIMIT $2
      FOR UPDATE SKIP LOCKED`,
    [now, limit],
  );
  return rows.map((row) => ({
    userId: row.user_id,
    taskId: Number(row.task_id),
    reminderType: row.reminder_type,
    remindAt: row.remind_at,
    dueAt: row.due_at,
    title: row.title,
    eventId: row.event_id,
  }));
}

/** Sets the final state of claimed reminders (`sent` stamps `sent_at`). */
export async function markReminders(
  client: PoolClient,
  reminders: readonly DueReminder[],
  state: Extract<ReminderState, 'sent' | 'expired'>,
): Promise<void> {
  if (reminders.length === 0) return;
  await client.query(
    `UPDATE reminder_schedule AS r SET state = $1, sent_at = CASE WHEN $1 = 'sent' THEN now() END, updated_at = now()
       FROM unnest($2::text[], $3::bigint[], $4::text[]) AS k(user_id, task_id, reminder_type)
      WHERE r.user_id = k.user_id AND r.task_id = k.task_id AND r.reminder_type = k.reminder_type`,
    [state, reminders.map((r) => r.userId), reminders.map((r) => r.taskId), reminders.map((r) => r.reminderType)],
  );
}

/** Rows deleted per statement by `pruneRecurringState`, so no statement holds many locks for long. @default 5000 */
export const PRUNE_BATCH_ROWS = 5_000;

/** What `pruneRecurringState` deleted, per table. */
export interface PruneResult {
  readonly reminders: number;
  readonly positions: number;
  readonly occurrences: number;
}

async function deleteInBatches(db: Pool | PoolClient, table: string, where: string, cutoff: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const result = await db.query(
      `DELETE FROM ${table} WHERE ctid IN (SELECT ctid FROM ${table} WHERE ${where} LIMIT ${PRUNE_BATCH_ROWS})`,
      [cutoff],
    );
    const deleted = result.rowCount ?? 0;
    total += deleted;
    if (deleted < PRUNE_BATCH_ROWS) return total;
  }
}

/**
 * Deletes what no event can need any more, last changed before `cutoff`:
 * settled reminders (sent, cancelled, skipped, expired; pending ones stay
 * whatever their age), task positions and handled completions. An event old
 * enough to predate the cutoff is past the retention of `task-events` and of
 * the dead-letter topic, so it can no longer be redelivered or replayed.
 */
export async function pruneRecurringState(db: Pool | PoolClient, cutoff: Date): Promise<PruneResult> {
  const reminders = await deleteInBatches(db, 'reminder_schedule', `state <> 'pending' AND updated_at < $1`, cutoff);
  const positions = await deleteInBatches(db, 'task_event_positions', 'updated_at < $1', cutoff);
  const occurrences = await deleteInBatches(db, 'recurring_occurrences', 'recorded_at < $1', cutoff);
  return { reminders, positions, occurrences };
}

/** The `reminders` event of a claimed reminder, stamped `now`. */
export function reminderEvent(reminder: DueReminder, now: Date): ReminderEvent {
  return {
    event_id: reminder.eventId,
    timestamp: now.toISOString(),
    task_id: reminder.taskId,
    user_id: reminder.userId,
    title: reminder.title,
    due_at: reminder.dueAt.toISOString(),
    remind_at: reminder.remindAt.toISOString(),
    reminder_type: reminder.reminderType,
  };
}
