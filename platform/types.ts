/**
 * The resolved platform spec: plain, serializable, deterministic data.
 *
 * Every renderer (cdk8s charts, the Pulumi program, the local broker scripts,
 * the alert generator) reads this and nothing else. It is produced once by
 * `resolvePlatform()` from a stack's config merged over `DEFAULTS`; lists are
 * sorted by name so two specs can be diffed line by line.
 */

/**
 * `external`: any Kafka with SCRAM users the program manages through the Kafka
 * admin API (Redpanda Cloud, self-run Kafka); `confluent-cloud`: a Confluent
 * Cloud cluster, whose applications are service accounts with API keys
 * (infra/confluent-cloud.ts).
 */
export type ClusterFlavor = 'strimzi' | 'redpanda' | 'external' | 'confluent-cloud';
/** `PLAIN` only for `confluent-cloud`: its API keys authenticate with SASL/PLAIN over TLS, never SCRAM. */
export type SaslMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-512' | 'PLAIN';
/** The mechanisms of SCRAM users: every flavor's but `confluent-cloud`'s. */
export type ScramSaslMechanism = Exclude<SaslMechanism, 'PLAIN'>;
export type SecurityProtocol = 'SASL_PLAINTEXT' | 'SASL_SSL';
export type ServiceMode = 'dapr' | 'kafka';
export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete';
export type TopicRole = 'events' | 'dead-letter';
export type AclOperation = 'Read' | 'Write' | 'Describe' | 'DescribeConfigs';
export type AclResourceType = 'topic' | 'group';
export type AclPatternType = 'literal' | 'prefixed';
/**
 * `exporter`: the lag exporter's describe-only identity (also the one people look
 * with in the runbooks); `console`: Redpanda Console's, which also reads messages.
 */
export type UserKind = 'admin' | 'service' | 'producer' | 'exporter' | 'console';
/** The Helm charts of operators the Pulumi program may install. */
export type OperatorName = 'strimzi' | 'redpanda' | 'dapr';
/**
 * `owned`: the stack creates the namespace and `pulumi destroy` deletes it with
 * everything in it. `adopted`: the namespace belongs to someone else (the Todo
 * API lives in `todo`); the stack only adds its labels and removes them again
 * on destroy, and the namespace must exist before `pulumi up`.
 */
export type NamespaceOwnership = 'owned' | 'adopted';

export interface ResourceQuantities {
  /** CPU, Kubernetes quantity such as `50m`. */
  readonly cpu: string;
  /** Memory, Kubernetes quantity such as `96Mi`. */
  readonly memory: string;
}

export interface Resources {
  readonly requests: ResourceQuantities;
  readonly limits: ResourceQuantities;
}

export interface ClusterSpec {
  /** Which kind of cluster serves this environment. */
  readonly flavor: ClusterFlavor;
  /** Name of the Kafka/Redpanda custom resource (and its Services). */
  readonly name: string;
  /** Kafka version (Strimzi) or Redpanda image tag (Redpanda). Unused for `external`. */
  readonly version: string;
  /** Broker count: the upper bound of every topic's replication factor. */
  readonly brokers: number;
  /** Strimzi only: size of a dedicated controller node pool; 0 runs combined broker+controller nodes. */
  readonly controllers: number;
  /** Persistent storage per broker. */
  readonly storage: { readonly size: string; readonly storageClass: string | null };
  /** Requests and limits per broker pod. */
  readonly resources: Resources;
  /** Whether the client listener uses TLS (SASL_SSL) or not (SASL_PLAINTEXT). */
  readonly tls: boolean;
  /** SASL mechanism every user authenticates with. */
  readonly saslMechanism: SaslMechanism;
  /** Derived from `tls`. */
  readonly securityProtocol: SecurityProtocol;
  /** Port of the SASL client listener inside the cluster. */
  readonly clientPort: number;
  /** Bootstrap address clients use: given for `external`, derived for the operators. */
  readonly bootstrapServers: string;
  /** Redpanda only: whether the chart's external listeners (NodePorts on every node) are on. */
  readonly externalAccess: boolean;
  /** `confluent-cloud` only (null otherwise): which Confluent Cloud cluster, and where its REST API answers. */
  readonly confluent: ConfluentCloudSpec | null;
}

