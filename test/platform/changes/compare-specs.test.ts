import { describe, expect, test } from '@jest/globals';
import { changeText, compareSpecs, type Change } from '../../../platform/changes/index.js';
import { loadPlatform } from '../../../platform/index.js';
import { REPO_ROOT, specWith } from '../../support/stack-changes.js';

const dev = loadPlatform('dev', REPO_ROOT);
const lines = (changes: readonly Change[]) => changes.map((c) => changeText(c));

describe('comparing two specs of a stack', () => {
  test('finds nothing between a spec and itself', () => {
    expect(compareSpecs(dev, dev)).toEqual([]);
  });

  test('shows a lowered task-events retention as the one line "task-events retention 7d → 3d"', () => {
    const changes = compareSpecs(dev, specWith('dev', { topics: { 'task-events': { retention: '3d' } } }));
    expect(lines(changes)).toEqual(['task-events retention 7d → 3d']);
    expect(changes[0]).toEqual({
      area: 'topic',
      kind: 'changed',
      subject: 'task-events',
      setting: 'retention',
      path: 'topics.task-events.retention',
      before: '7d',
      after: '3d',
    });
  });

  test('shows a new topic a service consumes with the grants it derives, and the service change', () => {
    const next = specWith('dev', {
      topics: { 'task-comments': { partitions: 3, retention: '3d', key: 'user_id' } },
      services: { audit: { consumes: ['task-events', 'task-comments'] } },
    });
    expect(lines(compareSpecs(dev, next))).toEqual([
      'topic task-comments added (3 partitions, replication 1, retention 3d, key user_id)',
      'grant audit-service Describe topic task-comments',
      'grant audit-service Read topic task-comments',
      'audit consumes task-events → task-comments, task-events',
    ]);
  });

  test('recognises a topic replaced by one with the same settings as a rename', () => {
    const next = specWith('dev', {
      topics: { reminders: null, 'reminders-v2': { partitions: 1, retention: '1d', key: null } },
      services: { notification: { consumes: ['reminders-v2'] }, 'recurring-task': { produces: ['task-events', 'reminders-v2'] } },
    });
    expect(lines(compareSpecs(dev, next)).slice(0, 1)).toEqual(['topic reminders renamed to reminders-v2']);
  });

  test('names every other kind of change in human units: partitions, min.insync.replicas, users, replicas, resources, alerts, cluster', () => {
    const next = specWith('dev', {
      cluster: { brokers: 3 },
      topics: { 'task-updates': { partitions: 6, minInsyncReplicas: 2, replicationFactor: 3, expectedMessagesPerSecond: 5 } },
      services: { websocket: { replicas: 3, resources: { limits: { memory: '256Mi' } } }, audit: { lagThreshold: 500 } },
      producers: { 'todo-mobile': { produces: ['task-events'] } },
      monitoring: { forMinutes: 15 },
      retry: { maxIntervalMs: 30000 },
    });
    expect(lines(compareSpecs(dev, next))).toEqual([
      'task-updates partitions 3 → 6',
      'task-updates replication 1 → 3',
      'task-updates min.insync.replicas 1 → 2',
      'user todo-mobile added (producer)',
      'grant todo-mobile Describe topic task-events',
      'grant todo-mobile Write topic task-events',
      'websocket replicas 1 → 3',
      'websocket resources.limits.memory 152Mi → 256Mi',
      'task-updates expectedMessagesPerSecond none → 5',
      'audit lagThreshold 1000 → 500',
      'monitoring forMinutes 5 → 15',
      'cluster brokers 1 → 3',
      'producer todo-mobile added (produces task-events)',
      'retry maxIntervalMs 10s → 30s',
    ]);
  });

  test('lists a new stack as everything added', () => {
    const changes = compareSpecs(undefined, dev);
    expect(changes.filter((c) => c.area === 'topic').map((c) => [c.kind, c.subject])).toEqual([
      ['added', 'reminders'],
      ['added', 'task-events'],
      ['added', 'task-events-dlq'],
      ['added', 'task-updates'],
    ]);
    expect(changes.every((c) => c.kind === 'added')).toBe(true);
  });

  test('compares a spec resolved by older code that lacks newer fields as if they were unset', () => {
    const old = JSON.parse(JSON.stringify(dev)) as Record<string, unknown> & { topics: Record<string, unknown>[] };
    delete old.acknowledgements;
    for (const topic of old.topics) delete topic.retentionFloorMs;
    expect(compareSpecs(old as never, dev)).toEqual([]);
  });
});
