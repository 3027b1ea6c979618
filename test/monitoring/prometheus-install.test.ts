/**
 * What the monitoring chart asks of the Prometheus and Grafana installed in
 * the cluster, all of it spec settings under `monitoring`: whether the
 * Prometheus Operator's CRDs are there, the labels its selectors match, and
 * where and how Grafana's dashboard sidecar finds the dashboard.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { prometheusRuleGroups, RULES_FILE_KEY } from '../../charts/monitoring/index.js';
import { buildPlatformApp } from '../../charts/platform-app.js';
import { monitoringObjects, objectOf, type K8sObject } from './support/deployed-rules.js';
import { describeWithPromtool, promtool } from './support/promtool.js';
import { stackSpec, stackSpecWith } from './support/stacks.js';

const STACKS = ['dev', 'staging', 'prod'] as const;
const OPERATOR_KINDS = ['PrometheusRule', 'PodMonitor', 'ServiceMonitor'];
const isOperatorObject = (o: K8sObject) => o.apiVersion.startsWith('monitoring.coreos.com/');
const label = (o: K8sObject) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`;

/** Every object of every chart of a spec, as `npm run synth` writes them. */
function allObjects(spec: ReturnType<typeof stackSpec>): K8sObject[] {
  return buildPlatformApp(spec).charts.flatMap((chart) => chart.toJson() as K8sObject[]);
}

describe("Prometheus' rule and monitor selectors", () => {
  it.each(STACKS)('label every PrometheusRule and PodMonitor of %s for a default kube-prometheus-stack release', (stack) => {
    const objects = monitoringObjects(stackSpec(stack)).filter(isOperatorObject);
    expect(objects.map((o) => o.kind)).toContain('PrometheusRule');
    expect(objects.filter((o) => o.metadata.labels?.release !== 'kube-prometheus-stack').map(label)).toEqual([]);
  });

  it('label them, and the Redpanda chart’s ServiceMonitor, with the selector labels a stack sets', () => {
    const spec = stackSpecWith('dev', [['monitoring', 'selectorLabels'], { release: null, prometheus: 'main' }]);
    const operatorObjects = monitoringObjects(spec).filter(isOperatorObject);
    expect(operatorObjects.length).toBeGreaterThan(2);
    for (const o of operatorObjects) {
      expect([label(o), o.metadata.labels?.prometheus, o.metadata.labels?.release]).toEqual([label(o), 'main', undefined]);
    }
    const redpanda = objectOf(allObjects(spec), 'Redpanda') as K8sObject & { spec: { clusterSpec: { monitoring: unknown } } };
    expect(redpanda.spec.clusterSpec.monitoring).toEqual({ enabled: true, labels: { prometheus: 'main' } });
  });
});

describe('a cluster without the Prometheus Operator (monitoring.prometheusOperator: false)', () => {
  const specs = STACKS.map((stack) => [stack, stackSpecWith(stack, [['monitoring', 'prometheusOperator'], false])] as const);

  it.each(specs)('gets no PrometheusRule, PodMonitor or ServiceMonitor in %s, from any chart', (_stack, spec) => {
    const objects = allObjects(spec);
    expect(objects.filter((o) => isOperatorObject(o) || OPERATOR_KINDS.includes(o.kind)).map(label)).toEqual([]);
    const redpanda = objects.find((o) => o.kind === 'Redpanda') as
      (K8sObject & { spec: { clusterSpec: { monitoring: unknown } } }) | undefined;
    if (redpanda) expect(redpanda.spec.clusterSpec.monitoring).toEqual({ enabled: false });
  });

  it.each(specs)('gets the same rules in %s as a Prometheus rule file in the ConfigMap todo-events-alerts', (_stack, spec) => {
    const configMap = objectOf(monitoringObjects(spec), 'ConfigMap', 'todo-events-alerts');
    expect(configMap.metadata.namespace).toBe(spec.namespaces.kafka);
    const file = (configMap.data as Record<string, string>)[RULES_FILE_KEY]!;
    expect(parse(file)).toEqual({ groups: prometheusRuleGroups(spec) });
  });

  it('still gets the dashboard, the console and the scrape NetworkPolicy', () => {
    const staging = specs.find(([stack]) => stack === 'staging')![1];
    const kinds = monitoringObjects(staging).map((o) => `${o.kind}/${o.metadata.name}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'ConfigMap/todo-events-dashboard',
        'Deployment/redpanda-console',
        'NetworkPolicy/todo-events-metrics-scrape',
      ]),
    );
  });
});

describeWithPromtool('the rule file for a Prometheus without the operator', () => {
  it('passes promtool check rules as it is', () => {
    const spec = stackSpecWith('prod', [['monitoring', 'prometheusOperator'], false]);
    const configMap = objectOf(monitoringObjects(spec), 'ConfigMap', 'todo-events-alerts');
    const dir = mkdtempSync(join(tmpdir(), 'todo-events-rule-file-'));
    try {
      writeFileSync(join(dir, RULES_FILE_KEY), (configMap.data as Record<string, string>)[RULES_FILE_KEY]!);
      const result = promtool(['check', 'rules', RULES_FILE_KEY], dir);
      expect(result.output).toContain('SUCCESS');
      expect(result.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the dashboard and Grafana's sidecar", () => {
  const dashboard = (spec: ReturnType<typeof stackSpec>) => objectOf(monitoringObjects(spec), 'ConfigMap', 'todo-events-dashboard');

  it('goes into the Kafka namespace, which kube-prometheus-stack\'s sidecar searches (searchNamespace: ALL), labelled grafana_dashboard: "1"', () => {
    const configMap = dashboard(stackSpec('staging'));
    expect(configMap.metadata.namespace).toBe('kafka');
    expect(configMap.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
  });

  it('goes into the namespace and with the labels a stack sets for its Grafana, a namespace no chart creates', () => {
    const spec = stackSpecWith('staging', [
      ['monitoring', 'dashboards'],
      { namespace: 'grafana', labels: { grafana_dashboard: null, dashboards: 'todo' } },
    ]);
    const configMap = dashboard(spec);
    expect(configMap.metadata.namespace).toBe('grafana');
    expect(configMap.metadata.labels).toMatchObject({ dashboards: 'todo' });
    expect(configMap.metadata.labels).not.toHaveProperty('grafana_dashboard');
    const namespaces = allObjects(spec)
      .filter((o) => o.kind === 'Namespace')
      .map((o) => o.metadata.name);
    expect(namespaces).not.toContain('grafana');
  });
});
