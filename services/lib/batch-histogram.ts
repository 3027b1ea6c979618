/**
 * A Prometheus histogram per topic that takes a handler call's messages in
 * one observation: `count` of them at `seconds` each. prom-client's
 * `Histogram` observes one value per call, resolving and hashing the labels
 * each time: 450–780 ns a message (`npm run bench:hot-path`, which also
 * measures this one) and about 180 B of garbage (V8's sampling heap profile
 * of the audit service), a few percent of what the audit service spends on
 * an event. This one adds to one bucket once per call.
 *
 * It is a prom-client metric by shape (`name`, `help`, `type`, `get`,
 * `reset`), registered like the library's own and rendered by the same
 * registry, so `/metrics` shows the same `_bucket`, `_sum` and `_count`
 * series, in the same order, as a `Histogram` with the labels `service` and
 * `topic` (METRIC_LABELS) would.
 */
import type { Metric, MetricValueWithName, Registry } from 'prom-client';
import { METRIC_LABELS } from '../../platform/index.js';

interface TopicSeries {
  /** Observations per bucket, not cumulative; the `+Inf` bucket is `count`. */
  readonly inBucket: number[];
  sum: number;
  count: number;
}

export class BatchHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, TopicSeries>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly service: string,
    private readonly upperBounds: readonly number[],
    registry: Registry,
  ) {
    // The registry takes any object with a metric's shape (it calls `get` and `reset`); its types list only its own classes.
    registry.registerMetric(this as unknown as Metric);
  }

  /** Records `count` observations of `value` for `topic`. */
  observe(topic: string, value: number, count: number): void {
    if (count <= 0 || !Number.isFinite(value)) return;
    let series = this.series.get(topic);
    if (series === undefined) {
      series = { inBucket: this.upperBounds.map(() => 0), sum: 0, count: 0 };
      this.series.set(topic, series);
    }
    const bucket = this.upperBounds.findIndex((bound) => value <= bound);
    if (bucket !== -1) series.inBucket[bucket]! += count;
    series.sum += value * count;
    series.count += count;
  }

  async get(): Promise<{ name: string; help: string; type: 'histogram'; values: MetricValueWithName<string>[]; aggregator: 'sum' }> {
    const values: MetricValueWithName<string>[] = [];
    const bucketName = `${this.name}_bucket`;
    for (const [topic, { inBucket, sum, count }] of this.series) {
      const labels = { [METRIC_LABELS.service]: this.service, [METRIC_LABELS.topic]: topic };
      let cumulative = 0;
      this.upperBounds.forEach((bound, i) => {
        cumulative += inBucket[i]!;
        values.push({ metricName: bucketName, labels: { le: bound, ...labels }, value: cumulative });
      });
      values.push({ metricName: bucketName, labels: { le: '+Inf', ...labels }, value: count });
      values.push({ metricName: `${this.name}_sum`, labels, value: sum });
      values.push({ metricName: `${this.name}_count`, labels, value: count });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    this.series.clear();
  }
}
