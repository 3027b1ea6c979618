import type { Construct } from 'constructs';
import { ADMIN_USER, type ClusterSpec } from '../../platform/index.js';
import { CustomResource } from '../support/resource.js';
import { STRIMZI_API_VERSION } from './api.js';

export interface StrimziKafkaProps {
  /** The cluster to render; `brokers` sizes the internal topics' replication. */
  readonly cluster: ClusterSpec;
  readonly namespace: string;
  /**
   * Kafka topic names kafka_exporter reports on.
   * @default every topic (kafka_exporter's own default)
   */
  readonly exportedTopics?: readonly string[];
  /**
   * Consumer groups kafka_exporter reports lag for.
   * @default every group (kafka_exporter's own default)
   */
  readonly exportedGroups?: readonly string[];
}

/** Name of the SASL client listener; Strimzi allows at most 11 lowercase letters and digits. */
export const CLIENT_LISTENER_NAME = 'scram';

/**
 * A regular expression matching exactly `names` (kafka_exporter filters are
 * Go regexps: anchored alternation, dots escaped), or `.*` when undefined.
 */
export function exactNamesRegex(names: readonly string[] | undefined): string {
  if (names === undefined) return '.*';
  if (names.length === 0) return '^$';
  const escaped = [...new Set(names)].sort().map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return `^(${escaped.join('|')})$`;
}

/**
 * Broker-level defaults derived from the broker count: internal topics are
 * replicated like user topics (up to 3 copies, one fewer in sync), so a
 * single-broker cluster still starts and a three-broker one survives a loss.
 */
export function brokerConfig(brokers: number): Record<string, number> {
  const replication = Math.min(3, brokers);
  const minInsync = Math.max(1, replication - 1);
  return {
    'default.replication.factor': replication,
    'min.insync.replicas': minInsync,
    'offsets.topic.replication.factor': replication,
    'transaction.state.log.replication.factor': replication,
    'transaction.state.log.min.isr': minInsync,
  };
}

/**
 * The Strimzi `Kafka` resource: one SCRAM-SHA-512 listener on the client port
 * (TLS when the cluster says so), `simple` authorization with the platform
 * admin as the only superuser, the entity operator so KafkaTopic and KafkaUser
 * resources are acted on, and kafka_exporter for consumer-lag metrics. Broker
 * and controller sizing lives on the node pools (`KafkaNodePool`).
 * @see https://strimzi.io/docs/operators/latest/configuring#type-Kafka-reference
 */
export class StrimziKafka extends CustomResource {
  constructor(scope: Construct, id: string, props: StrimziKafkaProps) {
    const { cluster } = props;
    super(scope, id, {
      apiVersion: STRIMZI_API_VERSION,
      kind: 'Kafka',
      name: cluster.name,
      namespace: props.namespace,
      component: 'kafka',
      body: {
        spec: {
          kafka: {
            version: cluster.version,
            listeners: [
              {
                name: CLIENT_LISTENER_NAME,
                port: cluster.clientPort,
                type: 'internal',
                tls: cluster.tls,
                authentication: { type: 'scram-sha-512' },
              },
            ],
            authorization: { type: 'simple', superUsers: [ADMIN_USER] },
            config: brokerConfig(cluster.brokers),
          },
          entityOperator: { topicOperator: {}, userOperator: {} },
          kafkaExporter: {
            topicRegex: exactNamesRegex(props.exportedTopics),
            groupRegex: exactNamesRegex(props.exportedGroups),
          },
        },
      },
    });
  }
}
