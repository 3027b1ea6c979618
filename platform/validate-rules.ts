/**
 * Rules that need more than the shape: bounds, cross references, and what each
 * cluster flavor accepts. They run on the stack config merged over DEFAULTS and
 * skip values whose type the structural check already reported.
 */
import type { PlatformConfig, ServiceConfig, TopicConfig } from './config.js';
import { ADMIN_USER, CLUSTER_VERSIONS, CONSOLE_USER, defaultReplicationFactor, EXPORTER_USER } from './defaults.js';
import { DAPR_SCHEDULER_REPLICAS } from './dapr-runtime.js';
import type { ConfigProblem } from './errors.js';
import { isKubernetesLabel, isKubernetesName, isLabelValue, kafkaTopicNameProblem, labelKeyProblem, topicResourceName } from './names.js';
import { redpandaImageProblem, STRIMZI_KAFKA_VERSIONS, strimziKafkaVersionProblem } from './operator-compatibility.js';
import { imageDigestProblems, THIRD_PARTY_IMAGES } from './images.js';
import { SERVICE_ENV } from './service-env.js';
import { WEBSOCKET_SERVICE } from './websocket-token.js';
import { closest, show } from './suggest.js';
import { checkConfluentCloud, checkConfluentTopicReplication, isManagedFlavor } from './confluent-cloud.js';

/** Redpanda's and Strimzi's practical ceiling; more partitions per topic is almost always a mistake. */
const MAX_PARTITIONS = 10_000;
/** Configs with a field of their own: setting them under `config` would write one fact twice. */
const DEDICATED_CONFIG_KEYS: Record<string, string> = {
  'retention.ms': 'retention',
  'min.insync.replicas': 'minInsyncReplicas',
  'cleanup.policy': 'cleanupPolicy',
};
const QUANTITY = /^([0-9]+(\.[0-9]+)?)(m|k|Ki|Mi|Gi|Ti|M|G|T)?$/;

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

type Report = (path: string, message: string, fix: string) => void;

function liveEntries<T>(record: Record<string, T | null> | undefined): [string, T][] {
  return Object.entries(record ?? {})
    .filter((e): e is [string, T] => e[1] !== null && typeof e[1] === 'object')
    .sort(([a], [b]) => a.localeCompare(b));
}

function checkCluster(config: PlatformConfig, report: Report): void {
  const c = config.cluster ?? {};
  const flavor = c.flavor;
  if (isInt(c.brokers) && c.brokers < 1) {
    report('cluster.brokers', `${c.brokers} is not allowed`, 'a cluster needs at least 1 broker');
  }
  if (isInt(c.controllers) && c.controllers < 0) {
    report('cluster.controllers', `${c.controllers} is not allowed`, 'write 0 for combined nodes or the size of the controller pool');
  }
  if (isInt(c.controllers) && c.controllers > 0 && flavor !== 'strimzi') {
    report('cluster.controllers', `${c.controllers} only applies to strimzi, not ${show(flavor)}`, 'remove it');
  }
  if (isInt(c.controllers) && c.controllers > 0 && c.controllers % 2 === 0) {
    report(
      'cluster.controllers',
      `${c.controllers} controllers cannot keep a KRaft quorum through more failures than ${c.controllers - 1}`,
      'use an odd number such as 3',
    );
  }
  if (flavor === 'strimzi' && c.saslMechanism !== undefined && c.saslMechanism !== 'SCRAM-SHA-512') {
    report(
      'cluster.saslMechanism',
      `${show(c.saslMechanism)} is not supported by Strimzi, whose users are SCRAM-SHA-512 only`,
      'write SCRAM-SHA-512',
    );
  }
  if (isManagedFlavor(flavor)) {
    if (c.bootstrapServers === undefined) {
      report(
        'cluster.bootstrapServers',
        `is missing; ${flavor === 'external' ? 'an external' : 'a Confluent Cloud'} cluster has no address to derive`,
        flavor === 'external'
          ? 'write host:port[,host:port] of the cluster'
          : 'write the bootstrap server from the cluster\'s "Cluster settings", such as pkc-a1b2c.us-east-1.aws.confluent.cloud:9092',
      );
    }
  } else if (c.bootstrapServers !== undefined) {
    report(
      'cluster.bootstrapServers',
      `${show(c.bootstrapServers)} only applies to external and confluent-cloud clusters`,
      `remove it; ${flavor} derives the address from its Service`,
    );
  }
  if (typeof c.bootstrapServers === 'string') {
    const bad = c.bootstrapServers.split(',').filter((a) => !/^[A-Za-z0-9.-]+:\d{1,5}$/.test(a.trim()));
    if (bad.length > 0) {
      report(
        'cluster.bootstrapServers',
        `${show(c.bootstrapServers)} is not a host:port list`,
        'write host:port entries separated by commas, e.g. broker-1.example.com:9092',
      );
    }
  }
  if (typeof c.name === 'string' && !isKubernetesLabel(c.name)) {
    report(
      'cluster.name',
      `${show(c.name)} is not a valid Kubernetes name`,
      'use lower-case letters, digits and "-", at most 63 characters',
    );
  }
  if (c.externalAccess === true && flavor !== 'redpanda') {
    report('cluster.externalAccess', `only applies to redpanda, not ${show(flavor)}`, 'remove it');
  }
  checkClusterVersion(config, report);
  checkConfluentCloud(config, report);
  checkResources('cluster.resources', c.resources, report);
  if (typeof c.storage?.size === 'string' && !QUANTITY.test(c.storage.size)) {
    report('cluster.storage.size', `${show(c.storage.size)} is not a Kubernetes quantity`, 'write a size such as 10Gi');
  }
}

