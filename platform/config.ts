/**
 * The shape of the `todo-events:platform` key in `Pulumi.<stack>.yaml`.
 *
 * Everything is optional: a stack file only writes what differs from
 * `DEFAULTS`. Objects merge key by key, lists replace, and `null` removes a
 * topic, service or producer inherited from the defaults.
 */
import type {
  CleanupPolicy,
  ClusterFlavor,
  DaprSpec,
  MonitoringSpec,
  NamespacesSpec,
  Resources,
  RetrySpec,
  SaslMechanism,
  ServiceMode,
} from './types.js';

/** A duration written as `7d`, `1h`, `30m`, `45s`, `500ms` or plain milliseconds. */
export type DurationInput = string | number;

export interface ClusterConfig {
  /** @default 'redpanda' */
  flavor?: ClusterFlavor;
  /** @default 'todo-kafka' */
  name?: string;
  /** Kafka version for Strimzi, image tag for Redpanda. @default per flavor, see `CLUSTER_VERSIONS` */
  version?: string;
  /** @default 1 */
  brokers?: number;
  /** Strimzi only. @default 0 (combined broker and controller nodes) */
  controllers?: number;
  storage?: { size?: string; storageClass?: string | null };
  resources?: Partial<Resources>;
  /** @default false */
  tls?: boolean;
  /** @default 'SCRAM-SHA-512' */
  saslMechanism?: SaslMechanism;
  /** Required for `external`; derived from the Service name for the operators. */
  bootstrapServers?: string;
  /** @default per flavor, see `OPERATOR_CHART_VERSIONS` */
  operatorChartVersion?: string;
}

export interface TopicDefaultsConfig {
  /** @default min(3, cluster.brokers) */
  replicationFactor?: number;
  /** @default max(1, replicationFactor - 1) */
  minInsyncReplicas?: number;
  /** @default 'delete' */
  cleanupPolicy?: CleanupPolicy;
}

export interface TopicConfig {
  /** Kafka topic name when it differs from the key (rarely needed). */
  name?: string;
  partitions?: number;
  replicationFactor?: number;
  minInsyncReplicas?: number;
  retention?: DurationInput;
  cleanupPolicy?: CleanupPolicy;
  key?: string | null;
  role?: 'events' | 'dead-letter';
  config?: Record<string, string | number | boolean>;
  /** Expected traffic; enables the low-traffic alert. @default null */
  expectedMessagesPerSecond?: number | null;
  /** UTC hours when traffic is expected, e.g. `{ from: 7, to: 22 }`. @default null (all day) */
  activeHoursUtc?: { from: number; to: number } | null;
}

export interface ServiceConfig {
  image?: string;
  replicas?: number;
  mode?: ServiceMode;
  consumes?: string[];
  produces?: string[];
  deadLetterTopic?: string;
  port?: number;
  resources?: Partial<Resources>;
  database?: boolean;
  lagThreshold?: number;
  /** Every replica receives every event (a group per pod). @default false; true for websocket */
  fanOut?: boolean;
  /** Service-specific settings as environment variables, e.g. `NOTIFY_WEBHOOK_URL`. */
  env?: Record<string, string>;
  /** Environment variables from Secrets the Pulumi program generates: `{ VAR: { secret, key } }`. */
  secretEnv?: Record<string, { secret: string; key: string }>;
  /** Extra egress: `{ port, namespace }` (pods of a namespace) or `{ port }` (any address). */
  egress?: { port: number; namespace?: string }[];
}

export interface ProducerConfig {
  produces?: string[];
}

export interface PlatformConfig {
  namespaces?: Partial<NamespacesSpec>;
  cluster?: ClusterConfig;
  /** @default false; prod stacks set true */
  protectTopics?: boolean;
  topicDefaults?: TopicDefaultsConfig;
  topics?: Record<string, TopicConfig | null>;
  /** Image registry and tag the service images default to. */
  images?: { registry?: string; tag?: string };
  services?: Record<string, ServiceConfig | null>;
  producers?: Record<string, ProducerConfig | null>;
  retry?: Partial<RetrySpec>;
  dapr?: Partial<DaprSpec>;
  monitoring?: Partial<MonitoringSpec>;
}
