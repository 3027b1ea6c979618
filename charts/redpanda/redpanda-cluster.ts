import type { Construct } from 'constructs';
import { redpandaSuperusersSecret, type ClusterSpec } from '../../platform/index.js';
import { CustomResource } from '../support/resource.js';
import { REDPANDA_API_VERSION } from './api.js';

export interface RedpandaClusterProps {
  readonly cluster: ClusterSpec;
  readonly namespace: string;
  /**
   * Labels of the chart's ServiceMonitor (`monitoring.labels`), the stack's
   * `monitoring.selectorLabels`, so the Prometheus' `serviceMonitorSelector`
   * picks it; null renders none (`monitoring.enabled: false`): monitoring is
   * off, or the cluster has no Prometheus Operator CRDs for it.
   */
  readonly serviceMonitorLabels: Readonly<Record<string, string>> | null;
}

/**
 * Consumer-group metrics Redpanda exports only when asked to; the lag alerts
 * read `redpanda_kafka_consumer_group_lag_*`, which needs `consumer_lag`.
 * @see https://docs.redpanda.com/current/reference/properties/cluster-properties/#enable_consumer_group_metrics
 */
export const CONSUMER_GROUP_METRICS = ['group', 'partition', 'consumer_lag'] as const;

/**
 * The `Redpanda` resource: the operator renders the Redpanda Helm chart from
 * `spec.clusterSpec`, whose keys are the chart's values. SASL is on with the
 * cluster's mechanism and the superusers read from a Secret the Pulumi
 * program creates (`users: []` so the chart never generates one of its own);
 * Console is enabled, and the Prometheus ServiceMonitor with the stack's
 * selector labels unless `serviceMonitorLabels` is null. External access is
 * off unless `cluster.externalAccess`: the chart's default
 * (`external.enabled: true`, type NodePort) publishes the Kafka, admin and
 * schema-registry listeners on a port of every node; clients here are pods.
 * Resources use `requests`/`limits`: when both are given the chart uses them
 * as is and derives Redpanda's `--smp` and `--memory` from them.
 * @see https://docs.redpanda.com/current/reference/k-redpanda-helm-spec/
 */
export class RedpandaCluster extends CustomResource {
  constructor(scope: Construct, id: string, props: RedpandaClusterProps) {
    const { cluster } = props;
    super(scope, id, {
      apiVersion: REDPANDA_API_VERSION,
      kind: 'Redpanda',
      name: cluster.name,
      namespace: props.namespace,
      component: 'kafka',
      body: {
        spec: {
          clusterSpec: {
            image: { tag: cluster.version },
            statefulset: { replicas: cluster.brokers },
            resources: {
              requests: { ...cluster.resources.requests },
              limits: { ...cluster.resources.limits },
            },
            storage: {
              persistentVolume: {
                enabled: true,
                size: cluster.storage.size,
                ...(cluster.storage.storageClass ? { storageClass: cluster.storage.storageClass } : {}),
              },
            },
            auth: {
              sasl: {
                enabled: true,
                mechanism: cluster.saslMechanism,
                secretRef: redpandaSuperusersSecret(cluster).name,
                users: [],
              },
            },
            tls: { enabled: cluster.tls },
            listeners: { kafka: { port: cluster.clientPort } },
            external: { enabled: cluster.externalAccess },
            console: { enabled: true },
            monitoring:
              props.serviceMonitorLabels === null ? { enabled: false } : { enabled: true, labels: { ...props.serviceMonitorLabels } },
            config: { cluster: { enable_consumer_group_metrics: [...CONSUMER_GROUP_METRICS] } },
          },
        },
      },
    });
  }
}
