/**
 * Turns a stack's config, merged over DEFAULTS, into the resolved PlatformSpec.
 * Assumes the input passed `findConfigProblems` (see validate.ts): it fills in
 * defaults and derives facts, it does not judge.
 */
import { consoleAcls, exporterAcls, producerAcls, serviceAcls } from './acls.js';
import type { PlatformConfig, ServiceConfig, TopicConfig } from './config.js';
import {
  ADMIN_USER,
  BROKER_RESOURCES,
  CLIENT_PORTS,
  CLUSTER_VERSIONS,
  CONSOLE_USER,
  DEFAULTS,
  INGRESS_DEFAULTS,
  defaultMinInsyncReplicas,
  defaultReplicationFactor,
  EXPORTER_USER,
  EXTERNAL_SECRETS_DEFAULTS,
  externalSecretsPrefix,
  FLAVOR_CLUSTER_DEFAULTS,
  SERVICE_DEFAULTS,
  SERVICE_RESOURCES,
  TOPIC_DEFAULTS,
  userSecretName,
} from './defaults.js';
import { parseDurationMs } from './duration.js';
import { pinnedImage, THIRD_PARTY_IMAGES, type ThirdPartyImage } from './images.js';
import { deepMerge } from './merge.js';
import { WEBSOCKET_PATH } from './websocket-token.js';
import { DAPR_APP_TOKEN_ENV, DAPR_APP_TOKEN_SECRET } from './dapr-app-token.js';
import { consoleRuns } from './monitoring-workloads.js';
import { STRIMZI_KAFKA_VERSIONS } from './operator-compatibility.js';
import { topicResourceName } from './names.js';
import { LOCALE_ORDER, type NameOrder } from './name-order.js';
import type {
  ClusterSpec,
  DaprSpec,
  GitOpsSpec,
  ImagesSpec,
  MonitoringSpec,
  NamespacesSpec,
  OperatorChartSpec,
  OperatorName,
  PlatformSpec,
  ProducerSpec,
  RetrySpec,
  ServiceSpec,
  TopicSpec,
  UserSpec,
} from './types.js';

const nameComparator =
  (order: NameOrder) =>
  <T extends { name: string }>(a: T, b: T) =>
    order(a.name, b.name);

/** Options of `resolvePlatform`. */
export interface ResolveOptions {
  /**
   * How names are ordered: topics, services, users, ACLs and the keys of
   * every map. `CODE_UNIT_ORDER` sorts without ICU, for the services, which
   * only look entries up by name (see name-order.ts).
   * @default LOCALE_ORDER (`localeCompare`), the order synthesized manifests are written in
   */
  readonly order?: NameOrder;
}

/** `gitops`: the ExternalSecrets store with its defaults filled in, or none. */
function resolveGitOps(stack: string, config: PlatformConfig): GitOpsSpec {
  const external = config.gitops?.externalSecrets;
  if (!external) return { externalSecrets: null };
  return {
    externalSecrets: {
      store: external.store!,
      kind: external.kind ?? EXTERNAL_SECRETS_DEFAULTS.kind,
      remoteKeyPrefix: external.remoteKeyPrefix ?? externalSecretsPrefix(stack),
      refreshInterval: external.refreshInterval ?? EXTERNAL_SECRETS_DEFAULTS.refreshInterval,
    },
  };
}

/**
 * Stack config merged over DEFAULTS and the defaults of its cluster flavor
 * (`FLAVOR_CLUSTER_DEFAULTS`); `null` entries remain and mean "removed".
 */
export function mergeWithDefaults(config: PlatformConfig): PlatformConfig {
  const flavor = config?.cluster?.flavor ?? DEFAULTS.cluster.flavor!;
  const flavorDefaults = FLAVOR_CLUSTER_DEFAULTS[flavor];
  const base = flavorDefaults ? deepMerge(DEFAULTS as PlatformConfig, { cluster: flavorDefaults }) : (DEFAULTS as PlatformConfig);
  return deepMerge(base, config);
}

