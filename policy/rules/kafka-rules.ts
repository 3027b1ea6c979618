/**
 * Kafka: how clients reach an external cluster, and what production topics
 * guarantee. Topics are read in each of their four renderings: @pulumi/kafka
 * `Topic` (external clusters), @pulumi/confluentcloud `KafkaTopic` (Confluent
 * Cloud), Strimzi `KafkaTopic` and Redpanda `Topic`.
 */
import type { ResourceValidationArgs } from '@pulumi/policy';
import { CONFLUENT_REPLICATION_FACTOR, PRODUCTION_TOPIC_DURABILITY, SERVICE_ENV, type SecurityProtocol } from '../../platform/index.js';
import { containersOf, describeObject, kubernetesKind, podTemplateOf } from '../kubernetes.js';
import type { ResourceRule } from '../rule.js';

/**
 * The @pulumi/kafka provider's SASL mechanisms that authenticate a client
 * (SCRAM, and PLAIN, which Confluent Cloud's API keys use); over TLS all of them
 * keep the password off the wire in clear.
 */
const PROVIDER_SASL = ['scram-sha256', 'scram-sha512', 'plain'];
/** The only protocol an external cluster may be reached with. */
const SASL_OVER_TLS: SecurityProtocol = 'SASL_SSL';

/** Whether a bootstrap address is inside the cluster (a Service name); anything else is external. */
export function isInClusterAddress(address: string): boolean {
  const host = address.trim().replace(/:\d+$/, '');
  return /\.svc(\.cluster\.local)?$/.test(host) || !host.includes('.');
}

function isExternal(brokers: string): boolean {
  return brokers.split(',').some((address) => address.trim() !== '' && !isInClusterAddress(address));
}

type Props = Record<string, unknown>;

function providerViolations(props: Props): string[] {
  const problems: string[] = [];
  if (props.saslMechanism !== undefined && !PROVIDER_SASL.includes(String(props.saslMechanism))) {
    problems.push(
      `the kafka provider authenticates with ${JSON.stringify(props.saslMechanism)}, not SASL with a password (${PROVIDER_SASL.join(', ')})`,
    );
  }
  if (!props.saslUsername || !props.saslPassword) problems.push('the kafka provider has no SASL username and password');
  if (props.tlsEnabled === false) problems.push('the kafka provider turns TLS off (tlsEnabled: false)');
  return problems;
}

/** A Dapr `pubsub.kafka` component for an external cluster: SASL (`authType: password`) with TLS left on. */
function componentViolations(type: string, props: Props): string[] {
  const spec = props.spec as { type?: string; metadata?: { name: string; value?: string }[] } | undefined;
  if (kubernetesKind(type) !== 'Component' || spec?.type !== 'pubsub.kafka') return [];
  const value = (name: string) => spec.metadata?.find((m) => m.name === name)?.value;
  if (!isExternal(value('brokers') ?? '')) return [];
  const problems: string[] = [];
  if (value('authType') !== 'password')
    problems.push(`${describeObject(type, props)} uses authType ${JSON.stringify(value('authType'))}, not SASL (password)`);
  if (value('disableTls') === 'true') problems.push(`${describeObject(type, props)} turns TLS off (disableTls: "true")`);
  return problems;
}

/** Containers that name external brokers in KAFKA_BOOTSTRAP_SERVERS must say KAFKA_SECURITY_PROTOCOL=SASL_SSL. */
function containerViolations(type: string, props: Props): string[] {
  const pod = podTemplateOf(type, props);
  if (!pod) return [];
  return containersOf(pod.spec).flatMap((c) => {
    const env = (name: string) => c.env?.find((e) => e.name === name)?.value;
    const brokers = env(SERVICE_ENV.bootstrapServers);
    if (brokers === undefined || !isExternal(brokers)) return [];
    const protocol = env(SERVICE_ENV.securityProtocol);
    return protocol === SASL_OVER_TLS
      ? []
      : [
          `container ${c.name} of ${describeObject(type, props)} reaches ${brokers} with ${SERVICE_ENV.securityProtocol}=${protocol ?? '(unset)'}`,
        ];
  });
}

export const kafkaSaslOverTls: ResourceRule = {
  name: 'kafka-sasl-over-tls',
  description: 'Clients of an external Kafka cluster authenticate with SASL over TLS',
  remediation: `Set cluster.tls: true for the external cluster (clients then use ${SASL_OVER_TLS}); never turn TLS off for an address outside the cluster`,
  scope: 'every-stack',
  validateResource: (args, reportViolation) => {
    const problems =
      args.type === 'pulumi:providers:kafka'
        ? providerViolations(args.props)
        : [...componentViolations(args.type, args.props), ...containerViolations(args.type, args.props)];
    for (const problem of problems) reportViolation(problem);
  },
};

