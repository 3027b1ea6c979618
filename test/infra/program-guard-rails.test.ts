/**
 * The program compares the spec with the one the stack last deployed (its
 * `platformSpec` output, read back through a StackReference of itself) and
 * stops on a refused change before registering anything.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { ChangeRefusedError } from '../../platform/changes/index.js';
import { loadPlatform } from '../../platform/index.js';
import { DEV_PARTITION_DECREASE_REFUSAL, stackConfig } from '../support/stack-changes.js';
import { REPO_ROOT, runProgram, type ProgramRun } from './harness.js';

let run: ProgramRun;

beforeAll(async () => {
  run = await runProgram('dev', {
    platform: stackConfig('dev', { topics: { 'task-events': { partitions: 2 } } }),
    secrets: { databaseUrl: 'postgres://todo:x@db:5432/todo' },
    stackOutputs: { platformSpec: loadPlatform('dev', REPO_ROOT) },
  });
});

describe('program whose spec lowers the partitions the stack last deployed', () => {
  test('fails with the refusal npm run plan and npm run synth print, word for word', () => {
    expect(run.error).toBeInstanceOf(ChangeRefusedError);
    expect((run.error as Error).message).toBe(`stack dev has 1 change refused by the guard rails:\n  - ${DEV_PARTITION_DECREASE_REFUSAL}`);
  });

  test('registers nothing: it only read its own last outputs', () => {
    expect(run.resources.map((r) => [r.type, r.name, r.read])).toEqual([['pulumi:pulumi:StackReference', 'deployed-platform-spec', true]]);
    expect(run.resources[0]?.inputs).toMatchObject({ name: 'organization/todo-events/dev' });
  });
});
