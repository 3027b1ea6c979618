/**
 * kafka_exporter's metrics (Strimzi's `kafkaExporter`, and the exporter this
 * package deploys for `external` clusters), translated into `RECORDED`.
 * @see https://github.com/danielqsj/kafka_exporter#metrics
 */
import { eq, oneOf, selector } from './promql.js';
import { RATE_WINDOW, RECORDED } from './recorded.js';
import type { RecordingRule } from './rule.js';
import type { MetricScope } from './scope.js';

export const KAFKA_EXPORTER_METRICS = {
  /** Lag of a group on a partition; -1 before the group's first commit. */
  consumerGroupLag: 'kafka_consumergroup_lag',
  /** Committed offset of a group on a partition; -1 before the first commit. */
  consumerGroupOffset: 'kafka_consumergroup_current_offset',
  /** Log-end offset (next offset to be written) of a partition. */
  partitionOffset: 'kafka_topic_partition_current_offset',
  /** Partition count of a topic. */
  topicPartitions: 'kafka_topic_partitions',
  /** Leader broker id of a partition; missing while the partition has no leader. */
  partitionLeader: 'kafka_topic_partition_leader',
  /** 1 while a partition has fewer in-sync replicas than replicas. */
  underReplicated: 'kafka_topic_partition_under_replicated_partition',
  /** Brokers in the cluster metadata (Kafka lists live brokers only). */
  brokers: 'kafka_brokers',
} as const;

/** The offset series of one topic, as `absent()` checks it. */
export function kafkaExporterOffsetSeries(scope: MetricScope, topic: string): string {
  return selector(KAFKA_EXPORTER_METRICS.partitionOffset, [eq('namespace', scope.namespace), eq('topic', topic)]);
}

/**
 * kafka_exporter reports -1 for partitions a group has never committed on;
 * `>= 0` drops those instead of counting them as negative lag. `max by` keeps
 * one series per partition should two exporter pods overlap during a rollout.
 */
export function kafkaExporterRecordingRules(scope: MetricScope): RecordingRule[] {
  const ns = eq('namespace', scope.namespace);
  const topics = oneOf('topic', scope.topics);
  const groups = oneOf('consumergroup', scope.consumerGroups);
  const m = KAFKA_EXPORTER_METRICS;
  const partitions = `max by (topic) (${selector(m.topicPartitions, [ns])})`;
  const leaders = `count by (topic) (max by (topic, partition) (${selector(m.partitionLeader, [ns])}))`;
  return [
    {
      record: RECORDED.partitionLag,
      expr: `max by (consumergroup, topic, partition) (${selector(m.consumerGroupLag, [ns, groups, topics])} >= 0)`,
    },
    { record: RECORDED.groupLag, expr: `sum by (consumergroup) (${RECORDED.partitionLag})` },
    {
      record: RECORDED.committedOffset,
      expr: `max by (consumergroup, topic, partition) (${selector(m.consumerGroupOffset, [ns, groups, topics])} >= 0)`,
    },
    {
      record: RECORDED.partitionRate,
      expr: `max by (topic, partition) (rate(${selector(m.partitionOffset, [ns, topics])}[${RATE_WINDOW}]))`,
    },
    {
      record: RECORDED.underReplicated,
      expr: `sum by (topic) (max by (topic, partition) (${selector(m.underReplicated, [ns])}))`,
    },
    {
      // A topic whose partitions all lost their leader has no leader series at all: count it as 0 leaders.
      record: RECORDED.offlinePartitions,
      expr: `sum(${partitions} - (${leaders} or ${partitions} * 0))`,
    },
    { record: RECORDED.brokersUp, expr: `max(${selector(m.brokers, [ns])})` },
  ];
}
