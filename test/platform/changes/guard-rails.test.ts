import { describe, expect, test } from '@jest/globals';
import {
  ChangeRefusedError,
  checkGuardRails,
  findingText,
  formatFindings,
  GUARD_RAILS,
  movedKeyShare,
  type RailFinding,
} from '../../../platform/changes/index.js';
import { loadPlatform } from '../../../platform/index.js';
import {
  CONFLUENT_PARTITION_DECREASE_REFUSAL,
  DEV_KEYED_INCREASE_REFUSAL,
  DEV_PARTITION_DECREASE_REFUSAL,
  REPO_ROOT,
  specWith,
} from '../../support/stack-changes.js';

const dev = loadPlatform('dev', REPO_ROOT);
const prod = loadPlatform('prod', REPO_ROOT);
const verdicts = (findings: readonly RailFinding[]) => findings.map((f) => [f.rail, f.verdict, f.path]);

describe('the guard rails', () => {
  test('let an unchanged spec and a plain retention change through without a finding', () => {
    expect(checkGuardRails(dev, dev).findings).toEqual([]);
    expect(checkGuardRails(dev, specWith('dev', { topics: { 'task-events': { retention: '3d' } } })).findings).toEqual([]);
  });

  test('refuse a partition decrease, naming the path, 3 → 2, why and what to do instead', () => {
    const report = checkGuardRails(dev, specWith('dev', { topics: { 'task-events': { partitions: 2 } } }));
    expect(report.refused.map(findingText)).toEqual([DEV_PARTITION_DECREASE_REFUSAL]);
  });

  test('name what would carry a partition decrease out in each flavor: the operator rejects it late, a Pulumi provider replaces the topic', () => {
    const why = (stack: string) => {
      const fewer = specWith(stack, { topics: { 'task-events': { partitions: 2 } } });
      return checkGuardRails(loadPlatform(stack, REPO_ROOT), fewer).refused.map((f) => /\(([^)]*)\)$/.exec(f.why)?.[1]);
    };
    expect(Object.fromEntries(['dev', 'staging', 'prod', 'confluent'].map((stack) => [stack, why(stack)]))).toEqual({
      dev: ['the Redpanda operator rejects it only after the apply'],
      staging: ["Strimzi's topic operator rejects it only after the apply"],
      prod: ['@pulumi/kafka would replace the topic'],
      confluent: ['@pulumi/confluentcloud would replace the topic'],
    });
    const confluent = loadPlatform('confluent', REPO_ROOT);
    const fewer = specWith('confluent', { topics: { 'task-events': { partitions: 2 } } });
    expect(checkGuardRails(confluent, fewer).refused.map(findingText)).toEqual([CONFLUENT_PARTITION_DECREASE_REFUSAL]);
  });

  test('refuse more partitions on a keyed topic without an acknowledgement, naming the ordering consequence', () => {
    const report = checkGuardRails(dev, specWith('dev', { topics: { 'task-events': { partitions: 6 } } }));
    expect(report.refused.map(findingText)).toEqual([DEV_KEYED_INCREASE_REFUSAL]);
  });

  test('let it through, shown as acknowledged, when the stack file acknowledges exactly that partition count', () => {
    const next = specWith('dev', {
      topics: { 'task-events': { partitions: 6 } },
      acknowledge: { partitionIncrease: { 'task-events': 6 } },
    });
    const report = checkGuardRails(dev, next);
    expect(report.refused).toEqual([]);
    expect(report.acknowledged.map((f) => f.instead)).toEqual([
      'acknowledged in the stack file: acknowledge: { partitionIncrease: { task-events: 6 } }',
    ]);
  });

  test('do not take an acknowledgement of another count for this one, and say so', () => {
    const next = specWith('dev', {
      topics: { 'task-events': { partitions: 12 } },
      acknowledge: { partitionIncrease: { 'task-events': 6 } },
    });
    const [refused] = checkGuardRails(specWith('dev', { topics: { 'task-events': { partitions: 6 } } }), next).refused;
    expect(refused?.instead).toMatch(/\(acknowledge\.partitionIncrease\.task-events in the stack file accepts 6, not 12\)$/);
  });

  test('let more partitions on an unkeyed topic through', () => {
    expect(checkGuardRails(dev, specWith('dev', { topics: { reminders: { partitions: 2 } } })).findings).toEqual([]);
  });

  test('refuse a replication-factor change unless acknowledged', () => {
    const next = specWith('prod', { topics: { reminders: { replicationFactor: 2, minInsyncReplicas: 1 } } });
    expect(verdicts(checkGuardRails(prod, next).findings)).toEqual([
      ['replication-change', 'refused', 'topics.reminders.replicationFactor'],
    ]);
    const acknowledged = specWith('prod', {
      topics: { reminders: { replicationFactor: 2, minInsyncReplicas: 1 } },
      acknowledge: { replicationChange: { reminders: 2 } },
    });
    expect(verdicts(checkGuardRails(prod, acknowledged).findings)).toEqual([
      ['replication-change', 'acknowledged', 'topics.reminders.replicationFactor'],
    ]);
  });

  const withoutReminders = {
    topics: { reminders: null },
    services: { notification: null, 'recurring-task': { produces: ['task-events'] } },
  };

  test('warn loudly, naming the data, when a topic of an unprotected stack goes', () => {
    const report = checkGuardRails(dev, specWith('dev', withoutReminders));
    expect(report.refused).toEqual([]);
    expect(report.warnings.map(findingText)).toEqual([
      'topics.reminders: reminders → none: removing reminders deletes it with up to 1d of messages in 1 partition; consumed by notification; keep reminders in the spec if its messages must stay',
    ]);
  });

  test('refuse it in a protected stack, also when protection is turned off in the same change', () => {
    expect(verdicts(checkGuardRails(prod, specWith('prod', withoutReminders)).findings)).toEqual([
      ['topic-removal', 'refused', 'topics.reminders'],
    ]);
    const unprotected = specWith('prod', { ...withoutReminders, protectTopics: false });
    expect(checkGuardRails(prod, unprotected).refused[0]?.instead).toBe(
      'keep reminders in the spec; to retire it, stop its producers, let its consumers drain it, set protectTopics: false in a change of its own first, then remove it',
    );
  });

  test('treat a rename as a new, empty topic and a deletion: refused when protected, a warning elsewhere', () => {
    const rename = {
      topics: { reminders: null, 'reminders-v2': { partitions: 1, retention: '1d', key: null } },
      services: { notification: { consumes: ['reminders-v2'] }, 'recurring-task': { produces: ['task-events', 'reminders-v2'] } },
    };
    expect(verdicts(checkGuardRails(dev, specWith('dev', rename)).findings)).toEqual([['topic-rename', 'warning', 'topics.reminders-v2']]);
    const [refused] = checkGuardRails(prod, specWith('prod', rename)).refused;
    expect(refused && findingText(refused)).toBe(
      'topics.reminders-v2: reminders → reminders-v2: Kafka cannot rename a topic: reminders-v2 would be a new, empty topic and reminders would be deleted with up to 1d of messages in 1 partition; consumed by notification; ' +
        'keep reminders; add reminders-v2 as a topic of its own, move producers and consumers to it, and remove reminders once it is drained (set protectTopics: false in a change of its own first, then remove it)',
    );
  });

  test('refuse a cleanup.policy switch unless acknowledged', () => {
    const next = specWith('dev', { topics: { 'task-events': { cleanupPolicy: 'compact' } } });
    expect(checkGuardRails(dev, next).refused.map(findingText)).toEqual([
      'topics.task-events.cleanupPolicy: delete → compact: switching task-events from delete to compact: compaction keeps only the newest record of each user_id and deletes the older ones for good; ' +
        'add a new topic with cleanupPolicy compact and migrate to it, or acknowledge it in the stack file with acknowledge: { cleanupPolicyChange: { task-events: compact } }',
    ]);
    const acknowledged = specWith('dev', {
      topics: { 'task-events': { cleanupPolicy: 'compact' } },
      acknowledge: { cleanupPolicyChange: { 'task-events': 'compact' } },
    });
    expect(checkGuardRails(dev, acknowledged).refused).toEqual([]);
  });

  test('refuse a retention below the topic’s declared floor, and a floor lowered in the same change', () => {
    const floored = specWith('dev', { topics: { 'task-events': { retentionFloor: '5d' } } });
    expect(checkGuardRails(dev, floored).findings).toEqual([]);
    const below = specWith('dev', { topics: { 'task-events': { retentionFloor: '5d', retention: '3d' } } });
    expect(checkGuardRails(floored, below).refused.map(findingText)).toEqual([
      'topics.task-events.retention: 7d → 3d: task-events declares that it keeps messages at least 5d (retentionFloor); with 3d the broker deletes what consumers may still need; ' +
        'keep retention at 5d or more; if the messages may really go sooner, lower topics.task-events.retentionFloor in a change of its own first',
    ]);
    const bothLowered = specWith('dev', { topics: { 'task-events': { retentionFloor: '1d', retention: '3d' } } });
    expect(checkGuardRails(floored, bothLowered).refused.map((f) => f.why)).toEqual([
      'task-events declares that it keeps messages at least 5d (retentionFloor, before this change); with 3d the broker deletes what consumers may still need',
    ]);
    expect(checkGuardRails(floored, specWith('dev', { topics: { 'task-events': { retentionFloor: '1d' } } })).findings).toEqual([]);
  });

  test('check a first deploy’s spec on its own: only the retention floor applies', () => {
    expect(
      verdicts(checkGuardRails(undefined, specWith('dev', { topics: { 'task-events': { retentionFloor: '14d' } } })).findings),
    ).toEqual([['retention-floor', 'refused', 'topics.task-events.retention']]);
    expect(checkGuardRails(undefined, dev).findings).toEqual([]);
  });

  test('report refusals as one error whose message lists each of them under the stack', () => {
    const refused = checkGuardRails(dev, specWith('dev', { topics: { 'task-events': { partitions: 2 } } })).refused;
    const error = new ChangeRefusedError('stack dev', refused);
    expect(error).toMatchObject({ code: 'CHANGE_REFUSED', canRetry: false });
    expect(error.message).toBe(`stack dev has 1 change refused by the guard rails:\n  - ${DEV_PARTITION_DECREASE_REFUSAL}`);
    expect(formatFindings('stack dev', refused)).toBe(error.message);
  });

  test('are data: each names what it protects against and what acknowledges it', () => {
    expect(GUARD_RAILS.map((r) => [r.id, r.acknowledge])).toEqual([
      ['partition-decrease', null],
      ['replication-change', 'replicationChange'],
      ['topic-removal', null],
      ['topic-rename', null],
      ['keyed-partition-increase', 'partitionIncrease'],
      ['cleanup-policy-switch', 'cleanupPolicyChange'],
      ['retention-floor', null],
    ]);
  });

  test('compute the share of keys that move to another partition', () => {
    expect([movedKeyShare(3, 6), movedKeyShare(3, 4), movedKeyShare(2, 4)]).toEqual([0.5, 0.75, 0.5]);
    expect(movedKeyShare(1, 3)).toBeCloseTo(2 / 3);
  });
});
