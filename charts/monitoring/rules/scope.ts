/**
 * What the recording rules look at: the broker metrics of this environment's
 * Kafka namespace, restricted to the spec's topics and consumer groups, so a
 * topic or group someone created by hand neither alerts nor skews a mean.
 */
import type { PlatformSpec } from '../../../platform/index.js';

export interface MetricScope {
  /** Kubernetes namespace of the scraped exporter or brokers (the `namespace` target label). */
  readonly namespace: string;
  readonly topics: readonly string[];
  readonly consumerGroups: readonly string[];
}

export function metricScope(spec: PlatformSpec): MetricScope {
  return {
    namespace: spec.namespaces.kafka,
    topics: spec.topics.map((t) => t.name),
    consumerGroups: spec.services.map((s) => s.consumerGroup),
  };
}
