/**
 * The raw metrics each flavor's exporters publish, as promtool input series.
 * Written independently of the recording rules: they state what
 * kafka_exporter and Redpanda expose (names, labels, -1 conventions), so a
 * wrong translation in the rules makes the scenarios fail.
 */
import type { PlatformSpec } from '../../../platform/index.js';
import { OPERATOR_DEPLOYMENTS, exporterJob, exporterNamespace } from '../../../charts/monitoring/targets.js';
import { series, type InputSeries, type Samples } from './series.js';

export interface FlavorFixtures {
  /** Lag of `group` on one partition: the group's whole lag when it is the only one. */
  groupLag(group: string, topic: string, partition: string, lag: Samples): InputSeries[];
  /** Offsets of one partition as a group sees it: log end and committed; the lag is their difference. */
  groupOffsets(group: string, topic: string, partition: string, logEnd: Samples, committed: Samples): InputSeries[];
  /** Log-end offset of one partition: its rate is the partition's ingress. */
  partitionOffsets(topic: string, partition: string, logEnd: Samples): InputSeries[];
  /** Labels `absent()` of the topic's offset series adds to its alert. */
  offsetSeriesLabels(topic: string): Record<string, string>;
  /** `count` under-replicated partitions (or replicas) of `topic`, on partition 0. */
  underReplicated(topic: string, count: Samples): InputSeries[];
  /** `topic` with `partitions` partitions of which `leaderless` have no leader. */
  leaders(topic: string, partitions: number, leaderless: number, minutes: number): InputSeries[];
  /** `up` brokers reporting for `minutes`. */
  brokers(up: number, minutes: number): InputSeries[];
}

const at = (count: number, minutes: number) => Array.from({ length: minutes + 1 }, () => count);

function kafkaExporterFixtures(spec: PlatformSpec): FlavorFixtures {
  // Prometheus labels the exporter's samples with the namespace the exporter pod runs in.
  const namespace = exporterNamespace(spec);
  const lag = (logEnd: Samples, committed: Samples) => logEnd.map((v, i) => (v === undefined ? undefined : v - (committed[i] ?? 0)));
  return {
    groupLag: (consumergroup, topic, partition, values) => [
      series('kafka_consumergroup_lag', { namespace, consumergroup, topic, partition }, values),
    ],
    groupOffsets: (consumergroup, topic, partition, logEnd, committed) => [
      series('kafka_topic_partition_current_offset', { namespace, topic, partition }, logEnd),
      series('kafka_consumergroup_current_offset', { namespace, consumergroup, topic, partition }, committed),
      series('kafka_consumergroup_lag', { namespace, consumergroup, topic, partition }, lag(logEnd, committed)),
    ],
    partitionOffsets: (topic, partition, logEnd) => [
      series('kafka_topic_partition_current_offset', { namespace, topic, partition }, logEnd),
    ],
    offsetSeriesLabels: (topic) => ({ namespace, topic }),
    underReplicated: (topic, count) => [
      series('kafka_topic_partition_under_replicated_partition', { namespace, topic, partition: '0' }, count),
    ],
    leaders: (topic, partitions, leaderless, minutes) => [
      series('kafka_topic_partitions', { namespace, topic }, at(partitions, minutes)),
      // kafka_exporter emits no leader series for a partition whose leader is unknown.
      ...Array.from({ length: partitions - leaderless }, (_, p) =>
        series('kafka_topic_partition_leader', { namespace, topic, partition: String(p) }, at(p, minutes)),
      ),
    ],
    brokers: (up, minutes) => [series('kafka_brokers', { namespace }, at(up, minutes))],
  };
}

function redpandaFixtures(spec: PlatformSpec): FlavorFixtures {
  const namespace = spec.namespaces.kafka;
  // Redpanda's public metrics: user topics live in redpanda_namespace "kafka"; every series carries its shard.
  const partitionLabels = (topic: string, partition: string) => ({
    namespace,
    redpanda_namespace: 'kafka',
    redpanda_topic: topic,
    redpanda_partition: partition,
    instance: 'redpanda-0:9644',
  });
  return {
    groupLag: (group, _topic, _partition, values) => [
      series('redpanda_kafka_consumer_group_lag_sum', { namespace, redpanda_group: group, instance: 'redpanda-0:9644' }, values),
    ],
    groupOffsets: (group, topic, partition, logEnd, committed) => [
      series('redpanda_kafka_max_offset', partitionLabels(topic, partition), logEnd),
      series(
        'redpanda_kafka_consumer_group_committed_offset',
        { namespace, redpanda_group: group, redpanda_topic: topic, redpanda_partition: partition, shard: '0', instance: 'redpanda-0:9644' },
        committed,
      ),
    ],
    partitionOffsets: (topic, partition, logEnd) => [series('redpanda_kafka_max_offset', partitionLabels(topic, partition), logEnd)],
    offsetSeriesLabels: (topic) => ({ namespace, redpanda_namespace: 'kafka', redpanda_topic: topic }),
    underReplicated: (topic, count) => [series('redpanda_kafka_under_replicated_replicas', partitionLabels(topic, '0'), count)],
    leaders: (_topic, _partitions, leaderless, minutes) => [
      series('redpanda_cluster_unavailable_partitions', { namespace, instance: 'redpanda-0:9644' }, at(leaderless, minutes)),
    ],
    brokers: (up, minutes) =>
      Array.from({ length: up }, (_, i) =>
        series('redpanda_application_uptime_seconds_total', { namespace, instance: `redpanda-${i}:9644` }, at(3600, minutes)),
      ),
  };
}

export function flavorFixtures(spec: PlatformSpec): FlavorFixtures {
  return spec.cluster.flavor === 'redpanda' ? redpandaFixtures(spec) : kafkaExporterFixtures(spec);
}

/** kube-state-metrics' report of the cluster operator's Deployment. */
export function operatorAvailable(spec: PlatformSpec, replicas: number, minutes: number): InputSeries[] {
  const deployment = OPERATOR_DEPLOYMENTS[spec.cluster.flavor];
  if (deployment === undefined) return [];
  return [series('kube_deployment_status_replicas_available', { namespace: spec.namespaces.kafka, deployment }, at(replicas, minutes))];
}

/** Prometheus' own `up` of the exporter's scrape target. */
export function exporterUp(spec: PlatformSpec, up: 0 | 1, minutes: number): InputSeries[] {
  const job = exporterJob(spec);
  if (job === undefined) return [];
  return [series('up', { job, namespace: exporterNamespace(spec), instance: '10.0.0.9:9404' }, at(up, minutes))];
}
