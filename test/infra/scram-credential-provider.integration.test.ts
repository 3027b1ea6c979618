/**
 * The SCRAM credential provider against the real local broker (`npm run
 * local:up`): the very provider object the program hands to Pulumi, its
 * methods called as the engine calls them in `pulumi up`, `refresh` and
 * `destroy`. Each credential is proven by logging in as its user with the
 * services' own client options (services/lib/kafka-options.ts).
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { scramCredentialProvider as provider, type ScramCredentialInputs } from '../../infra/scram-credential-provider.js';
import type { KafkaConnectionConfig, KafkaSecurityProtocol } from '../../services/lib/config.js';
import { loadKafkaClient } from '../../services/lib/kafka-client.js';
import { kafkaClientOptions } from '../../services/lib/kafka-options.js';
import type { RetryPolicy } from '../../services/lib/retry.js';
import { describeWithBroker, readLocalEnv, type LocalEnv } from '../support/local-env.js';
import { callSerializedProvider, serializeScramProvider } from './serialized-provider.js';

const RUN_ID = `${Date.now().toString(36)}-${process.pid}`;
/** One attempt: a refused login must show at once, not after the specification's backoff. */
const ONE_ATTEMPT: RetryPolicy = { attempts: 1, initialDelayMs: 0, maxDelayMs: 0 };

function newPassword(): string {
  return randomBytes(16).toString('hex');
}

/** Whether an error from the Kafka client is a refused SASL login. */
function isAuthenticationFailure(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown; errors?: unknown[] } | undefined; e; e = e.cause as typeof e) {
    if (e.code === 'PLT_KFK_AUTHENTICATION') return true;
    if (Array.isArray(e.errors) && e.errors.some(isAuthenticationFailure)) return true;
  }
  return false;
}

/**
 * Logs in as `username` the way a service does (its client options from its
 * Kafka config) and fetches the cluster metadata. 'ok', 'refused' for a
 * rejected login, or the error for anything else.
 */
async function login(local: LocalEnv, username: string, password: string): Promise<'ok' | 'refused' | Error> {
  const kafka: KafkaConnectionConfig = {
    bootstrapServers: local.bootstrapServers.split(',').map((s) => s.trim()),
    securityProtocol: local.securityProtocol as KafkaSecurityProtocol,
    saslMechanism: local.saslMechanism,
    username,
    password,
  };
  const { Admin } = await loadKafkaClient();
  const client = new Admin(kafkaClientOptions(kafka, `test-scram-login-${RUN_ID}`, ONE_ATTEMPT));
  try {
    const metadata = await client.metadata({ topics: [] });
    return metadata.brokers.size > 0 ? 'ok' : new Error('metadata without brokers');
  } catch (error) {
    return isAuthenticationFailure(error) ? 'refused' : (error as Error);
  } finally {
    await client.close();
  }
}

