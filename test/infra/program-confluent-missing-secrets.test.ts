/** A confluent stack without the operator's Cloud API key stops before anything is registered, naming each missing key. */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { PlatformConfigError } from '../../platform/index.js';
import { runProgram, type ProgramRun } from './harness.js';

let run: ProgramRun;

beforeAll(async () => {
  run = await runProgram('confluent', { secrets: { databaseUrl: 'postgres://x@y/z' } });
});

describe('confluent program without confluentCloudApiKey and confluentCloudApiSecret', () => {
  test('fails with both missing keys and the command that sets each', () => {
    expect(run.error).toBeInstanceOf(PlatformConfigError);
    const why =
      "is not set; the Cloud API key and secret of the stack's operator are needed to create service accounts, API keys, topics and ACLs on Confluent Cloud";
    expect((run.error as Error).message).toBe(
      [
        'stack confluent has 2 problems:',
        `  - todo-events:confluentCloudApiKey: ${why}; run \`pulumi config set --secret todo-events:confluentCloudApiKey\` (a Cloud API key: confluent api-key create --resource cloud)`,
        `  - todo-events:confluentCloudApiSecret: ${why}; run \`pulumi config set --secret todo-events:confluentCloudApiSecret\` (a Cloud API key: confluent api-key create --resource cloud)`,
      ].join('\n'),
    );
  });

  test('registers no resource at all', () => {
    expect(run.resources).toEqual([]);
  });
});
