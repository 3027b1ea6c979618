/**
 * `npm run bench:audit-ingest`: the audit service's ways of writing rows,
 * measured on the local PostgreSQL alone (no Kafka, no service process), in
 * the same run as PostgreSQL's own COPY of the same rows. Each way writes the
 * benchmark's rows in consumer-sized batches (500, one after the other, as the
 * consumer hands them over) into `audit_events`; rows/s, the ratio to the
 * COPY limit and the CPU per row of this process and of the server's backends
 * (from /proc: on a shared machine the rate swings with the load, the CPU per
 * row much less) are printed, one `name: value` line each. A second part COPYs
 * the rows into scratch copies of the table with fewer indexes, for the cost
 * of each index.
 *
 * Options (environment): BENCH_ROWS (default 150000), BENCH_REPEAT (default 1),
 * BENCH_WAYS (comma-separated way names; default all), BENCH_SKIP_INDEXES=1
 * (leave out the index part).
 */
import '../platform/require-node.cjs';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { AuditStore, type AuditRow } from '../services/audit/audit-store.js';
import { CopyFromStdin } from '../services/audit/copy-from-stdin.js';
import { COPY_INGEST, CopyIngest, type CopyIngestSettings } from '../services/audit/copy-ingest.js';
import { AUDIT_COPY_COLUMNS, AUDIT_TABLE } from '../services/audit/schema.js';
import { createPgPool } from '../services/lib/postgres.js';
import { readLocalEnv } from '../test/support/local-env.js';
import { benchAuditRow, type RunId } from './bench-events.js';
import { checkpoint } from './postgres-checkpoint.js';
import { benchCopyData, measurePostgresCopy, removeBenchRows } from './postgres-copy.js';
import { processCpuSeconds } from './service-process.js';
import { progress, round } from './stats.js';

const BATCH = 500;

interface Way {
  readonly name: string;
  readonly write: (pool: pg.Pool) => (rows: readonly AuditRow[]) => Promise<number>;
  /** Rows per batch handed to `write`. @default BATCH */
  readonly batch?: number;
  /** Batches written at once, each awaited on its own (as the consumer's `concurrentBatches`). @default 1 */
  readonly concurrentBatches?: number;
}

const POOLED: CopyIngestSettings = { ...COPY_INGEST, connection: 'pooled' };

const ALL_WAYS: Way[] = [
  {
    name: 'values_250x2',
    write: (pool) => {
      const store = new AuditStore(pool);
      return (rows) => store.insertValues(rows);
    },
  },
  { name: 'staged_copy_500x1', write: copyWay({ rowsPerCopy: 500, concurrentCopies: 1, directFirst: false, connection: 'pooled' }) },
  { name: 'staged_copy_250x2', write: copyWay({ rowsPerCopy: 250, concurrentCopies: 2, directFirst: false, connection: 'pooled' }) },
  { name: 'direct_copy_500x1', write: copyWay({ rowsPerCopy: 500, concurrentCopies: 1, directFirst: true, connection: 'pooled' }) },
  { name: 'direct_copy_250x2', write: copyWay({ rowsPerCopy: 250, concurrentCopies: 2, directFirst: true, connection: 'pooled' }) },
  // Two consumer batches at once, each its own COPY and transaction on its own connection (the audit service's way until run 25).
  { name: 'direct_copy_500_2_batches_at_once', write: copyWay(POOLED), concurrentBatches: 2 },
  { name: 'direct_copy_1000x1', write: copyWay({ ...POOLED, rowsPerCopy: 1000 }), batch: 1000 },
  { name: 'direct_copy_1000_2_batches_at_once', write: copyWay({ ...POOLED, rowsPerCopy: 1000 }), batch: 1000, concurrentBatches: 2 },
  // Four batches at once, their COPYs pipelined on one connection (the audit service's way).
  { name: 'pipelined_copy_500_4_batches_at_once', write: pipelinedWay(COPY_INGEST), concurrentBatches: 4 },
];

