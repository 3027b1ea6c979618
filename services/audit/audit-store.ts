/**
 * Writes audit rows: one statement per batch, `INSERT … SELECT FROM unnest(…)
 * ON CONFLICT (event_id) DO NOTHING`. Arrays instead of one placeholder per
 * value keep the statement the same for any batch size (no 65,535-parameter
 * limit, one plan), which is what lets a consumer batch of a thousand events
 * land in one round trip.
 */
import type pg from 'pg';
import type { TaskEvent } from '../lib/index.js';
import { pgError } from '../lib/index.js';
import { AUDIT_MIGRATION_LOCK, AUDIT_MIGRATIONS, AUDIT_TABLE } from './schema.js';

/** One row of `audit_events`, before the database adds `id` and `recorded_at`. */
export interface AuditRow {
  readonly eventId: string;
  readonly eventType: string;
  readonly userId: string;
  readonly taskId: number;
  readonly occurredAt: string;
  readonly payload: TaskEvent;
  readonly topic: string;
  readonly partition: number | null;
  readonly offset: bigint | null;
}

const INSERT = `
  INSERT INTO ${AUDIT_TABLE} (event_id, event_type, user_id, task_id, occurred_at, payload, topic, "partition", "offset")
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::timestamptz[], $6::jsonb[], $7::text[], $8::int[], $9::bigint[])
  ON CONFLICT (event_id) DO NOTHING`;

export class AuditStore {
  constructor(private readonly pool: pg.Pool) {}

  /** Creates the table and indexes when missing; safe to run from several replicas at once. */
  async migrate(): Promise<void> {
    const client = await this.pool.connect().catch((error: unknown) => {
      throw pgError(error, 'connecting to PostgreSQL');
    });
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_MIGRATION_LOCK]);
      for (const statement of AUDIT_MIGRATIONS) await client.query(statement);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw pgError(error, 'migrating the audit schema');
    } finally {
      client.release();
    }
  }

  /** Inserts `rows`; rows whose `event_id` is already recorded are skipped. Resolves with the number inserted. */
  async insert(rows: readonly AuditRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const columns: unknown[][] = [[], [], [], [], [], [], [], [], []];
    for (const row of rows) {
      const values = [
        row.eventId,
        row.eventType,
        row.userId,
        row.taskId,
        row.occurredAt,
        JSON.stringify(row.payload),
        row.topic,
        row.partition,
        row.offset === null ? null : row.offset.toString(),
      ];
      values.forEach((value, i) => columns[i]!.push(value));
    }
    try {
      const result = await this.pool.query(INSERT, columns);
      return result.rowCount ?? 0;
    } catch (error) {
      throw pgError(error, `writing ${rows.length} audit row(s)`);
    }
  }
}