/** The cluster's version against what the pinned operator release runs (see operator-compatibility.ts). */
function checkClusterVersion(config: PlatformConfig, report: Report): void {
  const c = config.cluster ?? {};
  if (c.flavor === 'external') {
    if (c.version !== undefined) report('cluster.version', `${show(c.version)} has no effect on an external cluster`, 'remove it');
    return;
  }
  // Confluent Cloud's own rules (confluent-cloud.ts) report a version there.
  if (c.flavor === 'confluent-cloud') return;
  const chart = config.operators?.[c.flavor === 'strimzi' ? 'strimzi' : 'redpanda']?.version;
  if (typeof chart !== 'string') return;
  const operatorPath = `operators.${c.flavor}.version`;
  if (c.flavor === 'strimzi') {
    // Without cluster.version the release's own default runs; only an unknown release is then a problem.
    const problem = strimziKafkaVersionProblem(
      chart,
      typeof c.version === 'string' ? c.version : (STRIMZI_KAFKA_VERSIONS[chart]?.default ?? ''),
    );
    if (problem) report(c.version === undefined ? operatorPath : 'cluster.version', problem.message, problem.fix);
  } else if (c.flavor === 'redpanda') {
    const problem = redpandaImageProblem(chart, typeof c.version === 'string' ? c.version : CLUSTER_VERSIONS.redpanda);
    if (problem) report(c.version === undefined ? operatorPath : 'cluster.version', problem.message, problem.fix);
  }
}

/** Chart sources: a Helm repository with a chart name, or an `oci://` reference alone. */
function checkOperators(config: PlatformConfig, report: Report): void {
  for (const [name, chart] of Object.entries(config.operators ?? {})) {
    if (!chart) continue;
    const path = `operators.${name}`;
    const oci = typeof chart.chart === 'string' && chart.chart.startsWith('oci://');
    if (oci && typeof chart.repository === 'string') {
      report(
        `${path}.repository`,
        `${show(chart.repository)} is set, but chart ${show(chart.chart)} is an OCI reference`,
        'write repository: null for an oci:// chart',
      );
    }
    if (typeof chart.chart === 'string' && !oci && chart.repository === null) {
      report(
        `${path}.repository`,
        `is null, but chart ${show(chart.chart)} is not an oci:// reference`,
        `write the Helm repository URL that serves ${show(chart.chart)}, or an oci:// chart reference`,
      );
    }
    if (typeof chart.repository === 'string' && !/^(https?|oci):\/\/\S+$/.test(chart.repository)) {
      report(
        `${path}.repository`,
        `${show(chart.repository)} is not a Helm repository URL`,
        'write an http(s):// URL such as https://charts.example.com/mirror',
      );
    }
    if (typeof chart.version === 'string' && !/^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(chart.version)) {
      report(
        `${path}.version`,
        `${show(chart.version)} is not a pinned chart version`,
        'write an exact version such as 1.2.0; ranges would make `pulumi up` unrepeatable',
      );
    }
  }
}

