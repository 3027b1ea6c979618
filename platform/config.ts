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
  NamespaceOwnershipSpec,
  OperatorName,
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
  /** @default 1; 3 for `confluent-cloud`, which replicates every topic 3 times on brokers of its own */
  brokers?: number;
  /** Strimzi only. @default 0 (combined broker and controller nodes) */
  controllers?: number;
  storage?: { size?: string; storageClass?: string | null };
  resources?: Partial<Resources>;
  /** @default false; true for `confluent-cloud` (`FLAVOR_CLUSTER_DEFAULTS`), which accepts TLS only */
  tls?: boolean;
  /** @default 'SCRAM-SHA-512'; 'PLAIN' for `confluent-cloud` (`FLAVOR_CLUSTER_DEFAULTS`), whose API keys know no SCRAM */
  saslMechanism?: SaslMechanism;
  /** Required for `external` and `confluent-cloud`; derived from the Service name for the operators. */
  bootstrapServers?: string;
  /** Redpanda only: the chart's external listeners (NodePorts on every node). @default false */
  externalAccess?: boolean;
  /** Required for `confluent-cloud`, refused elsewhere: the cluster's ids and REST endpoint. */
  confluent?: ConfluentCloudConfig;
}

/**
 * A Confluent Cloud cluster, as its Cloud Console's Cluster settings page shows
 * it. The stack operator's Cloud API key is secret config, never here
 * (`todo-events:confluentCloudApiKey` / `confluentCloudApiSecret`, infra/settings.ts).
 * @see https://docs.confluent.io/cloud/current/clusters/broker-config.html
 */
export interface ConfluentCloudConfig {
  /** Environment id such as `env-a1b2c3`. Required. */
  environmentId?: string;
  /** Kafka cluster id such as `lkc-a1b2c3`. Required. */
  clusterId?: string;
  /** REST endpoint such as `https://pkc-a1b2c.us-east-1.aws.confluent.cloud:443`. Required. */
  restEndpoint?: string;
}

export interface NamespacesConfig {
  /** @default 'kafka' */
  kafka?: string;
  /** @default 'todo' */
  apps?: string;
  /** Whether this stack creates and deletes each namespace, or adopts one that exists. @default { kafka: 'owned', apps: 'adopted' } */
  ownership?: Partial<NamespaceOwnershipSpec>;
}

/**
 * Where one operator's Helm chart comes from: the upstream repository by
 * default, or a mirror (a Helm repository URL, or an `oci://` reference with no
 * repository) for clusters without internet access.
 */
export interface OperatorChartConfig {
  /** Chart name in `repository`, or a full `oci://` reference. @default per operator, see `DEFAULTS.operators` */
  chart?: string;
  /** Helm repository URL; null for `oci://` charts. @default per operator, see `DEFAULTS.operators` */
  repository?: string | null;
  /** Pinned chart version. @default per operator, see `DEFAULTS.operators` */
  version?: string;
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
  /**
   * Shortest retention the topic may be given: a change below it is refused (guard rails).
   * Lowering the floor itself is a change of its own. @default null (no floor)
   */
  retentionFloor?: DurationInput | null;
  cleanupPolicy?: CleanupPolicy;
  key?: string | null;
  role?: 'events' | 'dead-letter';
  config?: Record<string, string | number | boolean>;
  /** Expected traffic; enables the low-traffic alert. @default null */
  expectedMessagesPerSecond?: number | null;
  /** UTC hours when traffic is expected, e.g. `{ from: 7, to: 22 }`. @default null (all day) */
  activeHoursUtc?: { from: number; to: number } | null;
  /**
   * Keep the topic although nothing in this spec consumes or produces it (an
   * application outside the spec uses it, or it is being retired). Without it
   * such a topic is refused as a likely typo of a topic name; with it set on a
   * topic something does use, validation asks to remove it. @default false
   */
  unused?: boolean;
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
  /** websocket only: an Ingress for browsers outside the cluster. @default null (none) */
  ingress?: IngressConfig | null;
}

export interface GitOpsConfig {
  /**
   * Render every Secret the manifests reference as an External Secrets
   * Operator `ExternalSecret` (`external-secrets.io/v1`) read from this store,
   * in `dist/<stack>/external-secrets.k8s.yaml`, so `kubectl apply -f
   * dist/<stack>` works on a cluster that runs the operator. Pulumi ignores
   * it: `pulumi up` creates the Secrets itself. @default null (no ExternalSecret)
   * @see https://external-secrets.io/latest/api/externalsecret/
   */
  externalSecrets?: ExternalSecretsConfig | null;
}

export interface ExternalSecretsConfig {
  /** Name of the SecretStore or ClusterSecretStore holding the values. Required. */
  store?: string;
  /** `ClusterSecretStore` (one for both namespaces) or `SecretStore` (one in each of the Kafka and apps namespaces, same name). @default 'ClusterSecretStore' */
  kind?: 'ClusterSecretStore' | 'SecretStore';
  /** Remote key of Secret `<name>` is `<remoteKeyPrefix>/<name>`, each Secret key a property of it. @default 'todo-events/<stack>' */
  remoteKeyPrefix?: string;
  /** How often the operator reads the store again (a Go duration). @default '1h' */
  refreshInterval?: string;
}

