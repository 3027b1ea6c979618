/**
 * The confluent program compares its spec with the one it last deployed, like
 * every stack's, and refuses a partition decrease before registering anything,
 * naming what would carry it out here: @pulumi/confluentcloud, which would
 * replace the topic.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { ChangeRefusedError } from '../../platform/changes/index.js';
import { loadPlatform } from '../../platform/index.js';
import { CONFLUENT_PARTITION_DECREASE_REFUSAL, stackConfig } from '../support/stack-changes.js';
import { REPO_ROOT, runProgram, type ProgramRun } from './harness.js';

let run: ProgramRun;

beforeAll(async () => {
  run = await runProgram('confluent', {
    platform: stackConfig('confluent', { topics: { 'task-events': { partitions: 2 } } }),
    secrets: { confluentCloudApiKey: 'KEY', confluentCloudApiSecret: 'SECRET', databaseUrl: 'postgres://todo:x@db:5432/todo' },
    stackOutputs: { platformSpec: loadPlatform('confluent', REPO_ROOT) },
  });
});

describe('confluent program whose spec lowers the partitions the stack last deployed', () => {
  test('fails with the refusal npm run plan and npm run synth print, word for word', () => {
    expect(run.error).toBeInstanceOf(ChangeRefusedError);
    expect((run.error as Error).message).toBe(
      `stack confluent has 1 change refused by the guard rails:\n  - ${CONFLUENT_PARTITION_DECREASE_REFUSAL}`,
    );
  });

  test('registers nothing on Confluent Cloud: it only read its own last outputs', () => {
    expect(run.resources.map((r) => [r.type, r.name, r.read])).toEqual([['pulumi:pulumi:StackReference', 'deployed-platform-spec', true]]);
  });
});
