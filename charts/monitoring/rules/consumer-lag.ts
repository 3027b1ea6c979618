/**
 * Consumer-lag alerts in the manner of Burrow's window evaluation: a high lag
 * alone is not a problem while the consumer is catching up, so the lag alert
 * also requires that the lag did not shrink over the window; a consumer that
 * stopped committing is a different failure with its own alert.
 * @see https://github.com/linkedin/Burrow/wiki/Consumer-Lag-Evaluation-Rules
 */
import { lagWatchedServices, type PlatformSpec } from '../../../platform/index.js';
import { eq, minutes, selector } from './promql.js';
import { RECORDED } from './recorded.js';
import { alertingRule, type AlertingRule } from './rule.js';

/**
 * One rule per service, because each consumer group has its own threshold
 * (`services.<name>.lagThreshold`, default `monitoring.lagThreshold`).
 * `deriv(...) >= 0` is the least-squares slope over the window: a consumer
 * working through a backlog has a negative slope and stays silent.
 */
export function consumerLagHighRules(spec: PlatformSpec): AlertingRule[] {
  const { forMinutes, runbookBaseUrl } = spec.monitoring;
  return lagWatchedServices(spec).map((service) => {
    const lag = selector(RECORDED.groupLag, [eq('consumergroup', service.consumerGroup)]);
    return alertingRule({
      alert: 'ConsumerLagHigh',
      expr: `${lag} > ${service.lagThreshold}\nand\nderiv(${lag}[${minutes(forMinutes)}]) >= 0`,
      forMinutes,
      severity: 'warning',
      // The expression carries the label too; stating it keeps the per-service rules distinct (promtool lints duplicates).
      labels: { consumergroup: service.consumerGroup },
      summary: 'Consumer group {{ $labels.consumergroup }} is falling behind',
      description:
        `Consumer group {{ $labels.consumergroup }} (service ${service.name}, reading ${service.consumes.join(', ')}) is ` +
        `{{ printf "%.0f" $value }} messages behind, above its threshold of ${service.lagThreshold}, ` +
        `and the lag has not shrunk for ${forMinutes} minutes.`,
      runbookBaseUrl,
    });
  });
}

/**
 * Lag above zero while the committed offset has not moved for the whole
 * window: the consumer is stuck (crashed, blocked on a poison message,
 * rebalancing in a loop). It fires whatever the lag threshold, because one
 * stuck partition of a quiet topic never reaches it.
 */
export function consumerStalledRule(spec: PlatformSpec): AlertingRule {
  const { forMinutes, runbookBaseUrl } = spec.monitoring;
  return alertingRule({
    alert: 'ConsumerStalled',
    expr:
      `${RECORDED.partitionLag} > 0\n` +
      `and on (consumergroup, topic, partition)\n` +
      `changes(${RECORDED.committedOffset}[${minutes(forMinutes)}]) == 0`,
    forMinutes,
    severity: 'critical',
    summary: 'Consumer group {{ $labels.consumergroup }} stopped consuming {{ $labels.topic }}/{{ $labels.partition }}',
    description:
      'Consumer group {{ $labels.consumergroup }} has not committed on {{ $labels.topic }} partition {{ $labels.partition }} ' +
      `for at least ${forMinutes} minutes while {{ printf "%.0f" $value }} messages wait there.`,
    runbookBaseUrl,
  });
}
