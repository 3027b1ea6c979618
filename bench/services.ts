/**
 * `npm run bench`: the event services under load on the local broker and
 * PostgreSQL (`npm run local:up` first). Prints one `name: value` line per
 * figure on stdout (progress goes to stderr); every baseline is measured in
 * the same run on the same broker.
 *
 * - audit: sustained events/s from `task-events` into PostgreSQL, and the
 *   ratio to a bare consumer reading the same events (targets: ≥ 20,000/s, ≥ 0.3),
 *   to PostgreSQL's own COPY of the same rows into the same table (the limit,
 *   target ≥ 0.7; the median of three pairs measured one right after the
 *   other, each pair's ratio printed too) and to Kafka Connect's Debezium JDBC sink writing the same
 *   events from a topic of its own (the peer, target ≥ 1.0);
 * - websocket: publish-to-client latency p50/p99 with 1,000 connected clients
 *   at 1,000 updates/s, then with 10,000 clients (ten for each of 1,000 users:
 *   each update goes to ten sockets) at the same rate (targets: p99 ≤ 50 ms,
 *   every delivery made; peak RSS ≤ 100 and ≤ 128 MiB);
 * - recurring-task: events/s over the same task-events;
 * - notification: reminders/s delivered to a loopback webhook;
 * - the peak RSS of each service under its load (target: ≤ 100 MiB), its
 *   steady-state memory and CPU, and the requests and limits they suggest
 *   (`recommendResources`: request ≈ steady state, limit ≈ peak × 1.25).
 *
 * Services run as child processes from the image's bundle with the image's
 * runtime environment (the Dockerfile's `ENV`, `NODE_OPTIONS` included), so
 * the memory figures are theirs. Everything stays on
 * loopback and every loop is bounded.
 *
 * Options (environment): BENCH_ONLY=websocket|audit|notification runs one part;
 * BENCH_QUICK=1 runs short (a check that the bench works, not figures to quote);
 * BENCH_SKIP_BUILD=1 reuses the last bundle (for experiments on them);
 * BENCH_SKIP_KAFKA_CONNECT=1 leaves the peer out (it needs Java and Maven).
 */
import '../platform/require-node.cjs';
import { readLocalEnv } from '../test/support/local-env.js';
import { AUDIT_THROUGHPUT_DEFAULTS, measureAuditThroughput } from './audit-throughput.js';
import { measureNotificationThroughput, NOTIFICATION_THROUGHPUT_DEFAULTS } from './notification-throughput.js';
import { ensureOpenFileLimit } from './open-files.js';
import { BENCH_BUILD_DIR, buildServices, containerRuntimeEnv } from './service-process.js';
import { resourceFigures } from './resources.js';
import { progress, round } from './stats.js';
import { measureWebSocketLatency, WEBSOCKET_LATENCY_DEFAULTS } from './websocket-latency.js';

/** Prints `name: value` lines on stdout. */
function figures(lines: ReadonlyArray<readonly [string, number]>): void {
  for (const [name, value] of lines) process.stdout.write(`${name}: ${value}\n`);
}

/** Clients of the ten-times websocket run (ten for each of the 1,000 users). */
const WEBSOCKET_10K_CLIENTS = 10_000;