function checkResources(path: string, resources: unknown, report: Report): void {
  if (typeof resources !== 'object' || resources === null) return;
  for (const [group, values] of Object.entries(resources as Record<string, unknown>)) {
    if (typeof values !== 'object' || values === null) continue;
    for (const [name, value] of Object.entries(values as Record<string, unknown>)) {
      if (typeof value === 'string' && !QUANTITY.test(value)) {
        const example = name === 'cpu' ? '100m or 1' : '128Mi or 1Gi';
        report(`${path}.${group}.${name}`, `${show(value)} is not a Kubernetes quantity`, `write a quantity such as ${example}`);
      }
    }
  }
}

function checkTopic(key: string, topic: TopicConfig, config: PlatformConfig, report: Report): void {
  const path = `topics.${key}`;
  const flavor = config.cluster?.flavor;
  const brokers = config.cluster?.brokers;
  const name = typeof topic.name === 'string' ? topic.name : key;
  const nameProblem = kafkaTopicNameProblem(name);
  if (nameProblem) {
    report(topic.name === undefined ? path : `${path}.name`, `${show(name)} ${nameProblem}`, 'rename the topic');
  } else if (topicResourceName(name) === '') {
    report(path, `${show(name)} has no characters a Kubernetes name can keep`, 'rename the topic with letters or digits');
  }
  if (isInt(topic.partitions) && (topic.partitions < 1 || topic.partitions > MAX_PARTITIONS)) {
    const fix = topic.partitions < 1 ? 'a topic needs at least 1 partition' : `use at most ${MAX_PARTITIONS} partitions`;
    report(`${path}.partitions`, `${topic.partitions} is not allowed`, fix);
  }
  const rfPath = topic.replicationFactor !== undefined ? `${path}.replicationFactor` : 'topicDefaults.replicationFactor';
  const rf =
    topic.replicationFactor ?? config.topicDefaults?.replicationFactor ?? (isInt(brokers) ? defaultReplicationFactor(brokers) : undefined);
  const minIsrPath = topic.minInsyncReplicas !== undefined ? `${path}.minInsyncReplicas` : 'topicDefaults.minInsyncReplicas';
  if (flavor === 'confluent-cloud') {
    checkConfluentTopicReplication(
      { value: rf, path: rfPath },
      { value: topic.minInsyncReplicas ?? config.topicDefaults?.minInsyncReplicas, path: minIsrPath },
      report,
    );
  } else if (isInt(rf)) {
    if (rf < 1) report(rfPath, `${rf} is not allowed`, 'a topic needs at least 1 replica');
    else if (isInt(brokers) && rf > brokers) {
      report(
        rfPath,
        `${rf} replicas exceed the ${brokers} broker(s) of cluster ${show(config.cluster?.name)}`,
        `use at most ${brokers}, or add brokers in cluster.brokers`,
      );
    } else if (flavor === 'redpanda' && rf % 2 === 0) {
      report(rfPath, `${rf} is even; Redpanda requires an odd replication factor`, `use ${rf - 1} or ${rf + 1}`);
    }
    const minIsr = topic.minInsyncReplicas ?? config.topicDefaults?.minInsyncReplicas;
    if (isInt(minIsr) && (minIsr < 1 || minIsr > rf)) {
      report(
        minIsrPath,
        `${minIsr} is outside 1..${rf} (the topic's replication factor)`,
        `use at most ${rf}; with acks=all a higher value refuses every write`,
      );
    }
  }
  for (const configKey of Object.keys(topic.config ?? {})) {
    const field = DEDICATED_CONFIG_KEYS[configKey];
    if (field) report(`${path}.config.${configKey}`, 'duplicates a dedicated setting', `set topics.${key}.${field} instead`);
  }
  if (typeof topic.key === 'string' && !/^[a-z_][a-z0-9_]*$/.test(topic.key)) {
    report(`${path}.key`, `${show(topic.key)} is not an event field name`, 'write a field of the event such as user_id');
  }
  if (isNum(topic.expectedMessagesPerSecond) && topic.expectedMessagesPerSecond <= 0) {
    report(
      `${path}.expectedMessagesPerSecond`,
      `${topic.expectedMessagesPerSecond} is not allowed`,
      'write a positive rate, or null for no low-traffic alert',
    );
  }
  const hours = topic.activeHoursUtc;
  if (hours && (isInt(hours.from) || isInt(hours.to))) {
    const ok = (h: unknown) => isInt(h) && h >= 0 && h <= 24;
    if (!ok(hours.from) || !ok(hours.to) || hours.from === hours.to) {
      report(
        `${path}.activeHoursUtc`,
        `${show(hours)} is not a window of UTC hours`,
        'write { from: 7, to: 22 } with hours 0..24 that differ',
      );
    }
  }
}

