/**
 * A spec user on the running local broker for one suite, created the way
 * `npm run local:up` creates every user of its stack: a SCRAM-SHA-256 and a
 * SCRAM-SHA-512 credential (here through AlterUserScramCredentials, KIP-554,
 * since the broker is already formatted) and the ACL bindings `aclBindings`
 * derives from the user's spec ACLs. For users the running stack does not
 * derive (the console user exists only where a console runs), so a suite can
 * hold them to their ACLs on the real broker; `remove` takes both away again.
 * Everything goes through the PLAINTEXT listener, whose ANONYMOUS principal
 * is a superuser.
 */
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { Admin, alterUserScramCredentialsV0, Connection, ScramMechanisms } from '@platformatic/kafka';
import type { UserSpec } from '../../platform/index.js';
import { aclBindings } from '../../scripts/local/acl-bindings.js';
import { generatePassword } from '../../scripts/local/passwords.js';
import { kafkaClientConfig, type LocalEnv, type KafkaUserEnv } from '../support/local-env.js';

/** Kafka's minimum for SCRAM-SHA-256/512 (`ScramMechanism.minIterations`). */
const ITERATIONS = 4096;

const MECHANISMS = [
  { value: ScramMechanisms.SCRAM_SHA_256, hash: 'sha256', length: 32 },
  { value: ScramMechanisms.SCRAM_SHA_512, hash: 'sha512', length: 64 },
] as const;

export interface ProvisionedUser {
  readonly env: KafkaUserEnv;
  /** Deletes the user's bindings and credentials; safe to call twice. */
  remove(): Promise<void>;
}

async function alterCredentials(plaintextBootstrap: string, change: (connection: Connection) => Promise<unknown>): Promise<void> {
  const [host, port] = plaintextBootstrap.split(':');
  const connection = new Connection('local-test-scram');
  try {
    await connection.connect(host!, Number(port));
    await change(connection);
  } finally {
    await connection.close();
  }
}

/** Waits until the broker authenticates `env` (the credential reaches it through the metadata log). */
async function untilAuthenticated(env: KafkaUserEnv): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const admin = new Admin({ ...kafkaClientConfig(env, 'local-test-scram-check'), retries: 0 });
    try {
      await admin.listTopics();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    } finally {
      await admin.close().catch(() => undefined);
    }
  }
}

/** Creates `user` on the running broker with a fresh password and its spec ACLs. */
export async function provisionUser(env: LocalEnv, user: UserSpec): Promise<ProvisionedUser> {
  const password = generatePassword();
  const upsertions = MECHANISMS.map(({ value, hash, length }) => {
    const salt = randomBytes(32);
    return {
      name: user.name,
      mechanism: value,
      iterations: ITERATIONS,
      salt,
      saltedPassword: pbkdf2Sync(password, salt, ITERATIONS, length, hash),
    };
  });
  // One request per mechanism: Kafka refuses a user named twice in one request (DUPLICATE_RESOURCE).
  for (const upsertion of upsertions) {
    await alterCredentials(env.plaintextBootstrapServers, (c) => alterUserScramCredentialsV0.api.async(c, [], [upsertion]));
  }
  const bindings = aclBindings(user);
  const admin = new Admin({ clientId: 'local-test-acls', bootstrapBrokers: [env.plaintextBootstrapServers] });
  try {
    if (bindings.length > 0) await admin.createAcls({ creations: bindings });
  } finally {
    await admin.close();
  }
  const userEnv: KafkaUserEnv = { ...env.admin, username: user.name, password, vars: {} };
  await untilAuthenticated(userEnv);
  let removed = false;
  return {
    env: userEnv,
    async remove() {
      if (removed) return;
      removed = true;
      const cleanup = new Admin({ clientId: 'local-test-acls', bootstrapBrokers: [env.plaintextBootstrapServers] });
      try {
        if (bindings.length > 0) await cleanup.deleteAcls({ filters: bindings });
      } finally {
        await cleanup.close();
      }
      for (const { value } of MECHANISMS) {
        const deletion = { name: user.name, mechanism: value };
        await alterCredentials(env.plaintextBootstrapServers, (c) => alterUserScramCredentialsV0.api.async(c, [deletion], []));
      }
    },
  };
}
