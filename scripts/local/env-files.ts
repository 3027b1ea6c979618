/**
 * `.local/env` and `.local/users/<user>.env`: the connection settings of the
 * local environment, in the variable names of the specification and of the
 * services (`SERVICE_ENV`). Plain `KEY=value` lines, so a shell can load them
 * too: `set -a; . .local/env; set +a`. Mode 0600: they hold passwords.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SERVICE_ENV } from '../../platform/index.js';
// One parser for these files: the services read them too (`npm run service`).
import { parseEnvFile } from '../../services/lib/local-environment.js';

export { parseEnvFile };

/** Variables of `.local/env` beyond the per-user ones. */
export const LOCAL_ENV = {
  bootstrapServers: SERVICE_ENV.bootstrapServers,
  plaintextBootstrapServers: 'KAFKA_PLAINTEXT_BOOTSTRAP_SERVERS',
  /** The SASL_PLAINTEXT listener with SASL/PLAIN, where Confluent Cloud's client settings are tried out. */
  plainBootstrapServers: 'KAFKA_PLAIN_BOOTSTRAP_SERVERS',
  securityProtocol: SERVICE_ENV.securityProtocol,
  saslMechanism: SERVICE_ENV.saslMechanism,
  adminUsername: 'KAFKA_ADMIN_USERNAME',
  adminPassword: 'KAFKA_ADMIN_PASSWORD',
  databaseUrl: SERVICE_ENV.databaseUrl,
  /** Stack whose spec the topics, users and ACLs came from. */
  stack: 'LOCAL_STACK',
  kafkaVersion: 'LOCAL_KAFKA_VERSION',
} as const;

/** Variables of `.local/users/<user>.env`. */
export const USER_ENV = {
  bootstrapServers: SERVICE_ENV.bootstrapServers,
  username: SERVICE_ENV.username,
  password: SERVICE_ENV.password,
  securityProtocol: SERVICE_ENV.securityProtocol,
  saslMechanism: SERVICE_ENV.saslMechanism,
} as const;

const KEY = /^[A-Z_][A-Z0-9_]*$/;

/** Renders variables as `KEY=value` lines under a comment. Values must be single-line and unquoted-safe. */
export function renderEnvFile(comment: string, vars: Readonly<Record<string, string>>): string {
  const lines = Object.entries(vars).map(([key, value]) => {
    if (!KEY.test(key)) throw new Error(`invalid variable name ${JSON.stringify(key)}`);
    if (/[\s'"\\$`#]/.test(value)) throw new Error(`value of ${key} needs quoting, which these files do not use`);
    return `${key}=${value}`;
  });
  return `# ${comment}\n${lines.join('\n')}\n`;
}

/** Writes an env file readable by its owner only. */
export function writeEnvFile(file: string, comment: string, vars: Readonly<Record<string, string>>): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, renderEnvFile(comment, vars), { mode: 0o600 });
  // writeFileSync applies `mode` only when it creates the file.
  chmodSync(file, 0o600);
}

export function readEnvFile(file: string): Record<string, string> {
  return parseEnvFile(readFileSync(file, 'utf8'));
}
