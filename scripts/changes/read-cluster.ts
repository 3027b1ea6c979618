/**
 * Reads what a live cluster holds through the Kafka admin API, in the spec's
 * spelling (platform/changes/live-cluster.ts): topics with their partitions,
 * replicas and topic-level overrides, ACL bindings and SCRAM users (none on
 * Confluent Cloud, whose service accounts confluent-service-accounts.ts
 * reads). Read only: nothing here changes the cluster.
 *
 * Topics, configs and ACLs go through @platformatic/kafka's Admin client with
 * the services' connection options; SCRAM users through the admin connection
 * of the SCRAM credential provider (infra/scram-credential-provider.ts),
 * since the Admin client has no DescribeUserScramCredentials.
 */
import type * as PlatformaticKafka from '@platformatic/kafka';
import type { LiveAcl, LiveCluster, LiveScramUser, LiveTopic } from '../../platform/changes/index.js';
import type { ClusterFlavor, ScramSaslMechanism } from '../../platform/index.js';
import { withAdminConnection, SCRAM_CREDENTIAL_DEFAULTS, type ScramCredentialInputs } from '../../infra/scram-credential-provider.js';
import { kafkaClientOptions } from '../../services/lib/kafka-options.js';
import type { AdminConnection } from './connection.js';

/** The client's retries: one attempt, so an unreachable cluster is reported at once. */
const ONE_ATTEMPT = { attempts: 1, initialDelayMs: 0, maxDelayMs: 0 };

const SCRAM_MECHANISMS: Record<number, ScramSaslMechanism> = { 1: 'SCRAM-SHA-256', 2: 'SCRAM-SHA-512' };

function invert<V extends string | number>(record: Record<string, V>): Map<V, string> {
  return new Map(Object.entries(record).map(([k, v]) => [v, k]));
}

/** Kafka's enum names in the spec's spelling: `TOPIC` → `topic`, `DESCRIBE_CONFIGS` → `DescribeConfigs`. */
function specSpelling(name: string | undefined, pascal: boolean): string {
  const words = (name ?? 'unknown').toLowerCase().split('_');
  return words.map((w, i) => (pascal || i > 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w)).join('');
}

async function readTopics(kafka: typeof PlatformaticKafka, admin: PlatformaticKafka.Admin): Promise<LiveTopic[]> {
  const names = (await admin.listTopics({ includeInternals: false })).filter((n) => !n.startsWith('__')).sort();
  if (names.length === 0) return [];
  const metadata = await admin.metadata({ topics: names });
  const configs = await admin.describeConfigs({
    resources: names.map((resourceName) => ({ resourceType: kafka.ConfigResourceTypes.TOPIC, resourceName })),
  });
  const byName = new Map(configs.map((c) => [c.resourceName, c.configs]));
  return names.flatMap((name) => {
    const topic = metadata.topics.get(name);
    if (!topic) return [];
    const entries = byName.get(name) ?? [];
    const overrides: Record<string, string> = {};
    const effective: Record<string, string> = {};
    for (const entry of entries) {
      if (entry.value === null || entry.value === undefined) continue;
      effective[entry.name] = entry.value;
      // Only what was set on the topic itself: a broker default (even a changed one) is not the topic's.
      if (entry.configSource === kafka.ConfigSources.DYNAMIC_TOPIC_CONFIG) overrides[entry.name] = entry.value;
    }
    return [
      {
        name,
        partitions: topic.partitionsCount,
        replicationFactor: Math.max(0, ...topic.partitions.map((p) => p.replicas.length)),
        overrides: Object.fromEntries(Object.entries(overrides).sort(([a], [b]) => a.localeCompare(b))),
        effective,
      },
    ];
  });
}

/**
 * The principal filter that lists every ACL binding of Confluent Cloud with the
 * principal the program grants to (`User:sa-…`): without a filter, Confluent
 * lists them with the accounts' integer ids (`User:1234`) instead.
 * @see https://docs.confluent.io/cloud/current/security/access-control/acls/operations.html (Describe ACL)
 */