/**
 * Where a Confluent Cloud cluster is. Ids, not display names: they never
 * change and are unique, where two clusters may share a name.
 * @see https://docs.confluent.io/cloud/current/clusters/broker-config.html
 */
export interface ConfluentCloudSpec {
  /** Environment id, `env-…`. */
  readonly environmentId: string;
  /** Kafka cluster id, `lkc-…`. */
  readonly clusterId: string;
  /** The cluster's REST endpoint (`https://pkc-….confluent.cloud:443`), where topics and ACLs are managed. */
  readonly restEndpoint: string;
}

/** Where one operator's Helm chart comes from. */
export interface OperatorChartSpec {
  /** Chart name in `repository`, or a full `oci://` reference. */
  readonly chart: string;
  /** Helm repository URL; null for an `oci://` chart. */
  readonly repository: string | null;
  /** Pinned chart version (`helm upgrade` never changes CRDs; see infra/operators.ts). */
  readonly version: string;
}

export interface TopicAlertSpec {
  /** Messages per second the topic is expected to carry; null means no low-traffic alert. */
  readonly expectedMessagesPerSecond: number | null;
  /** UTC hours `[from, to)` during which the expected rate applies; null means all day. */
  readonly activeHoursUtc: { readonly from: number; readonly to: number } | null;
}

export interface TopicSpec {
  /** Kafka topic name. */
  readonly name: string;
  /** Kubernetes `metadata.name` of the topic resource (differs from `name` when that is not a valid Kubernetes name). */
  readonly resourceName: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly minInsyncReplicas: number;
  readonly retentionMs: number;
  /**
   * Shortest retention this topic may ever have (consumers replay from it), or null for none.
   * A change below it is refused by the guard rails (platform/changes/guard-rails.ts).
   */
  readonly retentionFloorMs: number | null;
  readonly cleanupPolicy: CleanupPolicy;
  /** Event field used as the record key, or null for unkeyed topics. */
  readonly key: string | null;
  /** `events` topics carry domain events; `dead-letter` topics hold what consumers gave up on. */
  readonly role: TopicRole;
  /** Further topic-level Kafka configs, rendered after the derived ones. */
  readonly config: Readonly<Record<string, string>>;
  readonly alerts: TopicAlertSpec;
}

/** A key inside a Kubernetes Secret. */
export interface SecretKeyRef {
  readonly name: string;
  readonly key: string;
}

/** An egress the service needs beyond Kafka, DNS, PostgreSQL and Dapr (a webhook, say). */
export interface EgressRule {
  readonly port: number;
  /** Pods of this namespace; null means any IPv4 address. */
  readonly namespace: string | null;
}

export interface ServiceSpec {
  /** Short name, such as `audit`. */
  readonly name: string;
  /** Kubernetes name and Dapr app id, such as `audit-service`. */
  readonly appId: string;
  readonly image: string;
  readonly replicas: number;
  /** `dapr`: the sidecar delivers events over HTTP; `kafka`: the service consumes directly. */
  readonly mode: ServiceMode;
  readonly consumes: readonly string[];
  readonly produces: readonly string[];
  readonly deadLetterTopic: string;
  /**
   * Kafka consumer group (Dapr's default is the app id, so both modes use the app id).
   * For a `fanOut` service it is the prefix of the per-replica groups.
   */
  readonly consumerGroup: string;
  /**
   * Every replica receives every event: each consumes in a group of its own,
   * named after its pod (`<consumerGroup>-<pod>`), starting at the newest offset.
   * For services that push to clients connected to one replica (WebSocket).
   */
  readonly fanOut: boolean;
  /** Kafka user the service authenticates as. */
  readonly user: string;
  /** HTTP port: Dapr deliveries, /healthz, /readyz and /metrics. */
  readonly port: number;
  readonly resources: Resources;
  /** Whether the service needs PostgreSQL (`DATABASE_URL` from a Secret). */
  readonly database: boolean;
  /** Consumer-lag alert threshold in messages for this service's consumer group. */
  readonly lagThreshold: number;
  /** Service-specific settings, passed as environment variables (sorted by name). */
  readonly env: Readonly<Record<string, string>>;
  /**
   * Environment variables read from Secrets of the apps namespace (sorted by name).
   * The Pulumi program generates each Secret's value; whoever else needs it
   * (the API that signs WebSocket tokens) reads the same Secret.
   */
  readonly secretEnv: Readonly<Record<string, SecretKeyRef>>;
  /** Extra egress the NetworkPolicy allows. */
  readonly egress: readonly EgressRule[];
  /** websocket only: the Ingress in front of its WebSocket path, or null for none. */
  readonly ingress: IngressSpec | null;
}