/** Polls `login` until it gives `expected`: the broker applies a credential change from its metadata log, a moment later. */
async function expectLogin(local: LocalEnv, username: string, password: string, expected: 'ok' | 'refused'): Promise<void> {
  const deadline = Date.now() + 15_000;
  let last: 'ok' | 'refused' | Error;
  do {
    last = await login(local, username, password);
    if (last === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  } while (Date.now() < deadline);
  expect(last).toBe(expected);
}

describeWithBroker('SCRAM credential provider on the local broker', () => {
  let local: LocalEnv;
  let inputs: ScramCredentialInputs;
  const created: ScramCredentialInputs[] = [];

  beforeAll(() => {
    local = readLocalEnv();
    inputs = {
      bootstrapServers: local.bootstrapServers.split(','),
      adminUsername: local.admin.username,
      adminPassword: local.admin.password,
      tls: false,
      saslMechanism: local.saslMechanism,
      username: `test-scram-${RUN_ID}`,
      scramMechanism: local.saslMechanism,
      password: newPassword(),
      iterations: 8192,
    };
  });

  afterAll(async () => {
    // Leave no test user behind, whatever failed.
    for (const credential of created) await provider.delete!('', credential).catch(() => {});
  });

  const id = () => `${inputs.username}/${inputs.scramMechanism}`;

  test('create writes a credential its user logs in with, using the services own client options', async () => {
    created.push(inputs);
    const result = await provider.create(inputs);
    expect(result.id).toBe(id());
    expect(result.outs).toEqual(inputs);
    await expectLogin(local, inputs.username, inputs.password, 'ok');
    await expectLogin(local, inputs.username, 'not-the-password', 'refused');
  });

  test('read (refresh) finds the credential with its mechanism and iterations', async () => {
    await expect(provider.read!(id(), inputs)).resolves.toEqual({ id: id(), props: inputs });
  });

  test('update rotates the password in place: the old one is refused, the new one accepted', async () => {
    const rotated = { ...inputs, password: newPassword() };
    created.push(rotated);
    await expect(provider.update!(id(), inputs, rotated)).resolves.toEqual({ outs: rotated });
    await expectLogin(local, inputs.username, inputs.password, 'refused');
    await expectLogin(local, rotated.username, rotated.password, 'ok');
    inputs = rotated;
  });

  test('delete removes the credential: its user can no longer log in', async () => {
    await provider.delete!(id(), inputs);
    await expectLogin(local, inputs.username, inputs.password, 'refused');
  });

  test('read (refresh) of a deleted credential drops it from the state', async () => {
    await expect(provider.read!(id(), inputs)).resolves.toEqual({ id: '' });
  });

  test('delete of a credential already gone succeeds, so a destroy can finish', async () => {
    await expect(provider.delete!(id(), inputs)).resolves.toBeUndefined();
  });

  test('the copy Pulumi stores in the state, loaded as the dynamic provider host loads it, creates and deletes a credential', async () => {
    const { text } = await serializeScramProvider();
    const other = { ...inputs, username: `test-scram-serialized-${RUN_ID}`, password: newPassword() };
    created.push(other);
    expect(callSerializedProvider(text, 'create', [other])).toEqual({
      ok: true,
      value: { id: `${other.username}/${other.scramMechanism}`, outs: other },
    });
    await expectLogin(local, other.username, other.password, 'ok');
    expect(callSerializedProvider(text, 'delete', ['', other])).toEqual({ ok: true });
    await expectLogin(local, other.username, other.password, 'refused');
  });

  test('names the admin config keys when the admin password is wrong, and never prints a password', async () => {
    const wrong = { ...inputs, adminPassword: 'WRONGADMINPASSWORD', password: newPassword() };
    const error = await provider.create(wrong).then(
      () => undefined,
      (e: unknown) => e as Error & { code?: string; canRetry?: boolean },
    );
    expect(error).toMatchObject({ name: 'ScramCredentialError', code: 'ADMIN_AUTHENTICATION_FAILED', canRetry: false });
    expect(error?.message).toMatch(
      new RegExp(
        `^creating the ${wrong.scramMechanism} credential of Kafka user "${wrong.username}": authentication as Kafka user "${wrong.adminUsername}" with ${wrong.saslMechanism} failed at ${wrong.bootstrapServers[0]!.replace(/\./g, '\\.')} \\(.*\\); check todo-events:kafkaAdminUsername / todo-events:kafkaAdminPassword and the cluster's cluster\\.saslMechanism in todo-events:platform$`,
      ),
    );
    expect(error?.message).not.toContain(wrong.adminPassword);
    expect(error?.message).not.toContain(wrong.password);
  });

  test('says which rights are missing when the admin user may not manage credentials', async () => {
    const service = local.userEnv('audit-service');
    const unprivileged = { ...inputs, adminUsername: service.username, adminPassword: service.password, password: newPassword() };
    await expect(provider.create(unprivileged)).rejects.toMatchObject({
      code: 'ADMIN_NOT_AUTHORIZED',
      canRetry: false,
      message: expect.stringMatching(
        new RegExp(
          `^creating the ${inputs.scramMechanism} credential of Kafka user "${inputs.username}": Kafka user "audit-service" may not manage SCRAM credentials \\(.*Cluster authorization failed.*\\)\\. It needs Alter and Describe on the Cluster resource; use a superuser or grant them, and check todo-events:kafkaAdminUsername / todo-events:kafkaAdminPassword$`,
          's',
        ),
      ),
    });
  });

  test('points at cluster.tls when TLS is on but the listener speaks plain SASL', async () => {
    await expect(provider.create({ ...inputs, tls: true })).rejects.toMatchObject({
      code: 'CLUSTER_UNREACHABLE',
      message: expect.stringMatching(
        /TLS handshake failed.*; check cluster\.bootstrapServers and cluster\.tls \(now true\) in todo-events:platform/,
      ),
    });
  });
});
