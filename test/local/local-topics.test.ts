/** Planning the spec's topics for the single local broker (no broker needed). */
import { loadPlatform, topicConfig } from '../../platform/index.js';
import { localTopic, localTopics } from '../../scripts/local/topics.js';

describe('localTopics', () => {
  it('keeps every topic of the dev stack as the spec says, configs from topicConfig()', () => {
    const spec = loadPlatform('dev');
    const planned = localTopics(spec);
    expect(planned.map((t) => t.name)).toEqual(spec.topics.map((t) => t.name));
    for (const [i, topic] of spec.topics.entries()) {
      expect(planned[i]).toEqual({
        name: topic.name,
        partitions: topic.partitions,
        replicationFactor: 1,
        configs: topicConfig(topic),
        adjustments: [],
      });
    }
  });

  it('caps replication and min.insync.replicas of the prod stack at one broker, and says so', () => {
    const events = loadPlatform('prod').topics.find((t) => t.name === 'task-events')!;
    expect([events.replicationFactor, events.minInsyncReplicas]).toEqual([3, 2]);
    const planned = localTopic(events);
    expect(planned.replicationFactor).toBe(1);
    expect(planned.configs).toEqual({ ...topicConfig(events), 'min.insync.replicas': '1' });
    expect(planned.adjustments).toEqual(['replication factor 3 → 1 (single local broker)', 'min.insync.replicas 2 → 1']);
  });

  it('keeps retention.ms of task-events, reminders and task-updates at 7 days, 1 day and 1 hour', () => {
    const byName = new Map(localTopics(loadPlatform('dev')).map((t) => [t.name, t.configs['retention.ms']]));
    expect([byName.get('task-events'), byName.get('reminders'), byName.get('task-updates')]).toEqual(['604800000', '86400000', '3600000']);
  });
});
