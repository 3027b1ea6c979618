/**
 * A Pulumi dynamic provider for one Kafka SCRAM credential (user + mechanism),
 * managed through the Kafka admin API: KIP-554 AlterUserScramCredentials and
 * DescribeUserScramCredentials, sent with @platformatic/kafka, the client the
 * services already ship.
 *
 * Why it exists: `@pulumi/kafka` 3.13.2 bundles terraform-provider-kafka
 * v0.13.1, whose `UserScramCredential` panics in preview (`panic: value is
 * unknown` in `getPasswordFromConfig`) whenever the password is not known yet.
 * Ours never is on a first deploy: the passwords are `RandomPassword`s created
 * in the same update, so the whole preview, and with it `pulumi up`, failed.
 * Fixed upstream after v0.13.1 but not released:
 * https://github.com/Mongey/terraform-provider-kafka/pull/639. Topics and ACLs
 * stay on @pulumi/kafka. Once a fixed @pulumi/kafka is out, moving back means
 * replacing these resources (different type token), which rewrites each
 * credential once with the same password.
 *
 * What it does:
 * - preview: `check` and `diff` only, and both accept unknown inputs (an
 *   unknown password is reported as a change); nothing talks to the cluster.
 * - create / update: upsert the credential (a fresh random salt, the password
 *   salted with PBKDF2 as the client computes it at login). Update always
 *   rewrites it, so a rotation takes effect in place; sessions already open
 *   stay open until they re-authenticate. A change of the admin connection
 *   alone (a rotated admin password, a moved bootstrap address) is an update
 *   too, so the state keeps the connection a later delete needs.
 * - read (refresh): describe the user; a credential gone from the cluster, or
 *   one without this mechanism, leaves the state, and the next `up` creates it.
 * - delete (destroy, or the user leaving the spec): delete this user's
 *   credential for this mechanism, so the user can no longer log in. A
 *   credential already gone counts as deleted. The user's ACLs are separate
 *   resources, and other mechanisms of the same user are left alone.
 *
 * Pulumi stores this provider's code in the state with its closure serializer
 * (pulumi/pulumi#18977, #13960, #8090): the provider object is small, captures
 * only the functions and constants below, and loads the Kafka client and Node
 * built-ins with `await import()` inside each call. Keep it so: a module
 * imported at the top of this file and used at run time would be serialized
 * too, or fail to be. test/infra/scram-credential-provider.test.ts checks it.
 */
import type * as pulumi from '@pulumi/pulumi';
import type * as PlatformaticKafka from '@platformatic/kafka';

/** SCRAM mechanisms, as Kafka and the platform spec spell them. */
export type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

/**
 * The resource's inputs (and its state) as the provider receives them: plain
 * values, secrets unwrapped by the dynamic provider host. `password` and
 * `adminPassword` are stored as secrets (see `SCRAM_CREDENTIAL_SECRET_OUTPUTS`).
 */
export interface ScramCredentialInputs {
  /** `host:port` of one or more brokers; the first that answers is used. */
  readonly bootstrapServers: string[];
  /** The user that manages credentials (needs Alter and Describe on the Cluster resource). */
  readonly adminUsername: string;
  readonly adminPassword: string;
  /** Connect with TLS (SASL_SSL) rather than SASL_PLAINTEXT. */
  readonly tls: boolean;
  /** How the admin authenticates. */
  readonly saslMechanism: ScramMechanism;
  /** The user whose credential this is. Changing it replaces the credential. */
  readonly username: string;
  /** Changing it replaces the credential. */
  readonly scramMechanism: ScramMechanism;
  /** Changing it rotates the credential in place. */
  readonly password: string;
  /** PBKDF2 iterations. @default SCRAM_CREDENTIAL_DEFAULTS.iterations */
  readonly iterations: number;
}

/** What the state holds: the inputs, with the iterations the cluster reports after a refresh. */
export type ScramCredentialOutputs = ScramCredentialInputs;

/**
 * Defaults of a credential. 8192 iterations: twice Kafka's minimum and the
 * default of its `kafka-configs.sh` tool (4096), well under its maximum of
 * 16384; costs a client a few milliseconds per login.
 * @default { iterations: 8192 }
 */
export const SCRAM_CREDENTIAL_DEFAULTS = { iterations: 8192 } as const;

