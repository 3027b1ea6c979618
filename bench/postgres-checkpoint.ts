/**
 * Each write the bench measures into the local PostgreSQL (the audit
 * service, PostgreSQL's own COPY, Kafka Connect) starts right after a
 * `CHECKPOINT`, so they all start alike. Without it the server checkpoints
 * whenever its WAL since the last one reaches its threshold (the local
 * server's defaults: `max_wal_size` 1 GB, `checkpoint_completion_target`
 * 0.9, so about every 540 MB, two to four drains of the bench's 150,000
 * rows), and whichever write comes after it pays a full-page image in the
 * WAL for the first change of every page it touches (`full_page_writes`),
 * and competes with the checkpointer's writes meanwhile. That fell on the
 * audit in one pair and on the COPY in the next.
 * @see https://www.postgresql.org/docs/15/wal-configuration.html
 *
 * `CHECKPOINT` needs a superuser or `pg_checkpoint`, which the services'
 * role has no reason to hold: the bench connects as the local cluster's
 * superuser through its Unix socket (`local all all trust` in the cluster
 * `npm run local:up` creates).
 */
import pg from 'pg';
import { LOCAL_PATHS } from '../scripts/local/paths.js';
import { POSTGRES_OS_USER } from '../scripts/local/postgres.js';

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

function superuser(databaseUrl: string): pg.Client {
  const port = Number(new URL(databaseUrl).port);
  return new pg.Client({ host: LOCAL_PATHS.postgres.socketDir, port, user: POSTGRES_OS_USER, database: 'postgres' });
}

async function asSuperuser<T>(databaseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = superuser(databaseUrl);
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
    `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text AS lsn,
            (checkpoints_timed + checkpoints_req)::int AS checkpoints FROM pg_stat_bgwriter`,
  );
  return { lsnBytes: BigInt(rows[0]!.lsn.split('.')[0]!), checkpoints: rows[0]!.checkpoints };
}
