/** The SCRAM credential dynamic provider without a broker: serialization, check and diff (all a preview runs). */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { createServer } from 'node:net';
import * as pulumi from '@pulumi/pulumi';
import {
  SCRAM_CREDENTIAL_DEFAULTS,
  scramCredentialProvider as provider,
  type ScramCredentialInputs,
} from '../../infra/scram-credential-provider.js';
import { callSerializedProvider, serializeScramProvider } from './serialized-provider.js';

const UNKNOWN = pulumi.runtime.unknownValue;
const PASSWORD = 'USERPLAINTEXTPASSWORD';
const ADMIN_PASSWORD = 'ADMINPLAINTEXTPASSWORD';

const inputs: ScramCredentialInputs = {
  bootstrapServers: ['broker-0.example.com:9092', 'broker-1.example.com:9092'],
  adminUsername: 'platform-admin',
  adminPassword: ADMIN_PASSWORD,
  tls: true,
  saslMechanism: 'SCRAM-SHA-256',
  username: 'audit-service',
  scramMechanism: 'SCRAM-SHA-256',
  password: PASSWORD,
  iterations: 8192,
};

/** `inputs` with some properties replaced, e.g. by Pulumi's unknown marker. */
function withInputs(changes: Record<string, unknown>): ScramCredentialInputs {
  return { ...inputs, ...changes } as ScramCredentialInputs;
}

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the serialized SCRAM credential provider', () => {
  let serialized: pulumi.runtime.SerializedFunction;
  beforeAll(async () => {
    serialized = await serializeScramProvider();
  });

  test("serializes with Pulumi's closure serializer, capturing no secret", () => {
    expect(serialized.containsSecrets).toBe(false);
    expect(serialized.text).toContain('exports.handler');
  });

  test("loads the Kafka client at run time instead of carrying the client's source", () => {
    expect(serialized.text).toMatch(/await import\(["']@platformatic\/kafka["']\)/);
    for (const librarySource of [
      'createPromisifiedCallback',
      'protocolErrorsCodesById',
      'class Admin',
      'AlterUserScramCredentials Request',
      'ScramAlgorithms = {',
    ]) {
      expect(serialized.text).not.toContain(librarySource);
    }
    expect(serialized.text).not.toMatch(/require\(["']@platformatic\/kafka["']\)|require\(["']@pulumi\/pulumi["']\)/);
    expect(serialized.text.length).toBeLessThan(64_000);
  });

  test('loaded as the dynamic provider host loads it, checks inputs like the original', async () => {
    const result = callSerializedProvider(serialized.text, 'check', [{}, withInputs({ password: UNKNOWN, iterations: undefined })]);
    expect(result).toEqual({
      ok: true,
      value: await provider.check!({} as ScramCredentialInputs, withInputs({ password: UNKNOWN, iterations: undefined })),
    });
  });

  test('loaded as the dynamic provider host loads it, imports the Kafka client and fails with its own code and message', async () => {
    const port = await closedPort();
    const result = callSerializedProvider(serialized.text, 'create', [withInputs({ bootstrapServers: [`127.0.0.1:${port}`], tls: false })]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ name: 'ScramCredentialError', code: 'CLUSTER_UNREACHABLE', canRetry: true });
    expect(result.error.message).toMatch(
      new RegExp(
        `^creating the SCRAM-SHA-256 credential of Kafka user "audit-service": no bootstrap server answered \\(127\\.0\\.0\\.1:${port}: .*ECONNREFUSED.*\\); check cluster\\.bootstrapServers and cluster\\.tls \\(now false\\) in todo-events:platform`,
      ),
    );
    expect(result.error.message).not.toContain(PASSWORD);
    expect(result.error.message).not.toContain(ADMIN_PASSWORD);
  });
});

describe('scramCredentialProvider.check', () => {
  test(`defaults the iterations to ${SCRAM_CREDENTIAL_DEFAULTS.iterations}`, async () => {
    const result = await provider.check!({} as ScramCredentialInputs, withInputs({ iterations: undefined }));
    expect(result).toEqual({ inputs: { ...inputs, iterations: 8192 }, failures: [] });
  });

  test('accepts every input not known yet, as in a preview of the first deploy', async () => {
    const unknown = Object.fromEntries(Object.keys(inputs).map((k) => [k, UNKNOWN]));
    expect((await provider.check!({} as ScramCredentialInputs, withInputs(unknown))).failures).toEqual([]);
    expect((await provider.check!({} as ScramCredentialInputs, withInputs({ bootstrapServers: [UNKNOWN] }))).failures).toEqual([]);
  });

  test('reports every invalid input with the way out, and never quotes a password', async () => {
    const result = await provider.check!(
      {} as ScramCredentialInputs,
      withInputs({
        bootstrapServers: ['broker-0.example.com'],
        adminUsername: ' ',
        password: '',
        scramMechanism: 'SCRAM-SHA-1',
        tls: 'yes',
        iterations: 100_000,
      }),
    );
    expect(result.failures).toEqual([
      {
        property: 'bootstrapServers',
        reason: '"broker-0.example.com" is not a broker address; write it as host:port, e.g. broker-0.example.com:9092',
      },
      { property: 'adminUsername', reason: 'must be a non-empty user name' },
      { property: 'password', reason: 'must be a non-empty string' },
      { property: 'scramMechanism', reason: '"SCRAM-SHA-1" is not supported; use one of SCRAM-SHA-256, SCRAM-SHA-512' },
      { property: 'tls', reason: 'must be true or false' },
      { property: 'iterations', reason: '100000 is not allowed; Kafka accepts whole numbers from 4096 to 16384' },
    ]);
    expect(JSON.stringify(result.failures)).not.toContain(ADMIN_PASSWORD);
  });

  test('asks for at least one bootstrap server', async () => {
    expect((await provider.check!({} as ScramCredentialInputs, withInputs({ bootstrapServers: [] }))).failures).toEqual([
      {
        property: 'bootstrapServers',
        reason: 'needs at least one broker address host:port; set todo-events:platform cluster.bootstrapServers',
      },
    ]);
  });
});

describe('scramCredentialProvider.diff', () => {
  const id = 'audit-service/SCRAM-SHA-256';

  test('reports no change for the same inputs', async () => {
    await expect(provider.diff!(id, inputs, inputs)).resolves.toMatchObject({ changes: false, replaces: [] });
  });

  test('rotates a changed password in place', async () => {
    await expect(provider.diff!(id, inputs, withInputs({ password: 'NEWPASSWORD' }))).resolves.toMatchObject({
      changes: true,
      replaces: [],
    });
  });

  test('reports a password not known yet as a change in place, so the preview succeeds and shows it', async () => {
    await expect(provider.diff!(id, inputs, withInputs({ password: UNKNOWN }))).resolves.toMatchObject({ changes: true, replaces: [] });
  });

  test.each([
    ['iterations', 16384],
    ['adminPassword', 'NEWADMINPASSWORD'],
    ['bootstrapServers', ['broker-0.example.com:9093']],
    ['tls', false],
  ])('updates in place when %s changes', async (key, value) => {
    await expect(provider.diff!(id, inputs, withInputs({ [key]: value }))).resolves.toMatchObject({ changes: true, replaces: [] });
  });

  test('replaces the credential of a renamed user, creating the new one before deleting the old', async () => {
    await expect(provider.diff!(id, inputs, withInputs({ username: 'audit-service-v2' }))).resolves.toEqual({
      changes: true,
      replaces: ['username'],
      deleteBeforeReplace: false,
    });
  });

  test("replaces a credential whose mechanism changes, deleting the user's old one first", async () => {
    await expect(provider.diff!(id, inputs, withInputs({ scramMechanism: 'SCRAM-SHA-512' }))).resolves.toEqual({
      changes: true,
      replaces: ['scramMechanism'],
      deleteBeforeReplace: true,
    });
  });

  test('deletes first when the user name is not known yet: it may be the same user', async () => {
    await expect(provider.diff!(id, inputs, withInputs({ username: UNKNOWN }))).resolves.toEqual({
      changes: true,
      replaces: ['username'],
      deleteBeforeReplace: true,
    });
  });
});

describe('scramCredentialProvider.read', () => {
  test('refuses to import a credential it has no state for, saying what to do instead', async () => {
    await expect(provider.read!('audit-service/SCRAM-SHA-256')).rejects.toMatchObject({
      code: 'STATE_INCOMPLETE',
      message: 'reading SCRAM credential audit-service/SCRAM-SHA-256: importing is not supported; let `pulumi up` create it',
    });
  });
});
