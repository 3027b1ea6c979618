/**
 * Publishes events through the Dapr sidecar:
 * `POST http://127.0.0.1:<DAPR_HTTP_PORT>/v1.0/publish/<pubsub>/<topic>?metadata.partitionKey=<key>`.
 * The sidecar answers 204 (published), 400 (malformed), 403 (not allowed by
 * the component's scopes), 404 (no such pub/sub) or 500 (delivery failed);
 * each becomes a `DaprPublishError` whose `canRetry` follows the status.
 *
 * Partitioning trap (NOTES §5): Dapr's Kafka component hashes the partition
 * key with FNV-1a, the Java client with murmur2. Never publish one keyed topic
 * both ways; the direct Kafka publisher is the one the platform uses for
 * `task-events` and `task-updates`.
 * @see https://docs.dapr.io/reference/api/pubsub_api/
 */
import type { PlatformSpec } from '../../platform/index.js';
import { DaprPublishError } from './errors.js';
import { assertValidEvent } from './event-validation.js';
import { topicKeyField } from './event-topics.js';
import { httpPost, type HttpPostResponse } from './http-post.js';
import type { AnyEvent } from './events.js';
import { platformDefaults } from './platform-defaults.js';
import type { EventPublisher, PublishOptions, PublishResult } from './publisher.js';
import { eventKey } from './publisher.js';
import { retry, SPEC_RETRY_POLICY, type RetryPolicy } from './retry.js';

/** Time to wait for the sidecar's answer. @default 10 s */
export const DAPR_PUBLISH_TIMEOUT_MS = 10_000;

const STATUS_MEANING: Record<number, string> = {
  400: 'the sidecar rejected the request as malformed',
  403: "the component's scopes do not allow this app to publish to the topic",
  404: 'the sidecar has no pub/sub component of that name',
  500: 'the sidecar failed to deliver the message to the broker',
};

export interface DaprPublisherOptions {
  /** Sidecar HTTP port. @default 3500 */
  readonly httpPort: number;
  /** Name of the pub/sub component. @default the spec's `dapr.pubsubName` */
  readonly pubsubName: string;
  /** @default the specification's policy */
  readonly retry?: RetryPolicy;
  /** Where topic keys come from. @default the platform defaults */
  readonly spec?: PlatformSpec;
  /** @default `http://127.0.0.1` */
  readonly host?: string;
}

export class DaprEventPublisher implements EventPublisher {
  private readonly retry: RetryPolicy;
  private readonly spec: PlatformSpec;
  private readonly base: string;

  constructor(private readonly options: DaprPublisherOptions) {
    this.retry = options.retry ?? SPEC_RETRY_POLICY;
    this.spec = options.spec ?? platformDefaults();
    this.base = `${options.host ?? 'http://127.0.0.1'}:${options.httpPort}/v1.0/publish/${encodeURIComponent(options.pubsubName)}`;
  }

  /** The URL an event of `topic` with record key `key` is posted to. */
  publishUrl(topic: string, key: string | undefined, headers: Readonly<Record<string, string>> = {}): string {
    const query = new URLSearchParams();
    if (key !== undefined) query.set('metadata.partitionKey', key);
    for (const [name, value] of Object.entries(headers)) query.set(`metadata.${name}`, value);
    const text = query.toString();
    return `${this.base}/${encodeURIComponent(topic)}${text ? `?${text}` : ''}`;
  }

  async publish(topic: string, event: AnyEvent, options: PublishOptions = {}): Promise<PublishResult> {
    assertValidEvent(topic, event);
    const url = this.publishUrl(topic, eventKey(event, topicKeyField(topic, this.spec)), options.headers);
    await retry(this.retry, () => this.post(url, topic, event));
    return { topic };
  }

  async publishAll(topic: string, events: readonly AnyEvent[], options: PublishOptions = {}): Promise<PublishResult[]> {
    const results: PublishResult[] = [];
    // One by one: keeps per-key order, and the sidecar's bulk API is alpha.
    for (const event of events) results.push(await this.publish(topic, event, options));
    return results;
  }

  async close(): Promise<void> {}

  private async post(url: string, topic: string, event: AnyEvent): Promise<void> {
    let response: HttpPostResponse;
    try {
      response = await httpPost(url, JSON.stringify(event), {
        headers: { 'content-type': 'application/json' },
        timeoutMs: DAPR_PUBLISH_TIMEOUT_MS,
      });
    } catch (error) {
      throw new DaprPublishError(0, `publishing to ${topic} through the Dapr sidecar failed: no answer (${(error as Error).message})`, {
        cause: error,
      });
    }
    if (response.status === 204 || response.status === 200) return;
    const detail = response.body.slice(0, 500);
    const meaning = STATUS_MEANING[response.status] ?? 'unexpected answer';
    throw new DaprPublishError(
      response.status,
      `publishing to ${topic} through the Dapr sidecar failed: ${response.status}, ${meaning}${detail ? `: ${detail}` : ''}`,
    );
  }
}
