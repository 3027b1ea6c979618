/**
 * Publish-to-client latency of the websocket service: `clients` WebSocket
 * clients spread evenly over `users` users (1,000 clients of 1,000 users, or
 * 10,000 clients with ten per user: tabs and devices) stay connected while
 * the API user publishes `task-updates` at `eventsPerSecond`, spread evenly
 * over the users, so each update goes to every client of its user. Each
 * delivery's latency runs from just before its produce request (acks=all) to
 * its arrival at that client: broker, consumer, service and socket together.
 *
 * The clients run in worker threads of this process (websocket-clients.ts),
 * 5,000 each: at 10,000 it holds 10,000 sockets, and the service as many, so
 * the bench needs that many file descriptors (`ensureOpenFileLimit`).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { TaskUpdateEvent } from '../services/lib/events.js';
import { defaultServiceSpec } from '../services/lib/platform-defaults.js';
import { signToken } from '../services/websocket/token.js';
import { moveGroupToEnd, publisherAs } from '../test/services/recurring-task/broker-harness.js';
import type { MeasuredUse } from './resources.js';
import { IDLE_SETTLE_MS, ServiceProcess, coresBetween, type CpuSample } from './service-process.js';
import { percentile, progress, sleep } from './stats.js';
import { ClientWorker, nowMs } from './websocket-clients.js';

export interface WebSocketLatencyOptions {
  /** @default 1000 */
  readonly clients: number;
  /** Users the clients belong to (`clients / users` each). @default 1000 */
  readonly users: number;
  /** @default 1000 */
  readonly eventsPerSecond: number;
  /** Seconds of load before measuring (connections, JIT, fetch sessions settle). @default 5 */
  readonly warmupSeconds: number;
  /** Seconds measured. @default 20 */
  readonly measureSeconds: number;
  /** Variables over the service's environment (e.g. the connection cap). @default none */
  readonly env?: Readonly<Record<string, string>>;
}

export const WEBSOCKET_LATENCY_DEFAULTS: WebSocketLatencyOptions = {
  clients: 1000,
  users: 1000,
  eventsPerSecond: 1000,
  warmupSeconds: 5,
  measureSeconds: 20,
};

export interface WebSocketLatencyResult {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Updates published during the measured window. */
  readonly published: number;
  /** Deliveries due for them: each update to every client of its user. */
  readonly expected: number;
  /** Of those, made. */
  readonly delivered: number;
  /** Updates per second actually published in the measured window. */
  readonly achievedRate: number;
  readonly peakRssMiB: number;
  /** Idle (started, no client yet) and under the steady load (at the end of the measured window). */
  readonly use: MeasuredUse;
  /** Resident memory once every client is connected, before any update. */
  readonly connectedRssMiB: number;
  /** When (ms into the measured window) the slowest updates were sent, and their latency: spikes that line up point at a pause. */
  readonly slowest: ReadonlyArray<{ readonly atMs: number; readonly latencyMs: number }>;
}

/** Ticks per second of the publishing loop; each tick publishes `rate / TICKS` updates in one request. */
const TICKS_PER_SECOND = 100;

/** Clients per worker thread (see websocket-clients.ts). @default 5000 */
const CLIENTS_PER_WORKER = 5000;

