import { Testing } from 'cdk8s';
import { DaprChart } from '../../charts/dapr/dapr-chart.js';
import { backboneDashboard } from '../../charts/monitoring/dashboards/backbone-dashboard.js';
import { isAlertingRule, prometheusRuleGroups } from '../../charts/monitoring/rules/index.js';
import { DAPR_METRICS, type PlatformSpec } from '../../platform/index.js';
import { stackSpec } from './support/stacks.js';

type K8sObject = { kind: string; metadata: { name: string }; spec?: { pubsubname?: string } };

/** The components Dapr delivers through: those the Subscriptions the Dapr chart renders name. */
function deliveringComponents(spec: PlatformSpec): string[] {
  const objects = Testing.synth(new DaprChart(Testing.app(), 'dapr', spec)) as K8sObject[];
  const components = new Set(objects.filter((o) => o.kind === 'Component').map((o) => o.metadata.name));
  const subscribed = objects.filter((o) => o.kind === 'Subscription').map((o) => o.spec!.pubsubname!);
  expect(subscribed.every((name) => components.has(name))).toBe(true);
  return [...new Set(subscribed)].sort();
}

/** The `component` values each selector of a Dapr delivery metric in `expr` matches. */
function componentMatchers(expr: string): string[][] {
  const selectors = expr.match(new RegExp(`${DAPR_METRICS.pubsubIngress}\\{[^}]*\\}`, 'g')) ?? [];
  return selectors.map((selector) => {
    const exact = /component="([^"]*)"/.exec(selector);
    if (exact) return [exact[1]!];
    const regex = /component=~"([^"]*)"/.exec(selector);
    return regex ? regex[1]!.split('|').sort() : [];
  });
}

describe.each(['dev', 'staging', 'prod'])('Dapr delivery metrics of %s', (stack) => {
  const spec = stackSpec(stack);
  const components = deliveringComponents(spec);

  it('come from one component per Dapr-mode service, none of them the shared kafka-pubsub', () => {
    expect(components).toEqual(['kafka-pubsub-notification', 'kafka-pubsub-websocket']);
  });

  it('are what DaprDeliveryErrorRatioHigh selects: exactly the components the Dapr chart delivers through', () => {
    const alert = prometheusRuleGroups(spec)
      .flatMap((g) => g.rules.filter(isAlertingRule))
      .find((r) => r.alert === 'DaprDeliveryErrorRatioHigh')!;
    const matchers = componentMatchers(alert.expr);
    expect(matchers.length).toBeGreaterThan(0);
    for (const matched of matchers) expect(matched).toEqual(components);
  });

  it('are what the dashboard’s Dapr panels select', () => {
    const json = backboneDashboard(spec) as { panels: { title: string; targets?: { expr: string }[] }[] };
    const panels = json.panels.filter((p) => (p.targets ?? []).some((t) => t.expr.includes(DAPR_METRICS.pubsubIngress)));
    expect(panels.map((p) => p.title).sort()).toEqual(['Dapr delivery error ratio per app', 'Deliveries dropped by Dapr per second']);
    for (const panel of panels) {
      for (const target of panel.targets!) for (const matched of componentMatchers(target.expr)) expect(matched).toEqual(components);
    }
  });
});
