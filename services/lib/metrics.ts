/**
 * The Prometheus metrics every service exposes on `/metrics`. Names and labels
 * come from platform/metrics.ts, which the alert rules read too. Each service
 * gets its own registry, so several services can run in one process (tests).
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { BatchHistogram } from './batch-histogram.js';
import { METRIC_LABELS, SERVICE_METRICS, type MessageOutcome } from '../../platform/index.js';

/**
 * Buckets of the handling-time histogram, in seconds: from a sub-millisecond
 * batch share to the specification's longest retry wait (10 s) and beyond.
 */
export const HANDLING_SECONDS_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Names of the library's metrics that the platform's alerts do not read. */
export const LIBRARY_METRICS = {
  /** Counter of HTTP requests refused before being handled, by `reason` (unauthenticated, overloaded, too_large). */
  refused: 'todo_events_http_requests_refused_total',
} as const;

/** Why a request was refused (`LIBRARY_METRICS.refused`). */
export type RefusalReason = 'unauthenticated' | 'overloaded' | 'too_large';

export class ServiceMetrics {
  /** The registry `/metrics` renders. */
  readonly registry = new Registry();
  private readonly processedTotal: Counter<string>;
  private readonly handlingSeconds: BatchHistogram;
  private readonly consumerLag: Gauge<string>;
  private readonly refusedTotal: Counter<string>;
  private readonly dependencyUp: Gauge<string>;
  private readonly dependencyFailures: Counter<string>;

  /**
   * @param service the `service` label: the app id, e.g. `audit-service`
   * @param options.defaultMetrics also export process metrics (memory, CPU, event loop). @default true
   */
  constructor(
    readonly service: string,
    options: { defaultMetrics?: boolean } = {},
  ) {
    const { service: s, topic, partition, outcome, dependency } = METRIC_LABELS;
    this.processedTotal = new Counter({
      name: SERVICE_METRICS.messagesProcessed,
      help: 'Messages the service finished handling, by outcome (success, retry, dead_letter, error).',
      labelNames: [s, topic, outcome],
      registers: [this.registry],
    });
    this.handlingSeconds = new BatchHistogram(
      SERVICE_METRICS.handlingSeconds,
      'Time spent handling a message, in seconds: its share of the handler call that completed it (the call divided by its messages).',
      service,
      HANDLING_SECONDS_BUCKETS,
      this.registry,
    );
    this.consumerLag = new Gauge({
      name: SERVICE_METRICS.consumerLag,
      help: 'Messages between the high watermark and the committed offset, per assigned partition.',
      labelNames: [s, topic, partition],
      registers: [this.registry],
    });
    this.dependencyUp = new Gauge({
      name: SERVICE_METRICS.dependencyUp,
      help: 'Whether the service reaches a dependency (1) or holds messages because it fails (0).',
      labelNames: [s, dependency],
      registers: [this.registry],
    });
    this.dependencyFailures = new Counter({
      name: SERVICE_METRICS.dependencyFailures,
      help: 'Attempts that failed because a dependency failed (the message was held and retried).',
      labelNames: [s, dependency],
      registers: [this.registry],
    });
    this.refusedTotal = new Counter({
      name: LIBRARY_METRICS.refused,
      help: 'HTTP requests refused before being handled, by reason (unauthenticated, overloaded, too_large).',
      labelNames: [s, 'reason'],
      registers: [this.registry],
    });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** Counts a request refused for `reason`. */
  refused(reason: RefusalReason): void {
    this.refusedTotal.inc({ service: this.service, reason });
  }

  /** Counts `count` messages of `topic` that ended with `outcome`. */
  processed(topic: string, outcome: MessageOutcome, count = 1): void {
    if (count > 0) this.processedTotal.inc({ service: this.service, topic, outcome }, count);
  }

  /**
   * Records a handler call of `seconds` that completed `messages` messages:
   * one observation per message, each its share (`seconds / messages`), so
   * the histogram's count is messages and its sum the time actually spent.
   */
  observeHandling(topic: string, seconds: number, messages = 1): void {
    if (messages > 0) this.handlingSeconds.observe(topic, seconds / messages, messages);
  }

  /** Sets whether `dependency` is reachable. */
  setDependencyUp(dependency: string, up: boolean): void {
    this.dependencyUp.set({ service: this.service, dependency }, up ? 1 : 0);
  }

  /** Counts one attempt that failed because `dependency` failed. */
  dependencyFailed(dependency: string): void {
    this.dependencyFailures.inc({ service: this.service, dependency });
  }

  /** Current value of the dependency gauge (undefined when never set). */
  async dependencyState(dependency: string): Promise<number | undefined> {
    const metric = await this.dependencyUp.get();
    return metric.values.find((v) => v.labels.dependency === dependency)?.value;
  }

  /** Replaces the lag series with `lags` (partitions no longer assigned disappear). */
  setLag(lags: ReadonlyArray<{ topic: string; partition: number; lag: number }>): void {
    this.consumerLag.reset();
    for (const { topic, partition, lag } of lags) {
      this.consumerLag.set({ service: this.service, topic, partition: String(partition) }, lag);
    }
  }

  /** Current value of the processed counter for one topic and outcome (0 when never counted). */
  async processedCount(topic: string, outcome: MessageOutcome): Promise<number> {
    const metric = await this.processedTotal.get();
    return metric.values.find((v) => v.labels.topic === topic && v.labels.outcome === outcome)?.value ?? 0;
  }

  /** The Prometheus text exposition. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
