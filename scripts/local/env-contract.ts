/** What `local:up` writes for the tests and `npm run service`: the variables of `.local/env` and each user's file. */
import type { PlatformSpec } from '../../platform/index.js';
import { LOCAL_ENV, USER_ENV } from './env-files.js';

export interface LocalEndpoints {
  readonly stack: string;
  readonly kafkaVersion: string;
  /** `127.0.0.1:<port>` of the SASL_PLAINTEXT listener. */
  readonly saslBootstrap: string;
  /** `127.0.0.1:<port>` of the PLAINTEXT listener (setup and superuser-free checks only). */
  readonly plaintextBootstrap: string;
  readonly databaseUrl: string;
  /** SCRAM password of every spec user, the admin included. */
  readonly passwords: ReadonlyMap<string, string>;
}

/** The local listener has no TLS whatever the stack says; the mechanism is the stack's. */
const SECURITY_PROTOCOL = 'SASL_PLAINTEXT';

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
    [LOCAL_ENV.securityProtocol]: SECURITY_PROTOCOL,
    [LOCAL_ENV.saslMechanism]: spec.cluster.saslMechanism,
    [LOCAL_ENV.adminUsername]: admin,
    [LOCAL_ENV.adminPassword]: passwordOf(endpoints, admin),
    [LOCAL_ENV.databaseUrl]: endpoints.databaseUrl,
    [LOCAL_ENV.stack]: endpoints.stack,
    [LOCAL_ENV.kafkaVersion]: endpoints.kafkaVersion,
  };
}

/** Variables of `.local/users/<user>.env`: the specification's five. */
export function userEnvVars(spec: PlatformSpec, endpoints: LocalEndpoints, user: string): Record<string, string> {
  return {
    [USER_ENV.bootstrapServers]: endpoints.saslBootstrap,
    [USER_ENV.username]: user,
    [USER_ENV.password]: passwordOf(endpoints, user),
    [USER_ENV.securityProtocol]: SECURITY_PROTOCOL,
    [USER_ENV.saslMechanism]: spec.cluster.saslMechanism,
  };
}