function checkTopicNames(topics: [string, TopicConfig][], report: Report): Set<string> {
  const names = new Map<string, string>();
  const resources = new Map<string, string>();
  const metricNames = new Map<string, string>();
  for (const [key, topic] of topics) {
    const name = typeof topic.name === 'string' ? topic.name : key;
    const path = `topics.${key}`;
    const seen = names.get(name);
    if (seen) {
      report(path, `names topic ${show(name)} again (already ${seen})`, 'remove one of the two entries');
      continue;
    }
    names.set(name, path);
    if (kafkaTopicNameProblem(name)) continue;
    const resource = topicResourceName(name);
    const resourceClash = resources.get(resource);
    if (resourceClash) {
      report(
        path,
        `maps to Kubernetes name ${show(resource)}, as ${resourceClash} does`,
        'rename one topic so their Kubernetes names differ',
      );
    }
    resources.set(resource, path);
    // Kafka refuses topics that differ only by "." versus "_": their metric names collide.
    const metric = name.replace(/\./g, '_');
    const metricClash = metricNames.get(metric);
    if (metricClash && !resourceClash) {
      report(path, `collides with ${metricClash}: Kafka treats "." and "_" alike in topic names`, 'rename one of them');
    }
    metricNames.set(metric, path);
  }
  return new Set(names.keys());
}

function checkTopicRefs(path: string, refs: unknown, topics: Set<string>, report: Report): void {
  if (!Array.isArray(refs)) return;
  refs.forEach((ref, i) => {
    if (typeof ref === 'string' && !topics.has(ref)) {
      const guess = closest(ref, [...topics]);
      report(
        `${path}[${i}]`,
        `${show(ref)} is not a topic of this stack`,
        guess ? `did you mean "${guess}"?` : `declare it under topics, or use one of ${[...topics].sort().join(', ')}`,
      );
    }
  });
}

/**
 * A topic no service consumes or produces, no producer produces and that is
 * not a dead-letter topic does nothing but hold data: almost always a typo in
 * a topic's name (`topics: { reminder: { retention: 2d } }` adds a fifth topic
 * instead of changing `reminders`). Refused with the closest known topic,
 * unless the topic says `unused: true`, which is in turn refused on a topic
 * something uses, so the flag never outlives its reason.
 */
function checkUnusedTopics(config: PlatformConfig, topics: [string, TopicConfig][], all: [string, TopicConfig][], report: Report): void {
  const users = new Map<string, string>();
  const use = (refs: unknown, by: string) => {
    if (Array.isArray(refs)) for (const ref of refs) if (typeof ref === 'string' && !users.has(ref)) users.set(ref, by);
  };
  for (const [name, service] of liveEntries(config.services)) {
    use(service.consumes, `services.${name}.consumes`);
    use(service.produces, `services.${name}.produces`);
    use([service.deadLetterTopic], `services.${name}.deadLetterTopic`);
  }
  for (const [name, producer] of liveEntries(config.producers)) use(producer.produces, `producers.${name}.produces`);
  const nameOf = ([key, topic]: [string, TopicConfig]) => (typeof topic.name === 'string' ? topic.name : key);
  const names = all.map(nameOf);
  for (const entry of topics) {
    const [key, topic] = entry;
    const name = nameOf(entry);
    const usedBy = users.get(name);
    if (topic.unused === true) {
      if (usedBy) report(`topics.${key}.unused`, `is true, but ${show(name)} is used by ${usedBy}`, 'remove it');
      continue;
    }
    if (usedBy || topic.role === 'dead-letter') continue;
    const guess = closest(
      name,
      names.filter((other) => other !== name),
    );
    const keep = `set topics.${key}.unused: true to keep a topic nothing in this spec uses`;
    report(
      `topics.${key}`,
      `${show(name)} is not consumed or produced by any service or producer, and is not a dead-letter topic`,
      guess
        ? `did you mean ${show(guess)}? Otherwise list it under a service's consumes or produces, or ${keep}`
        : `list it under a service's consumes or produces (or a producer's produces), or ${keep}`,
    );
  }
}

/**
 * `acknowledge.<kind>.<topic>`: each names a topic of this stack and the value
 * the change goes to. Whether it matches the change is the guard rails' call
 * (platform/changes/guard-rails.ts): a stale one is harmless.
 */