/** Iterations Kafka accepts for a SCRAM credential. */
export const SCRAM_ITERATION_LIMITS = { min: 4096, max: 16384 } as const;

/** Properties kept encrypted in the state. */
export const SCRAM_CREDENTIAL_SECRET_OUTPUTS = ['password', 'adminPassword'] as const;

/**
 * Admin connection timeouts, the services' `KAFKA_TIMEOUTS` (services/lib/kafka-options.ts),
 * restated because the provider may not capture that module. @default connect 10 s, request 30 s
 */
const ADMIN_TIMEOUTS = { connectMs: 10_000, requestMs: 30_000 } as const;

/** Pulumi's marker of a value not known yet (preview), `pulumi.runtime.unknownValue`. */
const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

const MECHANISMS: readonly ScramMechanism[] = ['SCRAM-SHA-256', 'SCRAM-SHA-512'];

/** Kafka's `ScramMechanism` ids (AlterUserScramCredentials `mechanism`). */
const MECHANISM_ID: Record<ScramMechanism, number> = { 'SCRAM-SHA-256': 1, 'SCRAM-SHA-512': 2 };

/** Config keys that hold the admin's credentials (infra/settings.ts INFRA_CONFIG_KEYS), for error messages. */
const ADMIN_CONFIG_HINT = 'todo-events:kafkaAdminUsername / todo-events:kafkaAdminPassword';

/** Properties whose change replaces the credential; every other change updates it in place. */
const REPLACE_KEYS = ['username', 'scramMechanism'] as const;
const UPDATE_KEYS = ['password', 'iterations', 'bootstrapServers', 'adminUsername', 'adminPassword', 'tls', 'saslMechanism'] as const;

/** Why a SCRAM credential operation failed; `canRetry` says whether running `pulumi up` again may help. */
export type ScramCredentialErrorCode =
  | 'ADMIN_AUTHENTICATION_FAILED'
  | 'ADMIN_NOT_AUTHORIZED'
  | 'CLUSTER_UNREACHABLE'
  | 'UNSUPPORTED_BY_CLUSTER'
  | 'CREDENTIAL_REJECTED'
  | 'STATE_INCOMPLETE'
  | 'KAFKA_ERROR';

/**
 * An operation on a SCRAM credential failed. The message says what to do; it never holds a password.
 * A plain Error with `code` and `canRetry` rather than a subclass: the closure serializer turns a
 * class extending Error into a function calling `Error.call(this, ...)`, which loses the message.
 */
export interface ScramCredentialError extends Error {
  readonly name: 'ScramCredentialError';
  readonly code: ScramCredentialErrorCode;
  readonly canRetry: boolean;
}

function scramCredentialError(code: ScramCredentialErrorCode, message: string, canRetry: boolean, cause?: unknown): ScramCredentialError {
  const error = new Error(message, cause === undefined ? undefined : { cause });
  return Object.assign(error, { name: 'ScramCredentialError' as const, code, canRetry });
}

/** Whether `error` is a ScramCredentialError (also one thrown by a deserialized copy of this provider). */
export function isScramCredentialError(error: unknown): error is ScramCredentialError {
  return error instanceof Error && error.name === 'ScramCredentialError' && typeof (error as { code?: unknown }).code === 'string';
}

function isUnknown(value: unknown): boolean {
  return value === UNKNOWN || (Array.isArray(value) && value.some(isUnknown));
}

/** Equal and both known: anything unknown may differ. */
function same(a: unknown, b: unknown): boolean {
  return !isUnknown(a) && !isUnknown(b) && JSON.stringify(a) === JSON.stringify(b);
}

/** `host:port`, with `[v6]:port` for IPv6. */
function parseServer(server: string): { host: string; port: number } | undefined {
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(server.trim());
  const port = match ? Number(match[2]) : NaN;
  return match && port > 0 && port < 65536 ? { host: match[1]!, port } : undefined;
}

