/**
 * The spec's topics on the single local broker: same names, partitions and
 * topic-level configs as the manifests (`topicConfig`), with replication
 * capped at what one broker can hold.
 */
import type { Admin } from '@platformatic/kafka';
import { topicConfig, type PlatformSpec, type TopicSpec } from '../../platform/index.js';

/** Brokers in the local cluster: the upper bound of replication. */
export const LOCAL_BROKERS = 1;

/** A topic as the local broker creates it. */
export interface LocalTopic {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** `topicConfig(topic)`, with `min.insync.replicas` capped like the replication factor. */
  readonly configs: Readonly<Record<string, string>>;
  /** What differs from the spec and why, for the progress output. */
  readonly adjustments: readonly string[];
}

/**
 * Plans one topic for a cluster of `brokers` brokers. A replication factor
 * above the broker count cannot be created; `min.insync.replicas` above the
 * replication factor would refuse every `acks=all` write.
 */
export function localTopic(topic: TopicSpec, brokers = LOCAL_BROKERS): LocalTopic {
  const configs = { ...topicConfig(topic) };
  const adjustments: string[] = [];
  const replicationFactor = Math.min(topic.replicationFactor, brokers);
  if (replicationFactor !== topic.replicationFactor) {
    adjustments.push(`replication factor ${topic.replicationFactor} → ${replicationFactor} (single local broker)`);
  }
  const minIsr = Number(configs['min.insync.replicas']);
  if (Number.isFinite(minIsr) && minIsr > replicationFactor) {
    configs['min.insync.replicas'] = String(replicationFactor);
    adjustments.push(`min.insync.replicas ${minIsr} → ${replicationFactor}`);
  }
  return { name: topic.name, partitions: topic.partitions, replicationFactor, configs, adjustments };
}

/** Every topic of the spec, planned for the local broker. */
export function localTopics(spec: PlatformSpec, brokers = LOCAL_BROKERS): LocalTopic[] {
  return spec.topics.map((topic) => localTopic(topic, brokers));
}

/** Creates the topics one by one (each has its own configs). */
export async function createTopics(admin: Admin, topics: readonly LocalTopic[]): Promise<void> {
  for (const topic of topics) {
    await admin.createTopics({
      topics: [topic.name],
      partitions: topic.partitions,
      replicas: topic.replicationFactor,
      configs: Object.entries(topic.configs).map(([name, value]) => ({ name, value })),
    });
  }
}
