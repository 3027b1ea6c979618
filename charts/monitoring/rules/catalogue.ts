/**
 * Every alert the platform can raise, for people: what it means and which
 * config keys (under `todo-events:platform` in `Pulumi.<stack>.yaml`) set its
 * threshold. The README's monitoring table and the runbook check are built
 * from this list; a test keeps it equal to the alerts the rules generate.
 */
import type { ClusterFlavor } from '../../../platform/index.js';
import type { Severity } from './rule.js';

export interface AlertDoc {
  readonly alert: string;
  readonly severity: Severity;
  /** One sentence: what is wrong when it fires. */
  readonly meaning: string;
  /** Config keys of its threshold and window; `<name>` stands for a topic or service key. */
  readonly configKeys: readonly string[];
  /** Flavors whose rules include it (when the spec asks for it). */
  readonly flavors: readonly ClusterFlavor[];
}

const ALL: readonly ClusterFlavor[] = ['strimzi', 'redpanda', 'external', 'confluent-cloud'];
/**
 * Flavors whose brokers and replication are ours to watch: on Confluent Cloud
 * they are Confluent's, which scales and repairs them (see
 * charts/monitoring/kafka-exporter.ts), so those alerts would page for what
 * nobody here can act on.
 */
const OWN_BROKERS: readonly ClusterFlavor[] = ['strimzi', 'redpanda', 'external'];
const FOR = 'monitoring.forMinutes';

export const ALERT_CATALOGUE: readonly AlertDoc[] = [
  {
    alert: 'ConsumerLagHigh',
    severity: 'warning',
    meaning: "A service's consumer group is more messages behind than its threshold, and the lag has not shrunk over the window.",
    configKeys: ['services.<name>.lagThreshold', 'monitoring.lagThreshold (default of every service)', FOR],
    flavors: ALL,
  },
  {
    alert: 'ConsumerStalled',
    severity: 'critical',
    meaning: 'A consumer group has messages waiting on a partition but its committed offset has not moved for the whole window.',
    configKeys: [FOR],
    flavors: ALL,
  },
  {
    alert: 'TopicTrafficLow',
    severity: 'warning',
    meaning: 'A topic that declares expected traffic receives fewer messages per second than expected, during its active hours.',
    configKeys: ['topics.<name>.expectedMessagesPerSecond', 'topics.<name>.activeHoursUtc', FOR],
    flavors: ALL,
  },
  {
    alert: 'TopicOffsetsMissing',
    severity: 'warning',
    meaning: 'Prometheus has no offset series for a topic that declares expected traffic, so its traffic and lag are unwatched.',
    configKeys: ['topics.<name>.expectedMessagesPerSecond (declaring it enables the alert)', FOR],
    flavors: ALL,
  },
  {
    alert: 'ServiceErrorRatioHigh',
    severity: 'warning',
    meaning:
      'Too large a share of the messages a service handles from a topic fails (retried, dead-lettered or lost), at a volume worth alerting on.',
    configKeys: ['monitoring.errorRatio', 'monitoring.errorMinMessagesPerHour', FOR],
    flavors: ALL,
  },
  {
    alert: 'DaprDeliveryErrorRatioHigh',
    severity: 'warning',
    meaning: 'Too large a share of the deliveries Dapr makes to a Dapr-mode service is not accepted (retry, drop, no answer).',
    configKeys: ['monitoring.errorRatio', 'monitoring.errorMinMessagesPerHour', FOR],
    flavors: ALL,
  },
  {
    alert: 'ServiceDependencyDown',
    severity: 'warning',
    meaning:
      'A service has reported a dependency (database, broker, webhook, Dapr) down over the window: it holds the messages that need it and retries them.',
    configKeys: [FOR],
    flavors: ALL,
  },
  {
    alert: 'PartitionSkewHigh',
    severity: 'warning',
    meaning:
      "A partition's ingress rate deviates from its topic's mean partition rate by more than the allowed ratio (busy multi-partition topics only).",
    configKeys: ['monitoring.partitionSkewRatio', FOR],
    flavors: ALL,
  },
  {
    alert: 'KafkaUnderReplicatedPartitions',
    severity: 'warning',
    meaning: 'A topic has partitions whose followers are behind their leader: one more failure may lose data or block writes.',
    configKeys: [FOR],
    flavors: OWN_BROKERS,
  },
  {
    alert: 'KafkaOfflinePartitions',
    severity: 'critical',
    meaning: 'Partitions have no leader: nothing can be written to or read from them.',
    configKeys: [FOR],
    flavors: ALL,
  },
  {
    alert: 'KafkaBrokerDown',
    severity: 'critical',
    meaning: 'Fewer brokers are up than the stack declares.',
    configKeys: ['cluster.brokers', FOR],
    flavors: OWN_BROKERS,
  },
  {
    alert: 'KafkaOperatorDown',
    severity: 'warning',
    meaning: 'The Strimzi or Redpanda operator has no available replica: cluster, topic and user changes are not applied.',
    configKeys: [FOR],
    flavors: ['strimzi', 'redpanda'],
  },
  {
    alert: 'KafkaExporterDown',
    severity: 'warning',
    meaning: 'Prometheus cannot scrape the lag exporter, so lag, traffic and partition alerts have no data.',
    configKeys: [FOR],
    flavors: ['strimzi', 'external', 'confluent-cloud'],
  },
];

/** The README's monitoring table: alert (linked to its runbook), meaning, threshold config keys. */
export function alertTableMarkdown(runbookDir = 'docs/runbooks'): string {
  const rows = ALERT_CATALOGUE.map(
    (a) =>
      `| [${a.alert}](${runbookDir}/${a.alert}.md) | ${a.severity} | ${a.meaning} | ${a.configKeys.map((k) => `\`${k.split(' ')[0]}\`${k.includes(' ') ? ` ${k.slice(k.indexOf(' ') + 1)}` : ''}`).join(', ')} |`,
  );
  return ['| Alert | Severity | Meaning | Threshold config key |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
