/**
 * Partition skew: a partition whose ingress rate deviates from its topic's
 * mean partition rate by more than `monitoring.partitionSkewRatio`. Keyed
 * topics skew when a few keys dominate (one very active user), which breaks
 * the parallelism the partition count was chosen for.
 */
import type { PlatformSpec } from '../../../platform/index.js';
import { num, oneOf, percent, selector } from './promql.js';
import { RATE_WINDOW, RECORDED } from './recorded.js';
import { alertingRule, type AlertingRule } from './rule.js';

/**
 * Below this mean rate per partition a topic counts as idle and is never
 * reported as skewed. At 1 msg/s a partition takes ~300 messages per rate
 * window, so chance variation stays near 6 % (one standard deviation), well
 * under a 20 % limit; at a tenth of that it reaches ~18 % and the alert
 * would fire on noise.
 * @default 1
 */
export const SKEW_MIN_MESSAGES_PER_SECOND = 1;

/**
 * Undefined when no topic has more than one partition: a single partition is
 * always exactly its topic's mean (the spec's `reminders` is one, because
 * reminder order matters).
 */
export function partitionSkewRule(spec: PlatformSpec): AlertingRule | undefined {
  const topics = spec.topics.filter((t) => t.partitions > 1).map((t) => t.name);
  if (topics.length === 0) return undefined;
  const { monitoring } = spec;
  const rate = selector(RECORDED.partitionRate, [oneOf('topic', topics)]);
  const mean = RECORDED.partitionMeanRate;
  return alertingRule({
    alert: 'PartitionSkewHigh',
    expr:
      `abs(${rate} - on (topic) group_left ${mean})\n` +
      `/ on (topic) group_left ${mean}\n` +
      `> ${num(monitoring.partitionSkewRatio)}\n` +
      `and on (topic)\n` +
      `${mean} >= ${num(SKEW_MIN_MESSAGES_PER_SECOND)}`,
    forMinutes: monitoring.forMinutes,
    severity: 'warning',
    summary: 'Partition {{ $labels.partition }} of {{ $labels.topic }} is unevenly loaded',
    description:
      'The ingress rate of partition {{ $labels.partition }} of topic {{ $labels.topic }} deviates by {{ $value | humanizePercentage }} ' +
      `from the topic's mean partition rate over the last ${RATE_WINDOW}; the limit is ${percent(monitoring.partitionSkewRatio)}.`,
    runbookBaseUrl: monitoring.runbookBaseUrl,
  });
}
