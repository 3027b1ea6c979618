/**
 * A Confluent Cloud cluster (`confluent-cloud`) driven through Confluent's own
 * API with @pulumi/confluentcloud, from the same spec and the same derived
 * least-privilege ACLs as every other flavor. Confluent Cloud has no SCRAM
 * users (no KIP-554): an application is a service account, it logs in with a
 * Kafka API key of its own over SASL_SSL with PLAIN (key id = username,
 * secret = password), and topics and ACLs are managed through the cluster's
 * REST endpoint. So this creates, for every user of the spec:
 * - a ServiceAccount (organization-wide, so its name carries project and stack);
 * - one Kafka ApiKey owned by it and scoped to the cluster; its secret exists
 *   only as a Pulumi secret and in the user's Kubernetes Secrets
 *   (infra/credentials.ts), never in a manifest or a stack output;
 * - its KafkaAcls, exactly the spec's (`User:<service account id>`), so a
 *   service may read what it consumes, write what it produces and its
 *   dead-letter topic, and use its own consumer group (a prefix for fan-out);
 *   nothing on the CLUSTER resource.
 * The admin user is the one exception: its service account gets the
 * CloudClusterAdmin role on this cluster only, and its key creates the topics
 * and ACLs (Confluent's own samples name it "app-manager"); its key is used by
 * Pulumi alone and no Kubernetes Secret holds it.
 *
 * Topics get the spec's partitions and topic configs (`topicConfig`), and
 * `protect` in prod: as with @pulumi/kafka, a partition decrease or a rename
 * replaces the topic, and protection turns that into an error.
 *
 * What the upstream API is (@pulumi/confluentcloud 2.82.0, bundling
 * terraform-provider-confluent; the package's own .d.ts and docs):
 * - `Provider`: `cloudApiKey`, `cloudApiSecret` (marked secret by the SDK).
 * - `ServiceAccount`: `displayName` (at most 64 characters), `description`;
 *   outputs `id` (`sa-…`), `apiVersion` (`iam/v2`), `kind` (`ServiceAccount`).
 * - `ApiKey`: `owner { id, apiVersion, kind }`, `managedResource { id,
 *   apiVersion, kind, environment { id } }` for a cluster API key (`cmk/v2`
 *   `Cluster`); outputs `id` (the key) and `secret`, which the SDK lists in
 *   `additionalSecretOutputs`.
 * - `RoleBinding`: `principal` (`User:sa-…`), `roleName`, `crnPattern` (the
 *   cluster's `rbacCrn`); it waits until the binding has propagated unless
 *   `disableWaitForReady`, so a key created after it can act at once.
 * - `KafkaTopic`: `kafkaCluster { id }`, `topicName`, `partitionsCount`,
 *   `config`, `restEndpoint`, `credentials { key, secret }`; no replication
 *   factor (always 3 on Confluent Cloud).
 * - `KafkaAcl`: `kafkaCluster { id }`, `resourceType` (`TOPIC`, `GROUP`, …),
 *   `resourceName`, `patternType` (`LITERAL`, `PREFIXED`), `principal`
 *   (`User:sa-…`), `host` (`*` on Confluent Cloud), `operation` (`READ`,
 *   `WRITE`, `DESCRIBE`, `DESCRIBE_CONFIGS`, …), `permission` (`ALLOW`),
 *   `restEndpoint`, `credentials`. Its docs: the provider needs the Cloud API
 *   key set even when `credentials` are given, or the API answers 401.
 * - `getKafkaCluster({ id, environment: { id } })`: `apiVersion`, `kind`,
 *   `rbacCrn`, `restEndpoint`, `bootstrapEndpoint`.
 * Topic and ACL `credentials` are kept encrypted in the state (the SDK marks
 * them secret), unlike Terraform's plain state the upstream docs warn about.
 * @see https://www.pulumi.com/registry/packages/confluentcloud/
 * @see https://docs.confluent.io/cloud/current/security/access-control/acls/operations.html (principals `User:sa-…`)
 * @see https://docs.confluent.io/cloud/current/client-apps/config-client.html (SASL_SSL, PLAIN, API key as username)
 */
import * as confluentcloud from '@pulumi/confluentcloud';
import * as pulumi from '@pulumi/pulumi';
import {
  serviceAccountDescription,
  serviceAccountName,
  topicConfig,
  type AclSpec,
  type ConfigProblem,
  type ConfluentCloudSpec,
  type PlatformSpec,
} from '../platform/index.js';
import type { IssuedCredential } from './credentials.js';
import type { ConfluentCloudCredentials } from './settings.js';

