/**
 * How `npm run drift` and `npm run adopt` reach a cluster as its admin: the
 * services' connection variables (`KAFKA_BOOTSTRAP_SERVERS`,
 * `KAFKA_SECURITY_PROTOCOL`, `KAFKA_SASL_MECHANISM`, `KAFKA_USERNAME`,
 * `KAFKA_PASSWORD`) from the environment, over `.local/env` when it exists
 * (its admin is `KAFKA_ADMIN_USERNAME` / `KAFKA_ADMIN_PASSWORD`). What neither
 * gives comes from the spec: an external cluster's bootstrap address, TLS
 * and mechanism.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { isManagedFlavor, SERVICE_ENV, type ClusterFlavor, type PlatformSpec, type SaslMechanism } from '../../platform/index.js';
import {
  KAFKA_SECURITY_PROTOCOLS,
  SASL_MECHANISMS,
  type KafkaConnectionConfig,
  type KafkaSecurityProtocol,
} from '../../services/lib/config.js';
import { LOCAL_ENV, readEnvFile } from '../local/env-files.js';
import { LOCAL_PATHS } from '../local/paths.js';

/** The admin connection, and where its settings came from (no password in `source`). */
export interface AdminConnection {
  readonly kafka: KafkaConnectionConfig & { readonly username: string; readonly password: string };
  /** The spec's cluster flavor: Confluent Cloud lists ACLs and users its own way (read-cluster.ts). */
  readonly flavor: ClusterFlavor;
  /** `the environment`, `.local/env (stack dev)`, `the spec`, joined: for the report. */
  readonly source: string;
  /** Things worth telling, e.g. that `.local/env` was made for another stack. */
  readonly notes: readonly string[];
}

/** Thrown when a setting is missing or invalid; the message names the variable to set. */
export class ConnectionSettingsError extends Error {
  readonly code = 'CONNECTION_SETTINGS_INVALID';
  readonly canRetry = false;
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionSettingsError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** The admin connection for `spec`'s cluster from `env` over `localEnvFile`. */
export function adminConnection(spec: PlatformSpec, env: Env = process.env, localEnvFile: string = LOCAL_PATHS.envFile): AdminConnection {
  const local: Env = existsSync(localEnvFile) ? readEnvFile(localEnvFile) : {};
  const shown = relative(process.cwd(), localEnvFile);
  const localName = shown.startsWith('..') || isAbsolute(shown) ? localEnvFile : shown;
  const sources = new Set<string>();
  const notes: string[] = [];
  const pick = (...keys: string[]): string | undefined => {
    for (const [vars, name] of [
      [env, 'the environment'],
      [local, localName],
    ] as const) {
      for (const key of keys) {
        const value = vars[key];
        if (value !== undefined && value !== '') {
          sources.add(name);
          return value;
        }
      }
    }
    return undefined;
  };
  // A cluster outside Kubernetes (external, confluent-cloud) has its address in the spec.
  const external = isManagedFlavor(spec.cluster.flavor);
  const fromSpec = (value: string) => {
    sources.add('the spec');
    return value;
  };
  const servers = pick(SERVICE_ENV.bootstrapServers) ?? (external ? fromSpec(spec.cluster.bootstrapServers) : undefined);
  if (!servers) {
    throw new ConnectionSettingsError(
      `no cluster address: set ${SERVICE_ENV.bootstrapServers} (host:port,...) of stack ${spec.stack}'s cluster, or start the local one with npm run local:up`,
    );
  }
  const protocol = pick(SERVICE_ENV.securityProtocol) ?? fromSpec(spec.cluster.securityProtocol);
  if (!KAFKA_SECURITY_PROTOCOLS.includes(protocol as KafkaSecurityProtocol)) {
    throw new ConnectionSettingsError(`${SERVICE_ENV.securityProtocol}=${protocol} is not one of ${KAFKA_SECURITY_PROTOCOLS.join(', ')}`);
  }
  const mechanism = pick(SERVICE_ENV.saslMechanism) ?? fromSpec(spec.cluster.saslMechanism);
  if (!SASL_MECHANISMS.includes(mechanism as SaslMechanism)) {
    throw new ConnectionSettingsError(`${SERVICE_ENV.saslMechanism}=${mechanism} is not one of ${SASL_MECHANISMS.join(', ')}`);
  }
  const username = pick(SERVICE_ENV.username, LOCAL_ENV.adminUsername);
  const password = pick(SERVICE_ENV.password, LOCAL_ENV.adminPassword);
  if (!username || !password) {
    const who =
      spec.cluster.flavor === 'confluent-cloud'
        ? `a Kafka API key and its secret that may describe the cluster's topics, configs and ACLs (confluent api-key create --resource ${spec.cluster.confluent?.clusterId ?? '<cluster id>'})`
        : 'a user that may describe topics, configs, ACLs and SCRAM users (a superuser)';
    throw new ConnectionSettingsError(`no admin credentials: set ${SERVICE_ENV.username} and ${SERVICE_ENV.password} to ${who}`);
  }
  const localStack = local[LOCAL_ENV.stack];
  if (sources.has(localName) && localStack !== undefined && localStack !== spec.stack) {
    notes.push(`${localName} is the local broker of stack ${localStack}, compared here with stack ${spec.stack}'s spec`);
  }
  return {
    kafka: {
      bootstrapServers: servers
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
      securityProtocol: protocol as KafkaSecurityProtocol,
      saslMechanism: mechanism as SaslMechanism,
      username,
      password,
    },
    flavor: spec.cluster.flavor,
    source: [...sources].join(', '),
    notes,
  };
}
