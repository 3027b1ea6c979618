/**
 * Access to the local broker and database that `npm run local:up` starts,
 * for integration tests. `.local/env` holds the shared settings and
 * `.local/users/<user>.env` each spec user's SASL credentials.
 *
 *   describeWithBroker('audit service', () => {
 *     const env = () => readLocalEnv();
 *     it('…', async () => { const producer = new Producer({ ...kafkaClientConfig(userEnv('todo-api'), 'test'), … }) });
 *   });
 */
import { existsSync } from 'node:fs';
import type { SASLOptions } from '@platformatic/kafka';
import type { SaslMechanism, ScramSaslMechanism } from '../../platform/index.js';
import { LOCAL_ENV, readEnvFile, USER_ENV } from '../../scripts/local/env-files.js';
import { LOCAL_PATHS, userEnvFile } from '../../scripts/local/paths.js';
import { recordSkippedSuite } from './skipped-suites.js';

/** One Kafka user's connection settings: the specification's five variables. */
export interface KafkaUserEnv {
  /** `host:port` of the SASL_PLAINTEXT listener. */
  readonly bootstrapServers: string;
  readonly username: string;
  readonly password: string;
  readonly securityProtocol: string;
  readonly saslMechanism: SaslMechanism;
  /** The file as read, for code that takes an environment (`npm run service`). */
  readonly vars: Readonly<Record<string, string>>;
}

/** Settings of `.local/env`. */
export interface LocalEnv {
  /** Stack whose spec created the topics, users and ACLs. */
  readonly stack: string;
  readonly kafkaVersion: string;
  /** The SASL_PLAINTEXT listener, `127.0.0.1:<port>`. */
  readonly bootstrapServers: string;
  /** The PLAINTEXT listener: no authentication, so no ACL applies to it in a meaningful way; setup only. */
  readonly plaintextBootstrapServers: string;
  /** The SASL/PLAIN listener; undefined in a `.local/env` written before it existed. */
  readonly plainBootstrapServers: string | undefined;
  readonly securityProtocol: string;
  /** The SCRAM listener's mechanism, the admin's (a PLAIN stack's users log in on the PLAIN listener). */
  readonly saslMechanism: ScramSaslMechanism;
  /** The superuser, as a user env. */
  readonly admin: KafkaUserEnv;
  /** `postgres://todo:…@127.0.0.1:<port>/todo`. */
  readonly databaseUrl: string;
  readonly vars: Readonly<Record<string, string>>;
  /** A spec user's settings from `.local/users/<user>.env`. */
  userEnv(user: string): KafkaUserEnv;
}

/** Thrown when the local environment is missing or its files are incomplete. */
export class LocalEnvMissingError extends Error {
  readonly code = 'LOCAL_ENV_MISSING';
  readonly canRetry = false;
  constructor(message: string) {
    super(message);
    this.name = 'LocalEnvMissingError';
  }
}

function required(vars: Readonly<Record<string, string>>, key: string, file: string): string {
  const value = vars[key];
  if (value === undefined || value === '') {
    throw new LocalEnvMissingError(`${file} has no ${key}; run npm run local:down && npm run local:up to rewrite it`);
  }
  return value;
}

function toUserEnv(vars: Readonly<Record<string, string>>, file: string): KafkaUserEnv {
  return {
    bootstrapServers: required(vars, USER_ENV.bootstrapServers, file),
    username: required(vars, USER_ENV.username, file),
    password: required(vars, USER_ENV.password, file),
    securityProtocol: required(vars, USER_ENV.securityProtocol, file),
    saslMechanism: required(vars, USER_ENV.saslMechanism, file) as SaslMechanism,
    vars,
  };
}

/** Reads `.local/users/<user>.env`. */
export function userEnv(user: string): KafkaUserEnv {
  const file = userEnvFile(user);
  if (!existsSync(file)) {
    throw new LocalEnvMissingError(
      `${file} does not exist: ${user} is not a user of the running local stack, or npm run local:up has not run`,
    );
  }
  return toUserEnv(readEnvFile(file), file);
}