export async function measureWebSocketLatency(
  options: WebSocketLatencyOptions = WEBSOCKET_LATENCY_DEFAULTS,
): Promise<WebSocketLatencyResult> {
  const run = randomUUID().slice(0, 8);
  const users = Array.from({ length: options.users }, (_, i) => `bench-ws-${run}-${i}`);
  const perUser = Math.max(1, Math.round(options.clients / options.users));
  const clients = users.length * perUser;
  const secret = randomBytes(32).toString('hex');
  const total = (options.warmupSeconds + options.measureSeconds) * options.eventsPerSecond;
  // When update `seq` was sent, on the clock the client workers stamp arrivals with.
  const sentAt = new Float64Array(total).fill(Number.NaN);

  // A fan-out service: each replica consumes in a group of its own named after its pod, inside the
  // ACL's `<group>-` prefix, as the Deployment sets it; this run is one such replica.
  const group = `${defaultServiceSpec('websocket').consumerGroup}-bench-${run}`;
  await moveGroupToEnd(group, ['task-updates']);
  const service = await ServiceProcess.start(
    'websocket',
    { WEBSOCKET_TOKEN_SECRET: secret, KAFKA_CONSUMER_GROUP: group, ...options.env },
    { settleMs: IDLE_SETTLE_MS },
  );
  const api = publisherAs('todo-api');
  const workers = Array.from({ length: Math.ceil(clients / CLIENTS_PER_WORKER) }, () => new ClientWorker());
  try {
    progress(`websocket: connecting ${clients} clients (${perUser} per user, ${workers.length} client thread(s))`);
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const tokens = users.map((user) => signToken({ sub: user, exp }, secret));
    const url = `ws://127.0.0.1:${service.port}/ws`;
    const share = Math.ceil(clients / workers.length);
    // One after the other, so the service accepts them without a thundering herd.
    for (const [w, worker] of workers.entries()) {
      await worker.connect({ url, tokens, perUser, from: w * share, to: Math.min(clients, (w + 1) * share), updates: total });
    }
    const connectedRssMiB = service.memoryMiB().rss;
    progress(`websocket: ${options.eventsPerSecond} updates/s for ${options.warmupSeconds + options.measureSeconds} s`);
    const perTick = Math.round(options.eventsPerSecond / TICKS_PER_SECOND);
    const started = performance.now();
    const inFlight: Promise<unknown>[] = [];
    let measureStart = Number.NaN;
    let measureEnd = Number.NaN;
    let cpuStart: CpuSample | undefined;
    for (let seq = 0, tick = 0; seq < total; tick++) {
      await sleep(started + (tick * 1000) / TICKS_PER_SECOND - performance.now());
      const batch: TaskUpdateEvent[] = [];
      for (let i = 0; i < perTick && seq < total; i++, seq++) {
        batch.push({
          event_id: randomUUID(),
          timestamp: new Date().toISOString(),
          user_id: users[seq % users.length]!,
          update_type: 'updated',
          task: { id: seq + 1, title: `bench update ${seq}`, completed: false, priority: 'high' },
        });
      }
      const now = nowMs();
      for (const update of batch) sentAt[update.task.id - 1] = now;
      if (Number.isNaN(measureStart) && seq > options.warmupSeconds * options.eventsPerSecond) {
        measureStart = now;
        cpuStart = service.cpuSample();
      }
      // Requests overlap like a real API's; a slow one does not delay the schedule.
      inFlight.push(api.publishAll('task-updates', batch));
      if (inFlight.length >= 200) await Promise.all(inFlight.splice(0));
    }
    measureEnd = nowMs();
    const loadCores = coresBetween(cpuStart!, service.cpuSample());
    const loadRssMiB = service.memoryMiB().rss;
    await Promise.all(inFlight);
    // Time for the last deliveries (bounded), then every arrival from the client threads.
    await sleep(2000);
    const latency = new Float64Array(total * perUser).fill(Number.NaN);
    for (const arrivals of await Promise.all(workers.map((worker) => worker.finish()))) {
      for (let slot = 0; slot < arrivals.length; slot++) {
        if (!Number.isNaN(arrivals[slot]!)) latency[slot] = arrivals[slot]! - sentAt[Math.floor(slot / perUser)]!;
      }
    }

    const first = options.warmupSeconds * options.eventsPerSecond;
    const measured = latency.subarray(first * perUser);
    const delivered = measured.filter((v) => !Number.isNaN(v));
    const slowest = [...measured.keys()]
      .filter((i) => !Number.isNaN(measured[i]!))
      .sort((a, b) => measured[b]! - measured[a]!)
      .slice(0, 10)
      .map((i) => ({ atMs: Math.round(sentAt[first + Math.floor(i / perUser)]! - measureStart), latencyMs: Math.round(measured[i]!) }));
    const published = total - first;
    if (process.env.BENCH_WS_TIMELINE === '1') {
      // Per second of the run: deliveries made, and their median and worst latency.
      for (let second = 0; second * options.eventsPerSecond < total; second++) {
        const slice = latency.subarray(second * options.eventsPerSecond * perUser, (second + 1) * options.eventsPerSecond * perUser);
        const made = slice.filter((v) => !Number.isNaN(v));
        progress(
          `websocket: second ${second}: ${made.length}/${slice.length} delivered, p50 ${percentile(made, 50).toFixed(1)} ms, max ${percentile(made, 100).toFixed(1)} ms`,
        );
      }
    }
    return {
      p50Ms: percentile(delivered, 50),
      p99Ms: percentile(delivered, 99),
      maxMs: percentile(delivered, 100),
      published,
      expected: measured.length,
      delivered: delivered.length,
      achievedRate: (published / (measureEnd - measureStart)) * 1000,
      peakRssMiB: service.memoryMiB().peakRss,
      connectedRssMiB,
      // Its steady state is its load: every client connected and updates flowing.
      use: { steadyRssMiB: loadRssMiB, peakRssMiB: service.memoryMiB().peakRss, steadyCores: loadCores, busyCores: loadCores },
      slowest,
    };
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
    await api.close();
    await service.stop();
  }
}
