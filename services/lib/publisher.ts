/**
 * What a service uses to emit events, whichever way they travel: straight to
 * Kafka (`KafkaEventPublisher`) or through the Dapr sidecar
 * (`DaprEventPublisher`). Both validate the event against its topic's schema
 * first and key it by the topic's key field (`user_id`).
 */
import type { AnyEvent } from './events.js';

/** Where a published event landed. */
export interface PublishResult {
  readonly topic: string;
  /** Set by the Kafka publisher when the request wrote to one partition; the Dapr sidecar does not say. */
  readonly partition?: number;
}

export interface PublishOptions {
  /** Extra record headers (Kafka) or CloudEvent metadata (Dapr). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface EventPublisher {
  /**
   * Validates `event` as the event type of `topic` (throws `InvalidEventError`
   * before anything is sent), then publishes it keyed by the topic's key
   * field, retrying transient failures per the specification's rule.
   */
  publish(topic: string, event: AnyEvent, options?: PublishOptions): Promise<PublishResult>;
  /** Publishes several events of one topic in one request (order kept per key). */
  publishAll(topic: string, events: readonly AnyEvent[], options?: PublishOptions): Promise<PublishResult[]>;
  /** Flushes and closes; idempotent. */
  close(): Promise<void>;
}

/** The record key of `event` on a topic keyed by `keyField`, or undefined for unkeyed topics. */
export function eventKey(event: AnyEvent, keyField: string | null): string | undefined {
  if (keyField === null) return undefined;
  const value = (event as unknown as Record<string, unknown>)[keyField];
  return value === undefined || value === null ? undefined : String(value);
}
