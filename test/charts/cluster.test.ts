import { platformFromConfig, redpandaSuperusersSecret } from '../../platform/index.js';
import { exactNamesRegex } from '../../charts/strimzi/kafka.js';
import { findObject, manifestsOf, objectsOfKind, stackManifests, stackSpec, variantSpec, type K8sObject } from './fixtures.js';

type KafkaSpec = {
  kafka: { version: string; listeners: Record<string, unknown>[]; config: Record<string, number> };
  entityOperator: unknown;
  kafkaExporter: { topicRegex: string; groupRegex: string };
};
type PoolSpec = { replicas: number; roles: string[]; resources: unknown; storage: { type: string; volumes: Record<string, unknown>[] } };

describe('the Strimzi cluster (staging)', () => {
  const spec = stackSpec('staging');
  const kafka = findObject(stackManifests('staging'), 'Kafka', 'todo-kafka').spec as KafkaSpec;

  it('has one SCRAM-SHA-512 listener on the client port, with TLS as the stack says', () => {
    expect(kafka.kafka.listeners).toEqual([
      { name: 'scram', port: spec.cluster.clientPort, type: 'internal', tls: true, authentication: { type: 'scram-sha-512' } },
    ]);
  });

  it('runs the topic and user operators and kafka_exporter on exactly the spec topics and groups', () => {
    expect(kafka.entityOperator).toEqual({ topicOperator: {}, userOperator: {} });
    expect(kafka.kafkaExporter).toEqual({
      topicRegex: '^(reminders|task-events|task-events-dlq|task-updates)$',
      // websocket fans out: a group per pod, whose lag says nothing (see lagWatchedServices).
      groupRegex: '^(audit-service|notification-service|recurring-task-service)$',
    });
  });

  it('replicates internal topics like user topics on three brokers', () => {
    expect(kafka.kafka.config).toEqual({
      'default.replication.factor': 3,
      'min.insync.replicas': 2,
      'offsets.topic.replication.factor': 3,
      'transaction.state.log.replication.factor': 3,
      'transaction.state.log.min.isr': 2,
    });
    expect(kafka.kafka.version).toBe(spec.cluster.version);
  });

  it('has separate controller and broker pools sized from the spec', () => {
    const pools = objectsOfKind(stackManifests('staging'), 'KafkaNodePool');
    expect(pools.map((p) => [p.metadata.name, (p.spec as PoolSpec).roles, (p.spec as PoolSpec).replicas])).toEqual([
      ['controller', ['controller'], 3],
      ['broker', ['broker'], 3],
    ]);
    for (const pool of pools) {
      expect(pool.metadata.labels?.['strimzi.io/cluster']).toBe('todo-kafka');
      expect((pool.spec as PoolSpec).resources).toEqual(spec.cluster.resources);
      expect((pool.spec as PoolSpec).storage).toEqual({
        type: 'jbod',
        volumes: [{ id: 0, type: 'persistent-claim', size: '50Gi', deleteClaim: false, kraftMetadata: 'shared' }],
      });
    }
  });

  it('has one combined pool when the stack has no dedicated controllers', () => {
    const manifests = manifestsOf(variantSpec('strimzi-combined'));
    const pools = objectsOfKind(manifests, 'KafkaNodePool');
    expect(pools.map((p) => [p.metadata.name, (p.spec as PoolSpec).roles, (p.spec as PoolSpec).replicas])).toEqual([
      ['dual-role', ['controller', 'broker'], 1],
    ]);
    const config = (findObject(manifests, 'Kafka', 'todo-kafka').spec as KafkaSpec).kafka.config;
    expect(config['offsets.topic.replication.factor']).toBe(1);
    expect(config['min.insync.replicas']).toBe(1);
  });

  it('escapes regex characters in exporter filters', () => {
    expect(exactNamesRegex(['a.b', 'c'])).toBe('^(a\\.b|c)$');
    expect(exactNamesRegex([])).toBe('^$');
    expect(exactNamesRegex(undefined)).toBe('.*');
  });
});

describe('the Redpanda cluster (dev)', () => {
  const spec = stackSpec('dev');
  const clusterSpec = (o: K8sObject) => (o.spec as { clusterSpec: Record<string, unknown> }).clusterSpec;
  const redpanda = clusterSpec(findObject(stackManifests('dev'), 'Redpanda', 'todo-kafka'));

  it('runs one broker with the stack resources and storage', () => {
    expect(redpanda.statefulset).toEqual({ replicas: 1 });
    expect(redpanda.resources).toEqual(spec.cluster.resources);
    expect(redpanda.storage).toEqual({ persistentVolume: { enabled: true, size: '5Gi' } });
    expect(redpanda.image).toEqual({ tag: spec.cluster.version });
  });

  it('turns SASL on with superusers from the Secret the Pulumi program creates', () => {
    expect(redpanda.auth).toEqual({
      sasl: { enabled: true, mechanism: 'SCRAM-SHA-512', secretRef: redpandaSuperusersSecret(spec.cluster).name, users: [] },
    });
    expect(redpandaSuperusersSecret(spec.cluster).name).toBe('todo-kafka-superusers');
  });

  it('enables Console, the ServiceMonitor (labelled for the Prometheus selectors) and consumer-group lag metrics', () => {
    expect(redpanda.console).toEqual({ enabled: true });
    expect(redpanda.monitoring).toEqual({ enabled: true, labels: { release: 'kube-prometheus-stack' } });
    expect(redpanda.config).toEqual({ cluster: { enable_consumer_group_metrics: ['group', 'partition', 'consumer_lag'] } });
  });

  it("keeps the chart's external listeners (NodePorts on every node) off unless the stack asks for them", () => {
    expect(redpanda.external).toEqual({ enabled: false });
    const exposed = platformFromConfig('dev', { cluster: { flavor: 'redpanda', externalAccess: true } });
    const rendered = clusterSpec(findObject(manifestsOf(exposed), 'Redpanda', 'todo-kafka'));
    expect(rendered.external).toEqual({ enabled: true });
  });

  it('refuses external access on a cluster the Redpanda chart does not render', () => {
    expect(() => platformFromConfig('staging', { cluster: { flavor: 'strimzi', externalAccess: true } })).toThrow(
      'cluster.externalAccess: only applies to redpanda, not "strimzi"; remove it',
    );
  });

  it('serves Kafka on the client port with TLS as the stack says', () => {
    expect(redpanda.listeners).toEqual({ kafka: { port: spec.cluster.clientPort } });
    expect(redpanda.tls).toEqual({ enabled: false });
    const tls = clusterSpec(findObject(manifestsOf(variantSpec('redpanda-tls-sha256')), 'Redpanda', 'todo-kafka'));
    expect(tls.tls).toEqual({ enabled: true });
    expect((tls.auth as { sasl: { mechanism: string } }).sasl.mechanism).toBe('SCRAM-SHA-256');
    expect(tls.storage).toEqual({ persistentVolume: { enabled: true, size: '10Gi', storageClass: 'fast-ssd' } });
  });
});
