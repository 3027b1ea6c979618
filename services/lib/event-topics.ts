/**
 * Which event type each topic carries and which field is its record key. The
 * key comes from the platform spec (`TopicSpec.key`), the same place the
 * topic's partition count and retention come from.
 */
import type { PlatformSpec } from '../../platform/index.js';
import { platformDefaults } from './platform-defaults.js';
import type { EventKind } from './events.js';

/** The event type of each events topic of the specification, by topic name. */
export const TOPIC_EVENT_KINDS: Readonly<Record<string, EventKind>> = {
  'task-events': 'task-event',
  reminders: 'reminder',
  'task-updates': 'task-update',
};

/** The event type `topic` carries; throws for a topic that carries none (a dead-letter topic, a typo). */
export function eventKindOfTopic(topic: string): EventKind {
  const kind = TOPIC_EVENT_KINDS[topic];
  if (kind === undefined) {
    throw new Error(
      `topic ${JSON.stringify(topic)} carries no known event type; expected one of ${Object.keys(TOPIC_EVENT_KINDS).join(', ')}`,
    );
  }
  return kind;
}

/**
 * The event field whose value is the record key of `topic` (`user_id` for
 * `task-events` and `task-updates`), or null when the topic is unkeyed.
 * Topics missing from the spec are unkeyed.
 */
export function topicKeyField(topic: string, spec: PlatformSpec = platformDefaults()): string | null {
  return spec.topics.find((t) => t.name === topic)?.key ?? null;
}
