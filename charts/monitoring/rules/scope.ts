/**
 * What the recording rules look at: the broker metrics of this environment's
 * Kafka namespace, restricted to the spec's topics and consumer groups, so a
 * topic or group someone created by hand neither alerts nor skews a mean.
 */
import { lagWatchedServices, type PlatformSpec } from '../../../platform/index.js';
import { exporterNamespace } from '../targets.js';

export interface MetricScope {
  /** Kubernetes namespace of the scraped exporter or brokers (the `namespace` target label Prometheus adds). */
  readonly namespace: string;
  readonly topics: readonly string[];
  readonly consumerGroups: readonly string[];
}

export function metricScope(spec: PlatformSpec): MetricScope {
  return {
    // Redpanda's brokers report themselves, in the Kafka namespace; otherwise the exporter does.
    namespace: spec.cluster.flavor === 'redpanda' ? spec.namespaces.kafka : exporterNamespace(spec),
    topics: spec.topics.map((t) => t.name),
    consumerGroups: lagWatchedServices(spec).map((s) => s.consumerGroup),
  };
}
