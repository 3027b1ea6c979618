import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { isManagedFlavor, lagWatchedServices, type PlatformSpec } from '../../platform/index.js';
import { RedpandaCluster } from '../redpanda/redpanda-cluster.js';
import { KafkaNodePool, nodePoolLayout } from '../strimzi/kafka-node-pool.js';
import { StrimziKafka } from '../strimzi/kafka.js';

/**
 * The cluster itself: Strimzi `Kafka` plus node pools, or a `Redpanda`.
 * External clusters have nothing to render (see `kafkaObjectsApply`).
 */
export class KafkaClusterChart extends Chart {
  constructor(scope: Construct, id: string, spec: PlatformSpec) {
    super(scope, id, { disableResourceNameHashes: true });
    const { cluster } = spec;
    const namespace = spec.namespaces.kafka;
    if (cluster.flavor === 'strimzi') {
      new StrimziKafka(this, 'Kafka', {
        cluster,
        namespace,
        exportedTopics: spec.topics.map((t) => t.name),
        exportedGroups: lagWatchedServices(spec).map((s) => s.consumerGroup),
      });
      for (const pool of nodePoolLayout(cluster)) {
        new KafkaNodePool(this, `Pool-${pool.name}`, { cluster, namespace, ...pool });
      }
    } else if (cluster.flavor === 'redpanda') {
      const { monitoring } = spec;
      new RedpandaCluster(this, 'Redpanda', {
        cluster,
        namespace,
        // Brokers report lag themselves: their ServiceMonitor is the lag alerts' only source.
        serviceMonitorLabels: monitoring.enabled && monitoring.prometheusOperator ? monitoring.selectorLabels : null,
      });
    }
  }
}

/**
 * Whether the cluster, its topics and its users are Kubernetes objects: true
 * for the operators; false for `external`, whose topics, SCRAM credentials and
 * ACLs the Pulumi program drives through @pulumi/kafka from the same spec, and
 * for `confluent-cloud`, whose service accounts, API keys, topics and ACLs it
 * drives through @pulumi/confluentcloud (infra/confluent-cloud.ts).
 */
export function kafkaObjectsApply(spec: PlatformSpec): boolean {
  return !isManagedFlavor(spec.cluster.flavor);
}
