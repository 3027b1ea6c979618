/**
 * Prometheus metric names, label names and label values shared by the code
 * that exposes metrics (the services) and the code that reads them (alert
 * rules, dashboards, scrape configs). A rename here changes both sides at once.
 */

/** Metrics every service exposes on `ServiceSpec.port` at `METRICS_PATH`. */
export const SERVICE_METRICS = {
  /**
   * Counter of messages a service finished handling, labelled
   * `{service, topic, outcome}`; `outcome` is one of `MESSAGE_OUTCOMES`.
   */
  messagesProcessed: 'todo_events_messages_processed_total',
  /**
   * Histogram of handling time per message, labelled `{service, topic}`
   * (seconds): one observation per message, its share of the handler call
   * that completed it (a batch's duration divided by its messages).
   */
  handlingSeconds: 'todo_events_message_handling_seconds',
  /**
   * Gauge of the lag the service sees itself, labelled `{service, topic, partition}`.
   * Alerts use the broker-side lag instead: it is still reported when the service is down.
   */
  consumerLag: 'todo_events_consumer_lag',
  /**
   * Gauge, 1 while the service reaches a dependency and 0 while it holds
   * messages because the dependency fails (database, broker, webhook down or
   * refusing credentials), labelled `{service, dependency}`; `dependency` is
   * one of `DEPENDENCIES` or another name a driver reports.
   */
  dependencyUp: 'todo_events_dependency_up',
  /** Counter of failed attempts caused by a dependency, labelled `{service, dependency}`. */
  dependencyFailures: 'todo_events_dependency_failures_total',
} as const;

/** `dependency` label values the library reports. */
export const DEPENDENCIES = ['postgres', 'kafka', 'webhook', 'dapr', 'network'] as const;

/** Label names of `SERVICE_METRICS`. */
export const METRIC_LABELS = {
  /** The service's app id (`ServiceSpec.appId`, e.g. `audit-service`): also Dapr's `app_id` and the consumer group. */
  service: 'service',
  /** Kafka topic name. */
  topic: 'topic',
  /** Kafka partition number, as a string. */
  partition: 'partition',
  /** How handling ended: one of `MESSAGE_OUTCOMES`. */
  outcome: 'outcome',
  /** What failed: `DEPENDENCIES`. */
  dependency: 'dependency',
} as const;

/**
 * `outcome` label values. `success`: handled and committed. `retry`: handling
 * failed with a retryable error and the message will be delivered again.
 * `dead_letter`: given up on and written to the dead-letter topic.
 * `error`: failed and could not even be dead-lettered.
 */
export const MESSAGE_OUTCOMES = ['success', 'retry', 'dead_letter', 'error'] as const;
export type MessageOutcome = (typeof MESSAGE_OUTCOMES)[number];

/** Outcomes that count as failures in the error-ratio alert and dashboards. */
export const FAILED_OUTCOMES: readonly MessageOutcome[] = ['retry', 'dead_letter', 'error'];

/** HTTP path of the Prometheus endpoint of the services (on `ServiceSpec.port`). */
export const METRICS_PATH = '/metrics';

/** Port of the Dapr sidecar's Prometheus endpoint (`dapr.io/metrics-port`). */
export const DAPR_METRICS_PORT = 9090;

/**
 * HTTP path of the Dapr sidecar's Prometheus endpoint: daprd serves its
 * metrics on `/` (and so on any path below it).
 * @see https://github.com/dapr/dapr/blob/master/pkg/metrics/exporter.go
 */
export const DAPR_METRICS_PATH = '/';

/** Metrics of the Dapr sidecar (daprd) for pub/sub. */
export const DAPR_METRICS = {
  /**
   * Counter of deliveries to the app, labelled
   * `{app_id, component, namespace, process_status, status, topic}`.
   */
  pubsubIngress: 'dapr_component_pubsub_ingress_count',
  /** Counter of publishes through the sidecar, labelled `{app_id, component, namespace, success, topic}`. */
  pubsubEgress: 'dapr_component_pubsub_egress_count',
} as const;

/** `process_status` values of `DAPR_METRICS.pubsubIngress`: what the app answered. */
export const DAPR_PROCESS_STATUSES = ['success', 'retry', 'drop'] as const;
export type DaprProcessStatus = (typeof DAPR_PROCESS_STATUSES)[number];
