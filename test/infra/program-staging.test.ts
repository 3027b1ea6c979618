/** The Pulumi program for the staging stack (Strimzi, three brokers, TLS), under mocks. */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { clusterCaSecret, type PlatformSpec } from '../../platform/index.js';
import { awaitAnnotations, AWAITED_KINDS } from '../../infra/readiness.js';
import { byType, dependencyNames, FAKE_CA_CRT, named, runStackProgram, unwrapSecrets, type ProgramRun } from './harness.js';
import {
  CONFIG_GROUP_TYPE,
  RELEASE_TYPE,
  SECRET_TYPE,
  createdSecrets,
  expectNoPlaintext,
  expectReferencedSecretsCreated,
  groupObjects,
  sentinels,
} from './program-checks.js';

const DATABASE_URL = 'postgres://todo:STAGINGDBPLAINTEXT@db.staging:5432/todo';
let spec: PlatformSpec;
let run: ProgramRun;

beforeAll(async () => {
  ({ spec, run } = await runStackProgram('staging', { secrets: { databaseUrl: DATABASE_URL } }));
});

describe('staging stack program', () => {
  test('installs the Strimzi operator from its OCI chart at the pinned version, watching only the kafka namespace', () => {
    const strimzi = unwrapSecrets(named(run, 'operators-strimzi-kafka-operator').inputs) as Record<string, unknown>;
    expect(strimzi).toMatchObject({
      name: 'strimzi-kafka-operator',
      chart: 'oci://quay.io/strimzi-helm/strimzi-kafka-operator',
      version: spec.operators.strimzi.version,
      namespace: spec.namespaces.kafka,
      values: { watchNamespaces: [], watchAnyNamespace: false },
    });
    expect(strimzi.version).toBe('1.2.0');
    expect(strimzi.repositoryOpts).toBeUndefined();
    expect(
      byType(run, RELEASE_TYPE)
        .map((r) => r.name)
        .sort(),
    ).toEqual(['operators-dapr', 'operators-strimzi-kafka-operator']);
  });

  test('makes Pulumi wait until the Kafka resource, every KafkaTopic and every KafkaUser are Ready, and nothing else', () => {
    const groups = groupObjects(run);
    const waitOf = (o: Record<string, unknown>) =>
      (o.metadata as { annotations?: Record<string, string> }).annotations?.['pulumi.com/waitFor'];
    const awaited = [...groups.values()].flat().filter(waitOf);
    const counts = (kinds: string[]) => kinds.reduce<Record<string, number>>((n, k) => ({ ...n, [k]: (n[k] ?? 0) + 1 }), {});
    expect(counts(awaited.map((o) => String(o.kind)))).toEqual({ Kafka: 1, KafkaTopic: spec.topics.length, KafkaUser: spec.users.length });
    const kafka = AWAITED_KINDS.find((k) => k.kind === 'Kafka')!;
    expect((awaited.find((o) => o.kind === 'Kafka')!.metadata as { annotations: Record<string, string> }).annotations).toMatchObject(
      awaitAnnotations(kafka),
    );
  });

  test('creates the KafkaTopics after the Kafka cluster and its operator', () => {
    expect(dependencyNames(run, named(run, 'chart-kafka-topics'))).toEqual(['chart-kafka-cluster', 'operators-strimzi-kafka-operator']);
    expect(dependencyNames(run, named(run, 'chart-kafka-cluster'))).toEqual(
      expect.arrayContaining(['chart-namespaces', 'operators-strimzi-kafka-operator', 'credentials-kafka-platform-admin']),
    );
  });

  test('copies the cluster CA from the operator Secret into the apps namespace once the cluster is ready', () => {
    const ca = clusterCaSecret(spec.cluster)!;
    // The other reads are the Prometheus Operator CRDs the monitoring chart waits for (monitoring-prerequisites.ts).
    const read = run.resources.filter((r) => r.read && r.type === SECRET_TYPE);
    expect(read.map((r) => [r.type, r.name])).toEqual([[SECRET_TYPE, 'cluster-ca-source']]);
    expect(read[0]!.dependencies.map((urn) => run.resources.find((r) => r.urn === urn)?.name)).toContain('chart-kafka-cluster');
    const copy = named(run, 'cluster-ca-copy');
    expect(unwrapSecrets(copy.inputs)).toMatchObject({
      metadata: { name: ca.copy.name, namespace: spec.namespaces.apps },
      data: { [ca.copy.key]: FAKE_CA_CRT },
    });
    expect(copy.deleteBeforeReplace).toBe(true);
  });

  test('starts the Dapr components and the services only after the CA copy exists', () => {
    for (const group of ['chart-dapr', 'chart-services']) {
      expect(dependencyNames(run, named(run, group))).toContain('cluster-ca-copy');
    }
  });

  test('creates every user Secret the KafkaUsers and the apps read, and no superusers Secret', () => {
    const users = spec.users.map((u) => u.name);
    expect(createdSecrets(run)).toEqual(
      [
        ...users.map((u) => `kafka/kafka-user-${u}`),
        ...users.filter((u) => u !== 'platform-admin').map((u) => `todo/kafka-user-${u}`),
        'todo/dapr-app-api-token',
        'todo/todo-database',
        'todo/todo-kafka-cluster-ca',
        'todo/websocket-token',
      ].sort(),
    );
  });

  test('creates every Secret a manifest references, the CA copy included', () => {
    expectReferencedSecretsCreated(run);
  });

  test('leaves the staging topics unprotected', () => {
    expect(byType(run, CONFIG_GROUP_TYPE).filter((g) => g.protect)).toEqual([]);
  });

  test('keeps every password and the database URL inside Pulumi secrets', () => {
    expectNoPlaintext(run, sentinels(run, [DATABASE_URL]));
  });

  test('exports the TLS bootstrap address of the Strimzi listener', () => {
    expect(run.outputs).toMatchObject({
      bootstrapServers: spec.cluster.bootstrapServers,
      securityProtocol: 'SASL_SSL',
      saslMechanism: 'SCRAM-SHA-512',
    });
  });
});
