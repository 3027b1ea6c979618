/**
 * Which monitoring workloads the platform runs itself, and where the
 * dashboard goes. The monitoring chart renders from these and the users are
 * derived from them, so a Kafka user exists exactly when a workload of ours
 * authenticates as it.
 */
import type { ClusterSpec, MonitoringSpec, NamespacesSpec } from './types.js';

type MonitoringFacts = { readonly cluster: Pick<ClusterSpec, 'flavor'>; readonly monitoring: Pick<MonitoringSpec, 'enabled'> };

/**
 * Whether the monitoring chart runs kafka_exporter: for `external` and
 * `confluent-cloud` clusters only (Strimzi runs its own `kafkaExporter` with
 * its own identity, Redpanda's brokers report lag themselves). On Confluent
 * Cloud it is the source of lag and traffic too, not the Metrics API (see
 * charts/monitoring/kafka-exporter.ts for why).
 */
export function lagExporterRuns(spec: MonitoringFacts): boolean {
  return spec.monitoring.enabled && (spec.cluster.flavor === 'external' || spec.cluster.flavor === 'confluent-cloud');
}

/**
 * Whether the monitoring chart runs Redpanda Console: for Strimzi and
 * `external`. Redpanda's chart has its own, and Confluent Cloud its Cloud
 * Console (topics, messages, consumer lag) for the people the stack's
 * Confluent roles admit, so no key that reads messages is issued there.
 */
export function consoleRuns(spec: MonitoringFacts): boolean {
  return spec.monitoring.enabled && (spec.cluster.flavor === 'strimzi' || spec.cluster.flavor === 'external');
}

/**
 * The dashboard ConfigMap's namespace when it is not one of the stack's own:
 * someone else's (Grafana's), which the stack never creates and which must
 * exist before the monitoring chart is applied. Undefined when monitoring is
 * off or the dashboard stays in a namespace of the stack.
 */
export function foreignDashboardNamespace(spec: {
  readonly namespaces: Pick<NamespacesSpec, 'kafka' | 'apps'>;
  readonly monitoring: Pick<MonitoringSpec, 'enabled' | 'dashboards'>;
}): string | undefined {
  const { namespace } = spec.monitoring.dashboards;
  if (!spec.monitoring.enabled || namespace === spec.namespaces.kafka || namespace === spec.namespaces.apps) return undefined;
  return namespace;
}
