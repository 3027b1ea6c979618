import { describe, expect, test } from '@jest/globals';
import { platformFromConfig, validatePlatform } from '../../../platform/index.js';

/** The problems of a config as the lines a user reads. */
function problems(config: unknown): string[] {
  return validatePlatform(config).map((p) => `${p.path}: ${p.message}; ${p.fix}`);
}

describe('the guard rails’ config keys', () => {
  test('accept a retention floor and acknowledgements naming topics of the stack', () => {
    const config = {
      topics: { 'task-events': { retentionFloor: '5d', partitions: 6 } },
      acknowledge: {
        partitionIncrease: { 'task-events': 6 },
        replicationChange: { reminders: 1 },
        cleanupPolicyChange: { reminders: 'compact' },
      },
    };
    expect(problems(config)).toEqual([]);
    const spec = platformFromConfig('dev', config);
    expect(spec.topics.find((t) => t.name === 'task-events')?.retentionFloorMs).toBe(432_000_000);
    expect(spec.topics.find((t) => t.name === 'reminders')?.retentionFloorMs).toBeNull();
    expect(spec.acknowledgements).toEqual({
      partitionIncrease: { 'task-events': 6 },
      replicationChange: { reminders: 1 },
      cleanupPolicyChange: { reminders: 'compact' },
    });
  });

  test('report every mistake in them together, each with its path and fix', () => {
    expect(
      problems({
        topics: { reminders: { retentionFloor: '5 days' } },
        acknowledge: {
          partitionIncrease: { 'task-event': 6, reminders: 2, 'task-updates': 0 },
          replicationChange: { 'task-events': 'three' },
          cleanupPolicyChange: { 'task-events': 'compacted' },
          partitionDecrease: {},
        },
      }),
    ).toEqual([
      'topics.reminders.retentionFloor: "5 days" is not a duration; write a duration such as 7d, 1h, 30m, 45s or a number of milliseconds such as 3600000',
      'acknowledge.replicationChange.task-events: "three" must be an integer; write a whole number',
      'acknowledge.cleanupPolicyChange.task-events: "compacted" is not one of "delete", "compact", "compact,delete"; did you mean "compact"?',
      'acknowledge.partitionDecrease: is not a known setting; did you mean "partitionIncrease"?',
      'acknowledge.partitionIncrease.task-event: "task-event" is not a topic of this stack; did you mean "task-events"?',
      'acknowledge.partitionIncrease.reminders: has no effect: "reminders" has no key, so more partitions reorder nothing; remove it',
      'acknowledge.partitionIncrease.task-updates: 0 is not allowed; write the new partition count',
    ]);
  });
});
