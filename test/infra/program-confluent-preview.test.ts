/**
 * The confluent program in a preview of its first deploy, under mocks: no
 * API key exists yet, so every key's secret (and with it each user's Secret
 * and the admin's credentials on topics and ACLs) is unknown. The preview must
 * still register every account, key, topic and ACL, so a reviewer sees them all.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { loadPlatform, type PlatformSpec } from '../../platform/index.js';
import { byType, REPO_ROOT, runProgram, type ProgramRun } from './harness.js';

let spec: PlatformSpec;
let run: ProgramRun;

beforeAll(async () => {
  spec = loadPlatform('confluent', REPO_ROOT);
  run = await runProgram('confluent', {
    preview: true,
    secrets: { confluentCloudApiKey: 'KEY', confluentCloudApiSecret: 'SECRET', databaseUrl: 'postgres://x@y/z' },
  });
});

describe('confluent stack program, previewing its first deploy', () => {
  test('registers every resource without an error', () => {
    expect(run.error).toBeUndefined();
  });

  test('shows every service account, API key, topic and ACL of the spec', () => {
    const count = (type: string) => byType(run, `confluentcloud:index/${type}`).length;
    const bindings = spec.users.reduce((n, u) => n + u.acls.reduce((m, a) => m + a.operations.length, 0), 0);
    expect({
      accounts: count('serviceAccount:ServiceAccount'),
      keys: count('apiKey:ApiKey'),
      topics: count('kafkaTopic:KafkaTopic'),
      acls: count('kafkaAcl:KafkaAcl'),
    }).toEqual({ accounts: spec.users.length, keys: spec.users.length, topics: spec.topics.length, acls: bindings });
  });

  test("still creates each user's Secret, its values not known yet", () => {
    const users = spec.users.filter((u) => u.kind !== 'admin').map((u) => `credentials-todo-${u.name}`);
    const secrets = byType(run, 'kubernetes:core/v1:Secret').map((s) => s.name);
    expect(secrets).toEqual(expect.arrayContaining(users));
  });
});
