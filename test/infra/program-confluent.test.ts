/** The Pulumi program for the confluent stack (Confluent Cloud: service accounts, API keys, topics, ACLs), under mocks. */
import { beforeAll, describe, expect, test } from '@jest/globals';
import {
  DAPR_APP_TOKEN_SECRET,
  DATABASE_SECRET,
  topicConfig,
  USER_PASSWORD_KEY,
  USER_USERNAME_KEY,
  WEBSOCKET_TOKEN_SECRET,
  type PlatformSpec,
} from '../../platform/index.js';
import {
  byType,
  dependencyNames,
  fakeConfluentCluster,
  fakePassword,
  isSecretValue,
  named,
  plaintextPaths,
  runStackProgram,
  unwrapSecrets,
  type ProgramRun,
  type Registered,
} from './harness.js';
import {
  SECRET_TYPE,
  createdSecrets,
  expectNoPlaintext,
  expectOnlyAppCharts,
  expectReferencedSecretsCreated,
  expectSaslSslExports,
  expectUnderKafkaComponent,
  secretStringData,
  sentinels,
} from './program-checks.js';

const CLOUD_API_KEY = 'CLOUDAPIKEYPLAINTEXT';
const CLOUD_API_SECRET = 'CLOUDAPISECRETPLAINTEXT';
const DATABASE_URL = 'postgres://todo:CONFLUENTDBPLAINTEXT@db.prod:5432/todo';
const SERVICE_ACCOUNT = 'confluentcloud:index/serviceAccount:ServiceAccount';
const API_KEY = 'confluentcloud:index/apiKey:ApiKey';
const ROLE_BINDING = 'confluentcloud:index/roleBinding:RoleBinding';
const TOPIC = 'confluentcloud:index/kafkaTopic:KafkaTopic';
const ACL = 'confluentcloud:index/kafkaAcl:KafkaAcl';
const CONFLUENT_TYPES = [SERVICE_ACCOUNT, API_KEY, ROLE_BINDING, TOPIC, ACL];

let spec: PlatformSpec;
let run: ProgramRun;

/** The mocked id of the service account of `user` (the mock's `<resource name>-id`). */
const accountId = (user: string) => `kafka-${user}-id`;
const keyOf = (user: string) => named(run, `kafka-${user}-api-key`);
/** The API key secret the mock generated for `user`. */
const keySecret = (user: string) => fakePassword(`kafka-${user}-api-key`);
const aclLine = (a: Registered) => {
  const i = unwrapSecrets(a.inputs) as Record<string, string>;
  return `${i.principal} ${i.resourceType} ${i.patternType} ${i.resourceName} ${i.operation} ${i.permission} ${i.host}`;
};

beforeAll(async () => {
  ({ spec, run } = await runStackProgram('confluent', {
    secrets: { confluentCloudApiKey: CLOUD_API_KEY, confluentCloudApiSecret: CLOUD_API_SECRET, databaseUrl: DATABASE_URL },
  }));
});

