/**
 * Dapr mode: the sidecar consumes Kafka and POSTs each message to the app as a
 * CloudEvent (`application/cloudevents+json`; the event is in `data`). The app
 * answers 200 with `{"status":"SUCCESS"|"RETRY"|"DROP"}` (exact case), the
 * same split as Kafka mode (`classify`):
 *
 * - SUCCESS when handled;
 * - RETRY at once for a dependency failure (database, broker, webhook down or
 *   refusing credentials): the sidecar retries under the Resiliency policy,
 *   which retries inbound deliveries for ever behind a circuit breaker
 *   (charts/dapr/resiliency.ts), so the event waits for the dependency and is
 *   never dead-lettered;
 * - DROP for a message failure, after the specification's 3 attempts made
 *   here (at once when `canRetry` is false: not JSON, invalid schema, a
 *   poison message): the sidecar writes it to the Subscription's
 *   `deadLetterTopic`. Dropping after the app's own attempts is what keeps the
 *   never-ending inbound retry from blocking a partition behind a poison message.
 *
 * Subscriptions are declarative (Subscription resources), so `GET /dapr/subscribe` answers `[]`.
 * @see https://docs.dapr.io/reference/api/pubsub_api/#provide-routes-for-dapr-to-deliver-topic-events
 * @see https://docs.dapr.io/developing-applications/building-blocks/pubsub/pubsub-deadletter/
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { daprRoutePath } from '../../platform/index.js';
import { classify } from './classify.js';
import { DaprDeliveryGuard } from './dapr-guard.js';
import type { DependencyHealth } from './dependency-health.js';
import { errorCode, MalformedMessageError } from './errors.js';
import { parseEvent } from './event-validation.js';
import { eventKindOfTopic } from './event-topics.js';
import type { EventKind } from './events.js';
import type { AnyEventHandler } from './handler.js';
import { sendJson, type ServiceHttpServer } from './http-server.js';
import type { Logger } from './logger.js';
import type { ServiceMetrics } from './metrics.js';
import { backoffDelayMs, sleep, SPEC_RETRY_POLICY, type RetryPolicy } from './retry.js';

/** The answers the sidecar understands. */
export type DaprStatus = 'SUCCESS' | 'RETRY' | 'DROP';

/** The CloudEvent fields the app reads. */
export interface CloudEvent {
  readonly id?: string;
  readonly source?: string;
  readonly type?: string;
  readonly specversion?: string;
  readonly datacontenttype?: string;
  readonly data?: unknown;
  readonly data_base64?: string;
  readonly topic?: string;
  readonly pubsubname?: string;
  readonly traceparent?: string;
}

export interface DaprSubscriberOptions {
  readonly topics: readonly string[];
  readonly handler: AnyEventHandler;
  readonly metrics: ServiceMetrics;
  readonly log: Logger;
  /** Aborted at shutdown: new deliveries are answered RETRY. */
  readonly signal: AbortSignal;
  /** @default `eventKindOfTopic` */
  readonly eventKindOf?: (topic: string) => EventKind;
  /** Attempts and backoff of message failures before DROP. @default the specification's (3 attempts, 1 s to 10 s) */
  readonly retry?: RetryPolicy;
  /** Where dependency failures and recoveries are reported. @default none */
  readonly health?: DependencyHealth;
  /** The token the sidecar sends as `dapr-api-token`; a delivery without it is answered 401 (dapr-guard.ts). */
  readonly appApiToken: string;
  /** Deliveries handled at once; more are answered 429 with `Retry-After`, which the sidecar retries. */
  readonly maxConcurrentDeliveries: number;
}