/** A topic's name and durability settings, in whichever rendering it comes. */
export interface TopicFacts {
  readonly name: string;
  readonly replicationFactor: number | undefined;
  readonly minInsyncReplicas: number | undefined;
}

/** The Pulumi type of a Confluent Cloud topic (infra/confluent-cloud.ts). */
const CONFLUENT_TOPIC_TYPE = 'confluentcloud:index/kafkaTopic:KafkaTopic';

const numberOrUndefined = (v: unknown): number | undefined => (v === undefined || v === null || v === '' ? undefined : Number(v));

export function topicFacts(type: string, props: Props): TopicFacts | undefined {
  const spec = (props.spec ?? {}) as Props;
  const name = (props.metadata as { name?: string } | undefined)?.name;
  if (type === 'kafka:index/topic:Topic') {
    const config = (props.config ?? {}) as Props;
    return {
      name: String(props.name),
      replicationFactor: numberOrUndefined(props.replicationFactor),
      minInsyncReplicas: numberOrUndefined(config['min.insync.replicas']),
    };
  }
  if (type === CONFLUENT_TOPIC_TYPE) {
    const config = (props.config ?? {}) as Props;
    // No replication factor to read: Confluent Cloud keeps three replicas of every topic, and the resource has none to set.
    return {
      name: String(props.topicName),
      replicationFactor: CONFLUENT_REPLICATION_FACTOR,
      minInsyncReplicas: numberOrUndefined(config['min.insync.replicas']),
    };
  }
  if (/^kubernetes:kafka\.strimzi\.io\/[^:]+:KafkaTopic$/.test(type)) {
    const config = (spec.config ?? {}) as Props;
    return {
      name: String(spec.topicName ?? name),
      replicationFactor: numberOrUndefined(spec.replicas),
      minInsyncReplicas: numberOrUndefined(config['min.insync.replicas']),
    };
  }
  if (/^kubernetes:cluster\.redpanda\.com\/[^:]+:Topic$/.test(type)) {
    const config = (spec.additionalConfig ?? {}) as Props;
    return {
      name: String(spec.overwriteTopicName ?? name),
      replicationFactor: numberOrUndefined(spec.replicationFactor),
      minInsyncReplicas: numberOrUndefined(config['min.insync.replicas']),
    };
  }
  return undefined;
}

export const prodTopicDurability: ResourceRule = {
  name: 'prod-topic-durability',
  description: `Production topics have replication factor >= ${PRODUCTION_TOPIC_DURABILITY.minReplicationFactor} and min.insync.replicas >= ${PRODUCTION_TOPIC_DURABILITY.minInsyncReplicas} (Confluent Cloud keeps ${CONFLUENT_REPLICATION_FACTOR} replicas of every topic: only its min.insync.replicas is set)`,
  remediation: `Set topicDefaults.replicationFactor: ${PRODUCTION_TOPIC_DURABILITY.minReplicationFactor} (not on Confluent Cloud, whose replication is fixed) and topicDefaults.minInsyncReplicas: ${PRODUCTION_TOPIC_DURABILITY.minInsyncReplicas} (or per topic) in the production stack file`,
  scope: 'production',
  validateResource: (args: ResourceValidationArgs, reportViolation) => {
    const topic = topicFacts(args.type, args.props);
    if (!topic) return;
    const { minReplicationFactor, minInsyncReplicas } = PRODUCTION_TOPIC_DURABILITY;
    if (topic.replicationFactor === undefined || topic.replicationFactor < minReplicationFactor) {
      reportViolation(
        `topic ${topic.name} has replication factor ${topic.replicationFactor ?? '(unset)'}; production needs at least ${minReplicationFactor}`,
      );
    }
    if (topic.minInsyncReplicas === undefined || topic.minInsyncReplicas < minInsyncReplicas) {
      reportViolation(
        `topic ${topic.name} has min.insync.replicas ${topic.minInsyncReplicas ?? '(unset, the broker default)'}; production needs at least ${minInsyncReplicas}`,
      );
    }
  },
};

export const prodTopicProtection: ResourceRule = {
  name: 'prod-topic-protected',
  description: 'Production topics are protected: Pulumi refuses to delete or replace them (which would delete their data)',
  remediation: 'Set protectTopics: true in the production stack file',
  scope: 'production',
  validateResource: (args, reportViolation) => {
    const topic = topicFacts(args.type, args.props);
    if (topic && !args.opts.protect)
      reportViolation(`topic ${topic.name} is not protected; deleting or replacing it would delete its messages`);
  },
};