function sortedRecord<T>(record: Record<string, T>, order: NameOrder): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => order(a, b)));
}

function entries<T>(record: Record<string, T | null> | undefined, order: NameOrder): [string, T][] {
  return Object.entries(record ?? {})
    .filter((entry): entry is [string, T] => entry[1] !== null && entry[1] !== undefined)
    .sort(([a], [b]) => order(a, b));
}

/** The in-cluster bootstrap address the operators' Services answer on. */
export function bootstrapServersFor(flavor: ClusterSpec['flavor'], name: string, namespace: string, port: number): string {
  switch (flavor) {
    case 'strimzi':
      return `${name}-kafka-bootstrap.${namespace}.svc:${port}`;
    case 'redpanda':
      return `${name}.${namespace}.svc.cluster.local:${port}`;
    case 'external':
    case 'confluent-cloud':
      return '';
  }
}

function resolveCluster(config: PlatformConfig, namespaces: NamespacesSpec): ClusterSpec {
  const c = { ...DEFAULTS.cluster, ...config.cluster };
  const flavor = c.flavor!;
  const strimziChart = config.operators?.strimzi?.version ?? DEFAULTS.operators.strimzi!.version!;
  const name = c.name!;
  const tls = c.tls!;
  const clientPort = CLIENT_PORTS[flavor];
  return {
    flavor,
    name,
    version: c.version ?? (flavor === 'strimzi' ? STRIMZI_KAFKA_VERSIONS[strimziChart]!.default : CLUSTER_VERSIONS[flavor]),
    brokers: c.brokers!,
    controllers: c.controllers!,
    storage: { size: c.storage?.size ?? DEFAULTS.cluster.storage!.size!, storageClass: c.storage?.storageClass ?? null },
    resources: deepMerge(BROKER_RESOURCES, c.resources),
    tls,
    saslMechanism: c.saslMechanism!,
    securityProtocol: tls ? 'SASL_SSL' : 'SASL_PLAINTEXT',
    clientPort,
    bootstrapServers: c.bootstrapServers ?? bootstrapServersFor(flavor, name, namespaces.kafka, clientPort),
    externalAccess: c.externalAccess!,
    confluent:
      flavor === 'confluent-cloud'
        ? { environmentId: c.confluent!.environmentId!, clusterId: c.confluent!.clusterId!, restEndpoint: c.confluent!.restEndpoint! }
        : null,
  };
}

function resolveTopic(key: string, topic: TopicConfig, config: PlatformConfig, cluster: ClusterSpec, order: NameOrder): TopicSpec {
  const defaults = config.topicDefaults ?? {};
  const name = topic.name ?? key;
  const replicationFactor = topic.replicationFactor ?? defaults.replicationFactor ?? defaultReplicationFactor(cluster.brokers);
  const minInsyncReplicas = topic.minInsyncReplicas ?? defaults.minInsyncReplicas ?? defaultMinInsyncReplicas(replicationFactor);
  const extra = Object.entries(topic.config ?? {}).sort(([a], [b]) => order(a, b));
  return {
    name,
    resourceName: topicResourceName(name),
    partitions: topic.partitions ?? TOPIC_DEFAULTS.partitions,
    replicationFactor,
    minInsyncReplicas,
    retentionMs: parseDurationMs(topic.retention ?? TOPIC_DEFAULTS.retention)!,
    retentionFloorMs: topic.retentionFloor == null ? null : parseDurationMs(topic.retentionFloor)!,
    cleanupPolicy: topic.cleanupPolicy ?? defaults.cleanupPolicy ?? 'delete',
    key: topic.key === undefined ? TOPIC_DEFAULTS.key : topic.key,
    role: topic.role ?? TOPIC_DEFAULTS.role,
    config: Object.fromEntries(extra.map(([k, v]) => [k, String(v)])),
    alerts: {
      expectedMessagesPerSecond: topic.expectedMessagesPerSecond ?? null,
      activeHoursUtc: topic.activeHoursUtc ?? null,
    },
  };
}