describe('confluent stack program', () => {
  test('renders no Kafka charts and installs no cluster operator: the cluster is Confluent Cloud', () => {
    expectOnlyAppCharts(run);
    expect(run.resources.filter((r) => r.type.startsWith('kafka:') || r.type === 'pulumi:providers:kafka')).toEqual([]);
  });

  test('reaches Confluent Cloud with the Cloud API key from secret config, kept secret', () => {
    const provider = named(run, 'kafka-provider');
    expect(provider.type).toBe('pulumi:providers:confluentcloud');
    expect(isSecretValue(provider.inputs.cloudApiKey)).toBe(true);
    expect(isSecretValue(provider.inputs.cloudApiSecret)).toBe(true);
    expect(unwrapSecrets(provider.inputs)).toMatchObject({ cloudApiKey: CLOUD_API_KEY, cloudApiSecret: CLOUD_API_SECRET });
    expectUnderKafkaComponent(
      run,
      run.resources.filter((r) => CONFLUENT_TYPES.includes(r.type)),
    );
  });

  test('registers one service account per user of the spec: every service, the producing app, the exporter and the admin', () => {
    const accounts = byType(run, SERVICE_ACCOUNT);
    expect(accounts.map((a) => a.inputs.displayName).sort()).toEqual(spec.users.map((u) => `todo-events-confluent-${u.name}`).sort());
    expect(spec.users.map((u) => u.kind).sort()).toEqual(['admin', 'exporter', 'producer', 'service', 'service', 'service', 'service']);
  });

  test('issues one Kafka API key per service account, owned by it and scoped to the cluster', () => {
    const keys = byType(run, API_KEY);
    expect(keys).toHaveLength(spec.users.length);
    for (const user of spec.users) {
      expect(keyOf(user.name).inputs).toMatchObject({
        owner: { id: accountId(user.name), apiVersion: 'iam/v2', kind: 'ServiceAccount' },
        managedResource: { id: 'lkc-a1b2c3', apiVersion: 'cmk/v2', kind: 'Cluster', environment: { id: 'env-a1b2c3' } },
      });
      expect(keyOf(user.name).additionalSecretOutputs).toContain('secret');
    }
  });

  test('gives only the admin account a role, CloudClusterAdmin on this cluster, before its key is created', () => {
    const bindings = byType(run, ROLE_BINDING);
    expect(bindings.map((b) => b.inputs)).toEqual([
      {
        principal: `User:${accountId('platform-admin')}`,
        roleName: 'CloudClusterAdmin',
        crnPattern: fakeConfluentCluster('lkc-a1b2c3', 'env-a1b2c3').rbacCrn,
      },
    ]);
    expect(dependencyNames(run, keyOf('platform-admin'))).toContain(bindings[0]!.name);
  });

  test("creates every topic with the spec's partitions and topic configs (retention included), through the cluster's REST endpoint", () => {
    const topics = byType(run, TOPIC);
    expect(topics.map((t) => t.inputs.topicName).sort()).toEqual(spec.topics.map((t) => t.name).sort());
    for (const topic of spec.topics) {
      const registered = named(run, `kafka-${topic.name}`);
      expect(unwrapSecrets(registered.inputs)).toEqual({
        kafkaCluster: { id: 'lkc-a1b2c3' },
        restEndpoint: 'https://pkc-a1b2c.us-east-1.aws.confluent.cloud:443',
        topicName: topic.name,
        partitionsCount: topic.partitions,
        config: topicConfig(topic),
        credentials: { key: `kafka-platform-admin-api-key-id`, secret: keySecret('platform-admin') },
      });
      expect(isSecretValue(registered.inputs.credentials)).toBe(true);
    }
    expect(named(run, 'kafka-task-events').inputs).toMatchObject({ partitionsCount: 3, config: { 'retention.ms': '604800000' } });
    expect(named(run, 'kafka-reminders').inputs).toMatchObject({ partitionsCount: 1, config: { 'retention.ms': '86400000' } });
  });

  test('protects every topic of the stack (protectTopics), so a replacement fails instead of deleting data', () => {
    expect(spec.protectTopics).toBe(true);
    expect(byType(run, TOPIC).map((t) => [t.name, t.protect])).toEqual(spec.topics.map((t) => [`kafka-${t.name}`, true]));
  });

  test("grants exactly the spec's ACLs, each to the user's service account, ALLOW from any host", () => {
    const expected = spec.users.flatMap((u) =>
      u.acls.flatMap((acl) =>
        acl.operations.map(
          (op) =>
            `User:${accountId(u.name)} ${acl.resourceType.toUpperCase()} ${acl.patternType === 'literal' ? 'LITERAL' : 'PREFIXED'} ${acl.name} ${op === 'DescribeConfigs' ? 'DESCRIBE_CONFIGS' : op.toUpperCase()} ALLOW *`,
        ),
      ),
    );
    expect(byType(run, ACL).map(aclLine).sort()).toEqual(expected.sort());
    expect(byType(run, ACL).map(aclLine)).toContain(`User:${accountId('audit-service')} TOPIC LITERAL task-events READ ALLOW *`);
    expect(byType(run, ACL).map(aclLine)).toContain(`User:${accountId('audit-service')} GROUP LITERAL audit-service READ ALLOW *`);
  });

  test('lets the fan-out websocket use only groups with its prefix, and the exporter only describe', () => {
    const lines = byType(run, ACL).map(aclLine);
    expect(lines.filter((l) => l.startsWith(`User:${accountId('websocket-service')} GROUP`))).toEqual([
      `User:${accountId('websocket-service')} GROUP PREFIXED websocket-service- READ ALLOW *`,
      `User:${accountId('websocket-service')} GROUP PREFIXED websocket-service- DESCRIBE ALLOW *`,
    ]);
    expect(lines.filter((l) => l.startsWith(`User:${accountId('platform-exporter')} `))).toEqual([
      `User:${accountId('platform-exporter')} GROUP LITERAL * DESCRIBE ALLOW *`,
      `User:${accountId('platform-exporter')} TOPIC LITERAL * DESCRIBE ALLOW *`,
    ]);
  });

  test('grants a service nothing cluster-wide: only its topics (consumed, produced, dead-letter) and its own group', () => {
    expect(byType(run, ACL).filter((a) => a.inputs.resourceType !== 'TOPIC' && a.inputs.resourceType !== 'GROUP')).toEqual([]);
    for (const service of spec.services) {
      const topics = new Set([...service.consumes, ...service.produces, service.deadLetterTopic]);
      const group = service.fanOut ? `${service.consumerGroup}-` : service.consumerGroup;
      const mine = byType(run, ACL).filter((a) => a.inputs.principal === `User:${accountId(service.user)}`);
      expect(mine.length).toBeGreaterThan(0);
      for (const acl of mine) {
        const { resourceType, resourceName = '', patternType } = acl.inputs as Record<string, string>;
        if (resourceType === 'TOPIC')
          expect([resourceName, patternType, topics.has(resourceName)]).toEqual([resourceName, 'LITERAL', true]);
        else expect([resourceType, resourceName]).toEqual(['GROUP', group]);
      }
    }
    expect(byType(run, ACL).filter((a) => a.inputs.principal === `User:${accountId('platform-admin')}`)).toEqual([]);
  });

  test("manages ACLs with the admin's key, secret, after the topics exist", () => {
    for (const acl of byType(run, ACL)) {
      expect(isSecretValue(acl.inputs.credentials)).toBe(true);
      expect(unwrapSecrets(acl.inputs.credentials)).toEqual({
        key: 'kafka-platform-admin-api-key-id',
        secret: keySecret('platform-admin'),
      });
      expect(dependencyNames(run, acl)).toEqual(expect.arrayContaining(spec.topics.map((t) => `kafka-${t.name}`)));
    }
  });

  test("puts each user's API key id and secret, as username and password, into its Secret in the apps namespace only", () => {
    const users = spec.users.filter((u) => u.kind !== 'admin');
    expect(createdSecrets(run)).toEqual(
      [
        ...users.map((u) => `todo/kafka-user-${u.name}`),
        ...[DAPR_APP_TOKEN_SECRET, DATABASE_SECRET, WEBSOCKET_TOKEN_SECRET].map((s) => `todo/${s.name}`),
      ].sort(),
    );
    for (const user of users) {
      const secret = named(run, `credentials-todo-${user.name}`);
      expect(secretStringData(secret, USER_PASSWORD_KEY)).toBe(keySecret(user.name));
      expect(secretStringData(secret, USER_USERNAME_KEY)).toBe(`kafka-${user.name}-api-key-id`);
    }
  });

  test('generates no password for any Kafka user: Confluent issues each key its secret', () => {
    const passwords = byType(run, 'random:index/randomPassword:RandomPassword').map((r) => r.name);
    expect(passwords.filter((n) => spec.users.some((u) => n === `credentials-${u.name}`))).toEqual([]);
  });

  test('starts the Dapr components and the services after the topics, keys and ACLs exist', () => {
    for (const group of ['chart-dapr', 'chart-services']) {
      expect(dependencyNames(run, named(run, group))).toEqual(
        expect.arrayContaining([
          'kafka-task-events',
          'kafka-audit-service-api-key',
          'kafka-audit-service-topic-literal-task-events-Read',
          'credentials-todo-audit-service',
        ]),
      );
    }
  });

  test('creates every Secret a manifest references', () => {
    expectReferencedSecretsCreated(run);
  });

  test('keeps the Cloud API key, every API key secret and the database URL inside Pulumi secrets, in every input and output', () => {
    const keySecrets = spec.users.map((u) => keySecret(u.name));
    expect(keySecrets.every((s) => byType(run, API_KEY).length > 0 && s.startsWith('PLAINTEXTPASSWORD'))).toBe(true);
    expectNoPlaintext(run, [...sentinels(run, [CLOUD_API_KEY, CLOUD_API_SECRET, DATABASE_URL]), ...keySecrets]);
    // The key ids are usernames, half of each credential: never in plain text either.
    expectNoPlaintext(
      run,
      spec.users.map((u) => `kafka-${u.name}-api-key-id`),
    );
    for (const r of run.resources) expect(plaintextPaths(r.inputs, CLOUD_API_SECRET)).toEqual([]);
  });

  test("fills each user's Secret from its own API key, so the Secret waits for the key", () => {
    const secret = named(run, 'credentials-todo-audit-service');
    expect(secret.type).toBe(SECRET_TYPE);
    expect(dependencyNames(run, secret)).toContain('kafka-audit-service-api-key');
  });

  test('exports the bootstrap address, SASL_SSL and PLAIN, and no secret', () => {
    expectSaslSslExports(run, spec, { bootstrapServers: 'pkc-a1b2c.us-east-1.aws.confluent.cloud:9092', saslMechanism: 'PLAIN' });
  });
});
