/**
 * The services' own view of what they depend on: `todo_events_dependency_up`
 * (services/lib/dependency-health.ts) is 0 while a service holds messages
 * because its database, the broker, the webhook or Dapr fails. The lag and
 * stall alerts fire too, later; this one says why.
 */
import { METRIC_LABELS, SERVICE_METRICS, type PlatformSpec } from '../../../platform/index.js';
import { alertingRule, type AlertingRule } from './rule.js';

/**
 * How far back a single 0 still counts as "down". Two minutes span four
 * scrapes at the usual 30 s interval and bridge the moments a service that is
 * still failing reads 1: a Dapr-mode service lets a failure lapse after
 * `retry.maxIntervalMs` (10 s) so that the sidecar resumes and the next
 * delivery fails again, and a pod replaced during an outage starts at 1
 * until its first failure while the old pod's series has just gone stale.
 * Without it, either resets the `for:` clock and the alert flaps or never
 * fires. The price: an outage ends its alert up to two minutes late, and one
 * lasting two minutes less than `monitoring.forMinutes` can already fire.
 * @default '2m'
 */
export const DEPENDENCY_DOWN_LOOKBACK = '2m';

/**
 * One alert per service and dependency, whatever its pods: `min by` fires
 * while any replica reports the dependency down, because each replica keeps
 * its own partitions while it holds their messages (`max by` would wait
 * until all are down). Dropping `pod` also keeps the alert one alert when a
 * pod is replaced, instead of one resolving and another starting to pend.
 */
export function dependencyDownRule(spec: PlatformSpec): AlertingRule {
  const { forMinutes, runbookBaseUrl } = spec.monitoring;
  const { service, dependency } = METRIC_LABELS;
  return alertingRule({
    alert: 'ServiceDependencyDown',
    expr: `min by (${service}, ${dependency}) (min_over_time(${SERVICE_METRICS.dependencyUp}[${DEPENDENCY_DOWN_LOOKBACK}])) == 0`,
    forMinutes,
    // Its messages are held and retried, not lost: ConsumerStalled pages if the hold lasts.
    severity: 'warning',
    summary: `{{ $labels.${service} }} cannot use {{ $labels.${dependency} }}`,
    description:
      `{{ $labels.${service} }} has reported {{ $labels.${dependency} }} down ` +
      `(${SERVICE_METRICS.dependencyUp} = {{ $value }}) for ${forMinutes} minutes: it holds the messages that need it ` +
      `and retries them until it answers, so they are late, not lost. Restore {{ $labels.${dependency} }}; ` +
      'do not skip or dead-letter the held messages (see the runbook).',
    runbookBaseUrl,
  });
}