/** Validation of the inputs; unknown values (preview) are not judged. Reasons never quote a password. */
function inputFailures(news: Partial<Record<keyof ScramCredentialInputs, unknown>>): pulumi.dynamic.CheckFailure[] {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  const servers = news.bootstrapServers;
  if (!isUnknown(servers)) {
    if (!Array.isArray(servers) || servers.length === 0) {
      fail('bootstrapServers', 'needs at least one broker address host:port; set todo-events:platform cluster.bootstrapServers');
    } else {
      for (const s of servers) {
        if (typeof s !== 'string' || !parseServer(s)) {
          fail('bootstrapServers', `${JSON.stringify(s)} is not a broker address; write it as host:port, e.g. broker-0.example.com:9092`);
        }
      }
    }
  }
  for (const key of ['username', 'adminUsername'] as const) {
    const value = news[key];
    if (!isUnknown(value) && (typeof value !== 'string' || value.trim() === '')) fail(key, 'must be a non-empty user name');
  }
  for (const key of ['password', 'adminPassword'] as const) {
    const value = news[key];
    if (!isUnknown(value) && (typeof value !== 'string' || value === '')) fail(key, 'must be a non-empty string');
  }
  for (const key of ['scramMechanism', 'saslMechanism'] as const) {
    const value = news[key];
    if (!isUnknown(value) && !MECHANISMS.includes(value as ScramMechanism)) {
      fail(key, `${JSON.stringify(value)} is not supported; use one of ${MECHANISMS.join(', ')}`);
    }
  }
  if (!isUnknown(news.tls) && typeof news.tls !== 'boolean') fail('tls', 'must be true or false');
  const iterations = news.iterations;
  if (
    !isUnknown(iterations) &&
    (!Number.isInteger(iterations) ||
      (iterations as number) < SCRAM_ITERATION_LIMITS.min ||
      (iterations as number) > SCRAM_ITERATION_LIMITS.max)
  ) {
    fail(
      'iterations',
      `${JSON.stringify(iterations)} is not allowed; Kafka accepts whole numbers from ${SCRAM_ITERATION_LIMITS.min} to ${SCRAM_ITERATION_LIMITS.max}`,
    );
  }
  return failures;
}

/** The state to store: exactly the known properties (nothing the host added, such as `__provider`). */
function toOutputs(inputs: ScramCredentialInputs): ScramCredentialOutputs {
  return {
    bootstrapServers: [...inputs.bootstrapServers],
    adminUsername: inputs.adminUsername,
    adminPassword: inputs.adminPassword,
    tls: inputs.tls,
    saslMechanism: inputs.saslMechanism,
    username: inputs.username,
    scramMechanism: inputs.scramMechanism,
    password: inputs.password,
    iterations: inputs.iterations,
  };
}

function credentialId(inputs: Pick<ScramCredentialInputs, 'username' | 'scramMechanism'>): string {
  return `${inputs.username}/${inputs.scramMechanism}`;
}

/** The errors in `error` and its causes and aggregated errors, outermost first. */
function errorChain(error: unknown): Array<Record<string, unknown>> {
  const chain: Array<Record<string, unknown>> = [];
  const visit = (e: unknown) => {
    if (typeof e !== 'object' || e === null || chain.includes(e as Record<string, unknown>) || chain.length > 20) return;
    const record = e as Record<string, unknown>;
    chain.push(record);
    visit(record.cause);
    if (Array.isArray(record.errors)) record.errors.forEach(visit);
  };
  visit(error);
  return chain;
}

/** The Kafka protocol error ids (`RESOURCE_NOT_FOUND`, ...) in a @platformatic/kafka error. */
function kafkaErrorIds(error: unknown): string[] {
  return errorChain(error).flatMap((e) => (typeof e.apiId === 'string' ? [e.apiId] : []));
}

/** One line of what went wrong: the messages along the cause chain, without stacks. */
function summary(error: unknown): string {
  const parts = errorChain(error).map((e) => {
    const message = typeof e.message === 'string' ? e.message : String(e);
    return typeof e.serverErrorMessage === 'string' && e.serverErrorMessage ? `${message} (${e.serverErrorMessage})` : message;
  });
  return [...new Set(parts.filter((p) => p.length > 0))].join(': ') || String(error);
}

