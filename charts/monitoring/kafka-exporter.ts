import { Construct } from 'constructs';
import { lagWatchedServices, THIRD_PARTY_IMAGES, type PlatformSpec, type Resources, type SaslMechanism } from '../../platform/index.js';
import { exactNamesRegex } from '../strimzi/kafka.js';
import { hardenedDeployment, passwordEnv } from './hardened-pod.js';
import { caFile, monitoringClient } from './monitoring-client.js';
import { monitoringNetworkPolicy } from './monitoring-network-policy.js';
import { exporterName, exporterNamespace } from './targets.js';

/**
 * The kafka_exporter image by tag (the version Strimzi 1.x ships as well); the
 * Deployment runs `spec.images.thirdParty['kafka-exporter']`, pinned by digest
 * when the stack sets `images.digests.kafka-exporter`.
 */
export const KAFKA_EXPORTER_IMAGE = THIRD_PARTY_IMAGES['kafka-exporter'];

/** kafka_exporter's default listen port, where `/metrics` and `/healthz` are served. */
export const KAFKA_EXPORTER_PORT = 9308;

/**
 * The Kafka protocol version the exporter's client (Sarama) speaks. Its
 * default, 2.0.0, uses request versions Kafka 4 no longer accepts (KIP-896);
 * 3.6 is understood by Kafka 3.x/4.x and Redpanda alike.
 */
export const KAFKA_EXPORTER_PROTOCOL_VERSION = '3.6.0';

/**
 * Requests and limits of the exporter: a Go process polling offsets of a
 * handful of topics and groups. Not measured here; watch
 * `container_memory_working_set_bytes` after the first deploy.
 */
export const KAFKA_EXPORTER_RESOURCES: Resources = {
  requests: { cpu: '10m', memory: '32Mi' },
  limits: { cpu: '200m', memory: '128Mi' },
};

/** The `nobody` user: the image needs no particular one. */
const EXPORTER_UID = 65534;

/** kafka_exporter's spelling of the SASL mechanisms. */
const SASL_MECHANISM_FLAG: Record<SaslMechanism, string> = {
  'SCRAM-SHA-256': 'scram-sha256',
  'SCRAM-SHA-512': 'scram-sha512',
};

/**
 * The command line of the exporter. The password is passed as `$(VAR)`,
 * which the kubelet expands from the container's environment (itself from the
 * Secret), because kafka_exporter reads it from a flag only.
 */
export function kafkaExporterArgs(spec: PlatformSpec): string[] {
  const client = monitoringClient(spec, 'exporter');
  const ca = caFile(client);
  return [
    ...client.bootstrapServers.map((server) => `--kafka.server=${server}`),
    `--kafka.version=${KAFKA_EXPORTER_PROTOCOL_VERSION}`,
    '--sasl.enabled',
    `--sasl.mechanism=${SASL_MECHANISM_FLAG[client.saslMechanism]}`,
    `--sasl.username=${client.username}`,
    '--sasl.password=$(KAFKA_PASSWORD)',
    ...(client.tls ? ['--tls.enabled'] : []),
    ...(client.tls && ca ? [`--tls.ca-file=${ca}`] : []),
    `--topic.filter=${exactNamesRegex(spec.topics.map((t) => t.name))}`,
    `--group.filter=${exactNamesRegex(lagWatchedServices(spec).map((s) => s.consumerGroup))}`,
    `--web.listen-address=:${KAFKA_EXPORTER_PORT}`,
  ];
}

export interface KafkaExporterProps {
  readonly spec: PlatformSpec;
}

/**
 * kafka_exporter for an `external` cluster, which has no operator to run one:
 * a Deployment in the apps namespace reading offsets and consumer groups
 * as the describe-only exporter user (it never fetches a message; see
 * `exporterAcls`), restricted to the spec's topics and groups (like
 * Strimzi's `kafkaExporter` in charts/strimzi/kafka.ts).
 * @see https://github.com/danielqsj/kafka_exporter
 */
export class KafkaExporter extends Construct {
  constructor(scope: Construct, id: string, props: KafkaExporterProps) {
    super(scope, id);
    const { spec } = props;
    const name = exporterName(spec);
    if (spec.cluster.flavor !== 'external' || name === undefined) {
      throw new Error(`KafkaExporter is for external clusters; the ${spec.cluster.flavor} flavor reports lag itself`);
    }
    const client = monitoringClient(spec, 'exporter');
    hardenedDeployment(this, 'Deployment', {
      name,
      namespace: exporterNamespace(spec),
      image: spec.images.thirdParty['kafka-exporter'],
      args: kafkaExporterArgs(spec),
      env: [passwordEnv('KAFKA_PASSWORD', client)],
      port: { name: 'metrics', number: KAFKA_EXPORTER_PORT, healthPath: '/healthz' },
      resources: KAFKA_EXPORTER_RESOURCES,
      uid: EXPORTER_UID,
      client,
    });
    monitoringNetworkPolicy(this, 'NetworkPolicy', spec, {
      name,
      namespace: exporterNamespace(spec),
      port: KAFKA_EXPORTER_PORT,
      from: 'prometheus',
    });
  }
}
