/**
 * Error-ratio alerts per service and topic: failed handlings over all
 * handlings, above `monitoring.errorRatio`, but only once the pair handled at
 * least `monitoring.errorMinMessagesPerHour` messages in the last hour, so
 * one failure among three messages does not page anyone.
 */
import {
  DAPR_METRICS,
  FAILED_OUTCOMES,
  METRIC_LABELS,
  SERVICE_METRICS,
  type MonitoringSpec,
  type PlatformSpec,
} from '../../../platform/index.js';
import { daprDeliveryMatchers, daprDeliveryScope } from './dapr-scope.js';
import { notEq, num, oneOf, percent, selector } from './promql.js';
import { RATE_WINDOW, VOLUME_WINDOW } from './recorded.js';
import { alertingRule, type AlertingRule } from './rule.js';

interface RatioInputs {
  /** Labels the ratio is computed per, e.g. `service, topic`. */
  readonly by: string;
  readonly failed: string;
  readonly all: string;
}

/** `failed / all > errorRatio`, guarded by the volume over the last hour. */
function errorRatioExpr({ by, failed, all }: RatioInputs, monitoring: MonitoringSpec): string {
  const rate = (series: string) => `sum by (${by}) (rate(${series}[${RATE_WINDOW}]))`;
  return (
    `(\n  ${rate(failed)}\n/\n  ${rate(all)}\n) > ${num(monitoring.errorRatio)}\n` +
    `and on (${by})\n` +
    `sum by (${by}) (increase(${all}[${VOLUME_WINDOW}])) >= ${num(monitoring.errorMinMessagesPerHour)}`
  );
}

/**
 * From the services' own counter: every outcome but `success` is a failure
 * (a retried delivery failed once, a dead-lettered one for good).
 */
export function serviceErrorRatioRule(spec: PlatformSpec): AlertingRule {
  const { monitoring } = spec;
  const total = SERVICE_METRICS.messagesProcessed;
  const service = METRIC_LABELS.service;
  const topic = METRIC_LABELS.topic;
  return alertingRule({
    alert: 'ServiceErrorRatioHigh',
    expr: errorRatioExpr(
      { by: `${service}, ${topic}`, failed: selector(total, [oneOf(METRIC_LABELS.outcome, FAILED_OUTCOMES)]), all: total },
      monitoring,
    ),
    forMinutes: monitoring.forMinutes,
    severity: 'warning',
    summary: `{{ $labels.${service} }} fails to handle messages from {{ $labels.${topic} }}`,
    description:
      `{{ $value | humanizePercentage }} of the messages {{ $labels.${service} }} handled from {{ $labels.${topic} }} ` +
      `over the last ${RATE_WINDOW} failed (retried, dead-lettered or lost); the limit is ${percent(monitoring.errorRatio)}.`,
    runbookBaseUrl: monitoring.runbookBaseUrl,
  });
}

/**
 * From the Dapr sidecars of the services in `dapr` mode: deliveries the app
 * answered with RETRY or DROP, or did not answer at all, which the app's own
 * counter cannot see. Each service consumes through its own component, whose
 * name is the `component` label (see dapr-scope.ts). Undefined when no
 * service uses Dapr.
 */
export function daprErrorRatioRule(spec: PlatformSpec): AlertingRule | undefined {
  const deliveries = daprDeliveryScope(spec);
  if (!deliveries) return undefined;
  const { monitoring } = spec;
  const scope = daprDeliveryMatchers(deliveries);
  const ingress = DAPR_METRICS.pubsubIngress;
  return alertingRule({
    alert: 'DaprDeliveryErrorRatioHigh',
    expr: errorRatioExpr(
      {
        by: 'app_id, topic',
        failed: selector(ingress, [...scope, notEq('process_status', 'success')]),
        all: selector(ingress, scope),
      },
      monitoring,
    ),
    forMinutes: monitoring.forMinutes,
    severity: 'warning',
    summary: 'Dapr cannot deliver {{ $labels.topic }} to {{ $labels.app_id }}',
    description:
      `{{ $value | humanizePercentage }} of the Dapr deliveries on {{ $labels.topic }} to ` +
      `{{ $labels.app_id }} over the last ${RATE_WINDOW} were not successful (retry or drop); the limit is ${percent(monitoring.errorRatio)}.`,
    runbookBaseUrl: monitoring.runbookBaseUrl,
  });
}
