/**
 * Variants of the audit service compared in rounds over one block of
 * 150,000 `task-events`, on the local broker and PostgreSQL: in each round
 * every variant drains the block once, in turn, and then PostgreSQL's own
 * COPY of the same rows is measured (the limit), so a machine that speeds
 * up or slows down between rounds moves all of them alike. This is how the
 * README's "each in the same rounds" figures were measured; single runs of
 * `npm run bench` move by ±15 % with the machine.
 *
 *   npm run local:up
 *   BENCH_VARIANTS='{"now":{},"young-4":{"NODE_OPTIONS":"--max-semi-space-size=4 --max-old-space-size=48"}}' \
 *     BENCH_ROUNDS=3 npm run bench:audit-rounds
 *
 * A variant is the environment the service runs under, plus two keys of
 * this script: `_args` (Node arguments before the bundle, e.g.
 * `--single-threaded-gc`) and `_bundle` (another build of
 * `build/services/run.js`, e.g. of an earlier commit). Each round prints,
 * per variant, events/s, rows written, peak RSS, CPU, and what the
 * service's PostgreSQL backends were doing (backend-waits.ts).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { AuditStore } from '../services/audit/audit-store.js';
import { readLocalEnv } from '../test/support/local-env.js';
import { produceBenchEvents } from './audit-throughput.js';
import { BackendWaits } from './backend-waits.js';
import { hostCpuBetween, readHostCpu } from './host-cpu.js';
import { benchUserPattern } from './bench-events.js';
import { measurePostgresCopy, removeBenchRows } from './postgres-copy.js';
import { checkpoint, walSince } from './postgres-checkpoint.js';
import { postgresCpuSeconds } from './postgres-cpu.js';
import { buildServices } from './service-process.js';
import { median, progress, round } from './stats.js';
import { produceBlock, serviceOverBlock } from './topic-block.js';

const EVENTS = 150_000;
const variants = JSON.parse(process.env.BENCH_VARIANTS ?? '{"now":{}}') as Record<string, Record<string, string>>;
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const { databaseUrl } = readLocalEnv();

await buildServices();
const run = randomUUID().slice(0, 8);
const at = Date.now();
progress(`producing ${EVENTS} task-events`);
const block = await produceBlock('task-events', () => produceBenchEvents(run, EVENTS, at));
const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
try {
  await new AuditStore(pool).migrate();
  const rates: Record<string, number[]> = {};
  for (let r = 0; r < rounds; r++) {
    for (const [name, { _args, _bundle, ...env }] of Object.entries(variants)) {
      await pool.query('VACUUM audit_events');
      // ServiceProcess reads the extra Node arguments when it spawns the service.
      process.env.BENCH_SERVICE_NODE_ARGS = _args ?? '';
      const mark = await checkpoint(databaseUrl);
      const waits = await BackendWaits.start(databaseUrl, 'audit-service');
      const cpuBefore = postgresCpuSeconds();
      const host = readHostCpu();
      const audit = await serviceOverBlock('audit', block, 180_000, env, _bundle ? [_bundle, 'audit'] : undefined);
      const { stealPercent } = hostCpuBetween(host, readHostCpu());
      const backends = await waits.stop();
      const wal = await walSince(databaseUrl, mark);
      // Everything PostgreSQL did while the service ran (its connections have ended), but the sampling's own backend.
      const postgresCpu = postgresCpuSeconds() - cpuBefore - waits.ownCpuAtStop;
      const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_events WHERE user_id LIKE $1', [
        benchUserPattern(run),
      ]);
      await removeBenchRows(pool, run);
      (rates[name] ??= []).push(audit.rate);
      process.stdout.write(
        `round ${r} ${name}: ${round(audit.rate, 0)} events/s, ${rows[0]!.n} rows, peak ${round(audit.peakRssMiB)} MiB, ` +
          `${round(audit.busyCores, 2)} cores (${round((audit.busyCores / audit.rate) * 1e6, 1)} µs an event), ` +
          `PostgreSQL ${round((postgresCpu / EVENTS) * 1e6, 1)} µs a row, host steal ${round(stealPercent, 1)} %, WAL ${round(wal.walMiB, 0)} MiB, ${wal.checkpoints} checkpoint(s) began; backends: ${backends.map(([state, n]) => `${state}=${n}`).join(' ')}\n`,
      );
    }
    const copyHost = readHostCpu();
    const copy = await measurePostgresCopy(databaseUrl, run, EVENTS, at);
    const copySteal = hostCpuBetween(copyHost, readHostCpu()).stealPercent;
    (rates.copy ??= []).push(copy.rate);
    process.stdout.write(
      `round ${r} PostgreSQL COPY: ${round(copy.rate, 0)} rows/s, PostgreSQL ${round(copy.postgresCpuMicrosPerRow, 1)} µs a row, ` +
        `host steal ${round(copySteal, 1)} %, ` +
        `WAL ${round(copy.wal.walMiB, 0)} MiB, ${copy.wal.checkpoints} checkpoint(s) began\n`,
    );
  }
  for (const [name, values] of Object.entries(rates)) {
    process.stdout.write(
      `${name}: median ${round(median(values), 0)} [${values.map((v) => round(v, 0)).join(', ')}], ` +
        `÷ COPY median ${round(median(values) / median(rates.copy!), 2)}\n`,
    );
  }
} finally {
  await pool.end();
}
