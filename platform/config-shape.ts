/**
 * The accepted shape of the platform config, as data: which keys exist and
 * what type each holds. The structural check walks it to report unknown keys
 * (typos) and wrong types with their paths.
 */

export type Shape =
  | { readonly kind: 'object'; readonly fields: Readonly<Record<string, Shape>> }
  | { readonly kind: 'map'; readonly value: Shape; readonly nullable: boolean; readonly keyHint: string }
  | { readonly kind: 'list'; readonly item: Shape }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'scalar'; readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'duration' | 'config-value' }
  | { readonly kind: 'nullable'; readonly shape: Shape };

const object = (fields: Record<string, Shape>): Shape => ({ kind: 'object', fields });
const map = (value: Shape, keyHint: string): Shape => ({ kind: 'map', value, nullable: true, keyHint });
const list = (item: Shape): Shape => ({ kind: 'list', item });
const oneOf = (...values: string[]): Shape => ({ kind: 'enum', values });
const nullable = (shape: Shape): Shape => ({ kind: 'nullable', shape });
const str: Shape = { kind: 'scalar', type: 'string' };
const int: Shape = { kind: 'scalar', type: 'integer' };
const num: Shape = { kind: 'scalar', type: 'number' };
const bool: Shape = { kind: 'scalar', type: 'boolean' };
const duration: Shape = { kind: 'scalar', type: 'duration' };
const configValue: Shape = { kind: 'scalar', type: 'config-value' };

const quantities = object({ cpu: str, memory: str });
const operatorChart = object({ chart: str, repository: nullable(str), version: str });
const resources = object({ requests: quantities, limits: quantities });
/** Kubernetes labels; a `null` value removes a default label. */
const labels: Shape = { kind: 'map', value: str, nullable: true, keyHint: 'a Kubernetes label key such as release' };

export const PLATFORM_SHAPE: Shape = object({
  namespaces: object({
    kafka: str,
    apps: str,
    ownership: object({ kafka: oneOf('owned', 'adopted'), apps: oneOf('owned', 'adopted') }),
  }),
  cluster: object({
    flavor: oneOf('strimzi', 'redpanda', 'external', 'confluent-cloud'),
    name: str,
    version: str,
    brokers: int,
    controllers: int,
    storage: object({ size: str, storageClass: nullable(str) }),
    resources,
    tls: bool,
    saslMechanism: oneOf('SCRAM-SHA-256', 'SCRAM-SHA-512', 'PLAIN'),
    bootstrapServers: str,
    externalAccess: bool,
    confluent: object({ environmentId: str, clusterId: str, restEndpoint: str }),
  }),
  protectTopics: bool,
  topicDefaults: object({
    replicationFactor: int,
    minInsyncReplicas: int,
    cleanupPolicy: oneOf('delete', 'compact', 'compact,delete'),
  }),
  topics: map(
    object({
      name: str,
      partitions: int,
      replicationFactor: int,
      minInsyncReplicas: int,
      retention: duration,
      retentionFloor: nullable(duration),
      cleanupPolicy: oneOf('delete', 'compact', 'compact,delete'),
      key: nullable(str),
      role: oneOf('events', 'dead-letter'),
      config: { kind: 'map', value: configValue, nullable: false, keyHint: 'a Kafka topic config such as segment.bytes' },
      expectedMessagesPerSecond: nullable(num),
      activeHoursUtc: nullable(object({ from: int, to: int })),
      unused: bool,
    }),
    'a topic name',
  ),
  images: object({
    registry: str,
    tag: str,
    digests: { kind: 'map', value: str, nullable: false, keyHint: 'a service name, kafka-exporter or redpanda-console' },
  }),
  services: map(
    object({
      image: str,
      replicas: int,
      mode: oneOf('dapr', 'kafka'),
      consumes: list(str),
      produces: list(str),
      deadLetterTopic: str,
      port: int,
      resources,
      database: bool,
      lagThreshold: int,
      fanOut: bool,
      env: { kind: 'map', value: str, nullable: false, keyHint: 'an environment variable name' },
      secretEnv: {
        kind: 'map',
        value: object({ secret: str, key: str }),
        nullable: false,
        keyHint: 'an environment variable name',
      },
      egress: list(object({ port: int, namespace: str })),
      ingress: nullable(
        object({
          host: str,
          className: nullable(str),
          tlsSecret: nullable(str),
          controllerNamespace: str,
          annotations: { kind: 'map', value: str, nullable: false, keyHint: 'an annotation name' },
        }),
      ),
    }),
    'a service name',
  ),
  producers: map(object({ produces: list(str) }), 'a producer name'),
  retry: object({ maxAttempts: int, initialIntervalMs: int, maxIntervalMs: int }),
  dapr: object({
    enabled: bool,
    pubsubName: str,
    maxMessageBytes: int,
    initialOffset: oneOf('newest', 'oldest'),
    ha: bool,
    scheduler: object({ replicas: int, storageSize: str, storageClass: nullable(str) }),
  }),
  monitoring: object({
    enabled: bool,
    lagThreshold: int,
    errorRatio: num,
    errorMinMessagesPerHour: num,
    partitionSkewRatio: num,
    forMinutes: int,
    runbookBaseUrl: str,
    prometheusOperator: bool,
    selectorLabels: labels,
    dashboards: object({ namespace: nullable(str), labels }),
  }),
  operators: object({ strimzi: operatorChart, redpanda: operatorChart, dapr: operatorChart }),
  gitops: object({
    externalSecrets: nullable(
      object({ store: str, kind: oneOf('ClusterSecretStore', 'SecretStore'), remoteKeyPrefix: str, refreshInterval: str }),
    ),
  }),
  acknowledge: object({
    partitionIncrease: { kind: 'map', value: int, nullable: false, keyHint: 'a topic name' },
    replicationChange: { kind: 'map', value: int, nullable: false, keyHint: 'a topic name' },
    cleanupPolicyChange: { kind: 'map', value: oneOf('delete', 'compact', 'compact,delete'), nullable: false, keyHint: 'a topic name' },
  }),
});
