/**
 * The task events of the audit benchmarks, the same ones wherever they are
 * needed: produced to `task-events` for the audit service, wrapped in the JSON
 * converter's schema envelope for Kafka Connect, and as audit rows for
 * PostgreSQL's own `COPY`. Event `i` of run `run` is a pure function of the
 * two (ids and timestamps included), so each part regenerates the events
 * instead of holding 150,000 of them.
 */
import type { AuditRow } from '../services/audit/audit-store.js';
import type { TaskEvent, TaskEventType } from '../services/lib/events.js';

const TYPES: readonly TaskEventType[] = ['created', 'updated', 'completed', 'deleted'];
/** Users the events are spread over (the topic's key). */
export const BENCH_USERS = 1000;
/** Partitions of `task-events` in the dev spec (and of the peer's own topic). */
export const BENCH_PARTITIONS = 3;

/** A run id: 8 hex digits, the first group of every UUID of the run. */
export type RunId = string;

/** A version-4-shaped UUID unique to (`run`, `kind`, `i`). */
function benchUuid(run: RunId, kind: number, i: number): string {
  return `${run}-${kind.toString(16).padStart(4, '0')}-4000-8000-${i.toString(16).padStart(12, '0')}`;
}

/** Event `i` of run `run`; `at` is the run's start (ms since the epoch), event `i` happened `i` ms later. */
export function benchEvent(run: RunId, i: number, at: number): TaskEvent {
  const type = TYPES[i % TYPES.length]!;
  return {
    event_id: benchUuid(run, 1, i),
    event_type: type,
    timestamp: new Date(at + i).toISOString(),
    user_id: `bench-audit-${run}-${i % BENCH_USERS}`,
    task_id: i + 1,
    // No due date and no recurrence: the recurring-task service handles every event, and creates nothing.
    task_data: {
      title: `Buy groceries ${i}`,
      completed: type === 'completed',
      priority: 'high',
      tags: ['home'],
      due_date: null,
      recurring: null,
    },
    metadata: { source: 'api', correlation_id: benchUuid(run, 2, i) },
  };
}

/** The row the audit service writes for event `i` (its Kafka coordinates approximated: the COPY limit reads no topic). */
export function benchAuditRow(run: RunId, i: number, at: number): AuditRow {
  const event = benchEvent(run, i, at);
  return {
    eventId: event.event_id,
    eventType: event.event_type,
    userId: event.user_id,
    taskId: event.task_id,
    occurredAt: event.timestamp,
    payload: JSON.stringify(event),
    topic: 'task-events',
    partition: i % BENCH_PARTITIONS,
    offset: BigInt(Math.floor(i / BENCH_PARTITIONS)),
  };
}

/** `LIKE` pattern of the user ids of run `run`, to count and delete its rows. */
export function benchUserPattern(run: RunId): string {
  return `bench-audit-${run}-%`;
}