/** An Ingress routing `path` of `host` to a service, and the NetworkPolicy rule that lets its controller in. */
export interface IngressSpec {
  readonly host: string;
  /** The one path routed (exact match): the WebSocket endpoint, never /metrics or the health checks. */
  readonly path: string;
  readonly className: string | null;
  readonly tlsSecret: string | null;
  readonly controllerNamespace: string;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface ProducerSpec {
  /** Name of the producing application, also its Kafka user and Dapr app id. */
  readonly name: string;
  readonly produces: readonly string[];
}

export interface AclSpec {
  readonly resourceType: AclResourceType;
  readonly name: string;
  readonly patternType: AclPatternType;
  readonly operations: readonly AclOperation[];
}

export interface UserSpec {
  /** Kafka (SASL) username. */
  readonly name: string;
  readonly kind: UserKind;
  /** Kubernetes Secret (same name in the Kafka and app namespaces) holding key `password`. */
  readonly secretName: string;
  /** Empty for the admin, which is a superuser. */
  readonly acls: readonly AclSpec[];
}

export interface DaprSpec {
  readonly enabled: boolean;
  /** Name of the pub/sub component the producing app publishes through. */
  readonly pubsubName: string;
  /** Largest message the component accepts, in bytes. */
  readonly maxMessageBytes: number;
  readonly initialOffset: 'newest' | 'oldest';
  /** The control plane in HA mode (`global.ha.enabled`): 3 operator, injector, sentry and placement replicas. */
  readonly ha: boolean;
  readonly scheduler: DaprSchedulerSpec;
}

/** The Dapr scheduler StatefulSet (Jobs API, actor reminders, workflows), one etcd member and volume per replica. */
export interface DaprSchedulerSpec {
  /** 3 (the only count the pinned chart runs, see `DAPR_SCHEDULER_REPLICAS`) or 0 for no scheduler. */
  readonly replicas: number;
  /** Size of each replica's etcd volume, a Kubernetes quantity. */
  readonly storageSize: string;
  /** StorageClass of the volumes; null for the cluster's default class. */
  readonly storageClass: string | null;
}

/**
 * The specification's retry rule for handling and publishing (tenacity's
 * `stop_after_attempt(3)`, `wait_exponential(min=1, max=10)`): the services
 * apply it directly, Dapr's Resiliency policy as `maxRetries = maxAttempts - 1`.
 */
export interface RetrySpec {
  /** Total attempts, the first included. */
  readonly maxAttempts: number;
  /** Wait before the second attempt; doubles each time. Dapr cannot set it (its back-off starts at 500 ms). */
  readonly initialIntervalMs: number;
  /** Upper bound of any wait. */
  readonly maxIntervalMs: number;
}

export interface MonitoringSpec {
  readonly enabled: boolean;
  /** Default consumer-lag threshold (messages); services may override with `lagThreshold`. */
  readonly lagThreshold: number;
  /** Error ratio above which a service/topic alerts, e.g. 0.01 for 1 %. */
  readonly errorRatio: number;
  /** Messages per hour below which the error-ratio alert stays silent. */
  readonly errorMinMessagesPerHour: number;
  /** Relative deviation of a partition's ingress rate from its topic mean that alerts, e.g. 0.2. */
  readonly partitionSkewRatio: number;
  /** How long a condition must hold before an alert fires, in minutes. */
  readonly forMinutes: number;
  /** Base URL of the runbooks linked from alerts. */
  readonly runbookBaseUrl: string;
  /**
   * Whether the cluster runs the Prometheus Operator (its CRDs `monitoring.coreos.com/v1`):
   * rules go into a `PrometheusRule`, scrape targets into PodMonitors (and Redpanda's
   * ServiceMonitor). When false none of these is rendered: the rules come as a plain
   * Prometheus rule file in a ConfigMap, and scraping is left to the Prometheus in use.
   */
  readonly prometheusOperator: boolean;
  /** Labels of every PrometheusRule, PodMonitor and ServiceMonitor, for the Prometheus' rule and monitor selectors. */
  readonly selectorLabels: Readonly<Record<string, string>>;
  readonly dashboards: DashboardsSpec;
}

/** Where the Grafana dashboard ConfigMap goes, and how Grafana's dashboard sidecar finds it. */
export interface DashboardsSpec {
  /**
   * Namespace of the ConfigMap: the Kafka namespace unless the stack names
   * another, which then belongs to someone else (never created; must exist).
   */
  readonly namespace: string;
  /** Labels of the ConfigMap: what the sidecar's `sidecar.dashboards.label`/`labelValue` select. */
  readonly labels: Readonly<Record<string, string>>;
}

export interface NamespacesSpec {
  /** Where the cluster, its topics and users live. */
  readonly kafka: string;
  /** Where the services and Dapr components live. */
  readonly apps: string;
  readonly ownership: NamespaceOwnershipSpec;
}

export interface NamespaceOwnershipSpec {
  readonly kafka: NamespaceOwnership;
  readonly apps: NamespaceOwnership;
}

export interface PlatformSpec {
  /** Stack (environment) name. */
  readonly stack: string;
  readonly namespaces: NamespacesSpec;
  readonly cluster: ClusterSpec;
  /** Whether topics are protected from deletion (Pulumi `protect`, Strimzi/Redpanda deletion guards). */
  readonly protectTopics: boolean;
  readonly topics: readonly TopicSpec[];
  readonly services: readonly ServiceSpec[];
  readonly producers: readonly ProducerSpec[];
  /** Derived from services and producers: one per service and producer, plus the admin, the exporter and (where one runs) the console. */
  readonly users: readonly UserSpec[];
  readonly retry: RetrySpec;
  readonly dapr: DaprSpec;
  readonly monitoring: MonitoringSpec;
  /** Every operator chart's source and version; the program installs the ones this stack needs. */
  readonly operators: Readonly<Record<OperatorName, OperatorChartSpec>>;
  /** Risky topic changes the stack file explicitly accepts (`acknowledge`), each for one target value. */
  readonly acknowledgements: AcknowledgementsSpec;
  /** Where the service images come from and which digests pin the images this stack runs. */
  readonly images: ImagesSpec;
  /** How `npm run synth` renders `dist/<stack>/` for people who apply it without Pulumi (Pulumi ignores it). */
  readonly gitops: GitOpsSpec;
}

export interface GitOpsSpec {
  /** ExternalSecret objects for every Secret the manifests reference, or null for none. */
  readonly externalSecrets: ExternalSecretsSpec | null;
}

export interface ExternalSecretsSpec {
  readonly store: string;
  readonly kind: 'ClusterSecretStore' | 'SecretStore';
  /** Remote key of Secret `<name>`: `<remoteKeyPrefix>/<name>`; each Secret key is a property of it. */
  readonly remoteKeyPrefix: string;
  /** Go duration, e.g. `1h`. */
  readonly refreshInterval: string;
}

/** The images of a stack: the services' registry and tag, and the digests that pin them. */
export interface ImagesSpec {
  /** Registry of the service images (`<registry>/<app id>:<tag>`), where the delivery workflow pushes them. */
  readonly registry: string;
  readonly tag: string;
  /** `sha256:…` per image key (a service name or a third-party image key), sorted; a pinned image runs `repository@digest`. */
  readonly digests: Readonly<Record<string, string>>;
  /** The third-party images the monitoring chart runs: kafka_exporter and Redpanda Console, pinned when a digest is set. */
  readonly thirdParty: Readonly<Record<'kafka-exporter' | 'redpanda-console', string>>;
}

/**
 * Acknowledged topic changes, by Kafka topic name, each naming the value it
 * accepts: an acknowledgement approves exactly one transition, so one left in
 * the file after its deploy cannot approve a later, different change.
 */
export interface AcknowledgementsSpec {
  /** Partition count a keyed topic may grow to (its keys move to other partitions). */
  readonly partitionIncrease: Readonly<Record<string, number>>;
  /** Replication factor a topic may change to (a partition reassignment). */
  readonly replicationChange: Readonly<Record<string, number>>;
  /** `cleanup.policy` a topic may switch to. */
  readonly cleanupPolicyChange: Readonly<Record<string, CleanupPolicy>>;
}
