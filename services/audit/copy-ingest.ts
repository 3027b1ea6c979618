/**
 * Audit rows into PostgreSQL through `COPY`, PostgreSQL's own bulk path. Each
 * chunk of a batch (rows in COPY's text format, sent with the statement,
 * copy-from-stdin.ts) is first one plain `COPY audit_events (…) FROM STDIN`:
 * one message, and the server parses each value once instead of planning a
 * 2,250-parameter statement. The chunks of every batch in flight go on one
 * connection, pipelined (copy-connections.ts), so its backend finds the next
 * COPY waiting as it commits one. A COPY is all or nothing,
 * so when one of its events is recorded already (a redelivered batch, a
 * retried chunk that had landed, the same event twice) it fails with
 * `unique_violation` having written nothing, and the chunk goes the careful
 * way, one simple-query message:
 *
 *   COPY audit_staging FROM STDIN;
 *   INSERT INTO audit_events (…) SELECT … FROM audit_staging ON CONFLICT (event_id) DO NOTHING
 *
 * The two statements of one message are one implicit transaction: the rows
 * land in `audit_events` together or not at all, and the staging table, a
 * temporary table of the connection (`ON COMMIT DELETE ROWS`, no WAL, no
 * index), is empty again at the commit.
 *
 * Exactly once, as before: the caller commits offsets only after `insert`
 * resolves, the unique `event_id` refuses a second row for an event, and the
 * careful way skips what is recorded. A failure rejects with `pgError`'s classified
 * error (a bad value: the SQLSTATE of COPY's parse, not retryable; a lost
 * connection or a timeout: retryable, and every COPY pipelined on that
 * connection fails with it), and the connection is discarded unless the
 * server answered.
 */
import type pg from 'pg';
import { pgError } from '../lib/postgres.js';
import type { AuditRow } from './audit-store.js';
import { PipelinedConnection, PooledConnections, type CopyConnections } from './copy-connections.js';
import { CopyFromStdin, taggedRows } from './copy-from-stdin.js';
import { CopyTextWriter } from './copy-text.js';
import { AUDIT_COPY_COLUMNS, AUDIT_TABLE } from './schema.js';

/** How batches are written. */
export const COPY_INGEST = {
  /**
   * Rows per COPY: a consumer batch (at most 500 events) is one chunk, one
   * round trip and one commit. Measured with `npm run bench:audit-ingest`
   * (CPU per row, which a shared machine's load does not move much): one
   * COPY of 500 costs the server 15 µs a row, two of 250 at once 20 µs, the
   * former 250-row `INSERT … VALUES` statements 25 µs; this process 4.4, 6.8
   * and 4.5 µs. @default 500
   */
  rowsPerCopy: 500,
  /** Chunks of one batch in flight at once (a batch larger than `rowsPerCopy`): pipelined, or each on its own pool connection. @default 2 */
  concurrentCopies: 2,
  /**
   * Try each chunk as a plain COPY into the table first, and go through the
   * staging table only when that meets an event recorded already. @default true
   */
  directFirst: true,
  /**
   * All COPYs in flight on one connection, pipelined (copy-connections.ts;
   * the pool must be made with `pipeline: true`, else they queue on it one
   * after the other). 'pooled': each COPY on a connection of its own.
   * @default 'pipelined'
   */
  connection: 'pipelined',
} as const;

/** How `CopyIngest` writes (see `COPY_INGEST`). */
export interface CopyIngestSettings {
  readonly rowsPerCopy: number;
  readonly concurrentCopies: number;
  readonly directFirst: boolean;
  readonly connection: 'pooled' | 'pipelined';
}

/** The connection's staging table: the audit columns, typed, so COPY parses each value once. */
export const STAGING_TABLE = 'audit_staging';

/** Creates the connection's staging table; runs once per connection. */
export const CREATE_STAGING = `CREATE TEMPORARY TABLE IF NOT EXISTS ${STAGING_TABLE} (
    event_id uuid, event_type text, user_id text, task_id bigint, occurred_at timestamptz,
    payload jsonb, topic text, "partition" integer, "offset" bigint
  ) ON COMMIT DELETE ROWS`;