function checkAcknowledgements(config: PlatformConfig, topics: Set<string>, report: Report): void {
  const ack = config.acknowledge ?? {};
  const keyOf = new Map(liveEntries(config.topics).map(([key, t]) => [typeof t.name === 'string' ? t.name : key, t]));
  for (const kind of ['partitionIncrease', 'replicationChange', 'cleanupPolicyChange'] as const) {
    for (const [topic, value] of Object.entries(ack[kind] ?? {})) {
      const path = `acknowledge.${kind}.${topic}`;
      if (!topics.has(topic)) {
        const guess = closest(topic, [...topics]);
        report(
          path,
          `${show(topic)} is not a topic of this stack`,
          guess ? `did you mean "${guess}"?` : 'name a topic under topics, or remove it',
        );
        continue;
      }
      if (kind !== 'cleanupPolicyChange' && isInt(value) && (value < 1 || value > MAX_PARTITIONS)) {
        report(
          path,
          `${value} is not allowed`,
          kind === 'partitionIncrease' ? 'write the new partition count' : 'write the new replication factor',
        );
      }
      if (kind === 'partitionIncrease' && keyOf.get(topic)?.key == null) {
        report(path, `has no effect: ${show(topic)} has no key, so more partitions reorder nothing`, 'remove it');
      }
    }
  }
}

function checkService(name: string, service: ServiceConfig, config: PlatformConfig, topics: Set<string>, report: Report): void {
  const path = `services.${name}`;
  if (!isKubernetesLabel(`${name}-service`)) {
    report(
      path,
      `${show(name)} is not usable as a Kubernetes name (it becomes "${name}-service")`,
      'use lower-case letters, digits and "-", at most 55 characters',
    );
  }
  checkTopicRefs(`${path}.consumes`, service.consumes, topics, report);
  checkTopicRefs(`${path}.produces`, service.produces, topics, report);
  if (Array.isArray(service.consumes) && service.consumes.length === 0) {
    report(`${path}.consumes`, 'is empty', 'a consumer service consumes at least one topic; list it, or remove the service');
  }
  const dlq = service.deadLetterTopic;
  if (typeof dlq === 'string') {
    if (!topics.has(dlq)) {
      report(`${path}.deadLetterTopic`, `${show(dlq)} is not a topic of this stack`, `declare it under topics with role: dead-letter`);
    } else if (
      config.topics?.[dlq]?.role !== 'dead-letter' &&
      !Object.values(config.topics ?? {}).some((t) => t?.name === dlq && t.role === 'dead-letter')
    ) {
      report(
        `${path}.deadLetterTopic`,
        `${show(dlq)} is an events topic`,
        `set topics.${dlq}.role to dead-letter, or name a dead-letter topic`,
      );
    }
  }
  if (isInt(service.replicas) && service.replicas < 0) report(`${path}.replicas`, `${service.replicas} is not allowed`, 'write 0 or more');
  if (isInt(service.port) && (service.port < 1024 || service.port > 65535)) {
    report(`${path}.port`, `${service.port} is outside 1024..65535`, 'pick an unprivileged port such as 8080; the pods run as non-root');
  }
  if (service.fanOut === true && service.lagThreshold !== undefined) {
    report(
      `${path}.lagThreshold`,
      'has no effect on a fan-out service (its per-pod groups are not lag-watched)',
      'remove it, or set fanOut: false',
    );
  }
  if (isInt(service.lagThreshold) && service.lagThreshold < 1)
    report(`${path}.lagThreshold`, `${service.lagThreshold} is not allowed`, 'write a positive number of messages');
  if (service.mode === 'dapr' && config.dapr?.enabled === false) {
    report(`${path}.mode`, '"dapr" needs Dapr, but dapr.enabled is false', 'set dapr.enabled to true, or mode to kafka');
  }
  checkResources(`${path}.resources`, service.resources, report);
  checkServiceEnv(path, service, report);
  checkIngress(name, service, report);
}

/** Host names an Ingress rule accepts (RFC 1123, optionally one leading wildcard label). */
const INGRESS_HOST = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function checkIngress(name: string, service: ServiceConfig, report: Report): void {
  const ingress = service.ingress;
  if (!ingress) return;
  const path = `services.${name}.ingress`;
  if (name !== WEBSOCKET_SERVICE) {
    report(
      path,
      `${show(name)} serves no clients, only deliveries, health and metrics`,
      'remove it; only the websocket service may have an Ingress',
    );
  }
  if (ingress.host === undefined)
    report(`${path}.host`, 'is missing', 'write the host name clients connect to, e.g. events.todo.example.com');
  else if (typeof ingress.host === 'string' && !INGRESS_HOST.test(ingress.host)) {
    report(
      `${path}.host`,
      `${show(ingress.host)} is not a DNS host name`,
      'write lower-case labels separated by dots, e.g. events.todo.example.com',
    );
  }
  for (const key of ['className', 'tlsSecret', 'controllerNamespace'] as const) {
    const value = ingress[key];
    if (typeof value === 'string' && !isKubernetesName(value)) {
      report(`${path}.${key}`, `${show(value)} is not a valid Kubernetes name`, 'use lower-case letters, digits, "-" and "."');
    }
  }
}

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const PLATFORM_ENV = new Set<string>(Object.values(SERVICE_ENV));