const CONFLUENT_ACL_LISTING_PRINCIPAL = 'UserV2:*';

async function describeAllAcls(kafka: typeof PlatformaticKafka, admin: PlatformaticKafka.Admin, principal: string | null) {
  return admin.describeAcls({
    filter: {
      resourceType: kafka.ResourceTypes.ANY,
      resourceName: null,
      resourcePatternType: kafka.ResourcePatternTypes.ANY,
      principal,
      host: null,
      operation: kafka.AclOperations.ANY,
      permissionType: kafka.AclPermissionTypes.ANY,
    },
  });
}

async function readAcls(kafka: typeof PlatformaticKafka, admin: PlatformaticKafka.Admin, flavor: ClusterFlavor): Promise<LiveAcl[]> {
  let resources = flavor === 'confluent-cloud' ? await describeAllAcls(kafka, admin, CONFLUENT_ACL_LISTING_PRINCIPAL) : [];
  // A broker that is not Confluent's matches `UserV2:*` literally and finds nothing; listing everything
  // then is the same answer Confluent gives when it has no binding at all.
  if (resources.length === 0) resources = await describeAllAcls(kafka, admin, null);
  const resourceTypes = invert(kafka.ResourceTypes);
  const patterns = invert(kafka.ResourcePatternTypes);
  const operations = invert(kafka.AclOperations);
  const permissions = invert(kafka.AclPermissionTypes);
  return resources.flatMap((resource) =>
    resource.acls.map((acl) => ({
      principal: acl.principal,
      host: acl.host,
      operation: specSpelling(operations.get(acl.operation), true),
      permission: specSpelling(permissions.get(acl.permissionType), false),
      resourceType: specSpelling(resourceTypes.get(resource.resourceType), false),
      resourceName: resource.resourceName,
      patternType: specSpelling(patterns.get(resource.resourcePatternType), false),
    })),
  );
}

async function readScramUsers(connection: AdminConnection): Promise<LiveScramUser[] | null> {
  const { kafka } = connection;
  // Confluent Cloud has no SCRAM users (its users are service accounts, read from its IAM API), and an
  // admin on SASL/PLAIN has no SCRAM login to list them with.
  if (connection.flavor === 'confluent-cloud' || kafka.saslMechanism === 'PLAIN') return null;
  const mechanism = kafka.saslMechanism;
  // The provider's connection takes a credential's inputs; only the admin's part is used to connect.
  const inputs: ScramCredentialInputs = {
    bootstrapServers: [...kafka.bootstrapServers],
    adminUsername: kafka.username,
    adminPassword: kafka.password,
    tls: kafka.securityProtocol === 'SASL_SSL' || kafka.securityProtocol === 'SSL',
    saslMechanism: mechanism,
    username: kafka.username,
    scramMechanism: mechanism,
    password: kafka.password,
    iterations: SCRAM_CREDENTIAL_DEFAULTS.iterations,
  };
  const response = await withAdminConnection(inputs, 'listing SCRAM users', (client, conn) =>
    client.describeUserScramCredentialsV0.api.async(conn, null),
  );
  return response.results
    .filter((r) => r.errorCode === 0)
    .map((r) => ({
      name: r.user,
      mechanisms: r.credentialInfos
        .map((c) => SCRAM_MECHANISMS[c.mechanism])
        .filter((m): m is ScramSaslMechanism => m !== undefined)
        .sort(),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Everything `npm run drift` and `npm run adopt` compare with the spec. */
export async function readCluster(connection: AdminConnection): Promise<LiveCluster> {
  const kafka = await import('@platformatic/kafka');
  const admin = new kafka.Admin(kafkaClientOptions(connection.kafka, 'todo-events-changes', ONE_ATTEMPT));
  try {
    const [topics, acls] = [await readTopics(kafka, admin), await readAcls(kafka, admin, connection.flavor)];
    const scramUsers = await readScramUsers(connection);
    return { topics, acls, scramUsers, connectedAs: connection.kafka.username };
  } finally {
    await admin.close();
  }
}
