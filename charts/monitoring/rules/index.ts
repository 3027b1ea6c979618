/**
 * The Prometheus rules of one environment, generated from its platform spec:
 * recording rules that translate the flavor's broker metrics into common
 * series, then the alerts, which read only those series and the services'
 * and Dapr's own metrics.
 */
import type { PlatformSpec } from '../../../platform/index.js';
import { consumerLagHighRules, consumerStalledRule } from './consumer-lag.js';
import { clusterHealthRules } from './cluster-health.js';
import { dependencyDownRule } from './dependencies.js';
import { daprErrorRatioRule, serviceErrorRatioRule } from './errors.js';
import { kafkaExporterOffsetSeries, kafkaExporterRecordingRules } from './kafka-exporter-metrics.js';
import { partitionSkewRule } from './partition-skew.js';
import { formatPromQL } from './promql-format.js';
import { RECORDED } from './recorded.js';
import { redpandaOffsetSeries, redpandaRecordingRules } from './redpanda-metrics.js';
import type { RecordingRule, Rule, RuleGroup } from './rule.js';
import { metricScope } from './scope.js';
import { thresholdRecordingRules } from './thresholds.js';
import { trafficRules } from './traffic.js';

export * from './rule.js';
export { RECORDED, THRESHOLDS, RATE_WINDOW, VOLUME_WINDOW } from './recorded.js';
export { SKEW_MIN_MESSAGES_PER_SECOND } from './partition-skew.js';
export { KAFKA_EXPORTER_METRICS } from './kafka-exporter-metrics.js';
export { REDPANDA_METRICS, REDPANDA_USER_TOPICS_NAMESPACE } from './redpanda-metrics.js';
export { activeHoursCondition } from './traffic.js';
export { formatPromQL, PROMQL_LINE_WIDTH } from './promql-format.js';

/** Recording rules every flavor shares, computed from the flavor's per-partition rate. */
const TOPIC_RATE_RULES: readonly RecordingRule[] = [
  { record: RECORDED.topicRate, expr: `sum by (topic) (${RECORDED.partitionRate})` },
  { record: RECORDED.partitionMeanRate, expr: `avg by (topic) (${RECORDED.partitionRate})` },
];

/**
 * Groups are evaluated in this order by promtool and, within a group, rule by
 * rule; the recording group comes first so the alerts read fresh series.
 * Empty groups are left out.
 */
export function prometheusRuleGroups(spec: PlatformSpec): RuleGroup[] {
  const scope = metricScope(spec);
  const redpanda = spec.cluster.flavor === 'redpanda';
  const recording = redpanda ? redpandaRecordingRules(scope) : kafkaExporterRecordingRules(scope);
  const offsetSeries = (topic: string) => (redpanda ? redpandaOffsetSeries(scope, topic) : kafkaExporterOffsetSeries(scope, topic));
  const groups: [string, (Rule | undefined)[]][] = [
    ['todo-events-kafka-metrics', [...recording, ...TOPIC_RATE_RULES]],
    ['todo-events-thresholds', thresholdRecordingRules(spec)],
    ['todo-events-consumers', [...consumerLagHighRules(spec), consumerStalledRule(spec)]],
    ['todo-events-traffic', trafficRules(spec, offsetSeries)],
    ['todo-events-errors', [serviceErrorRatioRule(spec), daprErrorRatioRule(spec)]],
    ['todo-events-dependencies', [dependencyDownRule(spec)]],
    ['todo-events-partitions', [partitionSkewRule(spec)]],
    ['todo-events-cluster', clusterHealthRules(spec)],
  ];
  return (
    groups
      // Multi-line PromQL (a YAML block scalar in the manifests) that a reviewer can read in a diff.
      .map(([name, rules]) => ({
        name,
        rules: rules.filter((r): r is Rule => r !== undefined).map((rule) => ({ ...rule, expr: formatPromQL(rule.expr) })),
      }))
      .filter((group) => group.rules.length > 0)
  );
}
export { ALERT_CATALOGUE, alertTableMarkdown, type AlertDoc } from './catalogue.js';