function checkEnvName(path: string, name: string, report: Report): void {
  if (!ENV_NAME.test(name)) {
    report(path, `${show(name)} is not an environment variable name`, 'use upper-case letters, digits and "_", e.g. NOTIFY_WEBHOOK_URL');
  } else if (PLATFORM_ENV.has(name)) {
    report(path, `${show(name)} is set by the platform from the spec`, 'change the spec setting it comes from instead');
  }
}

function checkServiceEnv(path: string, service: ServiceConfig, report: Report): void {
  for (const name of Object.keys(service.env ?? {})) checkEnvName(`${path}.env.${name}`, name, report);
  for (const [name, ref] of Object.entries(service.secretEnv ?? {})) {
    checkEnvName(`${path}.secretEnv.${name}`, name, report);
    if (service.env?.[name] !== undefined) {
      report(`${path}.secretEnv.${name}`, 'is also set under env', 'keep one: secretEnv for secrets, env for plain settings');
    }
    if (typeof ref?.secret === 'string' && !isKubernetesName(ref.secret)) {
      report(
        `${path}.secretEnv.${name}.secret`,
        `${show(ref.secret)} is not a valid Secret name`,
        'use lower-case letters, digits, "-" and "."',
      );
    }
    if (typeof ref?.key === 'string' && !SECRET_KEY.test(ref.key)) {
      report(`${path}.secretEnv.${name}.key`, `${show(ref.key)} is not a valid Secret key`, 'use letters, digits, "-", "_" and "."');
    }
  }
  (service.egress ?? []).forEach((rule, i) => {
    if (isInt(rule?.port) && (rule.port < 1 || rule.port > 65535)) {
      report(`${path}.egress[${i}].port`, `${rule.port} is not a port`, 'write a port between 1 and 65535');
    }
    if (typeof rule?.namespace === 'string' && !isKubernetesLabel(rule.namespace)) {
      report(
        `${path}.egress[${i}].namespace`,
        `${show(rule.namespace)} is not a valid namespace name`,
        'use lower-case letters, digits and "-"',
      );
    }
  });
}

function checkUsers(config: PlatformConfig, topics: Set<string>, report: Report): void {
  const owners = new Map<string, string>([
    [ADMIN_USER, 'the platform admin'],
    [EXPORTER_USER, 'the lag exporter'],
    [CONSOLE_USER, 'the console'],
  ]);
  for (const [name] of liveEntries(config.services)) owners.set(`${name}-service`, `services.${name}`);
  for (const [name, producer] of liveEntries(config.producers)) {
    const path = `producers.${name}`;
    const owner = owners.get(name);
    if (owner) report(path, `uses the Kafka user name ${show(name)} of ${owner}`, 'rename the producer');
    else if (!isKubernetesLabel(name))
      report(path, `${show(name)} is not a valid Kubernetes name`, 'use lower-case letters, digits and "-"');
    owners.set(name, path);
    checkTopicRefs(`${path}.produces`, producer.produces, topics, report);
  }
}

/** Labels the platform sets on every object; a stack's labels may not overwrite them. */
const PLATFORM_LABEL_PREFIX = 'app.kubernetes.io/';

function checkLabels(path: string, labels: unknown, report: Report): void {
  if (typeof labels !== 'object' || labels === null) return;
  for (const [key, value] of Object.entries(labels)) {
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) {
      report(`${path}.${key}`, `${show(key)} ${keyProblem}`, 'write a label key such as release or example.com/team');
    } else if (key.startsWith(PLATFORM_LABEL_PREFIX)) {
      report(`${path}.${key}`, `${show(key)} is a label the platform sets on every object`, 'choose another label key');
    }
    if (typeof value === 'string' && !isLabelValue(value)) {
      report(
        `${path}.${key}`,
        `${show(value)} is not a valid label value`,
        'write at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
      );
    }
  }
}

