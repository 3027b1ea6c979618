/**
 * The audit service: consumes `task-events` and records each event exactly
 * once in PostgreSQL (`audit_events`). Exactly once comes from two halves:
 * the consumer commits offsets only after the batch is written (nothing is
 * lost), and `event_id` is unique (a redelivered batch inserts nothing new).
 */
import {
  createPgPool,
  type EventContext,
  type ReceivedEvent,
  type ServiceDefinition,
  type ServiceHandler,
  type TaskEvent,
} from '../lib/index.js';
import { AuditStore, type AuditRow } from './audit-store.js';

/** What the audit trail needs of an event besides the record's bytes: its row's columns. */
export type AuditedEvent = Pick<TaskEvent, 'event_id' | 'event_type' | 'user_id' | 'task_id' | 'timestamp'>;

/**
 * What the handler keeps of each event until its row is written
 * (`EventHandler.keep`): the columns, when the record's bytes are there to
 * store as the payload; the whole event otherwise (Dapr mode). Draining the
 * bench's 150,000 events, the peak RSS with the columns alone was 93.5–96.8
 * MiB against 96.1–99.8 with whole events (four rounds each, alternating in
 * one run of `npm run bench:audit-rounds`); events/s and CPU per event within
 * the rounds' spread.
 */
export function keepAudited(event: TaskEvent, value: Buffer | undefined): AuditedEvent {
  if (value === undefined) return event;
  const { event_id, event_type, user_id, task_id, timestamp } = event;
  return { event_id, event_type, user_id, task_id, timestamp };
}

/** The row recording `event` (whole, or the columns `keepAudited` kept) as received with `context`. */
export function toAuditRow(event: AuditedEvent, context: EventContext): AuditRow {
  return {
    eventId: event.event_id,
    eventType: event.event_type,
    userId: event.user_id,
    taskId: event.task_id,
    occurredAt: event.timestamp,
    // The bytes as received are the event (validated already): COPY takes them as they are (copy-text.ts).
    // Without them (Dapr mode) `event` is the whole event (keepAudited).
    payload: context.value ?? event,
    topic: context.topic,
    partition: context.partition,
    offset: context.offset,
  };
}

/**
 * PostgreSQL connections the audit writes on (the pool's `max`): one, with
 * the COPYs of every batch in flight pipelined on it
 * (copy-connections.ts says why). Before, two connections each ran one COPY
 * at a time; three were slower than two (35–36k against 38–39k events/s:
 * three backends and the service on two cores). @default 1
 */
export const AUDIT_WRITE_CONNECTIONS = 1;

/**
 * Batches handled at once: one COPY running, two waiting in the
 * connection's socket and one being decoded and written as COPY text, so
 * the backend finds the next COPY there whenever it commits one. Rounds of
 * `npm run bench:audit-rounds` (150,000 events each) against two
 * connections with three batches, the way before: medians 53,068 against
 * 45,420 events/s (three rounds, faster in all three) and 53,230 against
 * 45,478 (five rounds, faster in three), PostgreSQL 12.1–16.7 µs of CPU a
 * row against 12.5–19.3, peaks 94.0–96.7 MiB against 92.8–94.9. On the one
 * connection three batches gave a median of 46,158 and two 43,164 (the
 * backend waiting for the service, `idle` in ClientRead); five and six
 * peaked at 98.8 and 101.7 MiB.
 */
export const AUDIT_CONCURRENT_BATCHES = 4;

export const auditService: ServiceDefinition<TaskEvent, AuditedEvent> = {
  name: 'audit',
  async start({ config, log }): Promise<ServiceHandler<TaskEvent, AuditedEvent>> {
    // loadServiceConfig requires DATABASE_URL for services whose spec says `database: true`.
    const pool = createPgPool(config.databaseUrl!, config.appId, { max: AUDIT_WRITE_CONNECTIONS, pipeline: true });
    const store = new AuditStore(pool);
    await store.migrate();
    log.info({ table: 'audit_events' }, 'audit schema ready');
    // A failed write throws pgError's classified error: the library holds the batch and reports
    // PostgreSQL failing (readiness, the dependency gauge) until a write succeeds.
    const write = async (rows: AuditRow[]) => {
      const inserted = await store.insert(rows);
      if (inserted < rows.length) log.debug({ skipped: rows.length - inserted }, 'events already recorded were skipped');
    };
    return {
      // Rows land in any order (keyed by event id): the batches' COPYs queue on the one connection
      // (AUDIT_CONCURRENT_BATCHES), and each batch's offsets are committed once its COPY has.
      concurrentBatches: AUDIT_CONCURRENT_BATCHES,
      keep: keepAudited,
      handle: (event, context) => write([toAuditRow(event, context)]),
      handleBatch: (events: readonly ReceivedEvent<AuditedEvent>[]) =>
        write(events.map(({ event, context }) => toAuditRow(event, context))),
      close: () => pool.end(),
    };
  },
};
