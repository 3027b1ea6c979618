/**
 * The series the recording rules write. Each flavor's broker metrics
 * (kafka_exporter for Strimzi and external clusters, Redpanda's own for
 * Redpanda) are translated into these once, so the alerts and dashboards are
 * written once for every flavor. Label sets are fixed: `consumergroup`,
 * `topic`, `partition` as kafka_exporter names them.
 */

/**
 * Window of every rate. Five minutes spans at least ten scrapes at the usual
 * 30 s interval, so one missed scrape neither hides nor fakes traffic.
 * @default '5m'
 */
export const RATE_WINDOW = '5m';

/**
 * Minutes of history the error-ratio alerts' volume guard looks at: the spec
 * states the minimum volume per hour (`monitoring.errorMinMessagesPerHour`).
 */
export const VOLUME_WINDOW = '1h';

export const RECORDED = {
  /** Lag of a consumer group summed over its partitions `{consumergroup}`. */
  groupLag: 'todo_events:consumergroup_lag:sum',
  /** Lag of a consumer group on one partition `{consumergroup, topic, partition}`. */
  partitionLag: 'todo_events:consumergroup_partition_lag:max',
  /** Offset a consumer group committed on one partition `{consumergroup, topic, partition}`. */
  committedOffset: 'todo_events:consumergroup_committed_offset:max',
  /** Messages per second written to one partition `{topic, partition}`. */
  partitionRate: `todo_events:topic_partition_messages:rate${RATE_WINDOW}`,
  /** Messages per second written to a topic `{topic}`. */
  topicRate: `todo_events:topic_messages:rate${RATE_WINDOW}`,
  /** Mean of `partitionRate` over a topic's partitions `{topic}`: the even share. */
  partitionMeanRate: `todo_events:topic_partition_messages:avg_rate${RATE_WINDOW}`,
  /** Under-replicated partitions (kafka_exporter) or replicas (Redpanda) of a topic `{topic}`. */
  underReplicated: 'todo_events:topic_under_replicated:sum',
  /** Partitions without a leader in the cluster `{}`. */
  offlinePartitions: 'todo_events:offline_partitions:sum',
  /** Brokers that are up and serving `{}`. */
  brokersUp: 'todo_events:brokers_up:count',
} as const;

/**
 * The spec's thresholds as series, so dashboards draw them from Prometheus
 * instead of embedding numbers: a threshold changed in a stack file then
 * changes the rules object alone.
 */
export const THRESHOLDS = {
  /** Lag threshold of a consumer group `{consumergroup}`. */
  groupLag: 'todo_events:consumergroup_lag:threshold',
  /** Expected messages per second of a topic `{topic}`, present only during its active hours. */
  topicRate: 'todo_events:topic_messages:expected_rate',
  /** Error ratio above which a service/topic alerts `{}`. */
  errorRatio: 'todo_events:error_ratio:threshold',
  /** Deviation from the topic mean above which a partition alerts `{}`. */
  partitionSkew: 'todo_events:partition_skew:threshold',
} as const;