function resolveService(
  name: string,
  service: ServiceConfig,
  config: PlatformConfig,
  monitoring: MonitoringSpec,
  order: NameOrder,
): ServiceSpec {
  const appId = `${name}-service`;
  const images = { ...DEFAULTS.images, ...config.images };
  return {
    name,
    appId,
    image: pinnedImage(service.image ?? `${images.registry}/${appId}:${images.tag}`, images.digests?.[name]),
    replicas: service.replicas ?? SERVICE_DEFAULTS.replicas,
    mode: service.mode ?? SERVICE_DEFAULTS.mode,
    consumes: [...(service.consumes ?? [])].sort(),
    produces: [...(service.produces ?? SERVICE_DEFAULTS.produces)].sort(),
    deadLetterTopic: service.deadLetterTopic ?? SERVICE_DEFAULTS.deadLetterTopic,
    consumerGroup: appId,
    fanOut: service.fanOut ?? SERVICE_DEFAULTS.fanOut,
    user: appId,
    port: service.port ?? SERVICE_DEFAULTS.port,
    resources: deepMerge(SERVICE_RESOURCES, service.resources),
    database: service.database ?? SERVICE_DEFAULTS.database,
    lagThreshold: service.lagThreshold ?? monitoring.lagThreshold,
    env: sortedRecord(service.env ?? {}, order),
    secretEnv: sortedRecord(
      {
        ...Object.fromEntries(Object.entries(service.secretEnv ?? {}).map(([name, ref]) => [name, { name: ref.secret, key: ref.key }])),
        // Derived: every Dapr-mode service checks the sidecar's app API token (dapr-app-token.ts).
        ...((service.mode ?? SERVICE_DEFAULTS.mode) === 'dapr' ? { [DAPR_APP_TOKEN_ENV]: DAPR_APP_TOKEN_SECRET } : {}),
      },
      order,
    ),
    ingress: service.ingress?.host
      ? {
          host: service.ingress.host,
          path: WEBSOCKET_PATH,
          className: service.ingress.className ?? INGRESS_DEFAULTS.className,
          tlsSecret: service.ingress.tlsSecret ?? INGRESS_DEFAULTS.tlsSecret,
          controllerNamespace: service.ingress.controllerNamespace ?? INGRESS_DEFAULTS.controllerNamespace,
          annotations: sortedRecord(service.ingress.annotations ?? {}, order),
        }
      : null,
    egress: (service.egress ?? [])
      .map((rule) => ({ port: rule.port, namespace: rule.namespace ?? null }))
      .sort((a, b) => a.port - b.port || order(String(a.namespace), String(b.namespace))),
  };
}

