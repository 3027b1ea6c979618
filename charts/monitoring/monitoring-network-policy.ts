/**
 * The NetworkPolicy of one monitoring workload (kafka_exporter, Redpanda
 * Console): default-deny in both directions, then exactly what it needs, as
 * the services have (charts/workloads/consumer-network-policy.ts):
 * - out: cluster DNS and Kafka on its client port (the Kafka namespace for
 *   the operators, the bootstrap ports at any address for an external cluster);
 * - in: its one HTTP port, from Prometheus pods (the exporter's metrics) or
 *   from pods of its own namespace (the console, behind an authenticating proxy;
 *   `kubectl port-forward` reaches the pod without passing a NetworkPolicy).
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
import type { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { isManagedFlavor, type PlatformSpec } from '../../platform/index.js';
import { NAME_LABEL } from '../support/labels.js';
import { resource } from '../support/resource.js';
import { bootstrapPorts, DNS_PEER } from '../workloads/consumer-network-policy.js';
import { MONITORING_COMPONENT } from './api.js';
import { PROMETHEUS_POD_LABELS } from './scrape-targets.js';

export interface MonitoringNetworkPolicyProps {
  /** The workload's name label (its Deployment's name), which the policy selects. */
  readonly name: string;
  readonly namespace: string;
  /** The port the workload serves. */
  readonly port: number;
  /** Who may reach `port`: Prometheus pods in any namespace, or pods of the workload's namespace. */
  readonly from: 'prometheus' | 'namespace';
}

/** The Kafka egress rule: the client port in the Kafka namespace, or an external cluster's bootstrap ports anywhere. */
function kafkaEgress(spec: PlatformSpec): Record<string, unknown> {
  if (isManagedFlavor(spec.cluster.flavor)) {
    return {
      to: [{ ipBlock: { cidr: '0.0.0.0/0' } }],
      ports: bootstrapPorts(spec.cluster.bootstrapServers).map((port) => ({ protocol: 'TCP', port })),
    };
  }
  return {
    to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': spec.namespaces.kafka } } }],
    ports: [{ protocol: 'TCP', port: spec.cluster.clientPort }],
  };
}

export function monitoringNetworkPolicy(scope: Construct, id: string, spec: PlatformSpec, props: MonitoringNetworkPolicyProps): ApiObject {
  const peer =
    props.from === 'prometheus' ? { namespaceSelector: {}, podSelector: { matchLabels: PROMETHEUS_POD_LABELS } } : { podSelector: {} };
  return resource(scope, id, {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    name: props.name,
    namespace: props.namespace,
    component: MONITORING_COMPONENT,
    body: {
      spec: {
        podSelector: { matchLabels: { [NAME_LABEL]: props.name } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [peer], ports: [{ protocol: 'TCP', port: props.port }] }],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': DNS_PEER.namespace } },
                podSelector: { matchLabels: DNS_PEER.labels },
              },
            ],
            ports: [
              { protocol: 'UDP', port: DNS_PEER.port },
              { protocol: 'TCP', port: DNS_PEER.port },
            ],
          },
          kafkaEgress(spec),
        ],
      },
    },
  });
}
