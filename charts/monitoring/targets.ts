/**
 * Names of the workloads the monitoring watches, shared by the scrape
 * configuration (PodMonitors) and the alert rules that ask whether a target
 * is up, so the two cannot drift apart.
 */
import { isManagedFlavor, OPERATOR_RELEASES, type ClusterFlavor, type PlatformSpec } from '../../platform/index.js';

/**
 * The lag exporter of a cluster: Strimzi names its kafka_exporter Deployment
 * `<cluster>-kafka-exporter`; the one this package deploys for `external`
 * and `confluent-cloud` clusters takes the same name. Redpanda needs none (its brokers report lag).
 */
export function exporterName(spec: PlatformSpec): string | undefined {
  return spec.cluster.flavor === 'redpanda' ? undefined : `${spec.cluster.name}-kafka-exporter`;
}

/**
 * Where the exporter runs: Strimzi's in the Kafka namespace, next to its
 * cluster; ours (`external`, `confluent-cloud`) in the apps namespace, where
 * the Pulumi program places the exporter user's Secret and the cluster CA
 * copy (infra/secret-placement.ts).
 */
export function exporterNamespace(spec: PlatformSpec): string {
  return isManagedFlavor(spec.cluster.flavor) ? spec.namespaces.apps : spec.namespaces.kafka;
}

/**
 * The `job` label of the exporter's samples: a PodMonitor without `jobLabel`
 * labels its targets `<namespace>/<name>`, and ours is named like the exporter.
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PodMonitorSpec
 */
export function exporterJob(spec: PlatformSpec): string | undefined {
  const name = exporterName(spec);
  return name === undefined ? undefined : `${exporterNamespace(spec)}/${name}`;
}

/**
 * Deployment of each cluster operator, as the Helm releases in
 * infra/operators.ts create it in the Kafka namespace: the Strimzi chart
 * names its Deployment `strimzi-cluster-operator` whatever the release;
 * the Redpanda `operator` chart uses the release name, `redpanda-operator`.
 */
export const OPERATOR_DEPLOYMENTS: Readonly<Partial<Record<ClusterFlavor, string>>> = {
  strimzi: OPERATOR_RELEASES.strimzi.deployment,
  redpanda: OPERATOR_RELEASES.redpanda.deployment,
};
