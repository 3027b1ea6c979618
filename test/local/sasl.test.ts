/**
 * The SASL_PLAINTEXT listener authenticates with SCRAM: a wrong password or
 * an unknown user is refused before any request is served, and every spec
 * user's generated password works with both SCRAM mechanisms.
 */
import { Admin, AuthenticationError, type SASLOptions } from '@platformatic/kafka';
import { loadPlatform } from '../../platform/index.js';
import { SCRAM_MECHANISMS } from '../../scripts/local/kafka-config.js';
import { describeWithBroker, kafkaClientConfig, localStack, readLocalEnv, userEnv } from '../support/local-env.js';
import { protocolErrorIds } from './kafka-outcome.js';

const spec = loadPlatform(localStack());

/** Finds the AuthenticationError the client wraps in its connection errors. */
function authenticationError(error: unknown): AuthenticationError | undefined {
  const queue = [error];
  while (queue.length > 0) {
    const node = queue.shift() as { errors?: unknown[]; cause?: unknown } | undefined;
    if (node instanceof AuthenticationError) return node;
    if (node && typeof node === 'object') queue.push(...(node.errors ?? []), node.cause);
  }
  return undefined;
}

async function listTopicsAs(bootstrap: string, sasl: SASLOptions): Promise<unknown> {
  const admin = new Admin({ clientId: 'sasl-test', bootstrapBrokers: [bootstrap], sasl, retries: 0, connectTimeout: 5000 });
  try {
    return await admin.listTopics();
  } catch (error) {
    return error;
  } finally {
    await admin.close();
  }
}

describeWithBroker('SASL/SCRAM on the local broker', () => {
  it('refuses a wrong password with SASL_AUTHENTICATION_FAILED', async () => {
    const env = readLocalEnv();
    const user = env.userEnv(spec.users.find((u) => u.kind === 'service')!.name);
    const error = await listTopicsAs(env.bootstrapServers, { ...kafkaClientConfig(user, 'x').sasl, password: `${user.password}x` });
    const auth = authenticationError(error);
    expect(auth).toBeInstanceOf(AuthenticationError);
    expect(auth!.code).toBe('PLT_KFK_AUTHENTICATION');
    expect(auth!.message).toBe('SASL authentication failed.');
    expect(protocolErrorIds(error)).toContain('SASL_AUTHENTICATION_FAILED');
  });

  it('refuses a user the broker does not know', async () => {
    const env = readLocalEnv();
    const error = await listTopicsAs(env.bootstrapServers, {
      mechanism: env.saslMechanism,
      username: 'nobody-we-created',
      password: 'whatever1',
    });
    expect(authenticationError(error)).toBeInstanceOf(AuthenticationError);
    expect(protocolErrorIds(error)).toContain('SASL_AUTHENTICATION_FAILED');
  });

  it("refuses the admin's password for another user", async () => {
    const env = readLocalEnv();
    const other = spec.users.find((u) => u.kind !== 'admin')!.name;
    const error = await listTopicsAs(env.bootstrapServers, { mechanism: env.saslMechanism, username: other, password: env.admin.password });
    expect(protocolErrorIds(error)).toContain('SASL_AUTHENTICATION_FAILED');
  });

  const rows = spec.users.flatMap((u) => SCRAM_MECHANISMS.map((m) => [u.name, m] as const));
  it.each(rows)('accepts %s with its generated password over %s', async (name, mechanism) => {
    const user = userEnv(name);
    const result = await listTopicsAs(user.bootstrapServers, { ...kafkaClientConfig(user, 'x').sasl, mechanism });
    expect(result).toBeInstanceOf(Array);
  });

  it('writes the mechanism of the stack into every user file', () => {
    for (const u of spec.users) expect(userEnv(u.name).saslMechanism).toBe(spec.cluster.saslMechanism);
  });
});