async function main(): Promise<void> {
  readLocalEnv(); // fails early with what to run when the local broker is not up
  const only = process.env.BENCH_ONLY;
  // The bench and the websocket service each hold a socket per client.
  if (!only || only === 'websocket') ensureOpenFileLimit(WEBSOCKET_10K_CLIENTS + 4096);
  const quick = process.env.BENCH_QUICK === '1';
  if (process.env.BENCH_SKIP_BUILD === '1') progress(`using the services already bundled in ${BENCH_BUILD_DIR}`);
  else {
    progress('bundling the services as the image does');
    await buildServices();
  }
  progress(`services run with the Dockerfile's runtime environment: ${JSON.stringify(containerRuntimeEnv())}`);

  if (!only || only === 'websocket') {
    // Today's scale (a client per user), then ten times the clients: ten per user.
    for (const [prefix, clients] of [
      ['websocket', WEBSOCKET_LATENCY_DEFAULTS.clients],
      ['websocket_10k', WEBSOCKET_10K_CLIENTS],
    ] as const) {
      const options = { ...WEBSOCKET_LATENCY_DEFAULTS, clients, ...(quick ? { warmupSeconds: 2, measureSeconds: 5 } : {}) };
      const ws = await measureWebSocketLatency(options);
      figures([
        [`${prefix}_clients`, options.clients],
        [`${prefix}_users`, options.users],
        [`${prefix}_updates_per_second`, round(ws.achievedRate, 0)],
        [`${prefix}_latency_p50_ms`, round(ws.p50Ms, 1)],
        [`${prefix}_latency_p99_ms`, round(ws.p99Ms, 1)],
        [`${prefix}_latency_max_ms`, round(ws.maxMs, 1)],
        [`${prefix}_delivered_ratio`, round(ws.delivered / ws.expected, 4)],
        [`${prefix}_connected_rss_mib`, round(ws.connectedRssMiB, 1)],
        [`${prefix}_peak_rss_mib`, round(ws.peakRssMiB, 1)],
        ...resourceFigures(prefix, ws.use),
      ]);
      progress(`${prefix}: slowest deliveries (sent at ms → latency ms): ${ws.slowest.map((s) => `${s.atMs}→${s.latencyMs}`).join(' ')}`);
    }
  }

  if (!only || only === 'audit') {
    const audit = await measureAuditThroughput({
      ...(quick ? { ...AUDIT_THROUGHPUT_DEFAULTS, events: 20_000, recurringWindowSeconds: 5, rounds: 1 } : AUDIT_THROUGHPUT_DEFAULTS),
      kafkaConnect: process.env.BENCH_SKIP_KAFKA_CONNECT !== '1',
    });
    if (audit.kafkaConnect) {
      progress(
        `kafka connect: its topic holds the same events in the JSON converter's schema envelope (schemas.enable=true), ` +
          `${Math.round(audit.kafkaConnect.recordBytes)} bytes a record; Debezium JDBC sink, one task, upsert on event_id`,
      );
    }
    figures([
      ['audit_events', audit.events],
      ['bare_consumer_events_per_second', round(audit.bareRate, 0)],
      ['audit_events_per_second', round(audit.auditRate, 0)],
      ['audit_to_bare_consumer_ratio', round(audit.auditRate / audit.bareRate, 2)],
      ['noop_service_events_per_second', round(audit.noopRate, 0)],
      ['audit_to_noop_service_ratio', round(audit.auditRate / audit.noopRate, 2)],
      ['audit_rows_written_ratio', round(audit.rowsWritten / audit.events, 4)],
      ['postgres_copy_events_per_second', round(audit.postgresCopyRate, 0)],
      // The median of the rounds' ratios, each pair measured one right after the other (audit-throughput.ts).
      ['audit_to_postgres_copy_ratio', round(audit.copyRatio, 2)],
      ...audit.copyRatios.map((ratio, r): [string, number] => [`audit_to_postgres_copy_ratio_round_${r + 1}`, round(ratio, 2)]),
      // What the host took meanwhile (host-cpu.ts): a two-core drain loses more to it than a one-core COPY.
      ...audit.stealPercents.flatMap(({ audit: during, copy }, r): Array<[string, number]> => [
        [`audit_host_steal_percent_round_${r + 1}`, round(during, 1)],
        [`postgres_copy_host_steal_percent_round_${r + 1}`, round(copy, 1)],
      ]),
      ...(audit.kafkaConnect
        ? ([
            ['kafka_connect_events_per_second', round(audit.kafkaConnect.rate, 0)],
            ['audit_to_kafka_connect_ratio', round(audit.auditRate / audit.kafkaConnect.rate, 2)],
            ['kafka_connect_rows_written_ratio', round(audit.kafkaConnect.rowsWritten / audit.events, 4)],
            ['kafka_connect_record_bytes', round(audit.kafkaConnect.recordBytes, 0)],
            ['kafka_connect_worker_max_rss_mib', round(audit.kafkaConnect.peakRssMiB, 0)],
          ] as Array<[string, number]>)
        : []),
      ['audit_peak_rss_mib', round(audit.auditPeakRssMiB, 1)],
      ['recurring_task_events_per_second', round(audit.recurringRate, 0)],
      ['recurring_task_peak_rss_mib', round(audit.recurringPeakRssMiB, 1)],
      ...resourceFigures('audit', audit.auditUse),
      ...resourceFigures('recurring-task', audit.recurringUse),
    ]);
  }

  if (!only || only === 'notification') {
    const notification = await measureNotificationThroughput(
      quick ? { ...NOTIFICATION_THROUGHPUT_DEFAULTS, reminders: 1000 } : NOTIFICATION_THROUGHPUT_DEFAULTS,
    );
    figures([
      ['notification_reminders_per_second', round(notification.rate, 0)],
      ['notification_webhook_requests', notification.delivered],
      ['notification_peak_rss_mib', round(notification.peakRssMiB, 1)],
      ...resourceFigures('notification', notification.use),
    ]);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