/** The ways measured: all, or those named in BENCH_WAYS (comma-separated). */
const WAYS = process.env.BENCH_WAYS ? ALL_WAYS.filter((way) => process.env.BENCH_WAYS!.split(',').includes(way.name)) : ALL_WAYS;

/** How the pipelined ways' own pools end, with the bench's. */
const pipelinedClosers: Array<() => Promise<void>> = [];

/** A CopyIngest with `settings` on a pipelined pool of its own (the audit service's). */
function pipelinedWay(settings: CopyIngestSettings): Way['write'] {
  return () => {
    const pool = createPgPool(readLocalEnv().databaseUrl, APP, { max: 1, pipeline: true, idleTimeoutMillis: 0 });
    const ingest = new CopyIngest(pool, settings);
    pipelinedClosers.push(() => pool.end());
    return (rows) => ingest.insert(rows);
  };
}

/** A CopyIngest with `settings`, one per way (its connections keep their staging tables). */
function copyWay(settings: CopyIngestSettings): Way['write'] {
  return (pool) => {
    const ingest = new CopyIngest(pool, settings);
    return (rows) => ingest.insert(rows);
  };
}

/** CPU seconds used so far by this process and by the server processes of `pids` (the connections' backends). */
function cpuSeconds(pids: readonly number[]): { client: number; server: number } {
  const usage = process.cpuUsage();
  const server = pids.reduce((sum, pid) => {
    try {
      return sum + processCpuSeconds(pid);
    } catch {
      return sum; // a backend that ended (pool idle timeout)
    }
  }, 0);
  return { client: (usage.user + usage.system) / 1e6, server };
}

/** Backend pids of this bench's connections. */
async function backendPids(pool: pg.Pool | pg.Client): Promise<number[]> {
  const { rows } = await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [APP]);
  return rows.map((r) => r.pid);
}

const APP = 'bench-audit-ingest';

interface WayResult {
  readonly rate: number;
  readonly written: number;
  /** CPU per row, µs: this process (encoding, the driver) and the server's backends (parsing, indexes, WAL). */
  readonly clientCpuUs: number;
  readonly serverCpuUs: number;
}

async function measureWay(pool: pg.Pool, way: Way, rows: number, at: number): Promise<WayResult> {
  const run: RunId = randomUUID().slice(0, 8);
  const write = way.write(pool);
  // Batches built ahead: the rate is the writes' alone.
  const size = way.batch ?? BATCH;
  const batches: AuditRow[][] = [];
  for (let from = 0; from < rows; from += size) {
    batches.push(Array.from({ length: Math.min(size, rows - from) }, (_, k) => benchAuditRow(run, from + k, at)));
  }
  // Warm the connections (and each one's staging table) on batches of other rows.
  const warm = randomUUID().slice(0, 8);
  const concurrent = way.concurrentBatches ?? 1;
  await Promise.all(
    Array.from({ length: concurrent }, (_, c) => write(Array.from({ length: size }, (_, k) => benchAuditRow(warm, c * size + k, at)))),
  );
  await checkpoint(readLocalEnv().databaseUrl);
  const pids = await backendPids(pool);
  const cpuBefore = cpuSeconds(pids);
  const started = performance.now();
  let written = 0;
  let next = 0;
  // Each writer takes the next batch when its last one is written, like a consumer with `concurrent` handler calls.
  const writer = async () => {
    for (let batch = batches[next++]; batch !== undefined; batch = batches[next++]) {
      const landed = await write(batch);
      written += landed;
    }
  };
  await Promise.all(Array.from({ length: concurrent }, writer));
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = cpuSeconds(pids);
  await removeBenchRows(pool, warm);
  await removeBenchRows(pool, run);
  return {
    rate: rows / seconds,
    written,
    clientCpuUs: ((cpuAfter.client - cpuBefore.client) / rows) * 1e6,
    serverCpuUs: ((cpuAfter.server - cpuBefore.server) / rows) * 1e6,
  };
}

