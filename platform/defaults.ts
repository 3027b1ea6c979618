/**
 * Every default of the platform in one place. Stack files override these; the
 * `@default` tags in `config.ts` quote them.
 */
import type { PlatformConfig } from './config.js';
import type { ClusterFlavor, Resources } from './types.js';
import { DAPR_SCHEDULER_REPLICAS } from './dapr-runtime.js';
import { STRIMZI_KAFKA_VERSIONS } from './operator-compatibility.js';
import { WEBSOCKET_TOKEN_ENV, WEBSOCKET_TOKEN_SECRET } from './websocket-token.js';

/** Pulumi project name: config keys are `todo-events:<key>`. */
export const PROJECT = 'todo-events';
/** The config key holding the platform spec. */
export const PLATFORM_CONFIG_KEY = `${PROJECT}:platform`;

/** Pinned chart versions of the operators, so `pulumi up` is repeatable. */
export const STRIMZI_CHART_VERSION = '1.2.0';
export const REDPANDA_OPERATOR_CHART_VERSION = '26.2.1';
export const DAPR_CHART_VERSION = '1.18.3';

/**
 * Versions the clusters run when a stack sets no `cluster.version`: for
 * Strimzi the default Kafka of the pinned release (see
 * operator-compatibility.ts), for Redpanda the image of the operator's own
 * feature release.
 */
export const CLUSTER_VERSIONS: Record<ClusterFlavor, string> = {
  strimzi: STRIMZI_KAFKA_VERSIONS[STRIMZI_CHART_VERSION]!.default,
  redpanda: 'v26.2.1',
  external: '',
  'confluent-cloud': '',
};

/** Port of the SASL client listener per flavor (Redpanda's chart default; our Strimzi listener). */
export const CLIENT_PORTS: Record<ClusterFlavor, number> = {
  strimzi: 9094,
  redpanda: 9093,
  external: 9092,
  // Confluent Cloud's bootstrap endpoints listen on 9092 (SASL_SSL).
  'confluent-cloud': 9092,
};

/**
 * Cluster settings whose default depends on the flavor, merged between
 * `DEFAULTS` and the stack's own (`mergeWithDefaults`). Confluent Cloud clients
 * must use TLS and SASL/PLAIN with an API key ("All clients that connect to
 * Confluent Cloud must support SASL_PLAIN or SASL_OAUTHBEARER ... and TLS 1.2"),
 * and every topic there has 3 replicas (`default.replication.factor` 3, not
 * editable; `confluentcloud.KafkaTopic` takes no replication factor).
 * @see https://docs.confluent.io/cloud/current/client-apps/config-client.html
 * @see https://docs.confluent.io/cloud/current/topics/manage.html
 */
export const FLAVOR_CLUSTER_DEFAULTS: Readonly<Partial<Record<ClusterFlavor, PlatformConfig['cluster']>>> = {
  'confluent-cloud': { tls: true, saslMechanism: 'PLAIN', brokers: 3 },
};

/** Broker pod resources for a small environment; stacks size them up. */
export const BROKER_RESOURCES: Resources = {
  requests: { cpu: '500m', memory: '1Gi' },
  limits: { cpu: '1', memory: '2Gi' },
};

/**
 * Service pod resources, from `npm run bench` (README, Performance): a caught-up
 * service idles at 76-77 MiB RSS and peaks at 92-98 MiB while draining a
 * backlog; requests are the steady state, memory limits the peak x 1.25, and
 * CPU limits what draining at full speed used. The V8 heap is capped at 48 MiB
 * (Dockerfile), so a leak fails fast, well below the limit.
 */
export const SERVICE_RESOURCES: Resources = {
  requests: { cpu: '50m', memory: '80Mi' },
  limits: { cpu: '500m', memory: '128Mi' },
};

/** Measured per service where it differs from SERVICE_RESOURCES (same source). */
export const MEASURED_SERVICE_RESOURCES: Record<string, Resources> = {
  // Draining a 150,000-event backlog, four batches in flight pipelined on one connection: 94-96 MiB peak, up to 0.77 core.
  audit: { requests: { cpu: '50m', memory: '80Mi' }, limits: { cpu: '800m', memory: '128Mi' } },
  // Webhook calls through node:http: 92-94 MiB peak, 0.56 core while draining.
  notification: { requests: { cpu: '50m', memory: '80Mi' }, limits: { cpu: '600m', memory: '120Mi' } },
  // 10,000 clients (ten per user) at 1,000 updates/s: 290-300m and 112 MiB steady, 117-122 MiB peak;
  // the CPU limit keeps headroom over the steady use, since throttling would show as latency.
  websocket: { requests: { cpu: '300m', memory: '120Mi' }, limits: { cpu: '500m', memory: '152Mi' } },
};

/**
 * The websocket Deployment's `NODE_OPTIONS`, over the image's (Dockerfile):
 * the same 1 MiB young generation, a 96 MiB old generation for 10,000
 * connections (2.8 KiB of heap each, `bench/memory-costs.ts`) and the updates
 * in flight to them. (`--optimize-for-size` took another 2.5–4.5 MiB off
 * the 10,000-client peak on the command line, but Node refuses it in
 * `NODE_OPTIONS`: exit code 9.)
 * @default '--max-semi-space-size=1 --max-old-space-size=96'
 */
