/** The Pulumi program for the prod stack (external cluster, SASL_SSL SCRAM-SHA-256), under mocks. */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { topicConfig, USER_PASSWORD_KEY, type PlatformSpec } from '../../platform/index.js';
import { SCRAM_CREDENTIAL_TYPE } from '../../infra/scram-credential.js';
import {
  byType,
  dependencyNames,
  fakePassword,
  isSecretValue,
  named,
  plaintextPaths,
  runStackProgram,
  unwrapSecrets,
  type ProgramRun,
} from './harness.js';
import {
  RELEASE_TYPE,
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

const ADMIN_USERNAME = 'cloud-admin';
const ADMIN_PASSWORD = 'ADMINPLAINTEXTPASSWORD';
const DATABASE_URL = 'postgres://todo:PRODDBPLAINTEXT@db.prod:5432/todo';
const TOPIC = 'kafka:index/topic:Topic';
const ACL = 'kafka:index/acl:Acl';
/** @pulumi/kafka's credential, whose provider panics in preview on an unknown password: must not be used. */
const KAFKA_SCRAM = 'kafka:index/userScramCredential:UserScramCredential';
const SCRAM = SCRAM_CREDENTIAL_TYPE;

let spec: PlatformSpec;
let run: ProgramRun;

beforeAll(async () => {
  ({ spec, run } = await runStackProgram('prod', {
    config: { kafkaAdminUsername: ADMIN_USERNAME },
    secrets: { kafkaAdminPassword: ADMIN_PASSWORD, databaseUrl: DATABASE_URL },
  }));
});

describe('prod stack program', () => {
  test('installs Dapr but no cluster operator, and no Kafka charts: the cluster is external', () => {
    expect(byType(run, RELEASE_TYPE).map((r) => r.name)).toEqual(['operators-dapr']);
    expectOnlyAppCharts(run);
  });

  test('reaches the cluster over TLS with the admin credentials from config and the provider spelling of SCRAM-SHA-256', () => {
    const provider = named(run, 'kafka-provider');
    expect(provider.type).toBe('pulumi:providers:kafka');
    expect(unwrapSecrets(provider.inputs)).toMatchObject({
      bootstrapServers: JSON.stringify([spec.cluster.bootstrapServers]),
      saslUsername: ADMIN_USERNAME,
      saslPassword: ADMIN_PASSWORD,
      saslMechanism: 'scram-sha256',
      tlsEnabled: 'true',
    });
  });

  test('creates every topic with its partitions, replication factor and exactly the shared topic config', () => {
    const topics = byType(run, TOPIC);
    expect(topics.map((t) => t.name).sort()).toEqual(spec.topics.map((t) => `kafka-${t.name}`).sort());
    for (const topic of spec.topics) {
      expect(named(run, `kafka-${topic.name}`).inputs).toEqual({
        name: topic.name,
        partitions: topic.partitions,
        replicationFactor: topic.replicationFactor,
        config: topicConfig(topic),
      });
    }
    expect(named(run, 'kafka-task-events').inputs).toMatchObject({
      partitions: 3,
      replicationFactor: 3,
      config: { 'retention.ms': '604800000' },
    });
  });

  test('protects every production topic, so a replacement (fewer partitions, a rename) fails instead of deleting data', () => {
    expect(byType(run, TOPIC).map((t) => [t.name, t.protect])).toEqual(spec.topics.map((t) => [`kafka-${t.name}`, true]));
  });

  test('creates one SCRAM-SHA-256 credential with a generated, secret password for each user except the admin', () => {
    const credentials = byType(run, SCRAM);
    const users = spec.users.filter((u) => u.kind !== 'admin').map((u) => u.name);
    expect(credentials.map((c) => c.inputs.username).sort()).toEqual(users.sort());
    expect(credentials.map((c) => c.name).sort()).toEqual(users.map((u) => `kafka-${u}`).sort());
    for (const c of credentials) {
      expect(c.inputs.scramMechanism).toBe('SCRAM-SHA-256');
      expect(c.inputs.iterations).toBe(8192);
      expect(isSecretValue(c.inputs.password)).toBe(true);
      expect(plaintextPaths(c.inputs, fakePassword(`credentials-${String(c.inputs.username)}`))).toEqual([]);
      expect(unwrapSecrets(c.inputs.password)).toBe(fakePassword(`credentials-${String(c.inputs.username)}`));
    }
  });

  test('registers no @pulumi/kafka UserScramCredential, whose provider panics in preview on a password not known yet', () => {
    expect(byType(run, KAFKA_SCRAM)).toEqual([]);
  });

  test("gives each credential the very password the user's Secret in the apps namespace holds", () => {
    const credentials = byType(run, SCRAM);
    expect(credentials.length).toBeGreaterThan(0);
    for (const c of credentials) {
      const secrets = byType(run, SECRET_TYPE).filter((r) => {
        const metadata = r.inputs.metadata as { namespace: string; labels?: Record<string, string> };
        return !r.read && metadata.namespace === spec.namespaces.apps && metadata.labels?.['todo-events/kafka-user'] === c.inputs.username;
      });
      expect(secrets).toHaveLength(1);
      const secretPassword = secretStringData(secrets[0]!, USER_PASSWORD_KEY);
      expect(secretPassword).toMatch(/^PLAINTEXTPASSWORD/);
      expect(unwrapSecrets(c.inputs.password)).toBe(secretPassword);
    }
  });

  test('connects each credential to the cluster with the same admin connection as the @pulumi/kafka provider, the admin password secret', () => {
    const provider = unwrapSecrets(named(run, 'kafka-provider').inputs) as Record<string, string>;
    expect(byType(run, SCRAM).length).toBeGreaterThan(0);
    for (const c of byType(run, SCRAM)) {
      expect(isSecretValue(c.inputs.adminPassword)).toBe(true);
      expect(unwrapSecrets(c.inputs)).toMatchObject({
        bootstrapServers: JSON.parse(provider.bootstrapServers!) as string[],
        adminUsername: provider.saslUsername,
        adminPassword: provider.saslPassword,
        tls: provider.tlsEnabled === 'true',
        saslMechanism: spec.cluster.saslMechanism,
      });
      expect(unwrapSecrets(c.inputs)).toMatchObject({ adminUsername: ADMIN_USERNAME, adminPassword: ADMIN_PASSWORD });
    }
  });

  test('keeps both passwords of a credential encrypted in the state, and its stored provider code free of secrets', () => {
    expect(byType(run, SCRAM).length).toBeGreaterThan(0);
    for (const c of byType(run, SCRAM)) {
      expect([...c.additionalSecretOutputs].sort()).toEqual(['adminPassword', 'password']);
      expect(typeof c.inputs.__provider).toBe('string');
      expect(c.inputs.__provider).not.toContain(ADMIN_PASSWORD);
      expect(c.inputs.__provider).not.toContain('PLAINTEXTPASSWORD');
    }
  });

  test('makes the credentials children of the Kafka component, served by the dynamic provider rather than the kafka one', () => {
    const credentials = byType(run, SCRAM);
    expect(credentials.length).toBeGreaterThan(0);
    expect(new Set(credentials.map((c) => c.parent))).toEqual(new Set([named(run, 'kafka').urn]));
    expect(new Set(credentials.map((c) => c.provider))).toEqual(new Set(['']));
    expect(credentials.every((c) => c.custom)).toBe(true);
  });

  test("grants exactly the spec's ACLs: one Allow binding per user, ACL entry and operation", () => {
    const expected = spec.users.flatMap((u) =>
      u.acls.flatMap((acl) =>
        acl.operations.map((op) => `User:${u.name} ${acl.resourceType} ${acl.patternType} ${acl.name} ${op}`.toLowerCase()),
      ),
    );
    const acls = byType(run, ACL).map((a) => a.inputs as Record<string, string>);
    expect(
      acls
        .map((a) =>
          `${a.aclPrincipal} ${a.aclResourceType} ${a.resourcePatternTypeFilter} ${a.aclResourceName} ${a.aclOperation}`.toLowerCase(),
        )
        .sort(),
    ).toEqual(expected.sort());
    expect(new Set(acls.map((a) => `${a.aclPermissionType} ${a.aclHost}`))).toEqual(new Set(['Allow *']));
    expect(acls).toContainEqual({
      aclPrincipal: 'User:audit-service',
      aclHost: '*',
      aclOperation: 'Read',
      aclPermissionType: 'Allow',
      aclResourceType: 'Topic',
      aclResourceName: 'task-events',
      resourcePatternTypeFilter: 'Literal',
    });
    expect(acls.filter((a) => a.aclPrincipal === `User:${ADMIN_USERNAME}` || a.aclPrincipal === 'User:platform-admin')).toEqual([]);
  });

  test('uses the explicit provider for every topic and ACL', () => {
    const resources = [...byType(run, TOPIC), ...byType(run, ACL)];
    expect(resources.length).toBeGreaterThan(0);
    expectUnderKafkaComponent(run, resources);
  });

  test('starts the Dapr components and the services after the topics, credentials and ACLs exist', () => {
    for (const group of ['chart-dapr', 'chart-services']) {
      expect(dependencyNames(run, named(run, group))).toEqual(
        expect.arrayContaining(['kafka-task-events', 'kafka-audit-service', 'kafka-audit-service-topic-literal-task-events-Read']),
      );
    }
  });

  test('puts user Secrets only in the apps namespace and never stores the admin password in Kubernetes', () => {
    const users = spec.users.filter((u) => u.kind !== 'admin').map((u) => u.name);
    expect(createdSecrets(run)).toEqual(
      [...users.map((u) => `todo/kafka-user-${u}`), 'todo/dapr-app-api-token', 'todo/todo-database', 'todo/websocket-token'].sort(),
    );
  });

  test('creates every Secret a manifest references', () => {
    expectReferencedSecretsCreated(run);
  });

  test('keeps the admin password, generated passwords and database URL inside Pulumi secrets', () => {
    expectNoPlaintext(run, sentinels(run, [ADMIN_PASSWORD, DATABASE_URL]));
  });

  test('exports the external bootstrap address and the apps Secret names, nothing secret', () => {
    expectSaslSslExports(run, spec, { bootstrapServers: spec.cluster.bootstrapServers, saslMechanism: 'SCRAM-SHA-256' });
  });
});
