/**
 * The prod program in a preview of its first deploy, under mocks: the
 * generated passwords do not exist yet, so each SCRAM credential's password
 * is unknown. @pulumi/kafka's UserScramCredential made this preview panic;
 * the dynamic ScramCredential must register, and its provider's `check` and
 * `diff` (all a preview calls) must accept the unknown password.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import * as pulumi from '@pulumi/pulumi';
import { loadPlatform, type PlatformSpec } from '../../platform/index.js';
import { SCRAM_CREDENTIAL_TYPE } from '../../infra/scram-credential.js';
import { scramCredentialProvider, type ScramCredentialInputs } from '../../infra/scram-credential-provider.js';
import { byType, REPO_ROOT, runProgram, unwrapSecrets, type ProgramRun } from './harness.js';

let spec: PlatformSpec;
let run: ProgramRun;

beforeAll(async () => {
  spec = loadPlatform('prod', REPO_ROOT);
  run = await runProgram('prod', {
    preview: true,
    config: { kafkaAdminUsername: 'cloud-admin' },
    secrets: { kafkaAdminPassword: 'ADMINPLAINTEXTPASSWORD', databaseUrl: 'postgres://todo:PRODDBPLAINTEXT@db.prod:5432/todo' },
  });
});

/** The inputs as the engine hands them to the provider in preview: secrets unwrapped, unknowns as Pulumi's marker. */
function engineInputs(inputs: Record<string, unknown>): ScramCredentialInputs {
  const plain = unwrapSecrets(inputs) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(plain).map(([k, v]) => [k, pulumi.isUnknown(v) ? pulumi.runtime.unknownValue : v]),
  ) as unknown as ScramCredentialInputs;
}

describe('prod stack program, previewing its first deploy', () => {
  test('registers every resource without an error', () => {
    expect(run.error).toBeUndefined();
  });

  test('registers one SCRAM credential per non-admin user, its password not known yet', () => {
    const credentials = byType(run, SCRAM_CREDENTIAL_TYPE);
    const users = spec.users.filter((u) => u.kind !== 'admin').map((u) => u.name);
    expect(credentials.map((c) => c.inputs.username).sort()).toEqual(users.sort());
    for (const c of credentials) expect(pulumi.isUnknown(unwrapSecrets(c.inputs.password))).toBe(true);
  });

  test("passes the provider's check with the password unknown, and without failures", async () => {
    for (const c of byType(run, SCRAM_CREDENTIAL_TYPE)) {
      const news = engineInputs(c.inputs);
      expect(news.password).toBe(pulumi.runtime.unknownValue);
      const result = await scramCredentialProvider.check!({} as ScramCredentialInputs, news);
      expect(result.failures).toEqual([]);
    }
  });

  test('previews a later password change of an existing credential as an in-place update, not a replacement', async () => {
    for (const c of byType(run, SCRAM_CREDENTIAL_TYPE)) {
      const news = engineInputs(c.inputs);
      const olds = { ...news, password: 'the-password-in-the-state' };
      await expect(scramCredentialProvider.diff!(`${news.username}/${news.scramMechanism}`, olds, news)).resolves.toMatchObject({
        changes: true,
        replaces: [],
      });
    }
  });
});
