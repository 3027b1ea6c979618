/**
 * Turns scenarios into a promtool unit-test file for one stack's rules.
 * promtool compares an alert's labels and annotations exactly, so the
 * expected annotations are the rule's own templates with the expected labels
 * and value filled in: a wrong label, value or runbook link fails the test.
 * @see https://prometheus.io/docs/prometheus/latest/configuration/unit_testing_rules/
 */
import { isAlertingRule, type AlertingRule, type RuleGroup } from '../../../charts/monitoring/rules/index.js';
import type { ExpectedAlert, Scenario } from './scenarios.js';

function rulesNamed(groups: readonly RuleGroup[], alert: string): AlertingRule[] {
  return groups.flatMap((g) => g.rules.filter(isAlertingRule)).filter((r) => r.alert === alert);
}

/** Fills `{{ $labels.x }}` and any action that prints `$value` (`printf`, `humanizePercentage`, …). */
export function fillTemplate(template: string, labels: Readonly<Record<string, string>>, value: string): string {
  return template
    .replace(/\{\{\s*\$labels\.(\w+)\s*\}\}/g, (_, name: string) => labels[name] ?? '')
    .replace(/\{\{[^}]*\$value[^}]*\}\}/g, value);
}

/** The annotations promtool must see on `expected`, from the one rule of `alert` whose static labels it carries. */
export function expectedAnnotations(groups: readonly RuleGroup[], alert: string, expected: ExpectedAlert): Record<string, string> {
  const candidates = rulesNamed(groups, alert).filter((rule) =>
    Object.entries(rule.labels).every(([label, value]) => expected.labels[label] === value),
  );
  if (candidates.length !== 1) {
    throw new Error(`expected exactly one ${alert} rule matching ${JSON.stringify(expected.labels)}, found ${candidates.length}`);
  }
  const rule = candidates[0]!;
  return Object.fromEntries(
    Object.entries(rule.annotations).map(([key, text]) => [key, fillTemplate(text, expected.labels, expected.value)]),
  );
}

export interface PromtoolTestFile {
  readonly rule_files: readonly string[];
  readonly evaluation_interval: string;
  readonly group_eval_order: readonly string[];
  readonly tests: readonly unknown[];
}

/** A promtool test file running `scenarios` against `rulesFile` (which must hold `groups`). */
export function promtoolTestFile(rulesFile: string, groups: readonly RuleGroup[], scenarios: readonly Scenario[]): PromtoolTestFile {
  return {
    rule_files: [rulesFile],
    evaluation_interval: '1m',
    // Without an order promtool evaluates the groups in random (Go map) order, so an alert could read the
    // recording rules' values of the previous minute in one run and of this minute in the next.
    group_eval_order: groups.map((g) => g.name),
    tests: scenarios.map((scenario) => ({
      name: scenario.name,
      interval: '1m',
      input_series: scenario.series,
      alert_rule_test: scenario.checks.map((check) => ({
        eval_time: `${check.atMinute}m`,
        alertname: check.alert,
        exp_alerts: check.fires.map((alert) => ({
          exp_labels: alert.labels,
          exp_annotations: expectedAnnotations(groups, check.alert, alert),
        })),
      })),
    })),
  };
}

/** Alert names a set of scenarios shows firing, and shows staying silent. */
export function coverage(scenarios: readonly Scenario[]): { fires: Set<string>; silent: Set<string> } {
  const checks = scenarios.flatMap((s) => s.checks);
  return {
    fires: new Set(checks.filter((c) => c.fires.length > 0).map((c) => c.alert)),
    silent: new Set(checks.filter((c) => c.fires.length === 0).map((c) => c.alert)),
  };
}
