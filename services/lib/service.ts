/**
 * Runs a service: configuration, logging, metrics, the HTTP server, the
 * consumer of its mode, and graceful shutdown. On SIGTERM/SIGINT it stops
 * fetching, lets in-flight work finish, commits, and closes every client
 * (`close` is idempotent and safe to call twice).
 */
import { describeConfig, loadServiceConfig, type ServiceConfig } from './config.js';
import { mountDaprSubscriber } from './dapr-subscriber.js';
import { DaprEventPublisher } from './dapr-publisher.js';
import { DeadLetterWriter, type DeadLetterEnvelope } from './dead-letter.js';
import { DependencyHealth } from './dependency-health.js';
import type { Env } from './env-reader.js';
import { SERVICE_ENV } from '../../platform/index.js';
import { ServiceConfigError } from './errors.js';
import { TOPIC_EVENT_KINDS } from './event-topics.js';
import type { AnyEvent, EventKind } from './events.js';
import type { ServiceContext, ServiceDefinition, ServiceHandler } from './handler.js';
import { ServiceHttpServer } from './http-server.js';
import { KafkaConsumerRunner, type KafkaConsumerTuning } from './kafka-consumer.js';
import { KafkaEventPublisher } from './kafka-publisher.js';
import { createLogger, type Logger } from './logger.js';
import { MessageProcessor } from './message-processor.js';
import { ServiceMetrics } from './metrics.js';
import type { EventPublisher } from './publisher.js';
import { SPEC_RETRY_POLICY, type RetryPolicy } from './retry.js';

export interface RunServiceOptions {
  /** Environment to read. @default process.env */
  readonly env?: Env;
  /** A ready configuration instead of reading `env`. */
  readonly config?: ServiceConfig;
  /** @default the specification's policy (3 attempts, 1 s to 10 s) */
  readonly retry?: RetryPolicy;
  /** Close on SIGTERM and SIGINT, then exit. @default false (the `run.ts` entry sets it) */
  readonly handleSignals?: boolean;
  /** @default JSON lines on stdout */
  readonly logger?: Logger;
  /** Consumer knobs (Kafka mode). */
  readonly tuning?: Partial<KafkaConsumerTuning>;
  /**
   * Event types of topics whose names are not the specification's (a stack
   * that renames a topic, a test on a private topic), by topic name.
   * @default none: `TOPIC_EVENT_KINDS` decides
   */
  readonly eventKinds?: Readonly<Record<string, EventKind>>;
}

/** A started service. */
export interface RunningService {
  readonly config: ServiceConfig;
  /** The bound HTTP port (useful with `PORT=0`). */
  readonly port: number;
  readonly metrics: ServiceMetrics;
  readonly http: ServiceHttpServer;
  readonly log: Logger;
  /** Dependencies the service currently cannot use (also `/readyz` and the dependency gauge). */
  readonly health: DependencyHealth;
  /** What `/readyz` answers. */
  isReady(): boolean;
  /** Graceful shutdown; idempotent. */
  close(): Promise<void>;
}

/** Time allowed for a graceful shutdown before the process exits anyway. @default 25 s (below Kubernetes' 30 s grace period) */
export const SHUTDOWN_TIMEOUT_MS = 25_000;

function checkTopics(config: ServiceConfig, kinds: Readonly<Record<string, EventKind>>): void {
  const problems = config.topics
    .filter((topic) => kinds[topic] === undefined)
    .map((topic) => `KAFKA_TOPICS: ${JSON.stringify(topic)} carries no known event type; use ${Object.keys(TOPIC_EVENT_KINDS).join(', ')}`);
  if (problems.length > 0) throw new ServiceConfigError(config.name, problems);
}

/** The app API token of a Dapr-mode service; without one no delivery could be authenticated, so none is served. */
function requireAppApiToken(config: ServiceConfig): string {
  if (config.appApiToken) return config.appApiToken;
  throw new ServiceConfigError(config.name, [
    `${SERVICE_ENV.appApiToken}: is not set; Dapr mode refuses every delivery without the sidecar's token, so it needs one`,
  ]);
}

