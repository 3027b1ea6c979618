/**
 * Environment variables through which a service receives its configuration.
 * The Deployment renderer writes them and the services library reads them, so
 * both import these names from here.
 */
export const SERVICE_ENV = {
  serviceName: 'SERVICE_NAME',
  /** `kafka` or `dapr` (ServiceSpec.mode). */
  mode: 'KAFKA_MODE',
  bootstrapServers: 'KAFKA_BOOTSTRAP_SERVERS',
  securityProtocol: 'KAFKA_SECURITY_PROTOCOL',
  saslMechanism: 'KAFKA_SASL_MECHANISM',
  username: 'KAFKA_USERNAME',
  password: 'KAFKA_PASSWORD',
  consumerGroup: 'KAFKA_CONSUMER_GROUP',
  /** Comma-separated topics the service consumes. */
  topics: 'KAFKA_TOPICS',
  deadLetterTopic: 'KAFKA_DLQ_TOPIC',
  /** Largest record the dead-letter topic takes (`topicRecordLimit`); dead letters are fitted below it. */
  deadLetterMaxBytes: 'KAFKA_DLQ_MAX_MESSAGE_BYTES',
  port: 'PORT',
  /** Dapr pub/sub component the service subscribes and publishes through. */
  daprPubsubName: 'DAPR_PUBSUB_NAME',
  /** Sidecar HTTP port; Dapr injects it into the app container. */
  daprHttpPort: 'DAPR_HTTP_PORT',
  databaseUrl: 'DATABASE_URL',
  /** Dapr mode: the app API token the sidecar sends as `dapr-api-token` (from the Secret in dapr-app-token.ts). */
  appApiToken: 'APP_API_TOKEN',
} as const;

export type ServiceEnvName = (typeof SERVICE_ENV)[keyof typeof SERVICE_ENV];
