/**
 * The shared library of the event services. A service is a
 * `ServiceDefinition` started with `runService`; everything else here is what
 * it is built from.
 */
export {
  ServiceError,
  MalformedMessageError,
  InvalidEventError,
  TransientError,
  PermanentError,
  ServiceConfigError,
  DaprPublishError,
  canRetry,
  errorCode,
  errorMessage,
  FAILURE_KINDS,
  type FailureKind,
  type ServiceErrorOptions,
} from './errors.js';
export {
  classify,
  classifySqlstate,
  isDependencyFailure,
  sqlstateOf,
  NETWORK_ERROR_CODES,
  PG_DEPENDENCY_SQLSTATES,
  KAFKA_MESSAGE_ERRORS,
  type Classification,
} from './classify.js';
export { DependencyHealth, type DependencyHealthOptions } from './dependency-health.js';
export { retry, retryPolicyFromSpec, backoffDelayMs, sleep, SPEC_RETRY_POLICY, type RetryPolicy, type RetryAttemptInfo } from './retry.js';
export {
  TASK_EVENT_TYPES,
  EVENT_SOURCES,
  RECURRENCE_FREQUENCIES,
  REMINDER_TYPES,
  TASK_UPDATE_TYPES,
  normalizeRecurrence,
  type IsoDateTime,
  type TaskEventType,
  type EventSource,
  type RecurrenceFrequency,
  type Recurrence,
  type TaskData,
  type EventMetadata,
  type TaskEvent,
  type ReminderType,
  type ReminderEvent,
  type TaskUpdateType,
  type TaskSnapshot,
  type TaskUpdateEvent,
  type EventKind,
  type EventsByKind,
  type AnyEvent,
} from './events.js';
export { eventProblems, assertValidEvent, parseEvent } from './event-validation.js';
export { TOPIC_EVENT_KINDS, eventKindOfTopic, topicKeyField } from './event-topics.js';
export { platformDefaults, defaultServiceSpec } from './platform-defaults.js';
export { EnvReader, type Env } from './env-reader.js';
export {
  LOCAL_DIR_ENV,
  localDir,
  localServiceEnvironment,
  parseEnvFile,
  serviceEnvFile,
  type LocalEnvironment,
} from './local-environment.js';
export { createPgPool, pgError, isRetryablePgError, classifyPgError, PG_POOL_DEFAULTS } from './postgres.js';
export {
  loadServiceConfig,
  describeConfig,
  redactUrl,
  KAFKA_SECURITY_PROTOCOLS,
  SASL_MECHANISMS,
  SERVICE_MODES,
  DEFAULT_DAPR_HTTP_PORT,
  type KafkaSecurityProtocol,
  type KafkaConnectionConfig,
  type ServiceConfig,
} from './config.js';
export { createLogger, serializeError, LOG_LEVELS, type Logger, type LogLevel, type LogFields, type LoggerOptions } from './logger.js';
export { murmur2, toPositive, partitionForKey, javaCompatiblePartitioner } from './partitioner.js';
export { kafkaClientOptions, KAFKA_TIMEOUTS } from './kafka-options.js';
export { eventKey, type EventPublisher, type PublishOptions, type PublishResult } from './publisher.js';
export { KafkaEventPublisher, createKafkaProducer, type KafkaProducer, type RawRecord } from './kafka-publisher.js';
export { httpPost, type HttpPostOptions, type HttpPostResponse } from './http-post.js';
export { DaprEventPublisher, DAPR_PUBLISH_TIMEOUT_MS, type DaprPublisherOptions } from './dapr-publisher.js';
export { deadLetterEnvelope, DEAD_LETTER_HEADERS, type DeadLetterEnvelope, type RawMessage } from './dead-letter.js';
export { ServiceMetrics, HANDLING_SECONDS_BUCKETS } from './metrics.js';
export { ServiceHttpServer, sendJson, HEALTH_PATHS, MAX_BODY_BYTES, type RouteHandler } from './http-server.js';
export {
  MessageProcessor,
  ShutdownInterruptedError,
  partitionKeyOf,
  type MessageProcessorOptions,
  type HandleOptions,
  type BatchOutcome,
  type PreparedBatch,
} from './message-processor.js';
export { PartitionTracker, generationOf, type CommitOffset, type AssignmentChange, type AdmissionCounts } from './partition-tracker.js';
export { kafkaClient, loadKafkaClient, kafkaClientLoaded, type KafkaClientModule } from './kafka-client.js';
export {
  KafkaConsumerRunner,
  DEFAULT_CONSUMER_TUNING,
  MAX_FETCH_BYTES,
  consumerFetchOptions,
  type KafkaConsumerTuning,
  type KafkaConsumerRunnerOptions,
} from './kafka-consumer.js';
export { toRawMessage } from './kafka-raw-message.js';
export { mountDaprSubscriber, cloudEventData, type DaprStatus, type CloudEvent, type DaprSubscriberOptions } from './dapr-subscriber.js';
export type {
  AnyEventHandler,
  EventContext,
  ReceivedEvent,
  EventHandler,
  ServiceHandler,
  ServiceContext,
  ServiceDefinition,
} from './handler.js';
export { runService, SHUTDOWN_TIMEOUT_MS, type RunServiceOptions, type RunningService } from './service.js';
