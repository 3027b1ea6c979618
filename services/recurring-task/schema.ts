/**
 * The recurring-task service's tables. Created at start-up under an advisory
 * lock, so replicas starting together do not race on `CREATE TABLE`.
 *
 * `recurring_occurrences`: one row per handled completion of a recurring task,
 * keyed by the completion's `event_id`. The row is inserted in the same
 * transaction that publishes the next occurrence, so a redelivered completion
 * finds it and publishes nothing.
 *
 * `reminder_schedule`: one row per task and reminder type. Settled rows (sent,
 * cancelled, skipped, expired) are deleted once older than the retention
 * (`pruneRecurringState`); pending ones stay.
 *
 * `task_event_positions`: per task, the position in `task-events` (partition,
 * offset) of the newest event applied, which orders the task's events
 * (task-positions.ts); pruned with the same retention.
 */
import type { Pool } from 'pg';
import { REMINDER_TYPES } from '../lib/events.js';
import { REMINDER_STATES } from './reminder-plan.js';
import { withTransaction } from './transaction.js';

const quoted = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/** Arbitrary constant: the `pg_advisory_xact_lock` key of this schema's migration. */
const MIGRATION_LOCK = 0x7265_6375; // "recu"

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS recurring_occurrences (
  source_event_id uuid PRIMARY KEY,
  user_id text NOT NULL,
  task_id bigint NOT NULL,
  next_event_id uuid UNIQUE,
  next_task_id bigint,
  next_due_at timestamptz,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE recurring_occurrences IS 'Completions of recurring tasks already handled; next_event_id is null when the series ended';

CREATE TABLE IF NOT EXISTS reminder_schedule (
  user_id text NOT NULL,
  task_id bigint NOT NULL,
  reminder_type text NOT NULL CHECK (reminder_type IN (${quoted(REMINDER_TYPES)})),
  remind_at timestamptz NOT NULL,
  due_at timestamptz NOT NULL,
  title text NOT NULL,
  state text NOT NULL CHECK (state IN (${quoted(REMINDER_STATES)})),
  event_id uuid NOT NULL,
  source_event_id uuid NOT NULL,
  task_event_at timestamptz NOT NULL,
  sent_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, task_id, reminder_type)
);
COMMENT ON TABLE reminder_schedule IS 'Reminders of tasks with a due date; the scheduler publishes pending rows at remind_at';
CREATE INDEX IF NOT EXISTS reminder_schedule_pending_idx ON reminder_schedule (remind_at) WHERE state = 'pending';
CREATE INDEX IF NOT EXISTS reminder_schedule_settled_idx ON reminder_schedule (updated_at) WHERE state <> 'pending';
CREATE INDEX IF NOT EXISTS recurring_occurrences_recorded_idx ON recurring_occurrences (recorded_at);

CREATE TABLE IF NOT EXISTS task_event_positions (
  user_id text NOT NULL,
  task_id bigint NOT NULL,
  source_partition integer,
  source_offset bigint,
  event_at timestamptz NOT NULL,
  event_id uuid NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, task_id),
  CHECK ((source_partition IS NULL) = (source_offset IS NULL))
);
COMMENT ON TABLE task_event_positions IS 'Per task, where in task-events (partition, offset) the newest applied event was: orders a task''s events by offset, not by the producer''s clock';
CREATE INDEX IF NOT EXISTS task_event_positions_updated_idx ON task_event_positions (updated_at);
`;

/** Creates the tables and index if they do not exist; safe to run from several replicas at once. */
export async function migrate(pool: Pool): Promise<void> {
  await withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(SCHEMA_SQL);
  });
}
