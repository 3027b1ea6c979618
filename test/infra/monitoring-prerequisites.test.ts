/**
 * What the monitoring chart waits for that the cluster must already have: the
 * Prometheus Operator CRDs and a dashboard namespace that is not the stack's.
 * Both are read, never created, and the chart depends on the reads.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { readStackConfig, stackFile, type PlatformSpec } from '../../platform/index.js';
import { applyPlan } from '../../infra/apply-plan.js';
import { PROMETHEUS_OPERATOR_CRDS } from '../../infra/monitoring-prerequisites.js';
import { stackSpec, stackSpecWith } from '../monitoring/support/stacks.js';
import { dependencyNames, named, REPO_ROOT, runProgramOk, type ProgramRun } from './harness.js';

const ALL_CHARTS = ['namespaces', 'kafka-cluster', 'kafka-topics', 'kafka-users', 'dapr', 'services', 'monitoring'];
const monitoringStep = (spec: PlatformSpec) => applyPlan(spec, ALL_CHARTS).find((s) => s.chart === 'monitoring');
const GRAFANA = { namespace: 'grafana', labels: { grafana_dashboard: '1' } };

describe('the monitoring chart in the apply plan', () => {
  test('waits for the Prometheus Operator CRDs, which the cluster must have, by default', () => {
    expect(monitoringStep(stackSpec('dev'))?.afterPrerequisites).toContain('prometheus-operator-crds');
  });

  test('needs no CRDs without the Prometheus Operator', () => {
    const spec = stackSpecWith('dev', [['monitoring', 'prometheusOperator'], false]);
    expect(monitoringStep(spec)?.afterPrerequisites).not.toContain('prometheus-operator-crds');
  });

  test("waits for a dashboard namespace that is someone else's, and only then", () => {
    expect(monitoringStep(stackSpec('staging'))?.afterPrerequisites).not.toContain('dashboard-namespace');
    expect(monitoringStep(stackSpecWith('staging', [['monitoring', 'dashboards'], GRAFANA]))?.afterPrerequisites).toContain(
      'dashboard-namespace',
    );
    // The apps namespace is the stack's own: the `namespaces` chart comes first anyway.
    const inApps = stackSpecWith('staging', [['monitoring', 'dashboards'], { namespace: 'todo' }]);
    expect(monitoringStep(inApps)?.afterPrerequisites).not.toContain('dashboard-namespace');
    expect(monitoringStep(inApps)?.afterCharts).toContain('namespaces');
  });
});

describe('the program for a stack whose dashboard goes to Grafana’s namespace', () => {
  let run: ProgramRun;

  beforeAll(async () => {
    const platform = readStackConfig(stackFile(REPO_ROOT, 'dev')) as Record<string, unknown>;
    const monitoring = { ...(platform.monitoring as Record<string, unknown>), dashboards: GRAFANA };
    run = await runProgramOk('dev', { platform: { ...platform, monitoring }, secrets: { databaseUrl: 'postgres://todo:x@db:5432/todo' } });
  });

  test('reads the Prometheus Operator CRDs and the namespace instead of creating them', () => {
    const reads = run.resources.filter((r) => r.read).map((r) => `${r.type} ${r.name}`);
    expect(reads).toEqual(
      expect.arrayContaining([
        ...PROMETHEUS_OPERATOR_CRDS.map(
          (crd) => `kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition monitoring-prometheus-operator-crds-${crd.split('.')[0]}`,
        ),
        'kubernetes:core/v1:Namespace monitoring-dashboard-namespace',
      ]),
    );
    const created = run.resources.filter((r) => !r.read && r.type === 'kubernetes:core/v1:Namespace').map((r) => r.name);
    expect(created).not.toContain('monitoring-dashboard-namespace');
  });

  test('applies the monitoring chart only after both', () => {
    // A dependency on a component resource is one on each of its children: here the CRD reads.
    expect(dependencyNames(run, named(run, 'chart-monitoring')).filter((n) => n.startsWith('monitoring-'))).toEqual([
      'monitoring-dashboard-namespace',
      ...PROMETHEUS_OPERATOR_CRDS.map((crd) => `monitoring-prometheus-operator-crds-${crd.split('.')[0]}`).sort(),
    ]);
  });
});