export const WEBSOCKET_NODE_OPTIONS = '--max-semi-space-size=1 --max-old-space-size=96';

/** The HTTP port every service listens on (deliveries, health, metrics). */
export const SERVICE_PORT = 8080;

/** Name of the superuser the platform itself uses (operators' topic/user management, local scripts). */
export const ADMIN_USER = 'platform-admin';
/**
 * The lag exporter's user: it describes topics and groups (offsets, members)
 * and reads no message (`exporterAcls` in acls.ts). Every stack has it, so the
 * runbooks always have a harmless identity to look with.
 */
export const EXPORTER_USER = 'platform-exporter';
/** Redpanda Console's user: it also reads messages, so it exists only where the console runs (`consoleRuns`). */
export const CONSOLE_USER = 'platform-console';

/**
 * Labels of every PrometheusRule, PodMonitor and ServiceMonitor. A default
 * kube-prometheus-stack selects only objects labelled `release: <its Helm
 * release name>` (`prometheusSpec.ruleSelectorNilUsesHelmValues`,
 * `serviceMonitorSelectorNilUsesHelmValues` and `podMonitorSelectorNilUsesHelmValues`
 * are true; templates/prometheus/prometheus.yaml renders `matchLabels: {release:
 * <Release.Name>}`), in every namespace (the namespace selectors default to `{}`).
 * Upstream's README installs it as `helm install [RELEASE_NAME] …` and names no
 * default, so this is the chart's own name, the usual release name; a stack
 * with another release (or another Prometheus) sets its own.
 * @see https://github.com/prometheus-community/helm-charts/blob/main/charts/kube-prometheus-stack/templates/prometheus/prometheus.yaml
 */
export const PROMETHEUS_SELECTOR_LABELS: Readonly<Record<string, string>> = { release: 'kube-prometheus-stack' };

/**
 * Labels of the dashboard ConfigMap. Grafana's chart has its dashboard sidecar
 * watch label `grafana_dashboard` (`sidecar.dashboards.label`) with any value
 * (`labelValue: ""`); kube-prometheus-stack sets `labelValue: "1"`, so `"1"`
 * suits both.
 * @see https://github.com/grafana/helm-charts/blob/main/charts/grafana/values.yaml
 * @see https://github.com/prometheus-community/helm-charts/blob/main/charts/kube-prometheus-stack/values.yaml
 */
export const GRAFANA_DASHBOARD_LABELS: Readonly<Record<string, string>> = { grafana_dashboard: '1' };

/**
 * Where this repository is published: package.json's `repository` (a test
 * keeps the two equal). A fork or mirror changes both, and its alerts link
 * its own runbooks.
 */
export const SOURCE_REPOSITORY = 'https://github.com/todo-app/todo-event-backbone';

/**
 * `monitoring.runbookBaseUrl` when a stack sets none: `docs/runbooks` of
 * `SOURCE_REPOSITORY` on its default branch (GitHub resolves `HEAD`), where
 * every alert's runbook is `<alert>.md`. A team that publishes the runbooks
 * elsewhere (its GitOps repository: synth copies them into
 * `dist/<stack>/runbooks/`) sets its own URL.
 * @default 'https://github.com/todo-app/todo-event-backbone/blob/HEAD/docs/runbooks'
 */
export const DEFAULT_RUNBOOK_BASE_URL = `${SOURCE_REPOSITORY}/blob/HEAD/docs/runbooks`;

/** The Kubernetes Secret holding a Kafka user's password (key `password`). */
export function userSecretName(user: string): string {
  return `kafka-user-${user}`;
}

/**
 * The platform as the specification describes it. Retention of the dead-letter
 * topic is 14 days: twice the source topic's, so a failure noticed late in the
 * source's retention can still be reviewed and replayed.
 */