/**
 * The first try of a chunk: COPY straight into the table, PostgreSQL's own
 * fastest path. It fails with `unique_violation` (23505), writing nothing,
 * when any of its events is recorded already (a redelivery) or twice in it.
 */
export const COPY_DIRECT = `COPY ${AUDIT_TABLE} (${AUDIT_COPY_COLUMNS}) FROM STDIN`;

/** The SQLSTATE of a duplicate `event_id`. */
const UNIQUE_VIOLATION = '23505';

/** The one message per chunk: COPY into staging, then move what is new, in one implicit transaction. */
export const COPY_AND_MOVE =
  `COPY ${STAGING_TABLE} (${AUDIT_COPY_COLUMNS}) FROM STDIN;\n` +
  `INSERT INTO ${AUDIT_TABLE} (${AUDIT_COPY_COLUMNS}) SELECT ${AUDIT_COPY_COLUMNS} FROM ${STAGING_TABLE} ON CONFLICT (event_id) DO NOTHING`;

/**
 * Writes audit rows through COPY. Holds the connection(s) it writes on,
 * which of them already have their staging table, and its text buffers.
 */
export class CopyIngest {
  private readonly staged = new WeakSet<pg.PoolClient>();
  /** Writers no COPY is using, kept with their grown buffers (at most as many as COPYs ran at once). */
  private readonly idleWriters: CopyTextWriter[] = [];

  private readonly connections: CopyConnections;

  constructor(
    pool: pg.Pool,
    private readonly settings: CopyIngestSettings = COPY_INGEST,
  ) {
    this.connections = settings.connection === 'pipelined' ? new PipelinedConnection(pool) : new PooledConnections(pool);
  }

  /** Inserts `rows`; rows whose `event_id` is already recorded are skipped. Resolves with the number inserted. */
  async insert(rows: readonly AuditRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const { rowsPerCopy, concurrentCopies } = this.settings;
    // Even chunks: 600 rows are two of 300, not 500 and 100.
    const chunks = Math.ceil(rows.length / rowsPerCopy);
    const size = Math.ceil(rows.length / chunks);
    let next = 0;
    let inserted = 0;
    let failure: { error: unknown } | undefined;
    // Each writer takes the next chunk until none is left or one failed; all have stopped before insert settles.
    const writer = async () => {
      for (let chunk = next++; chunk < chunks && failure === undefined; chunk = next++) {
        try {
          const writer = (this.idleWriters.pop() ?? new CopyTextWriter()).reset();
          // The text before the connection: a chunk that waits for the pool (every connection busy) waits ready to go.
          const landed = await this.copy(writer.rows(rows, chunk * size, Math.min(rows.length, (chunk + 1) * size)).bytes());
          // Only once the COPY ended: the connection may still have been sending these bytes until then.
          this.idleWriters.push(writer);
          inserted += landed;
        } catch (error) {
          failure ??= { error };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrentCopies, chunks) }, writer));
    if (failure !== undefined) throw pgError(failure.error, `writing ${rows.length} audit row(s)`);
    return inserted;
  }

  /** One chunk (COPY text); resolves with the rows it inserted. */
  private copy(data: Buffer): Promise<number> {
    return this.connections.use(async (client) => {
      if (this.settings.directFirst) {
        try {
          return taggedRows((await CopyFromStdin.run(client, COPY_DIRECT, data)).commands[0]);
        } catch (error) {
          if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
          // Some of these events are recorded already: the chunk wrote nothing; move only what is new.
        }
      }
      if (!this.staged.has(client)) {
        await client.query(CREATE_STAGING);
        this.staged.add(client);
      }
      const { commands } = await CopyFromStdin.run(client, COPY_AND_MOVE, data);
      return taggedRows(commands.find((tag) => tag.startsWith('INSERT')));
    });
  }
}