/** The event JSON carried by a CloudEvent delivery body. Throws `MalformedMessageError` when there is none. */
export function cloudEventData(body: Buffer): string {
  let envelope: unknown;
  try {
    envelope = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new MalformedMessageError(`delivery body is not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) {
    throw new MalformedMessageError('delivery body is not a CloudEvent object');
  }
  const ce = envelope as CloudEvent;
  if (ce.specversion === undefined) return JSON.stringify(envelope); // raw payload (rawPayload=true subscriptions)
  if (typeof ce.data_base64 === 'string') return Buffer.from(ce.data_base64, 'base64').toString('utf8');
  if (ce.data === undefined || ce.data === null) throw new MalformedMessageError('CloudEvent has no data');
  // A publisher that sent text (not application/json) gets its payload as a JSON string.
  return typeof ce.data === 'string' ? ce.data : JSON.stringify(ce.data);
}

/** Mounts one delivery route per topic (`/events/<topic>`) and `GET /dapr/subscribe`. */
export function mountDaprSubscriber(http: ServiceHttpServer, options: DaprSubscriberOptions): void {
  const kindOf = options.eventKindOf ?? eventKindOfTopic;
  const failing = new Set<string>();
  const guard = new DaprDeliveryGuard(options);
  http.route('GET', '/dapr/subscribe', (_request, _body, response) => sendJson(response, 200, []));
  for (const topic of options.topics) {
    const kind = kindOf(topic);
    http.route(
      'POST',
      daprRoutePath(topic),
      (request, body, response) => deliver(topic, kind, request, body, response, options, failing),
      guard.routeOptions(topic),
    );
  }
}

/** Trace and CloudEvent headers the sidecar sets, for handlers that log or propagate them. */
function ceHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string' && (name.startsWith('ce-') || name === 'traceparent' || name === 'tracestate')) headers[name] = value;
  }
  return headers;
}

async function deliver(
  topic: string,
  kind: EventKind,
  request: IncomingMessage,
  body: Buffer,
  response: ServerResponse,
  options: DaprSubscriberOptions,
  failing: Set<string>,
): Promise<void> {
  const { metrics, log, signal, health } = options;
  const policy = options.retry ?? SPEC_RETRY_POLICY;
  const answer = (status: DaprStatus) => sendJson(response, 200, { status });
  if (signal.aborted) {
    metrics.processed(topic, 'retry');
    return answer('RETRY');
  }
  let eventId: string;
  let event: unknown;
  try {
    const parsed = parseEvent(topic, cloudEventData(body), kind);
    eventId = parsed.event_id;
    // The sidecar hands over the decoded data, not the record's bytes.
    event = options.handler.keep ? options.handler.keep(parsed, undefined) : parsed;
  } catch (err) {
    metrics.processed(topic, 'dead_letter');
    log.warn({ err, topic, code: errorCode(err) }, 'delivery dropped');
    return answer('DROP');
  }
  const headers = ceHeaders(request);
  for (let attempt = 1; ; attempt++) {
    const started = performance.now();
    try {
      await options.handler.handle(event, { topic, partition: null, offset: null, key: null, headers, attempt, signal });
    } catch (err) {
      const failure = classify(err);
      if (failure.kind === 'dependency') {
        const dependency = failure.dependency ?? 'unknown';
        failing.add(dependency);
        health?.failed(dependency, err);
        metrics.processed(topic, 'retry');
        log.warn({ err, topic, eventId, dependency }, 'a dependency failed; asking the sidecar to retry');
        return answer('RETRY');
      }
      if (failure.canRetry && attempt < policy.attempts && !signal.aborted) {
        const delayMs = backoffDelayMs(policy, attempt);
        metrics.processed(topic, 'retry');
        log.warn({ err, topic, eventId, attempt, delayMs }, 'handling failed; retrying');
        await sleep(delayMs, signal);
        if (!signal.aborted) continue;
      }
      if (signal.aborted && failure.canRetry) {
        // Shutting down mid-retries: the sidecar redelivers, and the next process judges it afresh.
        metrics.processed(topic, 'retry');
        return answer('RETRY');
      }
      metrics.processed(topic, 'dead_letter');
      log.warn({ err, topic, eventId, attempts: attempt }, 'handling failed for good; dropping to the dead-letter topic');
      return answer('DROP');
    }
    metrics.observeHandling(topic, (performance.now() - started) / 1000);
    metrics.processed(topic, 'success');
    for (const dependency of failing) health?.recovered(dependency);
    failing.clear();
    return answer('SUCCESS');
  }
}