/** Where the monitoring objects go and how Prometheus and Grafana find them. */
function checkMonitoringTargets(config: PlatformConfig, report: Report): void {
  const m = config.monitoring ?? {};
  checkLabels('monitoring.selectorLabels', m.selectorLabels, report);
  const dashboards = m.dashboards ?? {};
  checkLabels('monitoring.dashboards.labels', dashboards.labels, report);
  const labels = dashboards.labels;
  // Wrong types are the shape check's to report; this is about every label removed (`null`).
  if (typeof labels === 'object' && labels !== null && Object.values(labels).every((v) => v === null)) {
    report(
      'monitoring.dashboards.labels',
      'has no label left',
      'Grafana\'s sidecar loads only labelled ConfigMaps; write the label its sidecar.dashboards.label watches, such as grafana_dashboard: "1"',
    );
  }
  if (typeof dashboards.namespace === 'string' && !isKubernetesLabel(dashboards.namespace)) {
    report(
      'monitoring.dashboards.namespace',
      `${show(dashboards.namespace)} is not a valid namespace name`,
      'write the namespace Grafana\'s sidecar searches: lower-case letters, digits and "-", at most 63 characters',
    );
  }
}

function checkSettings(config: PlatformConfig, report: Report): void {
  for (const [key, value] of Object.entries(config.namespaces ?? {})) {
    if (typeof value === 'string' && !isKubernetesLabel(value)) {
      report(
        `namespaces.${key}`,
        `${show(value)} is not a valid namespace name`,
        'use lower-case letters, digits and "-", at most 63 characters',
      );
    }
  }
  const ns = config.namespaces ?? {};
  if (typeof ns.kafka === 'string' && ns.kafka === ns.apps && ns.ownership?.kafka !== ns.ownership?.apps) {
    report(
      'namespaces.ownership',
      `kafka is ${show(ns.ownership?.kafka)} and apps ${show(ns.ownership?.apps)}, but both are namespace ${show(ns.kafka)}`,
      'give one namespace one ownership',
    );
  }
  const retry = config.retry ?? {};
  for (const [key, value] of Object.entries(retry)) {
    if (isInt(value) && value < 1) report(`retry.${key}`, `${value} is not allowed`, 'write a positive number');
  }
  if (isInt(retry.initialIntervalMs) && isInt(retry.maxIntervalMs) && retry.initialIntervalMs > retry.maxIntervalMs) {
    report(
      'retry.maxIntervalMs',
      `${retry.maxIntervalMs} is below initialIntervalMs ${retry.initialIntervalMs}`,
      'make the maximum at least the initial interval',
    );
  }
  const m = config.monitoring ?? {};
  const ratio = (key: 'errorRatio' | 'partitionSkewRatio', value: unknown) => {
    if (isNum(value) && (value <= 0 || value >= 1))
      report(`monitoring.${key}`, `${value} is outside (0, 1)`, 'write a fraction such as 0.01 for 1%');
  };
  ratio('errorRatio', m.errorRatio);
  ratio('partitionSkewRatio', m.partitionSkewRatio);
  for (const key of ['lagThreshold', 'forMinutes'] as const) {
    const value = m[key];
    if (isInt(value) && value < 1) report(`monitoring.${key}`, `${value} is not allowed`, 'write a positive whole number');
  }
}

/**
 * Dapr's control plane. The scheduler is an etcd cluster that the pinned chart
 * always runs with `DAPR_SCHEDULER_REPLICAS` members (see dapr-runtime.ts): any
 * other count would be ignored, so the spec would not say what runs.
 */
