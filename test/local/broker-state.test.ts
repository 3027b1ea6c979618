/**
 * What `local:up` created on the broker equals the spec: every topic with its
 * partitions, replication (capped at the one local broker) and topic-level
 * configs (`topicConfig`), and every user's ACL bindings, no more, no less.
 */
import {
  AclOperations,
  AclPermissionTypes,
  Admin,
  ConfigResourceTypes,
  ResourcePatternTypes,
  ResourceTypes,
  type Acl,
} from '@platformatic/kafka';
import { loadPlatform, topicConfig } from '../../platform/index.js';
import { aclBindings } from '../../scripts/local/acl-bindings.js';
import { LOCAL_BROKERS, localTopic } from '../../scripts/local/topics.js';
import { describeWithBroker, localStack, readLocalEnv } from '../support/local-env.js';

const spec = loadPlatform(localStack());

/** One binding as a comparable line. */
const line = (acl: Acl) =>
  [acl.principal, acl.resourceType, acl.resourcePatternType, acl.resourceName, acl.operation, acl.permissionType, acl.host].join(' ');

describeWithBroker('topics and ACLs local:up created on the broker', () => {
  let admin: Admin;

  beforeAll(() => {
    admin = new Admin({ clientId: 'broker-state-test', bootstrapBrokers: [readLocalEnv().plaintextBootstrapServers] });
  });
  afterAll(() => admin.close());

  it.each(spec.topics.map((t) => [t.name, t] as const))(
    '%s has the partitions of the spec and replication min(spec, local brokers)',
    async (name, topic) => {
      const metadata = await admin.metadata({ topics: [name] });
      const partitions = metadata.topics.get(name)!.partitions;
      expect(partitions).toHaveLength(topic.partitions);
      for (const partition of partitions) expect(partition.replicas).toHaveLength(Math.min(topic.replicationFactor, LOCAL_BROKERS));
    },
  );

  it.each(spec.topics.map((t) => [t.name, t] as const))(
    '%s has retention.ms and every other topicConfig() key of the spec',
    async (name, topic) => {
      const [description] = await admin.describeConfigs({ resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: name }] });
      const actual = Object.fromEntries(description!.configs.map((c) => [c.name, c.value]));
      expect(actual['retention.ms']).toBe(String(topic.retentionMs));
      // topicConfig() itself, except min.insync.replicas capped with the replication factor (asserted in local-topics.test.ts).
      const expected = { ...topicConfig(topic), 'min.insync.replicas': localTopic(topic).configs['min.insync.replicas'] };
      for (const [key, value] of Object.entries(expected)) expect([key, actual[key]]).toEqual([key, value]);
    },
  );

  it('has exactly the ACL bindings derived from the spec users', async () => {
    const resources = await admin.describeAcls({
      filter: {
        resourceType: ResourceTypes.ANY,
        resourceName: null,
        resourcePatternType: ResourcePatternTypes.ANY,
        principal: null,
        host: null,
        operation: AclOperations.ANY,
        permissionType: AclPermissionTypes.ANY,
      },
    });
    const actual = resources.flatMap((r) => r.acls.map((acl) => line({ ...r, ...acl }))).sort();
    const expected = spec.users.flatMap(aclBindings).map(line).sort();
    expect(actual).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
  });
});