/** A label map without the labels a stack removed (`null`), sorted by key. */
function presentLabels(labels: Readonly<Record<string, string | null>> | undefined, order: NameOrder): Record<string, string> {
  return sortedRecord(
    Object.fromEntries(Object.entries(labels ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string')),
    order,
  );
}

function resolveMonitoring(config: PlatformConfig, namespaces: NamespacesSpec, order: NameOrder): MonitoringSpec {
  const { selectorLabels, dashboards, ...settings } = { ...DEFAULTS.monitoring, ...config.monitoring };
  return {
    ...(settings as Omit<MonitoringSpec, 'selectorLabels' | 'dashboards'>),
    selectorLabels: presentLabels(selectorLabels, order),
    dashboards: { namespace: dashboards?.namespace ?? namespaces.kafka, labels: presentLabels(dashboards?.labels, order) },
  };
}

function resolveUsers(
  services: ServiceSpec[],
  producers: ProducerSpec[],
  facts: Pick<PlatformSpec, 'cluster' | 'monitoring'>,
  order: NameOrder,
): UserSpec[] {
  const user = (name: string, kind: UserSpec['kind'], acls: UserSpec['acls']): UserSpec => ({
    name,
    kind,
    secretName: userSecretName(name),
    acls,
  });
  return [
    user(ADMIN_USER, 'admin', []),
    user(EXPORTER_USER, 'exporter', exporterAcls()),
    // It reads messages: only where a console of ours authenticates as it.
    ...(consoleRuns(facts) ? [user(CONSOLE_USER, 'console', consoleAcls())] : []),
    ...services.map((s) => user(s.user, 'service', serviceAcls(s, order))),
    ...producers.map((p) => user(p.name, 'producer', producerAcls(p, order))),
  ].sort(nameComparator(order));
}

/** Registry, tag and digests over DEFAULTS; the third-party images pinned where a digest is set. */
function resolveImages(config: PlatformConfig, order: NameOrder): ImagesSpec {
  const images = { ...DEFAULTS.images, ...config.images };
  const digests = sortedRecord(images.digests ?? {}, order);
  const thirdParty = Object.fromEntries(
    (Object.keys(THIRD_PARTY_IMAGES) as ThirdPartyImage[]).map((key) => [key, pinnedImage(THIRD_PARTY_IMAGES[key], digests[key])]),
  ) as ImagesSpec['thirdParty'];
  return { registry: images.registry!, tag: images.tag!, digests, thirdParty };
}

/** Dapr's settings over DEFAULTS, the scheduler's one by one. */
function resolveDapr(config: PlatformConfig): DaprSpec {
  const { scheduler, ...dapr } = { ...DEFAULTS.dapr, ...config.dapr };
  const s = { ...DEFAULTS.dapr.scheduler, ...scheduler };
  return {
    ...(dapr as Omit<DaprSpec, 'scheduler'>),
    scheduler: { replicas: s.replicas!, storageSize: s.storageSize!, storageClass: s.storageClass ?? null },
  };
}

/** Fills defaults and derives users, ACLs and addresses. Input must be valid. */
export function resolvePlatform(stack: string, stackConfig: PlatformConfig, options: ResolveOptions = {}): PlatformSpec {
  const order = options.order ?? LOCALE_ORDER;
  const config = mergeWithDefaults(stackConfig);
  const namespaces = { ...DEFAULTS.namespaces, ...config.namespaces } as NamespacesSpec;
  const operators = Object.fromEntries(
    (Object.keys(DEFAULTS.operators) as OperatorName[]).map((name) => {
      const chart = { ...DEFAULTS.operators[name], ...config.operators?.[name] } as OperatorChartSpec;
      return [name, { chart: chart.chart, repository: chart.repository ?? null, version: chart.version }];
    }),
  ) as Record<OperatorName, OperatorChartSpec>;
  const cluster = resolveCluster(config, namespaces);
  const monitoring = resolveMonitoring(config, namespaces, order);
  const dapr = resolveDapr(config);
  const retry = { ...DEFAULTS.retry, ...config.retry } as RetrySpec;
  const topics = entries(config.topics, order)
    .map(([key, t]) => resolveTopic(key, t, config, cluster, order))
    .sort(nameComparator(order));
  const services = entries(config.services, order).map(([name, s]) => resolveService(name, s, config, monitoring, order));
  const producers = entries(config.producers, order).map(([name, p]) => ({
    name,
    produces: [...(p.produces ?? [])].sort(),
  }));
  return {
    stack,
    namespaces,
    cluster,
    protectTopics: config.protectTopics ?? false,
    topics,
    services,
    producers,
    users: resolveUsers(services, producers, { cluster, monitoring }, order),
    retry,
    dapr,
    monitoring,
    operators,
    acknowledgements: {
      partitionIncrease: sortedRecord(config.acknowledge?.partitionIncrease ?? {}, order),
      replicationChange: sortedRecord(config.acknowledge?.replicationChange ?? {}, order),
      cleanupPolicyChange: sortedRecord(config.acknowledge?.cleanupPolicyChange ?? {}, order),
    },
    images: resolveImages(config, order),
    gitops: resolveGitOps(stack, config),
  };
}
