/**
 * Redpanda's public metrics (`/public_metrics`, scraped through the chart's
 * ServiceMonitor), translated into `RECORDED`. The consumer-group series exist
 * only when the cluster property `enable_consumer_group_metrics` lists
 * `CONSUMER_GROUP_METRICS` (charts/redpanda/redpanda-cluster.ts). Redpanda prefixes
 * its own labels (`redpanda_topic`, `redpanda_group`, …); the rules copy them
 * to kafka_exporter's names.
 * @see https://docs.redpanda.com/current/reference/public-metrics-reference/
 */
import { copyLabel, eq, oneOf, selector } from './promql.js';
import { RATE_WINDOW, RECORDED } from './recorded.js';
import type { RecordingRule } from './rule.js';
import type { MetricScope } from './scope.js';

export const REDPANDA_METRICS = {
  /** High watermark of a partition `{redpanda_namespace, redpanda_topic, redpanda_partition}`. */
  maxOffset: 'redpanda_kafka_max_offset',
  /** Committed offset `{redpanda_group, redpanda_topic, redpanda_partition}` (option `partition`). */
  committedOffset: 'redpanda_kafka_consumer_group_committed_offset',
  /** Lag of a group summed over its partitions `{redpanda_group}` (option `consumer_lag`). */
  groupLagSum: 'redpanda_kafka_consumer_group_lag_sum',
  /** Lag of a group's most lagging partition `{redpanda_group}` (option `consumer_lag`). */
  groupLagMax: 'redpanda_kafka_consumer_group_lag_max',
  /** Replicas of a partition that are live but behind its high watermark. */
  underReplicatedReplicas: 'redpanda_kafka_under_replicated_replicas',
  /** Partitions without quorum (so without a leader) in the cluster. */
  unavailablePartitions: 'redpanda_cluster_unavailable_partitions',
  /** Uptime of one broker: one series per running broker. */
  uptime: 'redpanda_application_uptime_seconds_total',
} as const;

/** `redpanda_namespace` of user topics (as opposed to `kafka_internal` and `redpanda`). */
export const REDPANDA_USER_TOPICS_NAMESPACE = 'kafka';

/** Copies Redpanda's topic and partition labels to kafka_exporter's names. */
function topicPartitionLabels(expr: string): string {
  return copyLabel(copyLabel(expr, 'topic', 'redpanda_topic'), 'partition', 'redpanda_partition');
}

/** Copies Redpanda's group, topic and partition labels to kafka_exporter's names. */
function groupPartitionLabels(expr: string): string {
  return topicPartitionLabels(copyLabel(expr, 'consumergroup', 'redpanda_group'));
}

/** The offset series of one topic, as `absent()` checks it. */
export function redpandaOffsetSeries(scope: MetricScope, topic: string): string {
  return selector(REDPANDA_METRICS.maxOffset, [
    eq('namespace', scope.namespace),
    eq('redpanda_namespace', REDPANDA_USER_TOPICS_NAMESPACE),
    eq('redpanda_topic', topic),
  ]);
}

/**
 * Per-partition lag is the high watermark minus the committed offset (what
 * Redpanda's documentation computes); the per-group sum comes from Redpanda
 * directly. Offsets are reported by whichever broker leads the partition or
 * coordinates the group, so `max by` collapses the per-broker series.
 */
export function redpandaRecordingRules(scope: MetricScope): RecordingRule[] {
  const ns = eq('namespace', scope.namespace);
  const topics = oneOf('redpanda_topic', scope.topics);
  const groups = oneOf('redpanda_group', scope.consumerGroups);
  const m = REDPANDA_METRICS;
  const maxOffset = selector(m.maxOffset, [ns, eq('redpanda_namespace', REDPANDA_USER_TOPICS_NAMESPACE), topics]);
  const committed = `max by (redpanda_group, redpanda_topic, redpanda_partition) (${selector(m.committedOffset, [ns, groups, topics])})`;
  const highWatermark = `max by (redpanda_topic, redpanda_partition) (${maxOffset})`;
  return [
    {
      record: RECORDED.partitionLag,
      expr: `max by (consumergroup, topic, partition) (${groupPartitionLabels(
        `${highWatermark} - on (redpanda_topic, redpanda_partition) group_right ${committed}`,
      )})`,
    },
    {
      record: RECORDED.groupLag,
      expr: `max by (consumergroup) (${copyLabel(selector(m.groupLagSum, [ns, groups]), 'consumergroup', 'redpanda_group')})`,
    },
    { record: RECORDED.committedOffset, expr: `max by (consumergroup, topic, partition) (${groupPartitionLabels(committed)})` },
    {
      record: RECORDED.partitionRate,
      expr: `max by (topic, partition) (${topicPartitionLabels(`rate(${maxOffset}[${RATE_WINDOW}])`)})`,
    },
    {
      record: RECORDED.underReplicated,
      expr: `sum by (topic) (${copyLabel(selector(m.underReplicatedReplicas, [ns]), 'topic', 'redpanda_topic')})`,
    },
    { record: RECORDED.offlinePartitions, expr: `max(${selector(m.unavailablePartitions, [ns])})` },
    {
      // No broker left means no series at all: count that as 0, not as "unknown".
      record: RECORDED.brokersUp,
      expr: `count(count by (instance) (${selector(m.uptime, [ns])})) or vector(0)`,
    },
  ];
}
