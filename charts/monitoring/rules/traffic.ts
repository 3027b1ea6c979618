/**
 * Low-traffic alerts, only for topics whose spec declares an expected rate
 * (`topics.<name>.expectedMessagesPerSecond`), and only within their active
 * hours (`activeHoursUtc`): a quiet topic at night is not an incident. Each
 * such topic also gets an alert for its offset series going missing, without
 * which the low-traffic alert could never fire.
 */
import type { PlatformSpec, TopicSpec } from '../../../platform/index.js';
import { eq, num, selector } from './promql.js';
import { RECORDED } from './recorded.js';
import { alertingRule, type AlertingRule } from './rule.js';

type ActiveHours = NonNullable<TopicSpec['alerts']['activeHoursUtc']>;

/**
 * A PromQL condition true during `[from, to)` UTC (`hour()` is the UTC hour of
 * the evaluation time), or undefined for a window that covers the whole day.
 * A window with `from > to` wraps midnight, e.g. 22 → 6.
 */
export function activeHoursCondition({ from, to }: ActiveHours): string | undefined {
  const after = from > 0 ? `hour() >= ${from}` : undefined;
  const before = to < 24 ? `hour() < ${to}` : undefined;
  if (from < to) {
    if (after && before) return `(${after} and ${before})`;
    return after ?? before;
  }
  return `(${after ?? 'hour() >= 0'} or ${before ?? 'hour() < 24'})`;
}

/** "between 07:00 and 22:00 UTC", or "at any hour". */
export function describeActiveHours(hours: ActiveHours | null): string {
  if (hours === null || activeHoursCondition(hours) === undefined) return 'at any hour';
  const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
  return `between ${hh(hours.from)} and ${hh(hours.to)} UTC`;
}

export function trafficRules(spec: PlatformSpec, offsetSeries: (topic: string) => string): AlertingRule[] {
  const { forMinutes, runbookBaseUrl } = spec.monitoring;
  return spec.topics.flatMap((topic) => {
    const expected = topic.alerts.expectedMessagesPerSecond;
    if (expected === null) return [];
    const hours = topic.alerts.activeHoursUtc;
    const during = hours === null ? undefined : activeHoursCondition(hours);
    const rate = selector(RECORDED.topicRate, [eq('topic', topic.name)]);
    const low = alertingRule({
      alert: 'TopicTrafficLow',
      expr: during === undefined ? `${rate} < ${num(expected)}` : `${rate} < ${num(expected)}\nand on ()\n${during}`,
      forMinutes,
      severity: 'warning',
      // Also on the expression's result; stating it keeps the per-topic rules distinct (promtool lints duplicates).
      labels: { topic: topic.name },
      summary: 'Topic {{ $labels.topic }} carries less traffic than expected',
      description:
        `Topic {{ $labels.topic }} carries {{ printf "%.2f" $value }} messages per second; ${num(expected)} or more ` +
        `are expected ${describeActiveHours(hours)}. Producers may be failing to publish.`,
      runbookBaseUrl,
    });
    const missing = alertingRule({
      alert: 'TopicOffsetsMissing',
      expr: `absent(${offsetSeries(topic.name)})`,
      forMinutes,
      severity: 'warning',
      labels: { topic: topic.name },
      summary: `No offset metrics for topic ${topic.name}`,
      description:
        `Prometheus has had no offset series for topic ${topic.name} for ${forMinutes} minutes (absent() = {{ $value }}), ` +
        'so its traffic and lag cannot be watched: the exporter or broker metrics are missing, or the topic is gone.',
      runbookBaseUrl,
    });
    return [low, missing];
  });
}
