import { Construct } from 'constructs';
import {
  isManagedFlavor,
  lagWatchedServices,
  THIRD_PARTY_IMAGES,
  type PlatformSpec,
  type Resources,
  type SaslMechanism,
} from '../../platform/index.js';
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

/**
 * kafka_exporter's spelling of the SASL mechanisms (`--sasl.mechanism`: it
 * accepts "scram-sha256", "scram-sha512", "gssapi", "awsiam" or "plain").
 * @see https://github.com/danielqsj/kafka_exporter/blob/master/kafka_exporter.go (NewExporter)
 */
const SASL_MECHANISM_FLAG: Record<SaslMechanism, string> = {
  'SCRAM-SHA-256': 'scram-sha256',
  'SCRAM-SHA-512': 'scram-sha512',
  PLAIN: 'plain',
};

/** Environment variables the exporter's flags refer to as `$(VAR)`. */
const PASSWORD_ENV = 'KAFKA_PASSWORD';
const USERNAME_ENV = 'KAFKA_USERNAME';

/**
 * The command line of the exporter. The password (and on Confluent Cloud the
 * username, the API key id) is passed as `$(VAR)`, which the kubelet expands
 * from the container's environment (itself from the Secret), because
 * kafka_exporter reads the username from a flag only.
 */
export function kafkaExporterArgs(spec: PlatformSpec): string[] {
  const client = monitoringClient(spec, 'exporter');
  const ca = caFile(client);
  return [
    ...client.bootstrapServers.map((server) => `--kafka.server=${server}`),
    `--kafka.version=${KAFKA_EXPORTER_PROTOCOL_VERSION}`,
    '--sasl.enabled',
    `--sasl.mechanism=${SASL_MECHANISM_FLAG[client.saslMechanism]}`,
    `--sasl.username=${client.usernameSecret ? `$(${USERNAME_ENV})` : client.username}`,
    `--sasl.password=$(${PASSWORD_ENV})`,
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
 * kafka_exporter for an `external` or `confluent-cloud` cluster, which has no
 * operator to run one: a Deployment in the apps namespace reading offsets and
 * consumer groups as the describe-only exporter user (it never fetches a
 * message; see `exporterAcls`), restricted to the spec's topics and groups
 * (like Strimzi's `kafkaExporter` in charts/strimzi/kafka.ts).
 *
 * On Confluent Cloud it logs in with its own API key (SASL/PLAIN over TLS),
 * owned by its own service account whose only ACLs are Describe on topics and
 * groups. What it sees there, through the Kafka protocol like any client:
 * partition offsets (traffic, skew, missing series), committed offsets and lag
 * of the spec's groups, and partition leaders (offline partitions). What it
 * cannot see, or what means nothing there: brokers are Confluent's (the
 * metadata lists whatever brokers the cluster advertises, scaled and replaced
 * by Confluent), and replication is Confluent's to repair, so the broker-count
 * and under-replication alerts are not generated for this flavor
 * (rules/catalogue.ts); nor request rates, throttling, retained bytes or usage
 * against the cluster's limits, which only the Confluent Cloud Metrics API
 * reports. Lag and traffic need none of that, and the Metrics API takes a
 * Cloud API key with the MetricsViewer role, which reads the metrics of every
 * cluster of the organization: far more than a describe-only key of one
 * cluster. So the Metrics API is not used; a team that wants cluster usage
 * can scrape its Prometheus export with such a key, outside this stack.
 * @see https://github.com/danielqsj/kafka_exporter
 * @see https://api.telemetry.confluent.cloud/docs (Cloud API keys are required for the Metrics API)
 * @see https://docs.confluent.io/cloud/current/monitoring/metrics-api.html (MetricsViewer: all clusters of an organization)
 */
export class KafkaExporter extends Construct {
  constructor(scope: Construct, id: string, props: KafkaExporterProps) {
    super(scope, id);
    const { spec } = props;
    const name = exporterName(spec);
    if (!isManagedFlavor(spec.cluster.flavor) || name === undefined) {
      // `external` and `confluent-cloud` alike: clusters outside Kubernetes (isManagedFlavor).
      throw new Error(`KafkaExporter is for external clusters; the ${spec.cluster.flavor} flavor reports lag itself`);
    }
    const client = monitoringClient(spec, 'exporter');
    hardenedDeployment(this, 'Deployment', {
      name,
      namespace: exporterNamespace(spec),
      image: spec.images.thirdParty['kafka-exporter'],
      args: kafkaExporterArgs(spec),
      env: [
        ...(client.usernameSecret ? [{ name: USERNAME_ENV, valueFrom: { secretKeyRef: { ...client.usernameSecret } } }] : []),
        passwordEnv(PASSWORD_ENV, client),
      ],
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
