/**
 * Each write the bench measures into the local PostgreSQL (the audit
 * service, PostgreSQL's own COPY, Kafka Connect) starts right after a
 * `CHECKPOINT`, so they all start alike. Without it, a write found the
 * 128 MB of shared buffers full of the previous write's dirty pages and
 * wrote them out itself to make room (`DataFileExtend` and `BufferContent`
 * waits in bench/backend-waits.ts), or ran into a checkpoint the server
 * began on its own: at `max_wal_size / (1 + checkpoint_completion_target)`
 * of WAL since the last one (`CalculateCheckpointSegments`, xlog.c), about
 * 540 MB with the local server's defaults, two to four drains of the
 * bench's 150,000 rows; after it, the first change of every page writes a
 * full-page image (`full_page_writes`), and the checkpointer's writes
 * compete meanwhile. That fell on the audit in one pair and on the COPY in
 * the next.
 * @see https://www.postgresql.org/docs/15/wal-configuration.html
 *
 * `CHECKPOINT` needs a superuser or `pg_checkpoint`, which the services'
 * role has no reason to hold: the bench connects as the local cluster's
 * superuser through its Unix socket (`local all all trust` in the cluster
 * `npm run local:up` creates).
 */
import type pg from 'pg';
import { LOCAL_PATHS } from '../scripts/local/paths.js';
import { superuserClient } from '../scripts/local/postgres.js';

/** WAL position and checkpoint count, to tell what happened between two readings. */
export interface WalMark {
  readonly lsnBytes: bigint;
  readonly checkpoints: number;
}

/** What the server did between two `WalMark`s. */
export interface WalSpan {
  readonly walMiB: number;
  readonly checkpoints: number;
}

async function asSuperuser<T>(databaseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = superuserClient(Number(new URL(databaseUrl).port), LOCAL_PATHS.postgres.socketDir);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Runs a `CHECKPOINT` and returns the mark right after it. */
export function checkpoint(databaseUrl: string): Promise<WalMark> {
  return asSuperuser(databaseUrl, async (client) => {
    await client.query('CHECKPOINT');
    return readMark(client);
  });
}

/** The WAL written and the checkpoints started since `from`. */
export function walSince(databaseUrl: string, from: WalMark): Promise<WalSpan> {
  return asSuperuser(databaseUrl, async (client) => {
    const now = await readMark(client);
    return { walMiB: Number(now.lsnBytes - from.lsnBytes) / 2 ** 20, checkpoints: now.checkpoints - from.checkpoints };
  });
}

async function readMark(client: pg.Client): Promise<WalMark> {
  const { rows } = await client.query<{ lsn: string; checkpoints: number }>(
    `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint::text AS lsn,
            (checkpoints_timed + checkpoints_req)::int AS checkpoints FROM pg_stat_bgwriter`,
  );
  return { lsnBytes: BigInt(rows[0]!.lsn), checkpoints: rows[0]!.checkpoints };
}
