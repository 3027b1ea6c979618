import type { TopicSpec } from './types.js';

/**
 * The topic-level Kafka configs of a topic, as every renderer writes them
 * (Strimzi `spec.config`, Redpanda `additionalConfig`, @pulumi/kafka `config`,
 * the local broker). Only overrides: keys left out fall back to broker defaults.
 */
export function topicConfig(topic: TopicSpec): Record<string, string> {
  return {
    'cleanup.policy': topic.cleanupPolicy,
    'min.insync.replicas': String(topic.minInsyncReplicas),
    'retention.ms': String(topic.retentionMs),
    ...topic.config,
  };
}
