/**
 * Dapr mode: the sidecar consumes Kafka and POSTs each message to the app as a
 * CloudEvent (`application/cloudevents+json`; the event is in `data`). The app
 * answers 200 with `{"status":"SUCCESS"|"RETRY"|"DROP"}` (exact case):
 * SUCCESS when handled; RETRY when the failure may heal (the sidecar retries
 * under its Resiliency policy); DROP when the message can never be handled
 * (not JSON, invalid schema, a permanent error): the sidecar then writes it
 * to the subscription's dead-letter topic. Subscriptions are declarative
 * (Subscription resources), so `GET /dapr/subscribe` answers `[]`.
 * @see https://docs.dapr.io/reference/api/pubsub_api/#provide-routes-for-dapr-to-deliver-topic-events
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { daprRoutePath } from '../../platform/index.js';
import { canRetry, errorCode, MalformedMessageError } from './errors.js';
import { parseEvent } from './event-validation.js';
import { eventKindOfTopic } from './event-topics.js';
import type { EventKind } from './events.js';
import type { EventHandler } from './handler.js';
import { sendJson, type ServiceHttpServer } from './http-server.js';
import type { Logger } from './logger.js';
import type { ServiceMetrics } from './metrics.js';

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
  readonly handler: EventHandler;
  readonly metrics: ServiceMetrics;
  readonly log: Logger;
  /** Aborted at shutdown: new deliveries are answered RETRY. */
  readonly signal: AbortSignal;
  /** @default `eventKindOfTopic` */
  readonly eventKindOf?: (topic: string) => EventKind;
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
  http.route('GET', '/dapr/subscribe', (_request, _body, response) => sendJson(response, 200, []));
  for (const topic of options.topics) {
    const kind = kindOf(topic);
    http.route('POST', daprRoutePath(topic), (request, body, response) => deliver(topic, kind, request, body, response, options));
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
): Promise<void> {
  const { metrics, log, signal } = options;
  const answer = (status: DaprStatus) => sendJson(response, 200, { status });
  if (signal.aborted) {
    metrics.processed(topic, 'retry');
    return answer('RETRY');
  }
  let event;
  try {
    event = parseEvent(topic, cloudEventData(body), kind);
  } catch (err) {
    metrics.processed(topic, 'dead_letter');
    log.warn({ err, topic, code: errorCode(err) }, 'delivery dropped');
    return answer('DROP');
  }
  const started = performance.now();
  try {
    await options.handler.handle(event, {
      topic,
      partition: null,
      offset: null,
      key: null,
      headers: ceHeaders(request),
      attempt: 1,
      signal,
    });
  } catch (err) {
    const retryable = canRetry(err);
    metrics.processed(topic, retryable ? 'retry' : 'dead_letter');
    log.warn(
      { err, topic, eventId: event.event_id },
      retryable ? 'handling failed; asking the sidecar to retry' : 'handling failed for good; dropping',
    );
    return answer(retryable ? 'RETRY' : 'DROP');
  }
  metrics.observeHandling(topic, (performance.now() - started) / 1000);
  metrics.processed(topic, 'success');
  return answer('SUCCESS');
}