/** Starts `definition` and resolves once its HTTP server listens and its consumer is starting. */
export async function runService<E extends AnyEvent, K = E>(
  definition: ServiceDefinition<E, K>,
  options: RunServiceOptions = {},
): Promise<RunningService> {
  const env = options.env ?? process.env;
  const config = options.config ?? loadServiceConfig(definition.name, env);
  const kinds = { ...TOPIC_EVENT_KINDS, ...options.eventKinds };
  checkTopics(config, kinds);
  const eventKindOf = (topic: string): EventKind => kinds[topic]!;
  const log = options.logger ?? createLogger({ bindings: { service: config.appId } });
  const retry = options.retry ?? SPEC_RETRY_POLICY;
  const metrics = new ServiceMetrics(config.appId);
  const http = new ServiceHttpServer(log, metrics, { maxBodyBytes: config.http.maxBodyBytes });
  const shutdown = new AbortController();
  // In Dapr mode the sidecar pauses deliveries while /readyz fails, so a failure must lapse by itself.
  const health = new DependencyHealth(metrics, log, { holdMs: config.mode === 'dapr' ? retry.maxDelayMs : undefined });
  if (config.mode === 'kafka') health.declare('kafka');
  if (config.databaseUrl !== null) health.declare('postgres');
  // Not ready while messages are held because a dependency fails; the consumer keeps its partitions meanwhile.
  http.readinessCheck('dependencies', () => health.allUp());

  let publisher: EventPublisher | undefined;
  const context: ServiceContext = {
    config,
    env,
    log,
    metrics,
    http,
    retry,
    signal: shutdown.signal,
    publisher: () => {
      if (publisher) return publisher;
      if (config.mode === 'dapr') {
        publisher = new DaprEventPublisher({ httpPort: config.dapr.httpPort, pubsubName: config.dapr.pubsubName, retry });
      } else {
        if (config.kafka === null) throw new ServiceConfigError(config.name, ['KAFKA_BOOTSTRAP_SERVERS: is not set; publishing needs it']);
        publisher = new KafkaEventPublisher(config.kafka, config.appId, undefined, retry);
      }
      return publisher;
    },
  };

  const handler: ServiceHandler<E, K> = await definition.start(context);
  const handlerReady = () => handler.isReady?.() ?? true;
  http.readinessCheck('handler', handlerReady);

  let runner: KafkaConsumerRunner | undefined;
  let deadLetters: KafkaEventPublisher | undefined;
  if (config.mode === 'kafka') {
    if (config.kafka === null) throw new ServiceConfigError(config.name, ['KAFKA_BOOTSTRAP_SERVERS: is not set; kafka mode needs it']);
    const dlq = new KafkaEventPublisher(config.kafka, `${config.appId}-dlq`, undefined, retry);
    deadLetters = dlq;
    const dlqWriter = new DeadLetterWriter(dlq, config.deadLetterTopic, config.deadLetterMaxBytes);
    const processor = new MessageProcessor({
      service: config.appId,
      handler: handler as ServiceHandler,
      retry,
      metrics,
      log,
      signal: shutdown.signal,
      eventKindOf,
      health,
      // Every letter fitted to the dead-letter topic's limit; throws DeadLetterWriteError when it could not write.
      deadLetter: (letters: readonly DeadLetterEnvelope[]) => dlqWriter.write(letters),
    });
    runner = new KafkaConsumerRunner({ config, processor, log, metrics, retry, tuning: options.tuning, health });
    const consumer = runner;
    http.readinessCheck('kafka', () => consumer.isReady());
  } else {
    mountDaprSubscriber(http, {
      topics: config.topics,
      handler: handler as ServiceHandler,
      metrics,
      log,
      signal: shutdown.signal,
      eventKindOf,
      retry,
      health,
      appApiToken: requireAppApiToken(config),
      maxConcurrentDeliveries: config.http.maxConcurrentDeliveries,
    });
  }

  const port = await http.listen(config.port);
  log.info({ config: describeConfig(config), port, retry, node: process.version }, 'service started');
  runner?.start();

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      log.info('shutting down: stop fetching, finish in-flight work, commit, close');
      shutdown.abort();
      await runner?.stop();
      await http.close();
      await handler.close?.();
      await Promise.all([publisher?.close(), deadLetters?.close()]);
      log.info('service stopped');
    })();
    return closing;
  };

  if (options.handleSignals) {
    const onSignal = (signal: NodeJS.Signals) => {
      log.info({ signal }, 'signal received');
      setTimeout(() => {
        log.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'graceful shutdown timed out; exiting');
        process.exit(1);
      }, SHUTDOWN_TIMEOUT_MS).unref();
      close().then(
        () => process.exit(0),
        (err: unknown) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }

  return {
    config,
    port,
    metrics,
    http,
    log,
    health,
    isReady: () => http.notReady().length === 0,
    close,
  };
}