export const DEFAULTS: Required<Omit<PlatformConfig, 'topicDefaults' | 'acknowledge'>> & {
  topicDefaults: PlatformConfig['topicDefaults'];
} = {
  // The Todo API lives in `todo` too: the stack adopts it rather than owning (and on destroy deleting) it.
  namespaces: { kafka: 'kafka', apps: 'todo', ownership: { kafka: 'owned', apps: 'adopted' } },
  cluster: {
    flavor: 'redpanda',
    name: 'todo-kafka',
    brokers: 1,
    controllers: 0,
    storage: { size: '10Gi', storageClass: null },
    tls: false,
    saslMechanism: 'SCRAM-SHA-512',
    externalAccess: false,
  },
  protectTopics: false,
  topicDefaults: { cleanupPolicy: 'delete' },
  topics: {
    'task-events': { partitions: 3, retention: '7d', key: 'user_id' },
    reminders: { partitions: 1, retention: '1d', key: null },
    'task-updates': { partitions: 3, retention: '1h', key: 'user_id' },
    'task-events-dlq': { partitions: 1, retention: '14d', key: null, role: 'dead-letter' },
  },
  images: { registry: 'ghcr.io/todo-app', tag: '0.1.0' },
  services: {
    audit: { mode: 'kafka', consumes: ['task-events'], produces: [], database: true, resources: MEASURED_SERVICE_RESOURCES.audit },
    'recurring-task': {
      mode: 'kafka',
      consumes: ['task-events'],
      produces: ['task-events', 'reminders'],
      database: true,
    },
    // The database keeps delivered reminder ids, so a restart or a rebalance never notifies twice.
    // Stacks set where reminders go: env NOTIFY_WEBHOOK_URL (and its egress), or NOTIFIER: log.
    notification: {
      mode: 'dapr',
      consumes: ['reminders'],
      produces: [],
      database: true,
      resources: MEASURED_SERVICE_RESOURCES.notification,
    },
    // Each user's clients are connected to one replica, so every replica must see every update.
    websocket: {
      mode: 'dapr',
      fanOut: true,
      resources: MEASURED_SERVICE_RESOURCES.websocket,
      // 10,000 clients hold about 30 MiB of V8 heap: the image's 48 MiB cap would run out (README, Performance).
      env: { NODE_OPTIONS: WEBSOCKET_NODE_OPTIONS },
      consumes: ['task-updates'],
      produces: [],
      secretEnv: { [WEBSOCKET_TOKEN_ENV]: { secret: WEBSOCKET_TOKEN_SECRET.name, key: WEBSOCKET_TOKEN_SECRET.key } },
    },
  },
  producers: {
    'todo-api': { produces: ['task-events', 'task-updates'] },
  },
  retry: { maxAttempts: 3, initialIntervalMs: 1000, maxIntervalMs: 10000 },
  dapr: {
    enabled: true,
    pubsubName: 'kafka-pubsub',
    maxMessageBytes: 1048576,
    initialOffset: 'oldest',
    // A small control plane; prod turns HA on and sizes the scheduler volumes up (Pulumi.prod.yaml).
    ha: false,
    scheduler: { replicas: DAPR_SCHEDULER_REPLICAS, storageSize: '1Gi', storageClass: null },
  },
  monitoring: {
    enabled: true,
    lagThreshold: 1000,
    errorRatio: 0.01,
    errorMinMessagesPerHour: 60,
    partitionSkewRatio: 0.2,
    forMinutes: 10,
    runbookBaseUrl: DEFAULT_RUNBOOK_BASE_URL,
    prometheusOperator: true,
    selectorLabels: { ...PROMETHEUS_SELECTOR_LABELS },
    // null: the Kafka namespace. kube-prometheus-stack's sidecar searches every namespace
    // (`grafana.sidecar.dashboards.searchNamespace: ALL`); Grafana's chart alone searches only its own
    // (`searchNamespace: null`), and a stack using it names that namespace here.
    dashboards: { namespace: null, labels: { ...GRAFANA_DASHBOARD_LABELS } },
  },
  // Upstream sources; a cluster without internet access points these at its mirror.
  operators: {
    strimzi: { chart: 'oci://quay.io/strimzi-helm/strimzi-kafka-operator', repository: null, version: STRIMZI_CHART_VERSION },
    redpanda: { chart: 'operator', repository: 'https://charts.redpanda.com', version: REDPANDA_OPERATOR_CHART_VERSION },
    dapr: { chart: 'dapr', repository: 'https://dapr.github.io/helm-charts/', version: DAPR_CHART_VERSION },
  },
  // Pulumi creates the Secrets; a stack applied without it names a store here.
  gitops: { externalSecrets: null },
};

/**
 * What an `externalSecrets` entry leaves out. The prefix is
 * `todo-events/<stack>` (`externalSecretsPrefix`), so stacks sharing one store
 * keep apart.
 */
export const EXTERNAL_SECRETS_DEFAULTS = { kind: 'ClusterSecretStore', refreshInterval: '1h' } as const;

/** Default `gitops.externalSecrets.remoteKeyPrefix` of a stack. */
export function externalSecretsPrefix(stack: string): string {
  return `${PROJECT}/${stack}`;
}

/** Defaults of fields a service or topic entry leaves out. */
export const SERVICE_DEFAULTS = {
  replicas: 1,
  mode: 'kafka',
  produces: [] as string[],
  deadLetterTopic: 'task-events-dlq',
  port: SERVICE_PORT,
  database: false,
  fanOut: false,
} as const;

/** Defaults of an Ingress's optional fields (`services.websocket.ingress`). */
export const INGRESS_DEFAULTS = {
  className: null,
  tlsSecret: null,
  // ingress-nginx's documented install namespace.
  controllerNamespace: 'ingress-nginx',
} as const;

/** Replication factor of a topic that sets none: 3, or every broker of a smaller cluster. */
export function defaultReplicationFactor(brokers: number): number {
  return Math.min(3, brokers);
}

/** min.insync.replicas of a topic that sets none: one below its replication factor, at least 1. */
export function defaultMinInsyncReplicas(replicationFactor: number): number {
  return Math.max(1, replicationFactor - 1);
}

export const TOPIC_DEFAULTS = {
  partitions: 1,
  retention: '7d',
  key: null,
  role: 'events',
} as const;