function checkDapr(config: PlatformConfig, report: Report): void {
  const dapr = config.dapr ?? {};
  const scheduler = dapr.scheduler ?? {};
  const n = DAPR_SCHEDULER_REPLICAS;
  const replicas = scheduler.replicas;
  const fix = `write ${n}, or 0 to run no scheduler (no Jobs API, actor reminders or workflows; the services use none)`;
  if (isInt(replicas)) {
    if (replicas < 0) report('dapr.scheduler.replicas', `${replicas} is not allowed`, fix);
    else if (replicas > 0 && replicas % 2 === 0) {
      report(
        'dapr.scheduler.replicas',
        `${replicas} is even: an etcd cluster of ${replicas} survives no more failures than one of ${replicas - 1}`,
        fix,
      );
    } else if (replicas !== 0 && replicas !== n) {
      report('dapr.scheduler.replicas', `${replicas} cannot be set: the Dapr chart always runs ${n} scheduler replicas`, fix);
    }
    if (dapr.ha === true && replicas !== n) {
      report(
        'dapr.ha',
        `true needs the scheduler's ${n}-replica etcd quorum, but dapr.scheduler.replicas is ${replicas}`,
        `write dapr.scheduler.replicas: ${n}, or set dapr.ha to false`,
      );
    }
  }
  if (typeof scheduler.storageSize === 'string' && !QUANTITY.test(scheduler.storageSize)) {
    report('dapr.scheduler.storageSize', `${show(scheduler.storageSize)} is not a Kubernetes quantity`, 'write a size such as 1Gi or 16Gi');
  }
  if (typeof scheduler.storageClass === 'string' && !isKubernetesName(scheduler.storageClass)) {
    report(
      'dapr.scheduler.storageClass',
      `${show(scheduler.storageClass)} is not a valid StorageClass name`,
      'use lower-case letters, digits, "-" and ".", or null for the default class',
    );
  }
}

/**
 * `images.digests`: keys are services of this stack or third-party images,
 * values `sha256:<64 hex>`; a service may not be named like a third-party
 * image, whose digest would then pin both.
 */
function checkImages(config: PlatformConfig, report: Report): void {
  const services = liveEntries(config.services).map(([name]) => name);
  for (const problem of imageDigestProblems(config.images?.digests, 'images.digests', services)) {
    report(problem.path, problem.message, problem.fix);
  }
  for (const name of services.filter((s) => s in THIRD_PARTY_IMAGES)) {
    report(`services.${name}`, `${show(name)} is the key of a third-party image in images.digests`, 'rename the service');
  }
}

/** A Go duration as ESO's `refreshInterval` takes it: `1h`, `30m`, `2h30m`, `0` (fetch once). */
const GO_DURATION = /^(0|([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+)$/;

/** `gitops.externalSecrets`: a store to read from, and remote keys and an interval ESO accepts. */
function checkGitOps(config: PlatformConfig, report: Report): void {
  const external = config.gitops?.externalSecrets;
  if (typeof external !== 'object' || external === null) return;
  const path = 'gitops.externalSecrets';
  if (external.store === undefined) {
    report(`${path}.store`, 'is missing', 'name the SecretStore or ClusterSecretStore that holds the values, e.g. store: vault');
  } else if (typeof external.store === 'string' && !isKubernetesName(external.store)) {
    report(`${path}.store`, `${show(external.store)} is not a valid store name`, 'use lower-case letters, digits, "-" and "."');
  }
  const prefix = external.remoteKeyPrefix;
  if (typeof prefix === 'string' && (prefix === '' || prefix.startsWith('/') || prefix.endsWith('/') || /\s/.test(prefix))) {
    report(
      `${path}.remoteKeyPrefix`,
      `${show(prefix)} is not a key prefix`,
      'write a path without spaces or a leading or trailing "/", e.g. todo-events/prod',
    );
  }
  if (typeof external.refreshInterval === 'string' && !GO_DURATION.test(external.refreshInterval)) {
    report(`${path}.refreshInterval`, `${show(external.refreshInterval)} is not a Go duration`, 'write one such as 1h, 30m or 2h30m');
  }
}

/** Every semantic problem of a config already merged over DEFAULTS. */
export function checkRules(config: PlatformConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const report: Report = (path, message, fix) => problems.push({ path, message, fix });
  checkCluster(config, report);
  const topics = liveEntries(config.topics);
  const topicNames = checkTopicNames(topics, report);
  for (const [key, topic] of topics) checkTopic(key, topic, config, report);
  // A topic with a problem of its own (its name, a clash) is reported for that first: fixing it may change the answer.
  const troubled = (key: string) =>
    problems.some(
      (p) =>
        p.path === `topics.${key}` ||
        p.path.startsWith(`topics.${key}.`) ||
        new RegExp(`(^|\\s)topics\\.${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([\\s:;,]|$)`).test(p.message),
    );
  checkUnusedTopics(
    config,
    topics.filter(([key]) => !troubled(key)),
    topics,
    report,
  );
  for (const [name, service] of liveEntries(config.services)) checkService(name, service, config, topicNames, report);
  checkUsers(config, topicNames, report);
  checkAcknowledgements(config, topicNames, report);
  checkSettings(config, report);
  checkDapr(config, report);
  checkMonitoringTargets(config, report);
  checkOperators(config, report);
  checkImages(config, report);
  checkGitOps(config, report);
  return problems;
}
