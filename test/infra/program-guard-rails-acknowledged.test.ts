/** An acknowledged risky change goes ahead, and the stack records the new spec for the next comparison. */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { loadPlatform, type PlatformSpec } from '../../platform/index.js';
import { stackConfig } from '../support/stack-changes.js';
import { REPO_ROOT, runProgram, type ProgramRun } from './harness.js';

let run: ProgramRun;

beforeAll(async () => {
  run = await runProgram('dev', {
    platform: stackConfig('dev', {
      topics: { 'task-events': { partitions: 6 } },
      acknowledge: { partitionIncrease: { 'task-events': 6 } },
    }),
    secrets: { databaseUrl: 'postgres://todo:x@db:5432/todo' },
    stackOutputs: { platformSpec: loadPlatform('dev', REPO_ROOT) },
  });
});

describe('program whose spec raises task-events partitions with the acknowledgement', () => {
  test('registers the stack', () => {
    expect(run.error).toBeUndefined();
    expect(run.resources.filter((r) => !r.read).length).toBeGreaterThan(10);
  });

  test('exports the new spec as what the next update compares with', () => {
    const spec = run.outputs.platformSpec as PlatformSpec;
    expect(spec.topics.find((t) => t.name === 'task-events')?.partitions).toBe(6);
    expect(spec.acknowledgements.partitionIncrease).toEqual({ 'task-events': 6 });
  });
});
