/**
 * Which dependencies a service currently cannot use. The message processor,
 * the Dapr subscriber and the consumer runner report here; `/readyz` answers
 * 503 and `todo_events_dependency_up{dependency}` is 0 while any is failing,
 * so an alert sees a service that holds its messages because the database,
 * the broker or the webhook is away, rather than a silent stall.
 */
import { errorCode } from './errors.js';
import type { Logger } from './logger.js';
import type { ServiceMetrics } from './metrics.js';

export interface DependencyHealthOptions {
  /**
   * How long a failure keeps a dependency failing without a newer one. In
   * Kafka mode the consumer itself retries the held message, so only a
   * success clears a failure (no limit). In Dapr mode the sidecar stops
   * delivering while `/readyz` fails (its app health check, Dapr's
   * `dapr.io/app-health-check-path`), so no success could ever come: there a
   * failure lapses after this long, deliveries resume, and the next failure,
   * if any, pauses them again. @default no limit
   * @see https://docs.dapr.io/operations/resiliency/health-checks/app-health/
   */
  readonly holdMs?: number;
}

export class DependencyHealth {
  private readonly failing = new Map<string, { since: number; last: number; failures: number }>();

  constructor(
    private readonly metrics: ServiceMetrics,
    private readonly log: Logger,
    private readonly options: DependencyHealthOptions = {},
  ) {}

  /** Publishes `dependency` as up (1) before any failure, so the gauge exists from the start. */
  declare(dependency: string): this {
    if (!this.failing.has(dependency)) this.metrics.setDependencyUp(dependency, true);
    return this;
  }

  /** Records a failed attempt caused by `dependency`. */
  failed(dependency: string, error: unknown): void {
    this.metrics.dependencyFailed(dependency);
    const state = this.failing.get(dependency);
    if (state) {
      state.failures++;
      state.last = Date.now();
      return;
    }
    this.failing.set(dependency, { since: Date.now(), last: Date.now(), failures: 1 });
    this.metrics.setDependencyUp(dependency, false);
    this.log.error(
      { dependency, err: error, code: errorCode(error) },
      'dependency failing: holding messages and retrying until it answers',
    );
  }

  /** Records that `dependency` (every failing one when omitted) works again. */
  recovered(dependency?: string): void {
    const names = dependency === undefined ? [...this.failing.keys()] : this.failing.has(dependency) ? [dependency] : [];
    for (const name of names) {
      const state = this.failing.get(name)!;
      this.failing.delete(name);
      this.metrics.setDependencyUp(name, true);
      this.log.info({ dependency: name, downMs: Date.now() - state.since, failures: state.failures }, 'dependency answers again: resuming');
    }
  }

  /** Whether no dependency is failing. */
  allUp(): boolean {
    this.lapse();
    return this.failing.size === 0;
  }

  /** Names of the failing dependencies. */
  down(): string[] {
    this.lapse();
    return [...this.failing.keys()];
  }

  /** Ends failures older than `holdMs` with no newer one (see `DependencyHealthOptions.holdMs`). */
  private lapse(): void {
    const { holdMs } = this.options;
    if (holdMs === undefined) return;
    const now = Date.now();
    for (const [name, state] of this.failing) {
      if (now - state.last >= holdMs) {
        this.failing.delete(name);
        this.metrics.setDependencyUp(name, true);
        this.log.info(
          { dependency: name, holdMs, failures: state.failures },
          'no dependency failure for a while: accepting deliveries again',
        );
      }
    }
  }
}
