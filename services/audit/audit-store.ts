/**
 * Writes audit rows with prepared multi-row statements, `INSERT … VALUES
 * (…), (…) ON CONFLICT (event_id) DO NOTHING`, `AUDIT_WRITE.rowsPerStatement`
 * rows each, several at once on the pool's connections.
 *
 * Why this shape (measured on the bench machine, 100,000 rows): the former
 * single `INSERT … SELECT FROM unnest($1::uuid[], …)` per batch reached 35,000
 * rows/s and cost the service 9.7 µs of CPU per row, most of it escaping
 * array literals that the server then parses back; a prepared multi-row
 * statement is parsed and planned once per connection and sends each value
 * as a plain parameter: 47,000 rows/s alone and 52,000 to 58,000 with two at
 * once, at 2 to 4.5 µs per row. Each statement commits on its own: a batch
 * that fails half-written is retried whole, and `ON CONFLICT DO NOTHING` on
 * the unique `event_id` skips what already landed, so every event is still
 * recorded exactly once.
 *
 * `insert` now writes through COPY (copy-ingest.ts, measured with `npm run
 * bench:audit-ingest`); `insertValues` is the statement-per-chunk way above,
 * kept for that comparison.
 */
import type pg from 'pg';
import { pgError } from '../lib/index.js';
import { CopyIngest } from './copy-ingest.js';
import { payloadText } from './copy-text.js';
import { AUDIT_COPY_COLUMNS, AUDIT_MIGRATION_LOCK, AUDIT_MIGRATIONS, AUDIT_TABLE } from './schema.js';

/** One row of `audit_events`, before the database adds `id` and `recorded_at`. */
export interface AuditRow {
  readonly eventId: string;
  readonly eventType: string;
  readonly userId: string;
  readonly taskId: number;
  readonly occurredAt: string;
  /** The whole event (serialized here), or its JSON exactly as received, as text or as the record's bytes (saves serializing it again). */
  readonly payload: object | string | Buffer;
  readonly topic: string;
  readonly partition: number | null;
  readonly offset: bigint | null;
}

/** How batches are written. */
export const AUDIT_WRITE = {
  /**
   * Rows per prepared statement: 9 parameters each, far below PostgreSQL's
   * 65,535; a consumer batch (500 events at most, `DEFAULT_CONSUMER_TUNING`)
   * becomes two statements of about 100 KiB that run at once. @default 250
   */
  rowsPerStatement: 250,
  /** Statements of one batch in flight at once (each on its own pool connection). @default 2 */
  concurrentStatements: 2,
} as const;

const COLUMNS = 9;

/** `INSERT … VALUES` for `rows` rows of the audit columns, with typed placeholders. */
export function insertStatement(rows: number): string {
  const tuples: string[] = [];
  for (let r = 0; r < rows; r++) {
    const p = r * COLUMNS;
    tuples.push(
      `($${p + 1}::uuid,$${p + 2},$${p + 3},$${p + 4}::bigint,$${p + 5}::timestamptz,$${p + 6}::jsonb,$${p + 7},$${p + 8}::int,$${p + 9}::bigint)`,
    );
  }
  return `INSERT INTO ${AUDIT_TABLE} (${AUDIT_COPY_COLUMNS})
  VALUES ${tuples.join(',')}
  ON CONFLICT (event_id) DO NOTHING`;
}

const FULL_STATEMENT = {
  name: `${AUDIT_TABLE}_insert_${AUDIT_WRITE.rowsPerStatement}`,
  text: insertStatement(AUDIT_WRITE.rowsPerStatement),
};

function parameters(rows: readonly AuditRow[]): unknown[] {
  const values: unknown[] = new Array(rows.length * COLUMNS);
  let i = 0;
  for (const row of rows) {
    values[i++] = row.eventId;
    values[i++] = row.eventType;
    values[i++] = row.userId;
    values[i++] = row.taskId;
    values[i++] = row.occurredAt;
    values[i++] = payloadText(row.payload);
    values[i++] = row.topic;
    values[i++] = row.partition;
    values[i++] = row.offset === null ? null : row.offset.toString();
  }
  return values;
}

export class AuditStore {
  private readonly copy: CopyIngest;

  constructor(private readonly pool: pg.Pool) {
    this.copy = new CopyIngest(pool);
  }

  /** Creates the table and indexes when missing; safe to run from several replicas at once. */
  async migrate(): Promise<void> {
    const client = await this.pool.connect().catch((error: unknown) => {
      throw pgError(error, 'connecting to PostgreSQL');
    });
    // A checked-out client has no 'error' listener of the pool's: without one, a connection lost between statements would end the process.
    const ignore = () => {};
    client.on('error', ignore);
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_MIGRATION_LOCK]);
      for (const statement of AUDIT_MIGRATIONS) await client.query(statement);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw pgError(error, 'migrating the audit schema');
    } finally {
      client.off('error', ignore);
      client.release();
    }
  }

  /** Inserts `rows` (through COPY); rows whose `event_id` is already recorded are skipped. Resolves with the number inserted. */
  insert(rows: readonly AuditRow[]): Promise<number> {
    return this.copy.insert(rows);
  }

  /** `insert` with prepared multi-row `INSERT … VALUES` statements instead of COPY. */
  async insertValues(rows: readonly AuditRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const size = AUDIT_WRITE.rowsPerStatement;
    const chunks: AuditRow[][] = [];
    for (let from = 0; from < rows.length; from += size) chunks.push(rows.slice(from, from + size));
    let next = 0;
    let inserted = 0;
    let failure: { error: unknown } | undefined;
    // Each writer takes the next chunk until none is left or one failed; all have stopped before insert settles.
    const writer = async () => {
      for (let chunk = chunks[next++]; chunk !== undefined && failure === undefined; chunk = chunks[next++]) {
        // Full chunks reuse one prepared statement per connection; the remainder is planned once.
        const statement = chunk.length === size ? FULL_STATEMENT : { text: insertStatement(chunk.length) };
        try {
          const result = await this.pool.query({ ...statement, values: parameters(chunk) });
          inserted += result.rowCount ?? 0;
        } catch (error) {
          failure ??= { error };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(AUDIT_WRITE.concurrentStatements, chunks.length) }, writer));
    if (failure !== undefined) throw pgError(failure.error, `writing ${rows.length} audit row(s)`);
    return inserted;
  }
}
