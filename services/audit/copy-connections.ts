/**
 * Where the audit's COPYs run: each on a connection of its own from the
 * pool (`PooledConnections`), or all of those in flight on one connection,
 * pipelined (`PipelinedConnection`, the audit service's way).
 *
 * Why one pipelined connection (README, Performance, run 25): with two
 * connections, each running one COPY at a time, the two backends and the
 * service shared the machine's two cores, and PostgreSQL spent 19–23 µs of
 * CPU a row in a drain against 11–15 in one big COPY (`perf record -a` over
 * a drain: PostgreSQL 48 % of the machine's samples, the service 37 %, idle
 * 6 %). One backend that finds the next COPY already in its socket whenever
 * it commits one leaves the other core to the service: over rounds of `npm
 * run bench:audit-rounds` PostgreSQL took 12.1–16.7 µs a row against
 * 12.5–19.3, and the drains were faster (audit-service.ts,
 * `AUDIT_CONCURRENT_BATCHES`). Without the service (`npm run
 * bench:audit-ingest`) two connections are faster, as they use both cores:
 * 37,809 / 38,453 against 29,375 / 34,289 rows/s, at the same 20 µs a row.
 *
 * Either way a connection whose failure the server did not answer (lost,
 * timed out, maybe mid-COPY), or answered with a FATAL error, is discarded,
 * never reused: any other error the server answered leaves it in step (the
 * message's transaction rolled back).
 */
import type pg from 'pg';

export interface CopyConnections {
  /** Runs `work` on a connection; a failure of the connection itself discards it. */
  use<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T>;
}

/**
 * Whether the server answered `error` (a pg `DatabaseError`) and kept the
 * session, which leaves the connection usable. A FATAL or PANIC error (the
 * backend terminated, the server shutting down) ends the session with it.
 * @see https://www.postgresql.org/docs/current/protocol-error-fields.html
 */
function serverAnswered(error: unknown): boolean {
  if (!(error instanceof Error && 'severity' in error)) return false;
  const { severity } = error as { severity?: unknown };
  return severity !== 'FATAL' && severity !== 'PANIC';
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

// A checked-out client has no 'error' listener of the pool's: without one, a connection lost meanwhile would end the process.
const ignore = () => {};

/** A connection of the pool for each piece of work, given back when it ends. */
export class PooledConnections implements CopyConnections {
  constructor(private readonly pool: pg.Pool) {}

  async use<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    client.on('error', ignore);
    let broken: Error | undefined;
    try {
      return await work(client);
    } catch (error) {
      if (!serverAnswered(error)) broken = asError(error);
      throw error;
    } finally {
      client.off('error', ignore);
      client.release(broken);
    }
  }
}

/** The connection taken for the work in flight, and how much of it there is. */
interface Hold {
  readonly client: Promise<pg.PoolClient>;
  users: number;
  /** Given back to the pool, or discarded as broken: not to be released again. */
  released: boolean;
}

/**
 * One connection of `pool` (made with `pipeline: true`) for all the work in
 * flight at once: pg writes each query on it as soon as it is made, and the
 * server answers them in order. It goes back to the pool when no work is
 * left (so the pool's idle timeout and `end` apply as to any connection),
 * and the next work takes it again. When it breaks, every query on it fails
 * and it is discarded; so is one lost while held (its 'error' event). The
 * next work takes a new one. What this relies on, read in pg 8.23's
 * lib/client.js: a lost connection errors the active query and every one
 * sent or queued behind it (`_errorAllQueries`); a read timeout in pipeline
 * mode destroys the connection, since the queries behind cannot go first;
 * a checked-out client emits 'error' for a loss with no query running.
 */
export class PipelinedConnection implements CopyConnections {
  private hold: Hold | undefined;

  constructor(private readonly pool: pg.Pool) {}

  async use<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const hold = (this.hold ??= this.take());
    hold.users++;
    try {
      const client = await hold.client;
      try {
        return await work(client);
      } catch (error) {
        // The first failure of the connection discards it; work failing on it afterwards finds it gone.
        if (!serverAnswered(error)) this.discard(hold, client, asError(error));
        throw error;
      }
    } finally {
      if (--hold.users === 0) this.letGo(hold);
    }
  }

  private take(): Hold {
    const hold: Hold = {
      client: this.pool.connect().then((client) => {
        client.on('error', (error: Error) => this.discard(hold, client, error));
        return client;
      }),
      users: 0,
      released: false,
    };
    // A connection that could not be made is not held: the next work tries again.
    hold.client.catch(() => this.forget(hold));
    return hold;
  }

  private forget(hold: Hold): void {
    if (this.hold === hold) this.hold = undefined;
  }

  private discard(hold: Hold, client: pg.PoolClient, error: Error): void {
    this.forget(hold);
    if (hold.released) return;
    hold.released = true;
    // Still listening: pg may report the same loss again.
    client.release(error);
  }

  private letGo(hold: Hold): void {
    this.forget(hold);
    void hold.client.then(
      (client) => {
        if (hold.released) return;
        hold.released = true;
        client.removeAllListeners('error');
        client.release();
      },
      () => {},
    );
  }
}
