/**
 * How large a record a topic takes, for writers that must never exceed it
 * (the dead letters of the services: a dead letter that cannot be written
 * blocks its partition).
 */
import { byName } from './by-name.js';
import type { PlatformSpec } from './types.js';

/**
 * Kafka's default `max.message.bytes` of a topic (the broker's
 * `message.max.bytes`): 1048588, one MiB plus the 12-byte log overhead of a
 * record batch. Redpanda's `kafka_batch_max_bytes` defaults to 1 MiB, less.
 * @see https://kafka.apache.org/documentation/#topicconfigs_max.message.bytes
 * @see https://docs.redpanda.com/current/reference/properties/cluster-properties/#kafka_batch_max_bytes
 */
export const KAFKA_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

/**
 * The largest record (record batch) a service may write to `topic`: the
 * topic's `max.message.bytes` (Kafka's default when the spec sets none) or
 * Dapr's `maxMessageBytes`, whichever is smaller, so the topic is safe for
 * the sidecar's dead letters too.
 */
export function topicRecordLimit(spec: Pick<PlatformSpec, 'topics' | 'dapr'>, topic: string): number {
  const configured = byName(spec.topics, topic)?.config['max.message.bytes'];
  const topicLimit = configured !== undefined && /^\d+$/.test(configured) ? Number(configured) : KAFKA_DEFAULT_MAX_MESSAGE_BYTES;
  return Math.min(topicLimit, spec.dapr.maxMessageBytes);
}
