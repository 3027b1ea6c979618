/** An invalid platform config stops the program before anything is registered. */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { PlatformConfigError, validatePlatform } from '../../platform/index.js';
import { runProgram, type ProgramRun } from './harness.js';

/** Three mistakes at once: a bad retention, zero partitions and a typo'd key. */
const INVALID = {
  cluster: { flavor: 'redpanda', brokers: 1 },
  topics: { reminders: { partitions: 0, retention: '1x' } },
  protectTopic: true,
};

let run: ProgramRun;

beforeAll(async () => {
  run = await runProgram('dev', { platform: INVALID, secrets: { databaseUrl: 'postgres://x@y/z' } });
});

describe('program with an invalid platform config', () => {
  test('fails with one PlatformConfigError listing every problem with its path and fix', () => {
    const problems = validatePlatform(INVALID);
    expect(problems.length).toBeGreaterThanOrEqual(3);
    expect(run.error).toBeInstanceOf(PlatformConfigError);
    const error = run.error as PlatformConfigError;
    expect(error.message).toBe(new PlatformConfigError('stack dev (todo-events:platform)', problems).message);
    expect(error.message).toMatch(/^stack dev \(todo-events:platform\) has \d+ problems:\n/);
    for (const path of ['topics.reminders.partitions', 'topics.reminders.retention', 'protectTopic']) {
      expect(error.message).toContain(`  - ${path}: `);
    }
  });

  test('registers no resource at all', () => {
    expect(run.resources).toEqual([]);
  });
});
