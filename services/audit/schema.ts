/**
 * The audit trail's table. `event_id` is unique, which is what makes a
 * redelivered event a no-op (`ON CONFLICT (event_id) DO NOTHING`). Created at
 * start-up if missing; later changes go in as further idempotent statements.
 */

export const AUDIT_TABLE = 'audit_events';

/** The columns the service writes, in the order its COPY rows and INSERT tuples list them. */
export const AUDIT_COPY_COLUMNS = 'event_id, event_type, user_id, task_id, occurred_at, payload, topic, "partition", "offset"';

export const AUDIT_MIGRATIONS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS ${AUDIT_TABLE} (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id     uuid        NOT NULL UNIQUE,
    event_type   text        NOT NULL,
    user_id      text        NOT NULL,
    task_id      bigint      NOT NULL,
    occurred_at  timestamptz NOT NULL,
    payload      jsonb       NOT NULL,
    topic        text        NOT NULL,
    "partition"  integer,
    "offset"     bigint,
    recorded_at  timestamptz NOT NULL DEFAULT now()
  )`,
  // The questions an audit trail answers: what happened to this user's / this task's items, in order.
  `CREATE INDEX IF NOT EXISTS ${AUDIT_TABLE}_user_time ON ${AUDIT_TABLE} (user_id, occurred_at)`,
  `CREATE INDEX IF NOT EXISTS ${AUDIT_TABLE}_task_time ON ${AUDIT_TABLE} (task_id, occurred_at)`,
];

/**
 * Serializes concurrent migrations (two replicas starting at once) with a
 * transaction-scoped advisory lock; the number is arbitrary but fixed.
 */
export const AUDIT_MIGRATION_LOCK = 7_110_001;