/** Confluent's spelling of the spec's ACL operations. */
export const CONFLUENT_ACL_OPERATION: Record<AclSpec['operations'][number], string> = {
  Read: 'READ',
  Write: 'WRITE',
  Describe: 'DESCRIBE',
  DescribeConfigs: 'DESCRIBE_CONFIGS',
};
const CONFLUENT_RESOURCE_TYPE: Record<AclSpec['resourceType'], string> = { topic: 'TOPIC', group: 'GROUP' };
const CONFLUENT_PATTERN_TYPE: Record<AclSpec['patternType'], string> = { literal: 'LITERAL', prefixed: 'PREFIXED' };

/**
 * The role the admin service account gets, on this cluster only: it may
 * create and configure topics and manage ACLs there, and nothing elsewhere.
 * @see https://docs.confluent.io/cloud/current/access-management/access-control/cloud-rbac.html#ccloud-rbac-roles
 */
export const CONFLUENT_ADMIN_ROLE = 'CloudClusterAdmin';

/** Confluent's limit on a service account's display name. */
const DISPLAY_NAME_MAX = 64;

/**
 * Every user whose service account name would be longer than Confluent
 * allows, with the spec entry to shorten; empty when all fit. The program
 * checks this before it registers anything.
 */
export function serviceAccountNameProblems(spec: Pick<PlatformSpec, 'stack' | 'users' | 'services' | 'producers'>): ConfigProblem[] {
  return spec.users.flatMap((user) => {
    const name = serviceAccountName(spec, user);
    if (name.length <= DISPLAY_NAME_MAX) return [];
    const service = spec.services.find((s) => s.user === user.name);
    const producer = spec.producers.find((p) => p.name === user.name);
    const entry = service ? `services.${service.name}` : producer ? `producers.${producer.name}` : undefined;
    return [
      {
        // The platform's own users (admin, exporter) have no entry to rename: only the stack name can shrink.
        path: entry ?? '(stack name)',
        message: `makes the service account name "${name}" ${name.length} characters long; Confluent Cloud allows ${DISPLAY_NAME_MAX}`,
        fix: entry ? 'use a shorter name (or a shorter stack name)' : 'use a shorter stack name',
      },
    ];
  });
}

/** @pulumi/confluentcloud provider arguments: the stack operator's Cloud API key. */
export function confluentProviderArgs(credentials: ConfluentCloudCredentials): confluentcloud.ProviderArgs {
  return { cloudApiKey: pulumi.secret(credentials.apiKey), cloudApiSecret: pulumi.secret(credentials.apiSecret) };
}

/** One ACL binding (one operation) of one user, without the parts only known at deploy time. */
export interface ConfluentAclBinding {
  /** Stable suffix of the Pulumi resource name. */
  readonly resourceName: string;
  /** The spec user it is granted to (principal `User:<its service account id>`). */
  readonly user: string;
  readonly resourceType: string;
  readonly aclResourceName: string;
  readonly patternType: string;
  readonly operation: string;
}

/**
 * Every ACL binding of the spec, in Confluent's spelling: one per user, ACL
 * entry and operation, all ALLOW from any host. Names are stable, so
 * reordering the spec changes nothing.
 */
export function confluentAclBindings(spec: Pick<PlatformSpec, 'users'>): ConfluentAclBinding[] {
  return spec.users.flatMap((user) =>
    user.acls.flatMap((acl) =>
      acl.operations.map((operation) => ({
        resourceName: `${user.name}-${acl.resourceType}-${acl.patternType}-${acl.name}-${operation}`,
        user: user.name,
        resourceType: CONFLUENT_RESOURCE_TYPE[acl.resourceType],
        aclResourceName: acl.name,
        patternType: CONFLUENT_PATTERN_TYPE[acl.patternType],
        operation: CONFLUENT_ACL_OPERATION[operation],
      })),
    ),
  );
}

export interface ConfluentCloudKafkaArgs {
  readonly spec: PlatformSpec;
  readonly credentials: ConfluentCloudCredentials;
}