export interface IngressConfig {
  /** Host name clients connect to, e.g. `events.todo.example.com`. Required. */
  host?: string;
  /** IngressClass; null uses the cluster's default class. @default null */
  className?: string | null;
  /** Secret (apps namespace) with the host's TLS certificate; null serves plain HTTP (`ws://`). @default null */
  tlsSecret?: string | null;
  /** Namespace of the ingress controller's pods, which the NetworkPolicy lets in. @default 'ingress-nginx' */
  controllerNamespace?: string;
  /** Controller-specific annotations, e.g. a read timeout above the heartbeat. @default {} */
  annotations?: Record<string, string>;
}

/**
 * Label maps merge key by key over the defaults; `null` removes a default
 * label (`selectorLabels: { release: null, prometheus: main }`).
 */
export type LabelsConfig = Record<string, string | null>;

export interface DashboardsConfig {
  /**
   * Namespace of the dashboard ConfigMap. Another namespace than the stack's
   * own is someone else's (Grafana's): never created here, it must exist
   * before `pulumi up` (the program reads it and stops if it does not).
   * @default null: the Kafka namespace, which kube-prometheus-stack's sidecar searches (`searchNamespace: ALL`)
   */
  namespace?: string | null;
  /** What Grafana's `sidecar.dashboards.label`/`labelValue` select. @default { grafana_dashboard: '1' } (`GRAFANA_DASHBOARD_LABELS`) */
  labels?: LabelsConfig;
}

export interface MonitoringConfig extends Partial<Omit<MonitoringSpec, 'selectorLabels' | 'dashboards'>> {
  /**
   * Whether the cluster has the Prometheus Operator CRDs (`monitoring.coreos.com/v1`).
   * false: no PrometheusRule, PodMonitor or ServiceMonitor is rendered; the
   * rules come as a rule file in the ConfigMap `todo-events-alerts`, and
   * scraping is the Prometheus' own configuration.
   * @default true
   */
  prometheusOperator?: boolean;
  /**
   * Labels of every PrometheusRule, PodMonitor and ServiceMonitor: what the
   * Prometheus' `ruleSelector`, `podMonitorSelector` and `serviceMonitorSelector` match.
   * @default { release: 'kube-prometheus-stack' } (`PROMETHEUS_SELECTOR_LABELS`)
   */
  selectorLabels?: LabelsConfig;
  dashboards?: DashboardsConfig;
}

export interface ProducerConfig {
  produces?: string[];
}

/** Dapr's settings; the chart values they become are in infra/dapr-values.ts. */
export interface DaprConfig extends Partial<Omit<DaprSpec, 'scheduler'>> {
  /** @default false; prod sets true */
  ha?: boolean;
  scheduler?: DaprSchedulerConfig;
}

/**
 * The scheduler StatefulSet. Its volumes are claimed once: the chart keeps the
 * size of an existing StatefulSet (its volume claims are immutable), so a new
 * `storageSize` applies to new installs; grow existing claims on the cluster.
 * @see https://docs.dapr.io/operations/hosting/kubernetes/kubernetes-persisting-scheduler/
 */
export interface DaprSchedulerConfig {
  /** 3, the count the pinned chart always runs, or 0 to run no scheduler. @default 3, see `DAPR_SCHEDULER_REPLICAS` */
  replicas?: number;
  /** Etcd volume per replica. @default '1Gi' (the chart's is 16Gi); prod sets 16Gi */
  storageSize?: string;
  /** @default null (the cluster's default StorageClass) */
  storageClass?: string | null;
}

/**
 * Risky topic changes accepted on purpose, by topic name, each with the value
 * it accepts: `acknowledge: { partitionIncrease: { task-events: 6 } }`.
 * @default {} (nothing acknowledged)
 */
export interface AcknowledgeConfig {
  /** A keyed topic's new partition count (keys move to other partitions for a while). */
  partitionIncrease?: Record<string, number>;
  /** A topic's new replication factor (a partition reassignment). */
  replicationChange?: Record<string, number>;
  /** A topic's new cleanup.policy. */
  cleanupPolicyChange?: Record<string, CleanupPolicy>;
}

/**
 * The service images are `<registry>/<app id>:<tag>` unless a service names its own `image`.
 * A digest replaces the tag: the Deployment then runs `<repository>@sha256:…`, bytes no push can change.
 */
export interface ImagesConfig {
  /** @default 'ghcr.io/todo-app' */
  registry?: string;
  /** @default '0.1.0' */
  tag?: string;
  /**
   * `sha256:<64 hex>` per service name, or per third-party image (`kafka-exporter`, `redpanda-console`,
   * see `THIRD_PARTY_IMAGES`). The deploy workflow sets the services' through the config key
   * `todo-events:imageDigests`, merged over these. @default {} (tags only)
   */
  digests?: Record<string, string>;
}

export interface PlatformConfig {
  namespaces?: NamespacesConfig;
  cluster?: ClusterConfig;
  /** @default false; prod stacks set true */
  protectTopics?: boolean;
  topicDefaults?: TopicDefaultsConfig;
  topics?: Record<string, TopicConfig | null>;
  /** Image registry and tag the service images default to, and the digests that pin images. */
  images?: ImagesConfig;
  services?: Record<string, ServiceConfig | null>;
  producers?: Record<string, ProducerConfig | null>;
  retry?: Partial<RetrySpec>;
  dapr?: DaprConfig;
  monitoring?: MonitoringConfig;
  /** How `npm run synth` renders `dist/<stack>/` for people who apply it without Pulumi. */
  gitops?: GitOpsConfig;
  /** Helm charts of the operators the Pulumi program installs (only those the stack needs are installed). */
  operators?: Partial<Record<OperatorName, OperatorChartConfig>>;
  /** Risky topic changes accepted on purpose (see platform/changes/guard-rails.ts). */
  acknowledge?: AcknowledgeConfig;
}
