/**
 * One simple-query message holding a `COPY … FROM STDIN` (and possibly
 * statements after it), sent together with its rows, as a query of the pg
 * driver. It resolves with the command tags at ReadyForQuery, or fails with
 * the first error; a query timeout of the client (`query_timeout`) applies
 * to it like to any query.
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
 * For the same reason several of them may follow each other on one
 * connection without waiting for each other's answers (pg's pipeline mode,
 * `pipeline: true`): the backend runs them one after the other, each its own
 * implicit transaction, and answers each in order. pg 8.23 admits only
 * instances of its own `Query` class into a pipelined connection (a custom
 * query could leave a portal open across round trips, which a COPY does not),
 * so this is a subclass of it, defined on first use: a service without a
 * database never loads the driver (services/lib/postgres.ts).
 * @see https://node-postgres.com/features/pipelining
 *
 * The CopyData frames are written here around views of `data` rather than
 * through pg's serializer, which copies each chunk into a new buffer.
 */
import type pg from 'pg';
import { pgQueryClass } from '../lib/postgres.js';

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

/** What pg calls on a query it runs (a `Submittable` with the handlers a COPY FROM message can meet). */
interface CopyQuery {
  callback?: (error: Error | null, outcome?: CopyOutcome) => void;
  submit(connection: pg.Connection): void;
}

type CopyQueryClass = new (text: string, data: Buffer) => CopyQuery;

/** The class, over the driver's `Query`; made once, on first use. */
function defineCopyQuery(Query: typeof pg.Query): CopyQueryClass {
  // The handlers replace Query's own: only `callback` and the driver's read timeout, which wraps it, are shared.
  return class CopyFromStdinQuery extends (Query as unknown as new (config: { text: string }) => object) {
    callback?: (error: Error | null, outcome?: CopyOutcome) => void;
    private readonly commands: string[] = [];
    private settled = false;

    constructor(
      readonly text: string,
      private readonly data: Buffer,
    ) {
      super({ text });
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
  };
}

let copyQueryClass: CopyQueryClass | undefined;

export const CopyFromStdin = {
  /** Runs `text` (a `COPY … FROM STDIN` first) with `data` as its rows on `client`. */
  run(client: pg.PoolClient | pg.Client, text: string, data: Buffer): Promise<CopyOutcome> {
    copyQueryClass ??= defineCopyQuery(pgQueryClass());
    const copy = new copyQueryClass(text, data);
    return new Promise((resolve, reject) => {
      copy.callback = (error, outcome) => (error ? reject(error) : resolve(outcome!));
      client.query(copy as unknown as pg.Submittable);
    });
  },
};

/** Rows a command tag reports (`INSERT 0 42` → 42, `COPY 42` → 42). */
export function taggedRows(tag: string | undefined): number {
  const count = tag?.match(/(\d+)$/)?.[1];
  return count === undefined ? 0 : Number(count);
}
