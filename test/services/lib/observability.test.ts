import { Histogram, Registry } from 'prom-client';
import { BatchHistogram } from '../../../services/lib/batch-histogram.js';
import { DependencyHealth } from '../../../services/lib/dependency-health.js';
import { createLogger } from '../../../services/lib/logger.js';
import { ServiceMetrics } from '../../../services/lib/metrics.js';
import { createPgPool, PG_POOL_DEFAULTS } from '../../../services/lib/postgres.js';

const quiet = createLogger({ stream: { write: () => true } });

describe('the handling-time histogram', () => {
  it('records one observation per message, each its share of the batch, so its sum is the time actually spent', async () => {
    const metrics = new ServiceMetrics('audit-service', { defaultMetrics: false });
    metrics.observeHandling('task-events', 0.5, 500);
    const text = await metrics.render();
    expect(text).toContain('todo_events_message_handling_seconds_count{service="audit-service",topic="task-events"} 500');
    expect(text).toContain('todo_events_message_handling_seconds_sum{service="audit-service",topic="task-events"} 0.5');
    // Every observation is 1 ms: all in the 0.001 bucket, none below it.
    expect(text).toContain('todo_events_message_handling_seconds_bucket{le="0.0005",service="audit-service",topic="task-events"} 0');
    expect(text).toContain('todo_events_message_handling_seconds_bucket{le="0.001",service="audit-service",topic="task-events"} 500');
  });
});

describe('BatchHistogram', () => {
  it("renders exactly what prom-client's Histogram renders for the same observations, one call per batch instead of per message", async () => {
    const buckets = [0.001, 0.01, 0.1, 1];
    const batches: Array<[topic: string, seconds: number, messages: number]> = [
      ['task-events', 0.25, 500],
      ['task-events', 0.003, 3],
      ['reminders', 0.05, 1],
      ['task-events', 40, 2],
      ['reminders', 0.0001, 10],
    ];
    const ours = new Registry();
    const histogram = new BatchHistogram('h_seconds', 'help text', 'audit-service', buckets, ours);
    const theirs = new Registry();
    const reference = new Histogram({
      name: 'h_seconds',
      help: 'help text',
      labelNames: ['service', 'topic'],
      buckets,
      registers: [theirs],
    });
    for (const [topic, seconds, messages] of batches) {
      histogram.observe(topic, seconds / messages, messages);
      for (let i = 0; i < messages; i++) reference.observe({ service: 'audit-service', topic }, seconds / messages);
    }
    // Sums of many equal shares differ from one product in the last digits: compare them as numbers.
    const lines = async (registry: Registry) => (await registry.metrics()).trim().split('\n');
    const [got, want] = [await lines(ours), await lines(theirs)];
    const value = (line: string) => Number(line.slice(line.lastIndexOf(' ') + 1));
    const series = (line: string) => line.slice(0, line.lastIndexOf(' '));
    expect(got.map(series)).toEqual(want.map(series));
    got.forEach((line, i) => (line.startsWith('#') ? expect(line).toBe(want[i]) : expect(value(line)).toBeCloseTo(value(want[i]!), 9)));
    expect(got).toContain('h_seconds_bucket{le="+Inf",service="audit-service",topic="task-events"} 505');
  });

  it('forgets its series on reset, as the registry resets metrics', async () => {
    const registry = new Registry();
    const histogram = new BatchHistogram('h_seconds', 'help text', 'audit-service', [1], registry);
    histogram.observe('task-events', 0.5, 3);
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain('h_seconds_count');
  });
});

describe('DependencyHealth', () => {
  it('publishes each declared dependency as up, a failing one as down until it recovers', async () => {
    const metrics = new ServiceMetrics('audit-service', { defaultMetrics: false });
    const health = new DependencyHealth(metrics, quiet).declare('postgres').declare('kafka');
    expect([health.allUp(), await metrics.dependencyState('postgres')]).toEqual([true, 1]);
    health.failed('postgres', new Error('connect ECONNREFUSED'));
    health.failed('postgres', new Error('connect ECONNREFUSED'));
    expect([health.allUp(), health.down(), await metrics.dependencyState('postgres'), await metrics.dependencyState('kafka')]).toEqual([
      false,
      ['postgres'],
      0,
      1,
    ]);
    expect(await metrics.render()).toContain('todo_events_dependency_failures_total{service="audit-service",dependency="postgres"} 2');
    health.recovered();
    expect([health.allUp(), await metrics.dependencyState('postgres')]).toEqual([true, 1]);
  });

  it('lets a failure lapse after holdMs without a newer one (Dapr mode, where the sidecar stops delivering meanwhile)', async () => {
    const metrics = new ServiceMetrics('notification-service', { defaultMetrics: false });
    const health = new DependencyHealth(metrics, quiet, { holdMs: 30 });
    health.failed('webhook', new Error('webhook answered 503'));
    expect(health.allUp()).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect([health.allUp(), await metrics.dependencyState('webhook')]).toEqual([true, 1]);
  });
});

describe('createPgPool', () => {
  it('bounds every wait: connect, statement (server side), query (client side, for a dead connection), and keeps TCP alive', async () => {
    const pool = createPgPool('postgres://todo:pw@127.0.0.1:1/todo', 'audit-service');
    const options = (pool as unknown as { options: Record<string, unknown> }).options;
    expect(options).toMatchObject({
      connectionTimeoutMillis: 10_000,
      statement_timeout: 30_000,
      query_timeout: PG_POOL_DEFAULTS.queryTimeoutMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      application_name: 'audit-service',
    });
    expect(PG_POOL_DEFAULTS.queryTimeoutMs).toBeGreaterThan(PG_POOL_DEFAULTS.statementTimeoutMs);
    await pool.end();
  });
});
