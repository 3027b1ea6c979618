/**
 * How the exporter and the console reach the cluster, each as its own user:
 * the exporter as `EXPORTER_USER` (describe only, no message), the console as
 * `CONSOLE_USER` (also reads messages); over TLS when the listener has it,
 * trusting the operator's CA for in-cluster listeners. Both run in the apps
 * namespace, where the Pulumi program puts every non-admin user's Secret and
 * the CA copy for every flavor (infra/secret-placement.ts), like the services.
 */
import {
  clusterCaSecret,
  saslUsernameInSecret,
  USER_PASSWORD_KEY,
  USER_USERNAME_KEY,
  type PlatformSpec,
  type SaslMechanism,
  type SecretKeyRef,
  type UserSpec,
} from '../../platform/index.js';

export interface MonitoringClient {
  /** The spec's user name; the SASL username too unless `usernameSecret` is set. */
  readonly username: string;
  /**
   * Where the SASL username is when it is not the user name: Confluent Cloud's
   * API key id, which only exists once Pulumi has created the key
   * (`saslUsernameInSecret`). Undefined elsewhere.
   */
  readonly usernameSecret?: SecretKeyRef;
  /** The password's Secret key, in the apps namespace. */
  readonly password: SecretKeyRef;
  /** `host:port` addresses, as `cluster.bootstrapServers` lists them. */
  readonly bootstrapServers: readonly string[];
  readonly saslMechanism: SaslMechanism;
  readonly tls: boolean;
  /** The CA to trust (the copy in the apps namespace); undefined without TLS or for public CAs (external clusters). */
  readonly ca?: SecretKeyRef;
}

/** Where a client container mounts the cluster CA Secret. */
export const CA_MOUNT_PATH = '/etc/kafka-ca';

/** Which monitoring workload connects: the lag exporter or the console. */
export type MonitoringWorkload = 'exporter' | 'console';

/** The user `workload` authenticates as; throws for a stack that derives none (no console runs there). */
export function monitoringUser(spec: PlatformSpec, workload: MonitoringWorkload): UserSpec {
  const user = spec.users.find((u) => u.kind === workload);
  if (!user) {
    throw new Error(
      `stack ${spec.stack} has no ${workload} user; the platform derives one only where the monitoring chart runs the ${workload}`,
    );
  }
  return user;
}

export function monitoringClient(spec: PlatformSpec, workload: MonitoringWorkload): MonitoringClient {
  const user = monitoringUser(spec, workload);
  const { cluster } = spec;
  return {
    username: user.name,
    ...(saslUsernameInSecret(cluster) ? { usernameSecret: { name: user.secretName, key: USER_USERNAME_KEY } } : {}),
    password: { name: user.secretName, key: USER_PASSWORD_KEY },
    bootstrapServers: cluster.bootstrapServers.split(',').map((s) => s.trim()),
    saslMechanism: cluster.saslMechanism,
    tls: cluster.tls,
    ca: clusterCaSecret(cluster)?.copy,
  };
}

/** The CA file inside the container, when there is a CA to mount. */
export function caFile(client: MonitoringClient): string | undefined {
  return client.ca ? `${CA_MOUNT_PATH}/${client.ca.key}` : undefined;
}
