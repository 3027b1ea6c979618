/**
 * Recording rules that publish the spec's thresholds as constant series
 * (`THRESHOLDS`), which the dashboards plot next to the measured values.
 */
import { lagWatchedServices, type PlatformSpec } from '../../../platform/index.js';
import { num } from './promql.js';
import { THRESHOLDS } from './recorded.js';
import type { RecordingRule } from './rule.js';
import { activeHoursCondition } from './traffic.js';

export function thresholdRecordingRules(spec: PlatformSpec): RecordingRule[] {
  const { monitoring } = spec;
  const lag = lagWatchedServices(spec).map((service) => ({
    record: THRESHOLDS.groupLag,
    expr: `vector(${service.lagThreshold})`,
    labels: { consumergroup: service.consumerGroup },
  }));
  const rates = spec.topics.flatMap((topic) => {
    const expected = topic.alerts.expectedMessagesPerSecond;
    if (expected === null) return [];
    const hours = topic.alerts.activeHoursUtc;
    const during = hours === null ? undefined : activeHoursCondition(hours);
    const expr = during === undefined ? `vector(${num(expected)})` : `vector(${num(expected)}) and on () ${during}`;
    return [{ record: THRESHOLDS.topicRate, expr, labels: { topic: topic.name } }];
  });
  return [
    ...lag,
    ...rates,
    { record: THRESHOLDS.errorRatio, expr: `vector(${num(monitoring.errorRatio)})` },
    { record: THRESHOLDS.partitionSkew, expr: `vector(${num(monitoring.partitionSkewRatio)})` },
  ];
}
