/**
 * Prometheus rule groups as plain data: the shape of a Prometheus rule file
 * and of `PrometheusRule.spec.groups`, so one value feeds both promtool and
 * the Kubernetes object.
 * @see https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/
 */
import { minutes } from './promql.js';

/** How urgently a human must react: `critical` pages, `warning` goes to a queue. */
export type Severity = 'critical' | 'warning';

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  /** Labels set on the recorded series (to tell apart rules recording one name). */
  readonly labels?: Readonly<Record<string, string>>;
}

export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: Readonly<Record<string, string>> & { readonly severity: Severity };
  readonly annotations: {
    readonly summary: string;
    readonly description: string;
    readonly runbook_url: string;
  };
}

export type Rule = RecordingRule | AlertingRule;

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly Rule[];
}

export function isAlertingRule(rule: Rule): rule is AlertingRule {
  return 'alert' in rule;
}

export interface AlertOptions {
  readonly alert: string;
  readonly expr: string;
  /** Minutes the condition must hold (`MonitoringSpec.forMinutes`). */
  readonly forMinutes: number;
  readonly severity: Severity;
  /** Labels beyond `severity` that the expression does not already carry. */
  readonly labels?: Readonly<Record<string, string>>;
  /** One line; may use `{{ $labels.x }}`. */
  readonly summary: string;
  /** What is wrong and with which value: must contain `$value`. */
  readonly description: string;
  /** `MonitoringSpec.runbookBaseUrl`; the runbook is `<base>/<alert>.md`. */
  readonly runbookBaseUrl: string;
}

/** The runbook of an alert: `docs/runbooks/<alert>.md` of the repository. */
export function runbookUrl(baseUrl: string, alert: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${alert}.md`;
}

/**
 * An alerting rule with the annotations every alert of the platform carries.
 * A description without the live value is refused: the person paged should
 * not have to open Prometheus to learn how bad it is.
 */
export function alertingRule(options: AlertOptions): AlertingRule {
  if (!options.description.includes('$value')) {
    throw new Error(`alert ${options.alert}: the description must show the live value ({{ $value }})`);
  }
  return {
    alert: options.alert,
    expr: options.expr,
    for: minutes(options.forMinutes),
    labels: { ...options.labels, severity: options.severity },
    annotations: {
      summary: options.summary,
      description: options.description,
      runbook_url: runbookUrl(options.runbookBaseUrl, options.alert),
    },
  };
}
