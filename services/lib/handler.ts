/**
 * The contract between the library and a service: a service is a
 * `ServiceDefinition` whose `start` returns a `ServiceHandler`. The library
 * decodes and validates each message, calls the handler, retries, dead-letters,
 * commits, counts and shuts down; the handler only does the business.
 */
import type { ServiceConfig } from './config.js';
import type { Env } from './env-reader.js';
import type { AnyEvent } from './events.js';
import type { ServiceHttpServer } from './http-server.js';
import type { Logger } from './logger.js';
import type { ServiceMetrics } from './metrics.js';
import type { EventPublisher } from './publisher.js';
import type { RetryPolicy } from './retry.js';

/** Where an event came from and how often it has been tried. */
export interface EventContext {
  readonly topic: string;
  /** Null in Dapr mode (the sidecar does not say). */
  readonly partition: number | null;
  /** Null in Dapr mode. */
  readonly offset: bigint | null;
  /** Record key (`user_id` on keyed topics). */
  readonly key: string | null;
  readonly headers: Readonly<Record<string, string>>;
  /**
   * The record value exactly as received, the UTF-8 JSON the event was
   * decoded from (Kafka mode), for handlers that store or forward the event
   * as text and need not serialize it again. Absent in Dapr mode.
   */
  readonly value?: Buffer;
  /** 1 on the first attempt in this process. */
  readonly attempt: number;
  /** Aborted when the service shuts down: long waits should stop early. */
  readonly signal: AbortSignal;
}

/** One decoded, valid event (or what its handler `keep`s of it) with its context. */
export interface ReceivedEvent<E = AnyEvent> {
  readonly event: E;
  readonly context: EventContext;
}

/**
 * Business logic of a service. What a thrown error does depends on its kind
 * (`classify`): a failure of a dependency (`TransientError`, a driver's
 * connection or timeout error, `pgError` of a connection SQLSTATE) holds the
 * event and retries it until it succeeds, never dead-lettering it; an error
 * whose `canRetry` is false (`PermanentError`: the event can never be handled)
 * dead-letters it at once; any other error is retried per the policy and then
 * dead-lettered. Handlers must be idempotent: delivery is at least once.
 */
export interface EventHandler<E extends AnyEvent = AnyEvent, K = E> {
  /**
   * Optional: what of a valid event the handler needs, taken as soon as the
   * event is validated; `handle` and `handleBatch` get that instead of the
   * event, and the rest of the decoded tree is garbage at once. A consumer
   * holds each event from its fetch until its batch commits (tens of
   * milliseconds, thousands of events), long enough for V8 to move all of it
   * into the old generation: a handler that needs a few fields (the audit
   * trail stores the record's own bytes) keeps the garbage collector from
   * copying the rest. `value` is the record's bytes (Kafka mode; undefined
   * in Dapr mode, where a handler that stores the event must keep it whole).
   * An error it throws dead-letters the event. @default the whole event
   */
  keep?(event: E, value: Buffer | undefined): K;
  /** Handles one event. */
  handle(event: K, context: EventContext): Promise<void>;
  /**
   * Optional: handles the valid events of one fetched batch (Kafka mode), in
   * partition order, all or nothing. When it fails because of an event, the
   * library falls back to one-event batches to find and dead-letter the event
   * at fault; when a dependency fails, it retries the batch as a whole.
   */
  handleBatch?(events: readonly ReceivedEvent<K>[]): Promise<void>;
  /**
   * Optional, for a handler that needs no order among its events (the audit
   * trail, whose rows are keyed by event id and land in any order): the Kafka
   * consumer runs up to this many handler calls at once and commits offsets
   * only up to the batches that all finished. Without it, one batch at a
   * time, in partition order. @default 1
   */
  readonly concurrentBatches?: number;
}

/** A handler as the library drives it, whatever its event type and what it keeps of each. */
export type AnyEventHandler = EventHandler<AnyEvent, unknown>;

/** What `ServiceDefinition.start` returns. */
export interface ServiceHandler<E extends AnyEvent = AnyEvent, K = E> extends EventHandler<E, K> {
  /** Extra readiness, e.g. the database pool is usable. @default always ready */
  isReady?(): boolean;
  /** Releases resources; called once, after consumption stopped and in-flight work finished. */
  close?(): Promise<void>;
}

/** What a service gets at start-up. */
export interface ServiceContext {
  readonly config: ServiceConfig;
  /** The environment the configuration was read from: read service-specific settings here, not from `process.env`. */
  readonly env: Env;
  readonly log: Logger;
  readonly metrics: ServiceMetrics;
  /** The service's HTTP server: add routes, readiness checks, `upgrade` listeners. */
  readonly http: ServiceHttpServer;
  /** The retry policy in force (the specification's unless overridden). */
  readonly retry: RetryPolicy;
  /** Aborted when shutdown begins. */
  readonly signal: AbortSignal;
  /**
   * The publisher of the service's mode, created on first use and closed by
   * the library after the handler: direct Kafka in `kafka` mode (needs
   * `KAFKA_BOOTSTRAP_SERVERS`), the Dapr sidecar in `dapr` mode.
   */
  publisher(): EventPublisher;
}

/** A service: its name in the platform spec and how to build its handler. */
export interface ServiceDefinition<E extends AnyEvent = AnyEvent, K = E> {
  /** Name in the platform spec, e.g. `audit`. */
  readonly name: string;
  /** Opens what the handler needs (database pools, migrations) and returns it. */
  start(context: ServiceContext): Promise<ServiceHandler<E, K>>;
}