/** Index sets of scratch copies of the table: COPY into each shows what every index costs per row. */
const INDEX_VARIANTS: ReadonlyArray<{ readonly name: string; readonly drop: readonly string[] }> = [
  { name: 'all_indexes', drop: [] },
  { name: 'without_task_time', drop: ['task_id'] },
  { name: 'without_user_and_task_time', drop: ['user_id', 'task_id'] },
];

async function copyIntoVariant(
  client: pg.Client,
  variant: (typeof INDEX_VARIANTS)[number],
  rows: number,
  at: number,
): Promise<{ rate: number; serverCpuUs: number }> {
  const table = `bench_ingest_${variant.name}_${randomUUID().slice(0, 8)}`;
  await client.query(`CREATE TABLE ${table} (LIKE ${AUDIT_TABLE} INCLUDING ALL)`);
  try {
    const { rows: indexes } = await client.query<{ name: string; def: string }>(
      'SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE tablename = $1',
      [table],
    );
    for (const index of indexes) {
      if (variant.drop.some((column) => index.def.includes(`(${column},`))) await client.query(`DROP INDEX ${index.name}`);
    }
    const data = benchCopyData(randomUUID().slice(0, 8), rows, at);
    await checkpoint(readLocalEnv().databaseUrl);
    const pids = await backendPids(client);
    const cpuBefore = cpuSeconds(pids).server;
    const started = performance.now();
    await CopyFromStdin.run(client, `COPY ${table} (${AUDIT_COPY_COLUMNS}) FROM STDIN`, data);
    const seconds = (performance.now() - started) / 1000;
    return { rate: rows / seconds, serverCpuUs: ((cpuSeconds(pids).server - cpuBefore) / rows) * 1e6 };
  } finally {
    await client.query(`DROP TABLE ${table}`);
  }
}

async function main(): Promise<void> {
  const rows = Number(process.env.BENCH_ROWS ?? 150_000);
  const repeat = Number(process.env.BENCH_REPEAT ?? 1);
  const { databaseUrl } = readLocalEnv();
  const at = Date.now();
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4, application_name: APP, idleTimeoutMillis: 0 });
  const client = new pg.Client({ connectionString: databaseUrl, application_name: APP });
  await client.connect();
  try {
    for (let r = 1; r <= repeat; r++) {
      progress(`audit ingest, round ${r}: PostgreSQL's COPY of ${rows} rows`);
      const limit = await measurePostgresCopy(databaseUrl, randomUUID().slice(0, 8), rows, at);
      process.stdout.write(`ingest.round_${r}.postgres_copy_rows_per_second: ${round(limit.rate, 0)}\n`);
      for (const way of WAYS) {
        progress(`audit ingest, round ${r}: ${way.name}`);
        const result = await measureWay(pool, way, rows, at);
        process.stdout.write(`ingest.round_${r}.${way.name}_rows_per_second: ${round(result.rate, 0)}\n`);
        process.stdout.write(`ingest.round_${r}.${way.name}_to_postgres_copy_ratio: ${round(result.rate / limit.rate, 2)}\n`);
        process.stdout.write(`ingest.round_${r}.${way.name}_client_cpu_us_per_row: ${round(result.clientCpuUs, 1)}\n`);
        process.stdout.write(`ingest.round_${r}.${way.name}_server_cpu_us_per_row: ${round(result.serverCpuUs, 1)}\n`);
        if (result.written !== rows) process.stdout.write(`ingest.round_${r}.${way.name}_rows_written: ${result.written}\n`);
      }
      for (const variant of process.env.BENCH_SKIP_INDEXES === '1' ? [] : INDEX_VARIANTS) {
        progress(`audit ingest, round ${r}: COPY into a copy of the table, ${variant.name}`);
        const copy = await copyIntoVariant(client, variant, rows, at);
        process.stdout.write(`ingest.round_${r}.copy_${variant.name}_rows_per_second: ${round(copy.rate, 0)}\n`);
        process.stdout.write(`ingest.round_${r}.copy_${variant.name}_server_cpu_us_per_row: ${round(copy.serverCpuUs, 1)}\n`);
      }
    }
  } finally {
    for (const close of pipelinedClosers) await close();
    await client.end();
    await pool.end();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
