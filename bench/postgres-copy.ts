/**
 * PostgreSQL's own ingest limit for the audit rows: one `COPY audit_events
 * (…) FROM STDIN` of the benchmark's rows, from a client on this machine (no
 * Kafka, no service), into the same table the audit service writes, with all
 * its indexes. The COPY text is built before the clock starts, so the rate is
 * the server's (and the socket's) alone, and the server checkpoints just
 * before it, like before every write the bench measures
 * (postgres-checkpoint.ts). The rows are deleted afterwards and the table
 * vacuumed, so what runs next finds it as before.
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { CopyFromStdin, taggedRows } from '../services/audit/copy-from-stdin.js';
import { copyBytes } from '../services/audit/copy-text.js';
import { AUDIT_COPY_COLUMNS, AUDIT_TABLE } from '../services/audit/schema.js';
import { benchAuditRow, benchUserPattern, type RunId } from './bench-events.js';
import { checkpoint, walSince, type WalSpan } from './postgres-checkpoint.js';
import { postgresCpuSeconds } from './postgres-cpu.js';

/** The COPY text of rows `0 … events - 1` of `run`, built in slices (a single 100 MB string concatenation is slow). */
export function benchCopyData(run: RunId, events: number, at: number): Buffer {
  const parts: Buffer[] = [];
  const slice = 5000;
  for (let from = 0; from < events; from += slice) {
    const rows = Array.from({ length: Math.min(slice, events - from) }, (_, k) => benchAuditRow(run, from + k, at));
    parts.push(copyBytes(rows));
  }
  return Buffer.concat(parts);
}

/** Deletes the rows of `run` from `table` and vacuums it; returns how many there were. */
export async function removeBenchRows(client: pg.Client | pg.Pool, run: RunId, table = AUDIT_TABLE): Promise<number> {
  const { rowCount } = await client.query(`DELETE FROM ${table} WHERE user_id LIKE $1`, [benchUserPattern(run)]);
  await client.query(`VACUUM ${table}`);
  return rowCount ?? 0;
}

export interface PostgresCopyResult {
  /** Rows per second of the COPY. */
  readonly rate: number;
  /** Rows the COPY reported (should equal the events). */
  readonly rows: number;
  /** CPU all of PostgreSQL used during the COPY, in µs per row (postgres-cpu.ts). */
  readonly postgresCpuMicrosPerRow: number;
  /** The WAL it wrote and the checkpoints that started meanwhile. */
  readonly wal: WalSpan;
}

/** COPYs the `events` rows of `run` into `audit_events` (see the module comment). */
export async function measurePostgresCopy(databaseUrl: string, run: RunId, events: number, at: number): Promise<PostgresCopyResult> {
  const data = benchCopyData(run, events, at);
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'bench-postgres-copy' });
  await client.connect();
  try {
    const mark = await checkpoint(databaseUrl);
    const cpuBefore = postgresCpuSeconds();
    const started = performance.now();
    const { commands } = await CopyFromStdin.run(client, `COPY ${AUDIT_TABLE} (${AUDIT_COPY_COLUMNS}) FROM STDIN`, data);
    const seconds = (performance.now() - started) / 1000;
    const cpu = postgresCpuSeconds() - cpuBefore;
    const wal = await walSince(databaseUrl, mark);
    return { rate: events / seconds, rows: taggedRows(commands[0]), postgresCpuMicrosPerRow: (cpu / events) * 1e6, wal };
  } finally {
    await removeBenchRows(client, run).finally(() => client.end());
  }
}
