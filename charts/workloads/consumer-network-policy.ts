import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  DAPR_CONTROL_PLANE_PORTS,
  DAPR_NAMESPACE,
  isManagedFlavor,
  type ClusterSpec,
  type PlatformSpec,
  type ServiceSpec,
} from '../../platform/index.js';
import { standardLabels } from '../support/labels.js';
import { podSelectorLabels } from './consumer-deployment.js';

/**
 * PostgreSQL's port. The database address is inside the `DATABASE_URL`
 * Secret (a managed database or an in-cluster one), so egress allows this port
 * to any address rather than to a namespace.
 */
export const POSTGRES_PORT = 5432;

/** The cluster DNS pods (CoreDNS keeps kube-dns's label). */
const DNS = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, port: 53 };
/** The same DNS peer, for the monitoring workloads' policies. */
export const DNS_PEER: Readonly<typeof DNS> = DNS;

/** Distinct ports of a `host:port,host:port` bootstrap list, sorted. */
export function bootstrapPorts(bootstrapServers: string): number[] {
  const ports = bootstrapServers
    .split(',')
    .map((address) => Number(address.trim().split(':').pop()))
    .filter((port) => Number.isInteger(port) && port > 0);
  return [...new Set(ports)].sort((a, b) => a - b);
}

export interface ConsumerNetworkPolicyProps {
  readonly spec: PlatformSpec;
  readonly service: ServiceSpec;
}

/**
 * Default-deny in both directions for one service's pods, then exactly what it needs:
 * - in: its HTTP port, from pods of its own namespace (the Dapr sidecar reaches
 *   the app over localhost, which no policy filters), and from the ingress
 *   controller's namespace when the service has an Ingress;
 * - out: cluster DNS; Kafka on the client port (the Kafka namespace for the
 *   operators, the bootstrap ports at any address for an external cluster);
 *   PostgreSQL when the service has a database; the Dapr control plane in Dapr mode;
 *   the service's own `egress` rules (a webhook, say).
 * Policies are additive: monitoring adds its own policy for scrapes from its namespace.
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export class ConsumerNetworkPolicy extends Construct {
  readonly policy: kplus.NetworkPolicy;

  constructor(scope: Construct, id: string, props: ConsumerNetworkPolicyProps) {
    super(scope, id);
    const { spec, service } = props;
    const namespace = spec.namespaces.apps;
    const deny = { default: kplus.NetworkPolicyTrafficDefault.DENY };
    this.policy = new kplus.NetworkPolicy(this, 'Resource', {
      metadata: { name: service.appId, namespace, labels: standardLabels(service.appId, 'consumer') },
      selector: kplus.Pods.select(this, 'Pods', { labels: podSelectorLabels(service) }),
      ingress: deny,
      egress: deny,
    });

    this.policy.addIngressRule(kplus.Pods.all(this, 'SameNamespace', { namespaces: this.namespaces('Apps', namespace) }), [
      kplus.NetworkPolicyPort.tcp(service.port),
    ]);
    if (service.ingress) {
      // The ingress controller proxies from its own pods to the pod port (a NetworkPolicy sees pod addresses).
      this.policy.addIngressRule(this.namespaces('IngressController', service.ingress.controllerNamespace), [
        kplus.NetworkPolicyPort.tcp(service.port),
      ]);
    }

    this.policy.addEgressRule(
      kplus.Pods.select(this, 'Dns', { labels: DNS.labels, namespaces: this.namespaces('DnsNamespace', DNS.namespace) }),
      [kplus.NetworkPolicyPort.udp(DNS.port), kplus.NetworkPolicyPort.tcp(DNS.port)],
    );
    this.allowKafka(spec.cluster, spec.namespaces.kafka);
    if (service.database) {
      this.policy.addEgressRule(kplus.NetworkPolicyIpBlock.anyIpv4(this, 'AnyDatabase'), [kplus.NetworkPolicyPort.tcp(POSTGRES_PORT)]);
    }
    if (service.mode === 'dapr') {
      const ports = Object.values(DAPR_CONTROL_PLANE_PORTS).map((port) => kplus.NetworkPolicyPort.tcp(port));
      this.policy.addEgressRule(this.namespaces('DaprControlPlane', DAPR_NAMESPACE), ports);
    }
    service.egress.forEach((rule, i) => {
      const peer =
        rule.namespace === null ? kplus.NetworkPolicyIpBlock.anyIpv4(this, `Egress${i}`) : this.namespaces(`Egress${i}`, rule.namespace);
      this.policy.addEgressRule(peer, [kplus.NetworkPolicyPort.tcp(rule.port)]);
    });
  }

  private allowKafka(cluster: ClusterSpec, kafkaNamespace: string): void {
    if (isManagedFlavor(cluster.flavor)) {
      const ports = bootstrapPorts(cluster.bootstrapServers).map((port) => kplus.NetworkPolicyPort.tcp(port));
      this.policy.addEgressRule(kplus.NetworkPolicyIpBlock.anyIpv4(this, 'ExternalKafka'), ports);
      return;
    }
    this.policy.addEgressRule(this.namespaces('KafkaNamespace', kafkaNamespace), [kplus.NetworkPolicyPort.tcp(cluster.clientPort)]);
  }

  private namespaces(id: string, name: string): kplus.Namespaces {
    return kplus.Namespaces.select(this, id, { names: [name] });
  }
}