/** Service accounts, API keys, topics and ACLs on a Confluent Cloud cluster. */
export class ConfluentCloudKafka extends pulumi.ComponentResource {
  readonly provider: confluentcloud.Provider;
  readonly serviceAccounts: Record<string, confluentcloud.ServiceAccount> = {};
  readonly apiKeys: Record<string, confluentcloud.ApiKey> = {};
  readonly topics: confluentcloud.KafkaTopic[] = [];
  readonly acls: confluentcloud.KafkaAcl[] = [];
  /** Each non-admin user's API key as its SASL username and password, for its Kubernetes Secrets. */
  readonly issued: Record<string, IssuedCredential> = {};

  constructor(name: string, args: ConfluentCloudKafkaArgs, opts?: pulumi.ComponentResourceOptions) {
    super('todo-events:kafka:ConfluentCloudKafka', name, {}, opts);
    const { spec } = args;
    const where: ConfluentCloudSpec = spec.cluster.confluent!;
    this.provider = new confluentcloud.Provider(`${name}-provider`, confluentProviderArgs(args.credentials), { parent: this });
    const child = { parent: this, provider: this.provider };
    // Read, never created: the cluster is the operator's; a wrong id or environment fails the preview here.
    const cluster = confluentcloud.getKafkaClusterOutput({ id: where.clusterId, environment: { id: where.environmentId } }, child);

    for (const user of spec.users) {
      const account = new confluentcloud.ServiceAccount(
        `${name}-${user.name}`,
        {
          displayName: serviceAccountName(spec, user),
          description: serviceAccountDescription(spec, user),
        },
        child,
      );
      this.serviceAccounts[user.name] = account;
      const admin = user.kind === 'admin';
      const binding = admin
        ? new confluentcloud.RoleBinding(
            `${name}-${user.name}-${CONFLUENT_ADMIN_ROLE}`,
            { principal: pulumi.interpolate`User:${account.id}`, roleName: CONFLUENT_ADMIN_ROLE, crnPattern: cluster.rbacCrn },
            child,
          )
        : undefined;
      const key = new confluentcloud.ApiKey(
        `${name}-${user.name}-api-key`,
        {
          displayName: serviceAccountName(spec, user),
          description: `Kafka API key of ${serviceAccountName(spec, user)} for cluster ${where.clusterId}`,
          owner: { id: account.id, apiVersion: account.apiVersion, kind: account.kind },
          managedResource: {
            id: cluster.id,
            apiVersion: cluster.apiVersion,
            kind: cluster.kind,
            environment: { id: where.environmentId },
          },
        },
        // The admin's key acts as soon as it exists: after its role binding has propagated.
        { ...child, dependsOn: binding ? [binding] : [] },
      );
      this.apiKeys[user.name] = key;
      if (!admin) this.issued[user.name] = { username: key.id, password: pulumi.secret(key.secret) };
    }

    const adminUser = spec.users.find((u) => u.kind === 'admin');
    if (!adminUser) throw new Error(`stack ${spec.stack} has no admin user to manage topics and ACLs with`);
    const adminKey = this.apiKeys[adminUser.name]!;
    const rest = { kafkaCluster: { id: where.clusterId }, restEndpoint: where.restEndpoint };
    const adminCredentials = { key: pulumi.secret(adminKey.id), secret: pulumi.secret(adminKey.secret) };

    for (const topic of spec.topics) {
      this.topics.push(
        new confluentcloud.KafkaTopic(
          `${name}-${topic.name}`,
          { ...rest, topicName: topic.name, partitionsCount: topic.partitions, config: topicConfig(topic), credentials: adminCredentials },
          // As for @pulumi/kafka (external-kafka.ts): protect turns a destructive replacement into an error.
          { ...child, protect: spec.protectTopics },
        ),
      );
    }

    for (const binding of confluentAclBindings(spec)) {
      this.acls.push(
        new confluentcloud.KafkaAcl(
          `${name}-${binding.resourceName}`,
          {
            ...rest,
            resourceType: binding.resourceType,
            resourceName: binding.aclResourceName,
            patternType: binding.patternType,
            principal: pulumi.interpolate`User:${this.serviceAccounts[binding.user]!.id}`,
            host: '*',
            operation: binding.operation,
            permission: 'ALLOW',
            credentials: adminCredentials,
          },
          // A fresh cluster's log stays readable when topics come first; ACLs do not need them.
          { ...child, dependsOn: this.topics },
        ),
      );
    }
    this.registerOutputs({
      serviceAccounts: Object.fromEntries(Object.entries(this.serviceAccounts).map(([user, sa]) => [user, sa.id])),
      topics: this.topics.map((t) => t.topicName),
    });
  }
}
