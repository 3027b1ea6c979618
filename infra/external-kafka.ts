/**
 * An existing cluster (`external`, e.g. Redpanda Cloud) driven through the
 * Kafka admin API: topics and ACLs with @pulumi/kafka, SCRAM credentials with
 * our own `ScramCredential` (infra/scram-credential.ts), all from the same
 * spec the operators read and over one admin connection
 * (infra/kafka-admin-connection.ts). The credentials are not @pulumi/kafka's
 * `UserScramCredential`: its bundled Terraform provider panics in preview
 * while a password is unknown, which a generated password always is on the
 * first deploy (scram-credential-provider.ts says more). SCRAM users go
 * through the Kafka API (KIP-554 AlterUserScramCredentials), which Redpanda
 * serves since 25.2 with one mechanism per user: exactly what this creates
 * (the stack's `saslMechanism`).
 *
 * Partitions can only grow. @pulumi/kafka does not refuse a decrease: it
 * REPLACES the topic, deleting its data (so does a rename). Pulumi has no
 * option that turns a replacement into an error (`replaceOnChanges` only forces
 * replacements), and refusing in code would need the live partition count,
 * which the program does not read. The guard is `protect` (prod sets
 * `protectTopics`): a replacement deletes the old topic, and Pulumi refuses to
 * delete a protected resource, so the update stops with an error instead.
 * `retainOnDelete` would additionally keep a topic's data when it leaves the
 * spec; it stays off so that every topic on the cluster remains one the spec
 * knows about (an unprotected, forgotten topic is easy to overlook).
 */
import * as kafka from '@pulumi/kafka';
import * as pulumi from '@pulumi/pulumi';
import { scramMechanismOf, topicConfig, type AclSpec, type PlatformSpec, type ScramSaslMechanism } from '../platform/index.js';
import type { AdoptionRecord } from '../platform/changes/index.js';
import { aclImport, topicImport } from './adoption.js';
import { kafkaAdminConnection } from './kafka-admin-connection.js';
import { ScramCredential } from './scram-credential.js';
import type { KafkaAdminCredentials } from './settings.js';

/** @pulumi/kafka provider spelling of each SASL mechanism. */
export const PROVIDER_SASL_MECHANISM: Record<ScramSaslMechanism, string> = {
  'SCRAM-SHA-256': 'scram-sha256',
  'SCRAM-SHA-512': 'scram-sha512',
};

/** Kafka resource type names of the spec's ACL resource types. */
const ACL_RESOURCE_TYPE: Record<AclSpec['resourceType'], string> = { topic: 'Topic', group: 'Group' };
const ACL_PATTERN_TYPE: Record<AclSpec['patternType'], string> = { literal: 'Literal', prefixed: 'Prefixed' };

/** @pulumi/kafka provider arguments for an external cluster: the admin connection in its spelling. */
export function kafkaProviderArgs(spec: PlatformSpec, admin: KafkaAdminCredentials): kafka.ProviderArgs {
  const connection = kafkaAdminConnection(spec, admin);
  return {
    bootstrapServers: connection.bootstrapServers,
    saslUsername: connection.username,
    saslPassword: connection.password,
    // SCRAM only: validation refuses PLAIN for `external` (it is Confluent Cloud's, see confluent-cloud.ts).
    saslMechanism: PROVIDER_SASL_MECHANISM[scramMechanismOf(spec.cluster)],
    tlsEnabled: connection.tls,
  };
}

/** One Kafka ACL binding (one operation), with a stable Pulumi resource name. */
export interface AclBinding {
  readonly resourceName: string;
  readonly args: kafka.AclArgs;
}

/**
 * Every ACL binding of the spec: one per user, ACL entry and operation, all
 * `Allow` from any host. Names are stable so reordering the spec changes nothing.
 */
export function aclBindings(spec: PlatformSpec): AclBinding[] {
  return spec.users.flatMap((user) =>
    user.acls.flatMap((acl) =>
      acl.operations.map((operation) => ({
        resourceName: `${user.name}-${acl.resourceType}-${acl.patternType}-${acl.name}-${operation}`,
        args: {
          aclPrincipal: `User:${user.name}`,
          aclHost: '*',
          aclOperation: operation,
          aclPermissionType: 'Allow',
          aclResourceType: ACL_RESOURCE_TYPE[acl.resourceType],
          aclResourceName: acl.name,
          resourcePatternTypeFilter: ACL_PATTERN_TYPE[acl.patternType],
        },
      })),
    ),
  );
}

export interface ExternalKafkaArgs {
  readonly spec: PlatformSpec;
  readonly admin: KafkaAdminCredentials;
  /** Generated password per user (secret outputs); the admin is not in it. */
  readonly passwords: Record<string, pulumi.Output<string>>;
  /** Topics and ACL bindings that exist already and are imported (`npm run adopt`, infra/adoption.ts). @default none */
  readonly adopt?: AdoptionRecord;
}

/** Topics, SCRAM users and ACLs on an external cluster. */
export class ExternalKafka extends pulumi.ComponentResource {
  readonly provider: kafka.Provider;
  readonly topics: kafka.Topic[] = [];

  constructor(name: string, args: ExternalKafkaArgs, opts?: pulumi.ComponentResourceOptions) {
    super('todo-events:kafka:ExternalKafka', name, {}, opts);
    const { spec } = args;
    this.provider = new kafka.Provider(`${name}-provider`, kafkaProviderArgs(spec, args.admin), { parent: this });
    const child = { parent: this, provider: this.provider };

    for (const topic of spec.topics) {
      this.topics.push(
        new kafka.Topic(
          `${name}-${topic.name}`,
          { name: topic.name, partitions: topic.partitions, replicationFactor: topic.replicationFactor, config: topicConfig(topic) },
          // See the file comment: protect turns a destructive replacement into an error.
          { ...child, protect: spec.protectTopics, ...topicImport(args.adopt, topic.name) },
        ),
      );
    }

    const admin = kafkaAdminConnection(spec, args.admin);
    const users = spec.users.filter((u) => u.kind !== 'admin');
    const credentials = users.map((user) => {
      const password = args.passwords[user.name];
      if (!password) throw new Error(`no password was generated for Kafka user "${user.name}"`);
      // Not through the @pulumi/kafka provider: its own connection is `admin`, from the same facts.
      return new ScramCredential(
        `${name}-${user.name}`,
        { admin, username: user.name, scramMechanism: scramMechanismOf(spec.cluster), password },
        { parent: this },
      );
    });

    for (const binding of aclBindings(spec)) {
      // ACLs do not need the credential to exist; depending on the topics keeps a fresh cluster's log readable.
      new kafka.Acl(`${name}-${binding.resourceName}`, binding.args, {
        ...child,
        dependsOn: this.topics,
        ...aclImport(args.adopt, binding.args),
      });
    }
    this.registerOutputs({ topics: this.topics.map((t) => t.name), users: credentials.map((c) => c.username) });
  }
}
