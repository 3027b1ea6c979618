/**
 * How the exporter and the console reach the cluster: as the read-only
 * monitoring user (`MONITORING_USER`, whose ACLs only read and describe),
 * over TLS when the listener has it, trusting the operator's CA for
 * in-cluster listeners. Both run in the apps namespace, where the Pulumi
 * program puts every non-admin user's Secret and the CA copy for every
 * flavor (infra/secret-placement.ts), like the services that share it.
 */
import {
  clusterCaSecret,
  USER_PASSWORD_KEY,
  type PlatformSpec,
  type SaslMechanism,
  type SecretKeyRef,
  type UserSpec,
} from '../../platform/index.js';

export interface MonitoringClient {
  readonly username: string;
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

export function monitoringUser(spec: PlatformSpec): UserSpec {
  const user = spec.users.find((u) => u.kind === 'monitoring');
  if (!user) throw new Error(`stack ${spec.stack} has no monitoring user; the platform derives one (MONITORING_USER) for every stack`);
  return user;
}

export function monitoringClient(spec: PlatformSpec): MonitoringClient {
  const user = monitoringUser(spec);
  const { cluster } = spec;
  return {
    username: user.name,
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
