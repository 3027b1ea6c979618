/**
 * What the charts render for a Confluent Cloud stack: no Kafka objects, clients
 * on SASL_SSL with PLAIN (Dapr's `PLAINTEXT`), each reading its username (the
 * API key id) and password (its secret) from its own Secret, kafka_exporter
 * with its own key, and only the alerts that mean something there.
 */
import { prometheusRuleGroups, isAlertingRule } from '../../charts/monitoring/index.js';
import { SERVICE_ENV } from '../../platform/index.js';
import { findObject, fullStackManifests, objectsOfKind, stackSpec, type K8sObject } from './fixtures.js';

type EnvVar = { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } };
type Item = { name: string; value?: string; secretKeyRef?: { name: string; key: string } };

const manifests = fullStackManifests('confluent');
const containerOf = (d: K8sObject) =>
  (d.spec as { template: { spec: { containers: { args?: string[]; env: EnvVar[] }[] } } }).template.spec.containers[0]!;
const envOf = (d: K8sObject) => Object.fromEntries(containerOf(d).env.map((e) => [e.name, e.value ?? e.valueFrom]));
const metadataOf = (component: K8sObject) => (component.spec as { metadata: Item[] }).metadata;

describe('the confluent stack', () => {
  it('renders no cluster, topic or user objects: Pulumi manages them through Confluent Cloud', () => {
    expect(manifests.map((m) => m.chart)).toEqual(['namespaces', 'dapr', 'services', 'monitoring']);
  });

  it('gives a Kafka-mode service SASL_SSL, PLAIN, and its API key id and secret from its own Secret', () => {
    expect(envOf(findObject(manifests, 'Deployment', 'audit-service'))).toMatchObject({
      [SERVICE_ENV.bootstrapServers]: 'pkc-a1b2c.us-east-1.aws.confluent.cloud:9092',
      [SERVICE_ENV.securityProtocol]: 'SASL_SSL',
      [SERVICE_ENV.saslMechanism]: 'PLAIN',
      [SERVICE_ENV.username]: { secretKeyRef: { name: 'kafka-user-audit-service', key: 'username' } },
      [SERVICE_ENV.password]: { secretKeyRef: { name: 'kafka-user-audit-service', key: 'password' } },
    });
    // Public CAs: no cluster CA to trust, as for any external cluster.
    expect(envOf(findObject(manifests, 'Deployment', 'audit-service'))).not.toHaveProperty('NODE_EXTRA_CA_CERTS');
  });

  it("spells PLAIN as Dapr's PLAINTEXT, keeps TLS on and reads each component's username from its Secret", () => {
    const components = objectsOfKind(manifests, 'Component');
    expect(components.map((c) => c.metadata.name).sort()).toEqual(['kafka-pubsub', 'kafka-pubsub-notification', 'kafka-pubsub-websocket']);
    for (const component of components) {
      const items = metadataOf(component);
      const user = items.find((i) => i.name === 'saslPassword')!.secretKeyRef!.name;
      expect(items.find((i) => i.name === 'saslMechanism')).toEqual({ name: 'saslMechanism', value: 'PLAINTEXT' });
      expect(items.find((i) => i.name === 'saslUsername')).toEqual({ name: 'saslUsername', secretKeyRef: { name: user, key: 'username' } });
      expect(items.find((i) => i.name === 'authType')).toEqual({ name: 'authType', value: 'password' });
      expect(items.map((i) => i.name)).not.toContain('disableTls');
    }
  });

  it('runs kafka_exporter with its own key over TLS and PLAIN, the username expanded from its Secret', () => {
    const exporter = findObject(manifests, 'Deployment', 'todo-kafka-kafka-exporter');
    expect(exporter.metadata.namespace).toBe('todo');
    const { args, env } = containerOf(exporter);
    expect(args).toEqual(
      expect.arrayContaining([
        '--kafka.server=pkc-a1b2c.us-east-1.aws.confluent.cloud:9092',
        '--sasl.enabled',
        '--sasl.mechanism=plain',
        '--sasl.username=$(KAFKA_USERNAME)',
        '--sasl.password=$(KAFKA_PASSWORD)',
        '--tls.enabled',
      ]),
    );
    expect(args!.some((a) => a.startsWith('--tls.ca-file'))).toBe(false);
    expect(env).toEqual([
      { name: 'KAFKA_USERNAME', valueFrom: { secretKeyRef: { name: 'kafka-user-platform-exporter', key: 'username' } } },
      { name: 'KAFKA_PASSWORD', valueFrom: { secretKeyRef: { name: 'kafka-user-platform-exporter', key: 'password' } } },
    ]);
  });

  it('runs no Redpanda Console: Confluent Cloud has its own, and no key that reads messages is issued', () => {
    expect(objectsOfKind(manifests, 'Deployment').map((d) => d.metadata.name)).not.toContain('redpanda-console');
    expect(stackSpec('confluent').users.map((u) => u.kind)).not.toContain('console');
  });

  it('lets the services and the exporter reach Confluent on its bootstrap port at any address', () => {
    const policies = objectsOfKind(manifests, 'NetworkPolicy').filter((p) =>
      ['audit-service', 'todo-kafka-kafka-exporter'].includes(p.metadata.name),
    );
    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      const egress = (policy.spec as { egress: { to?: { ipBlock?: { cidr: string } }[]; ports?: { port: number }[] }[] }).egress;
      expect(egress).toContainEqual(
        expect.objectContaining({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 9092 }] }),
      );
    }
  });

  it("alerts on lag, traffic, offline partitions and the exporter, not on brokers or replication, which are Confluent's", () => {
    const alerts = [
      ...new Set(prometheusRuleGroups(stackSpec('confluent')).flatMap((g) => g.rules.filter(isAlertingRule).map((r) => r.alert))),
    ];
    expect(alerts.sort()).toEqual([
      'ConsumerLagHigh',
      'ConsumerStalled',
      'DaprDeliveryErrorRatioHigh',
      'KafkaExporterDown',
      'KafkaOfflinePartitions',
      'PartitionSkewHigh',
      'ServiceDependencyDown',
      'ServiceErrorRatioHigh',
      'TopicOffsetsMissing',
      'TopicTrafficLow',
    ]);
  });
});
