/**
 * Audit rows into PostgreSQL through `COPY`, PostgreSQL's own bulk path. Each
 * chunk of a batch (rows in COPY's text format, sent as soon as the server
 * asks for them) is first one plain `COPY audit_events (…) FROM STDIN` on one
 * pooled connection: one round trip, and the server parses each value once
 * instead of planning a 2,250-parameter statement. A COPY is all or nothing,
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
 * connection or a timeout: retryable), and the connection is discarded
 * unless the server answered.
 */
import type pg from 'pg';
import { pgError } from '../lib/postgres.js';
import type { AuditRow } from './audit-store.js';
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
  /** Chunks of one batch in flight at once (a batch larger than `rowsPerCopy`), each on its own pool connection. @default 2 */
  concurrentCopies: 2,
  /**
   * Try each chunk as a plain COPY into the table first, and go through the
   * staging table only when that meets an event recorded already. @default true
   */
  directFirst: true,
} as const;

/** How `CopyIngest` writes (see `COPY_INGEST`). */
export interface CopyIngestSettings {
  readonly rowsPerCopy: number;
  readonly concurrentCopies: number;
  readonly directFirst: boolean;
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

/** The commands of one simple-query message, as the server completed them (`COPY 500`, `INSERT 0 498`). */
export interface CopyOutcome {
  readonly commands: readonly string[];
}

/**
 * Bytes per CopyData message: the server reads a whole message into memory
 * before it parses any of it, so a large text (the bench's 75 MB) goes in
 * slices; a consumer batch (about 250 KiB) is one. @default 256 KiB
 */
const COPY_CHUNK_BYTES = 256 * 1024;

/** CopyData's type byte ('d'); CopyDone is 'c' with no body. @see https://www.postgresql.org/docs/current/protocol-message-formats.html */
const COPY_DATA = 0x64;
const COPY_DONE = Buffer.from([0x63, 0, 0, 0, 4]);

/** The five bytes before a CopyData body: its type and its length, which counts itself. */
function copyDataHeader(bodyBytes: number): Buffer {
  const header = Buffer.allocUnsafe(5);
  header[0] = COPY_DATA;
  header.writeInt32BE(bodyBytes + 4, 1);
  return header;
}

/** The part of pg's `Connection` a COPY writes to: its socket (TLS or not) and its Query message. */
interface CopyWire {
  readonly stream: NodeJS.WritableStream & { readonly writable: boolean; cork(): void; uncork(): void };
  query(text: string): void;
}

/**
 * One simple-query message holding a `COPY … FROM STDIN` (and possibly
 * statements after it), sent together with its rows: a pg `Submittable`.
 * It resolves (`callback`) at ReadyForQuery with the command tags, or fails
 * with the first error; a query timeout of the client (`query_timeout`)
 * applies to it like to any query.
 *
 * The rows follow the Query message at once, in the same write, instead of
 * after the server's CopyInResponse: that wait cost a round trip through a
 * busy event loop per batch, and PostgreSQL sat idle meanwhile (sampled from
 * `pg_stat_activity` while the bench's audit service drained 150,000 events;
 * sending at once measured 12–15 % more events/s in each of three rounds:
 * README, Performance). The protocol allows it: the backend reads its input
 * in order, and when the COPY fails, before or during copy-in mode, the
 * CopyData and CopyDone frames behind it are dropped (the protocol's COPY
 * section says so; in postgres.c, PostgresMain's idle loop accepts and
 * ignores them, expecting a client still sending after a failed COPY).
 * @see https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-COPY
 *
 * The CopyData frames are written here around views of `data` rather than
 * through pg's serializer, which copies each chunk into a new buffer.
 */
export class CopyFromStdin {
  callback?: (error: Error | null, outcome?: CopyOutcome) => void;
  private readonly commands: string[] = [];
  private settled = false;

  constructor(
    readonly text: string,
    private readonly data: Buffer,
  ) {}

  /** Runs it on `client`. */
  static run(client: pg.PoolClient | pg.Client, text: string, data: Buffer): Promise<CopyOutcome> {
    return new Promise((resolve, reject) => {
      const copy = new CopyFromStdin(text, data);
      copy.callback = (error, outcome) => (error ? reject(error) : resolve(outcome!));
      client.query(copy);
    });
  }

  submit(connection: pg.Connection): void {
    const wire = connection as unknown as CopyWire;
    const { stream } = wire;
    // As pg's own sends: a socket that is no longer writable fails the query through the connection's error.
    if (!stream.writable) return;
    // One writev for the Query, every frame and CopyDone.
    stream.cork();
    wire.query(this.text);
    for (let at = 0; at < this.data.length; at += COPY_CHUNK_BYTES) {
      const body = this.data.subarray(at, at + COPY_CHUNK_BYTES);
      stream.write(copyDataHeader(body.length));
      stream.write(body);
    }
    stream.write(COPY_DONE);
    stream.uncork();
  }

  /** The rows went with the query (`submit`): nothing is left to send. */
  handleCopyInResponse(): void {}

  handleCommandComplete(message: { text: string }): void {
    this.commands.push(message.text);
  }

  handleReadyForQuery(): void {
    this.settle(null);
  }

  handleError(error: Error): void {
    this.settle(error);
  }

  // Messages a COPY FROM message never carries; present so the client never finds a handler missing.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}

  private settle(error: Error | null): void {
    if (this.settled) return;
    this.settled = true;
    this.callback?.(error, error ? undefined : { commands: this.commands });
  }
}

/** Rows a command tag reports (`INSERT 0 42` → 42, `COPY 42` → 42). */
export function taggedRows(tag: string | undefined): number {
  const count = tag?.match(/(\d+)$/)?.[1];
  return count === undefined ? 0 : Number(count);
}

/**
 * Writes audit rows through COPY. Holds no state but which pooled
 * connections already have their staging table.
 */
export class CopyIngest {
  private readonly staged = new WeakSet<pg.PoolClient>();
  /** Writers no COPY is using, kept with their grown buffers (at most as many as COPYs ran at once). */
  private readonly idleWriters: CopyTextWriter[] = [];

  constructor(
    private readonly pool: pg.Pool,
    private readonly settings: CopyIngestSettings = COPY_INGEST,
  ) {}

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

  /** One chunk (COPY text) on one connection; resolves with the rows it inserted. */
  private async copy(data: Buffer): Promise<number> {
    const client = await this.pool.connect();
    // A checked-out client has no 'error' listener of the pool's: without one, a connection lost here would end the process.
    const ignore = () => {};
    client.on('error', ignore);
    let broken: Error | undefined;
    try {
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
    } catch (error) {
      // An error the server answered leaves the connection usable (the message's transaction rolled back);
      // anything else (lost connection, timeout) may leave it mid-COPY: the pool must not hand it out again.
      if (!(error instanceof Error && 'severity' in error)) broken = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      client.off('error', ignore);
      client.release(broken);
    }
  }
}
