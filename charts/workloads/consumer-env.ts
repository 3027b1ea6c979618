import {
  clusterCaSecret,
  DATABASE_SECRET,
  SERVICE_ENV,
  saslUsernameInSecret,
  topicRecordLimit,
  USER_PASSWORD_KEY,
  USER_USERNAME_KEY,
  type PlatformSpec,
  type SecretKeyRef,
  type ServiceSpec,
} from '../../platform/index.js';
import { serviceComponentName } from '../dapr/pubsub-identities.js';
import { userNamed } from '../support/spec-lookup.js';

/** One environment variable of a service container: a literal or a Secret key. */
export type EnvEntry =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly secret: SecretKeyRef }
  | { readonly name: string; readonly podField: 'metadata.name' };

/** Holds the pod's own name, so a fan-out service can name its consumer group after it. */
export const POD_NAME_ENV = 'POD_NAME';

/** Where a Kafka-mode pod finds the cluster's CA certificate (mounted from the CA Secret copy). */
export const CLUSTER_CA_MOUNT = '/etc/kafka-ca';

/**
 * The environment of a service container, names from `SERVICE_ENV`.
 *
 * Every service gets its identity, topics and port. Only Kafka-mode services
 * get Kafka connection settings and the password: in Dapr mode the sidecar
 * holds the credentials (through its component) and the app never talks to
 * Kafka. `DATABASE_URL` comes from a Secret when the service needs PostgreSQL.
 * For in-cluster TLS listeners Node is pointed at the cluster CA through its
 * own `NODE_EXTRA_CA_CERTS`, so the services need no TLS settings of their own.
 * The service's own settings (`env`, `secretEnv`) come last.
 */
export function consumerEnv(spec: PlatformSpec, service: ServiceSpec): EnvEntry[] {
  const { cluster } = spec;
  const env: EnvEntry[] = [
    { name: SERVICE_ENV.serviceName, value: service.name },
    { name: SERVICE_ENV.mode, value: service.mode },
    // Fan-out: a group per pod, `$(POD_NAME)` expanded by the kubelet (inside the ACL's `<group>-` prefix).
    ...(service.fanOut
      ? [
          { name: POD_NAME_ENV, podField: 'metadata.name' as const },
          { name: SERVICE_ENV.consumerGroup, value: `$(${POD_NAME_ENV})` },
        ]
      : [{ name: SERVICE_ENV.consumerGroup, value: service.consumerGroup }]),
    { name: SERVICE_ENV.topics, value: service.consumes.join(',') },
    { name: SERVICE_ENV.deadLetterTopic, value: service.deadLetterTopic },
    // Dead letters are fitted below the dead-letter topic's limit (services/lib/dead-letter.ts).
    { name: SERVICE_ENV.deadLetterMaxBytes, value: String(topicRecordLimit(spec, service.deadLetterTopic)) },
    { name: SERVICE_ENV.port, value: String(service.port) },
  ];
  if (service.mode === 'kafka') {
    const secretName = userNamed(spec, service.user).secretName;
    env.push(
      { name: SERVICE_ENV.bootstrapServers, value: cluster.bootstrapServers },
      { name: SERVICE_ENV.securityProtocol, value: cluster.securityProtocol },
      { name: SERVICE_ENV.saslMechanism, value: cluster.saslMechanism },
      // Confluent Cloud: the username is the API key id, known once Pulumi created the key (saslUsernameInSecret).
      saslUsernameInSecret(cluster)
        ? { name: SERVICE_ENV.username, secret: { name: secretName, key: USER_USERNAME_KEY } }
        : { name: SERVICE_ENV.username, value: service.user },
      { name: SERVICE_ENV.password, secret: { name: secretName, key: USER_PASSWORD_KEY } },
    );
    const ca = clusterCaSecret(cluster);
    if (ca) env.push({ name: 'NODE_EXTRA_CA_CERTS', value: `${CLUSTER_CA_MOUNT}/${ca.copy.key}` });
  } else {
    env.push({ name: SERVICE_ENV.daprPubsubName, value: serviceComponentName(spec, service) });
  }
  if (service.database) env.push({ name: SERVICE_ENV.databaseUrl, secret: DATABASE_SECRET });
  for (const [name, value] of Object.entries(service.env)) env.push({ name, value });
  for (const [name, secret] of Object.entries(service.secretEnv)) env.push({ name, secret });
  return env;
}