/** A Kafka error of one admin request, as a ScramCredentialError that says what to do. */
function requestError(error: unknown, action: string, inputs: ScramCredentialInputs): ScramCredentialError {
  const ids = kafkaErrorIds(error);
  const detail = summary(error);
  if (ids.includes('CLUSTER_AUTHORIZATION_FAILED')) {
    return scramCredentialError(
      'ADMIN_NOT_AUTHORIZED',
      `${action}: Kafka user "${inputs.adminUsername}" may not manage SCRAM credentials (${detail}). It needs Alter and Describe on the Cluster resource; use a superuser or grant them, and check ${ADMIN_CONFIG_HINT}`,
      false,
      error,
    );
  }
  if (ids.includes('UNSUPPORTED_VERSION') || ids.includes('INVALID_REQUEST')) {
    return scramCredentialError(
      'UNSUPPORTED_BY_CLUSTER',
      `${action}: the cluster does not serve KIP-554 SCRAM credential management (${detail}); it needs Apache Kafka 2.7 or later, or Redpanda 25.2 or later`,
      false,
      error,
    );
  }
  if (ids.includes('UNACCEPTABLE_CREDENTIAL') || ids.includes('UNSUPPORTED_SASL_MECHANISM')) {
    return scramCredentialError(
      'CREDENTIAL_REJECTED',
      `${action}: the cluster rejected the credential (${detail}); check the user name, the mechanism (${inputs.scramMechanism} must be enabled on the cluster) and iterations (${inputs.iterations})`,
      false,
      error,
    );
  }
  return scramCredentialError('KAFKA_ERROR', `${action}: ${detail}`, true, error);
}

/**
 * Runs `fn` on an authenticated admin connection to the first bootstrap
 * server that answers, and closes it. Throws ScramCredentialError.
 * Exported for scripts/changes/read-cluster.ts (drift, adopt), which lists SCRAM users through it.
 */
export async function withAdminConnection<T>(
  inputs: ScramCredentialInputs,
  action: string,
  fn: (kafka: typeof PlatformaticKafka, connection: PlatformaticKafka.Connection) => Promise<T>,
): Promise<T> {
  if (!Array.isArray(inputs.bootstrapServers) || typeof inputs.adminPassword !== 'string') {
    throw scramCredentialError(
      'STATE_INCOMPLETE',
      `${action}: the state of this credential has no cluster connection (was it imported?); run \`pulumi up\` so the program writes it, or remove it from the state with \`pulumi state delete\``,
      false,
    );
  }
  const kafka = await import('@platformatic/kafka');
  const { isIP } = await import('node:net');
  const unreachable: string[] = [];
  for (const server of inputs.bootstrapServers) {
    const address = parseServer(server);
    if (!address) {
      unreachable.push(`${server}: not host:port`);
      continue;
    }
    const connection = new kafka.Connection('todo-events-pulumi-scram', {
      connectTimeout: ADMIN_TIMEOUTS.connectMs,
      requestTimeout: ADMIN_TIMEOUTS.requestMs,
      sasl: { mechanism: inputs.saslMechanism, username: inputs.adminUsername, password: inputs.adminPassword },
      // SNI with the host name, as managed clusters route on it; Node refuses SNI with an IP address.
      ...(inputs.tls ? { tls: {}, tlsServerName: isIP(address.host) === 0 } : {}),
    });
    // Errors also arrive through the pending call; without a listener, a late socket error would be uncaught.
    connection.on('error', () => {});
    try {
      await connection.connect(address.host, address.port);
    } catch (error) {
      await connection.close().catch(() => {});
      if (errorChain(error).some((e) => e.code === 'PLT_KFK_AUTHENTICATION' || e.apiId === 'SASL_AUTHENTICATION_FAILED')) {
        throw scramCredentialError(
          'ADMIN_AUTHENTICATION_FAILED',
          `${action}: authentication as Kafka user "${inputs.adminUsername}" with ${inputs.saslMechanism} failed at ${server} (${summary(error)}); check ${ADMIN_CONFIG_HINT} and the cluster's cluster.saslMechanism in todo-events:platform`,
          false,
          error,
        );
      }
      unreachable.push(`${server}: ${summary(error)}`);
      continue;
    }
    try {
      return await fn(kafka, connection);
    } catch (error) {
      throw isScramCredentialError(error) ? error : requestError(error, action, inputs);
    } finally {
      await connection.close().catch(() => {});
    }
  }
  throw scramCredentialError(
    'CLUSTER_UNREACHABLE',
    `${action}: no bootstrap server answered (${unreachable.join('; ')}); check cluster.bootstrapServers and cluster.tls (now ${inputs.tls}) in todo-events:platform, and that this machine can reach the cluster`,
    true,
  );
}

