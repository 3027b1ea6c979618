/**
 * How the program reaches an external cluster as its admin: the one place
 * these facts are derived, for the @pulumi/kafka provider (topics, ACLs) and
 * the SCRAM credentials (infra/scram-credential.ts) alike.
 */
import * as pulumi from '@pulumi/pulumi';
import type { PlatformSpec, SaslMechanism } from '../platform/index.js';
import type { KafkaAdminCredentials } from './settings.js';

/** The admin's connection to an external cluster. */
export interface KafkaAdminConnection {
  /** `host:port` of each bootstrap broker, from the spec's comma-separated `cluster.bootstrapServers`. */
  readonly bootstrapServers: string[];
  /** @default ADMIN_USER ('platform-admin'), see INFRA_CONFIG_KEYS.kafkaAdminUsername */
  readonly username: string;
  /** Always a secret output. */
  readonly password: pulumi.Output<string>;
  /** SASL_SSL when true, SASL_PLAINTEXT otherwise (the spec's `cluster.tls`). */
  readonly tls: boolean;
  /** The spec's `cluster.saslMechanism`. */
  readonly saslMechanism: SaslMechanism;
}

/** The admin connection of `spec`'s cluster with the credentials from config. */
export function kafkaAdminConnection(spec: PlatformSpec, admin: KafkaAdminCredentials): KafkaAdminConnection {
  return {
    bootstrapServers: spec.cluster.bootstrapServers
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
    username: admin.username,
    password: pulumi.secret(admin.password),
    tls: spec.cluster.tls,
    saslMechanism: spec.cluster.saslMechanism,
  };
}
