/** What `local:up` writes for the tests and `npm run service`: the variables of `.local/env` and each user's file. */
import type { PlatformSpec, ScramSaslMechanism } from '../../platform/index.js';
import { LOCAL_ENV, USER_ENV } from './env-files.js';

export interface LocalEndpoints {
  readonly stack: string;
  readonly kafkaVersion: string;
  /** `127.0.0.1:<port>` of the SASL_PLAINTEXT listener (SCRAM). */
  readonly saslBootstrap: string;
  /** `127.0.0.1:<port>` of the SASL_PLAINTEXT listener with SASL/PLAIN. */
  readonly plainBootstrap: string;
  /** `127.0.0.1:<port>` of the PLAINTEXT listener (setup and superuser-free checks only). */
  readonly plaintextBootstrap: string;
  readonly databaseUrl: string;
  /** SCRAM password of every spec user, the admin included. */
  readonly passwords: ReadonlyMap<string, string>;
}

/** The local listener has no TLS whatever the stack says; the mechanism is the stack's. */
const SECURITY_PROTOCOL = 'SASL_PLAINTEXT';

/**
 * The SCRAM listener's mechanism in `.local/env` (the admin's connection): the
 * stack's, or SCRAM-SHA-512 for a PLAIN stack (`confluent-cloud`), whose users
 * log in on the PLAIN listener instead (their own files).
 */
function scramMechanism(spec: PlatformSpec): ScramSaslMechanism {
  return spec.cluster.saslMechanism === 'PLAIN' ? 'SCRAM-SHA-512' : spec.cluster.saslMechanism;
}

function adminName(spec: PlatformSpec): string {
  const admin = spec.users.find((u) => u.kind === 'admin');
  if (!admin) throw new Error(`stack ${spec.stack} has no admin user`);
  return admin.name;
}

function passwordOf(endpoints: LocalEndpoints, user: string): string {
  const password = endpoints.passwords.get(user);
  if (password === undefined) throw new Error(`no password generated for ${user}`);
  return password;
}

/** Variables of `.local/env`. */
export function localEnvVars(spec: PlatformSpec, endpoints: LocalEndpoints): Record<string, string> {
  const admin = adminName(spec);
  return {
    [LOCAL_ENV.bootstrapServers]: endpoints.saslBootstrap,
    [LOCAL_ENV.plaintextBootstrapServers]: endpoints.plaintextBootstrap,
    [LOCAL_ENV.plainBootstrapServers]: endpoints.plainBootstrap,
    [LOCAL_ENV.securityProtocol]: SECURITY_PROTOCOL,
    [LOCAL_ENV.saslMechanism]: scramMechanism(spec),
    [LOCAL_ENV.adminUsername]: admin,
    [LOCAL_ENV.adminPassword]: passwordOf(endpoints, admin),
    [LOCAL_ENV.databaseUrl]: endpoints.databaseUrl,
    [LOCAL_ENV.stack]: endpoints.stack,
    [LOCAL_ENV.kafkaVersion]: endpoints.kafkaVersion,
  };
}

/**
 * Variables of `.local/users/<user>.env`: the specification's five, on the
 * listener of the stack's mechanism (the PLAIN one for `confluent-cloud`).
 */
export function userEnvVars(spec: PlatformSpec, endpoints: LocalEndpoints, user: string): Record<string, string> {
  const plain = spec.cluster.saslMechanism === 'PLAIN';
  return {
    [USER_ENV.bootstrapServers]: plain ? endpoints.plainBootstrap : endpoints.saslBootstrap,
    [USER_ENV.username]: user,
    [USER_ENV.password]: passwordOf(endpoints, user),
    [USER_ENV.securityProtocol]: SECURITY_PROTOCOL,
    [USER_ENV.saslMechanism]: spec.cluster.saslMechanism,
  };
}