/** Reads `.local/env`; throws LocalEnvMissingError when `npm run local:up` has not run. */
export function readLocalEnv(): LocalEnv {
  const file = LOCAL_PATHS.envFile;
  if (!existsSync(file)) throw new LocalEnvMissingError(`${file} does not exist; start the local broker with npm run local:up`);
  const vars = readEnvFile(file);
  const get = (key: string) => required(vars, key, file);
  const bootstrapServers = get(LOCAL_ENV.bootstrapServers);
  const securityProtocol = get(LOCAL_ENV.securityProtocol);
  const saslMechanism = get(LOCAL_ENV.saslMechanism) as ScramSaslMechanism;
  return {
    stack: get(LOCAL_ENV.stack),
    kafkaVersion: get(LOCAL_ENV.kafkaVersion),
    bootstrapServers,
    plaintextBootstrapServers: get(LOCAL_ENV.plaintextBootstrapServers),
    plainBootstrapServers: vars[LOCAL_ENV.plainBootstrapServers],
    securityProtocol,
    saslMechanism,
    admin: {
      bootstrapServers,
      username: get(LOCAL_ENV.adminUsername),
      password: get(LOCAL_ENV.adminPassword),
      securityProtocol,
      saslMechanism,
      vars,
    },
    databaseUrl: get(LOCAL_ENV.databaseUrl),
    vars,
    userEnv,
  };
}

/** The connection part of a @platformatic/kafka client's options (Producer, Consumer, Admin) for one user. */
export interface KafkaClientConfig {
  readonly clientId: string;
  readonly bootstrapBrokers: string[];
  readonly sasl: SASLOptions;
}

/**
 * Client options for a user on the SASL listener: spread them into
 * `new Producer({ ...kafkaClientConfig(user, 'my-test'), serializers })`.
 */
export function kafkaClientConfig(user: KafkaUserEnv, clientId: string): KafkaClientConfig {
  return {
    clientId,
    bootstrapBrokers: user.bootstrapServers.split(',').map((s) => s.trim()),
    sasl: { mechanism: user.saslMechanism, username: user.username, password: user.password },
  };
}

/**
 * Stack of the running local environment, or `dev` (local:up's default)
 * when none runs. For building test tables at collection time, when a
 * skipped suite must not read `.local/env`.
 */
export function localStack(): string {
  return existsSync(LOCAL_PATHS.envFile) ? (readEnvFile(LOCAL_PATHS.envFile)[LOCAL_ENV.stack] ?? 'dev') : 'dev';
}

/** Why the broker suites do not run, or undefined when they do. */
export function brokerUnavailableReason(): string | undefined {
  return existsSync(LOCAL_PATHS.envFile) ? undefined : `${LOCAL_PATHS.envFile} does not exist`;
}

/**
 * `describe` for suites that need the local broker and database. Runs them
 * when `.local/env` exists. Without it: under CI (`CI=true`) the suite fails
 * with what to run, since CI must never pass by skipping; elsewhere it is
 * skipped with a note, so `npm test` works on a machine without Java.
 * `fn` is also called for a skipped suite (to list its tests): read the
 * environment in `beforeAll` or the tests, not in `fn` itself.
 */
export function describeWithBroker(name: string, fn: () => void): void {
  const reason = brokerUnavailableReason();
  if (reason === undefined) {
    describe(name, fn);
    return;
  }
  const message = `${name}: needs the local Kafka broker and PostgreSQL, but ${reason}. Run npm run local:up first (npm run local:down stops them).`;
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('has the local broker it needs', () => {
        throw new LocalEnvMissingError(message);
      });
    });
    return;
  }
  recordSkippedSuite(name, `need the local Kafka broker and PostgreSQL (${reason}; run npm run local:up)`);
  describe.skip(name, fn);
}