/** Creates or replaces the credential with `inputs.password`. */
async function upsertCredential(inputs: ScramCredentialInputs, action: string): Promise<void> {
  await withAdminConnection(inputs, action, async (kafka, connection) => {
    const { randomBytes } = await import('node:crypto');
    const algorithm = kafka.saslScramSha.ScramAlgorithms[inputs.scramMechanism === 'SCRAM-SHA-512' ? 'SHA-512' : 'SHA-256'];
    const salt = randomBytes(32);
    const saltedPassword = await kafka.saslScramSha.hi(algorithm, inputs.password, salt, inputs.iterations);
    await kafka.alterUserScramCredentialsV0.api.async(
      connection,
      [],
      [{ name: inputs.username, mechanism: MECHANISM_ID[inputs.scramMechanism], iterations: inputs.iterations, salt, saltedPassword }],
    );
  });
}

/** The iterations of the user's credential for the mechanism, or undefined when it has none. */
async function describeCredential(inputs: ScramCredentialInputs, action: string): Promise<number | undefined> {
  return withAdminConnection(inputs, action, async (kafka, connection) => {
    let response: Awaited<ReturnType<typeof kafka.describeUserScramCredentialsV0.api.async>>;
    try {
      response = await kafka.describeUserScramCredentialsV0.api.async(connection, [{ name: inputs.username }]);
    } catch (error) {
      // A user without any credential is an error result of its own.
      const ids = kafkaErrorIds(error);
      if (ids.length > 0 && ids.every((id) => id === 'RESOURCE_NOT_FOUND')) return undefined;
      throw error;
    }
    const result = response.results.find((r) => r.user === inputs.username);
    return result?.credentialInfos.find((c) => c.mechanism === MECHANISM_ID[inputs.scramMechanism])?.iterations;
  });
}

async function deleteCredential(inputs: ScramCredentialInputs, action: string): Promise<void> {
  await withAdminConnection(inputs, action, async (kafka, connection) => {
    try {
      await kafka.alterUserScramCredentialsV0.api.async(
        connection,
        [{ name: inputs.username, mechanism: MECHANISM_ID[inputs.scramMechanism] }],
        [],
      );
    } catch (error) {
      const ids = kafkaErrorIds(error);
      if (ids.length > 0 && ids.every((id) => id === 'RESOURCE_NOT_FOUND')) return; // already gone
      throw error;
    }
  });
}

/**
 * The provider object that Pulumi serializes into the state. It only
 * references this file's functions and constants (see the file comment).
 */
export const scramCredentialProvider: pulumi.dynamic.ResourceProvider<ScramCredentialInputs, ScramCredentialOutputs> = {
  async check(_olds, news) {
    const inputs = { ...news, iterations: news.iterations ?? SCRAM_CREDENTIAL_DEFAULTS.iterations };
    return { inputs, failures: inputFailures(inputs) };
  },

  async diff(_id, olds, news) {
    const replaces = REPLACE_KEYS.filter((k) => !same(olds[k], news[k]));
    const updates = UPDATE_KEYS.filter((k) => !same(olds[k], news[k]));
    const usernameChanged = !isUnknown(olds.username) && !isUnknown(news.username) && olds.username !== news.username;
    return {
      changes: replaces.length > 0 || updates.length > 0,
      replaces,
      // Same user (or not known yet): creating the new credential first and then deleting the old
      // one would delete what was just written, so the old one goes first.
      deleteBeforeReplace: !usernameChanged,
    };
  },

  async create(inputs) {
    await upsertCredential(inputs, `creating the ${inputs.scramMechanism} credential of Kafka user "${inputs.username}"`);
    return { id: credentialId(inputs), outs: toOutputs(inputs) };
  },

  async read(id, props) {
    if (!props) {
      throw scramCredentialError(
        'STATE_INCOMPLETE',
        `reading SCRAM credential ${id}: importing is not supported; let \`pulumi up\` create it`,
        false,
      );
    }
    const iterations = await describeCredential(props, `reading the ${props.scramMechanism} credential of Kafka user "${props.username}"`);
    // Gone from the cluster: an empty id drops it from the state, and the next `pulumi up` creates it again.
    if (iterations === undefined) return { id: '' };
    return { id, props: { ...toOutputs(props), iterations } };
  },

  async update(_id, _olds, news) {
    await upsertCredential(news, `updating the ${news.scramMechanism} credential of Kafka user "${news.username}"`);
    return { outs: toOutputs(news) };
  },

  async delete(_id, props) {
    await deleteCredential(props, `deleting the ${props.scramMechanism} credential of Kafka user "${props.username}"`);
  },
};
