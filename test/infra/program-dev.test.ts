/** The Pulumi program for the dev stack (Redpanda, one broker), under mocks. */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { synthesizeManifests } from '../../charts/index.js';
import type { PlatformSpec } from '../../platform/index.js';
import { splitAdoptedNamespaces } from '../../infra/namespaces.js';
import { awaitAnnotations, awaitedKind } from '../../infra/readiness.js';
import { byType, dependencyNames, fakePassword, named, runStackProgram, unwrapSecrets, type ProgramRun } from './harness.js';
import {
  CONFIG_GROUP_TYPE,
  RELEASE_TYPE,
  createdSecrets,
  expectNoPlaintext,
  expectReferencedSecretsCreated,
  groupObjects,
  secretStringData,
  sentinels,
} from './program-checks.js';

const DATABASE_URL = 'postgres://todo:DBPLAINTEXT@db.example:5432/todo';
let spec: PlatformSpec;
let run: ProgramRun;

beforeAll(async () => {
  ({ spec, run } = await runStackProgram('dev', { secrets: { databaseUrl: DATABASE_URL } }));
});

describe('dev stack program', () => {
  test('installs the Redpanda operator and Dapr from their charts at the versions the spec pins, and nothing else', () => {
    const releases = byType(run, RELEASE_TYPE)
      .map((r) => unwrapSecrets(r.inputs) as Record<string, unknown>)
      .sort((a, b) => String(a.name).localeCompare(String(b.name)));
    const repo = (r: Record<string, unknown>) => (r.repositoryOpts as { repo?: string } | undefined)?.repo;
    expect(releases.map((r) => [r.name, r.chart, r.version, repo(r), r.namespace])).toEqual([
      ['dapr', 'dapr', spec.operators.dapr.version, 'https://dapr.github.io/helm-charts/', 'dapr-system'],
      ['redpanda-operator', 'operator', spec.operators.redpanda.version, 'https://charts.redpanda.com', 'kafka'],
    ]);
    const redpanda = releases.find((r) => r.name === 'redpanda-operator')!;
    expect(redpanda.values).toEqual({ crds: { enabled: true }, monitoring: { enabled: false } });
    expect(redpanda.version).toBe('26.2.1');
  });

  test('applies one ConfigGroup per synthesized chart with exactly its objects, the cluster, topics and users awaited', () => {
    // Adopted namespaces are patched, not applied (program-namespaces.test.ts).
    const expected = splitAdoptedNamespaces(spec, synthesizeManifests(spec)).charts;
    const groups = groupObjects(run);
    expect([...groups.keys()].sort()).toEqual(expected.map((c) => c.chart).sort());
    for (const chart of expected) {
      const applied = groups.get(chart.chart)!;
      const withoutAwait = applied.map((o) => {
        const kind = awaitedKind(o);
        if (!kind) return o;
        const metadata = o.metadata as { annotations: Record<string, string> };
        const wait = awaitAnnotations(kind);
        expect(metadata.annotations).toMatchObject(wait);
        const annotations = Object.fromEntries(Object.entries(metadata.annotations).filter(([k]) => !(k in wait)));
        const { annotations: _drop, ...rest } = metadata;
        return { ...o, metadata: Object.keys(annotations).length > 0 ? { ...rest, annotations } : rest };
      });
      expect(withoutAwait).toEqual(chart.objects);
    }
  });

  test('orders the cluster after its operator and Secrets, topics and users after the cluster, Dapr and services last', () => {
    const deps = (name: string) => dependencyNames(run, named(run, name));
    expect(deps('operators-redpanda-operator')).toEqual(['chart-namespaces']);
    expect(deps('chart-kafka-cluster')).toEqual(
      expect.arrayContaining(['chart-namespaces', 'operators-redpanda-operator', 'credentials-superusers']),
    );
    expect(deps('chart-kafka-topics')).toEqual(['chart-kafka-cluster', 'operators-redpanda-operator']);
    expect(deps('chart-kafka-users')).toEqual(expect.arrayContaining(['chart-kafka-cluster', 'credentials-kafka-audit-service']));
    expect(deps('chart-dapr')).toEqual(
      expect.arrayContaining(['chart-kafka-topics', 'chart-kafka-users', 'operators-dapr', 'credentials-todo-audit-service']),
    );
    expect(deps('chart-services')).toEqual(
      expect.arrayContaining(['chart-dapr', 'chart-kafka-topics', 'chart-kafka-users', 'credentials-database']),
    );
  });

  test('leaves the dev topics unprotected', () => {
    expect(byType(run, CONFIG_GROUP_TYPE).filter((g) => g.protect)).toEqual([]);
  });

  test('creates every user Secret in the kafka namespace, the non-admin ones in the apps namespace too, plus superusers, database, the WebSocket token and the Dapr app API token', () => {
    const users = spec.users.map((u) => u.name);
    expect(createdSecrets(run)).toEqual(
      [
        ...users.map((u) => `kafka/kafka-user-${u}`),
        ...users.filter((u) => u !== 'platform-admin').map((u) => `todo/kafka-user-${u}`),
        'kafka/todo-kafka-superusers',
        'todo/dapr-app-api-token',
        'todo/todo-database',
        'todo/websocket-token',
      ].sort(),
    );
  });

  test('gives a user the same generated password in both namespaces, under the key the manifests read', () => {
    const expected = fakePassword('credentials-audit-service');
    expect(secretStringData(named(run, 'credentials-kafka-audit-service'), 'password')).toBe(expected);
    expect(secretStringData(named(run, 'credentials-todo-audit-service'), 'password')).toBe(expected);
  });

  test('generates alphanumeric 32-character passwords, a 48-character WebSocket token key and a 48-character Dapr app API token', () => {
    const generated = byType(run, 'random:index/randomPassword:RandomPassword');
    expect(generated.filter((p) => p.inputs.length === 32 && p.inputs.special === false)).toHaveLength(spec.users.length);
    expect(
      generated
        .filter((p) => p.inputs.length === 48)
        .map((p) => p.name)
        .sort(),
    ).toEqual(['credentials-dapr-app-api-token-token', 'credentials-websocket-token-secret']);
  });

  test('generates the Dapr app API token once per environment, secret, under key "token" in the apps namespace the Dapr pods run in', () => {
    const secret = named(run, 'credentials-service-dapr-app-api-token');
    expect(secret.inputs.metadata).toMatchObject({ name: 'dapr-app-api-token', namespace: 'todo' });
    // secretStringData asserts that stringData is a Pulumi secret.
    expect(secretStringData(secret, 'token')).toBe(fakePassword('credentials-dapr-app-api-token-token'));
    const daprServices = spec.services.filter((s) => s.mode === 'dapr');
    expect(daprServices.map((s) => s.name).sort()).toEqual(['notification', 'websocket']);
    for (const service of daprServices) expect(service.secretEnv.APP_API_TOKEN).toEqual({ name: 'dapr-app-api-token', key: 'token' });
    expect(spec.services.filter((s) => s.mode === 'kafka').every((s) => s.secretEnv.APP_API_TOKEN === undefined)).toBe(true);
  });

  test('puts the generated WebSocket token key in the Secret the websocket service reads', () => {
    expect(secretStringData(named(run, 'credentials-service-websocket-token'), 'secret')).toBe(
      fakePassword('credentials-websocket-token-secret'),
    );
  });

  test('lists the admin as the only Redpanda superuser, with its password and the cluster mechanism', () => {
    const file = secretStringData(named(run, 'credentials-superusers'), 'users.txt');
    expect(file).toBe(`platform-admin:${fakePassword('credentials-platform-admin')}:SCRAM-SHA-512\n`);
  });

  test('stores the database URL from config in Secret todo-database, key url', () => {
    expect(secretStringData(named(run, 'credentials-database'), 'url')).toBe(DATABASE_URL);
  });

  test('keeps every password and the database URL inside Pulumi secrets, in inputs and outputs', () => {
    expectNoPlaintext(run, sentinels(run, [DATABASE_URL]));
  });

  test('creates every Secret a manifest references, in the namespace of the reference', () => {
    expectReferencedSecretsCreated(run);
  });

  test('exports the bootstrap address, topic names, Secret names, namespaces and the resolved spec, none of them secret', () => {
    expect(run.outputs).toEqual({
      bootstrapServers: 'todo-kafka.kafka.svc.cluster.local:9093',
      securityProtocol: 'SASL_PLAINTEXT',
      saslMechanism: 'SCRAM-SHA-512',
      topics: ['reminders', 'task-events', 'task-events-dlq', 'task-updates'],
      userSecrets: Object.fromEntries(spec.users.map((u) => [u.name, u.secretName])),
      namespaces: { kafka: 'kafka', apps: 'todo' },
      // The resolved spec, which the next update's guard rails compare with (infra/guard-rails.ts).
      platformSpec: spec,
    });
    expect(Object.values(run.outputSecrecy)).not.toContain(true);
  });
});
