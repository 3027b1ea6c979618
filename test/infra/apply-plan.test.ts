import { describe, expect, test } from '@jest/globals';
import { loadPlatform } from '../../platform/index.js';
import { APPLY_PHASES, CHART_NEEDS, applyPlan, availablePrerequisites, phaseSteps } from '../../infra/apply-plan.js';
import { REPO_ROOT } from './harness.js';

const ALL_CHARTS = ['namespaces', 'kafka-cluster', 'kafka-topics', 'kafka-users', 'dapr', 'services', 'monitoring'];
const dev = loadPlatform('dev', REPO_ROOT);
const staging = loadPlatform('staging', REPO_ROOT);
const prod = loadPlatform('prod', REPO_ROOT);

describe('applyPlan', () => {
  test('orders the charts namespaces, cluster, topics, users, dapr, services, monitoring whatever order they come in', () => {
    expect(applyPlan(dev, [...ALL_CHARTS].reverse()).map((s) => s.chart)).toEqual(ALL_CHARTS);
  });

  test('puts the cluster after its operator and the Secrets, and topics after the cluster', () => {
    const plan = applyPlan(dev, ALL_CHARTS);
    expect(plan.find((s) => s.chart === 'kafka-cluster')).toEqual({
      chart: 'kafka-cluster',
      afterCharts: ['namespaces'],
      afterPrerequisites: ['cluster-operator', 'credentials'],
      protect: false,
    });
    expect(plan.find((s) => s.chart === 'kafka-topics')?.afterCharts).toEqual(['kafka-cluster']);
  });

  test('waits for the CA copy only where the cluster has an in-cluster TLS listener', () => {
    const needsCa = (spec: typeof dev) =>
      applyPlan(spec, ALL_CHARTS)
        .filter((s) => s.afterPrerequisites.includes('cluster-ca'))
        .map((s) => s.chart);
    expect(needsCa(staging)).toEqual(['dapr', 'services', 'monitoring']);
    expect(needsCa(dev)).toEqual([]);
    expect(needsCa(prod)).toEqual([]);
  });

  test('waits for the @pulumi/kafka resources instead of an operator on an external cluster', () => {
    const services = applyPlan(prod, ['namespaces', 'dapr', 'services']).find((s) => s.chart === 'services')!;
    expect(services.afterCharts).toEqual(['namespaces', 'dapr']);
    expect(services.afterPrerequisites).toEqual(['credentials', 'external-kafka']);
  });

  test('protects the topics chart exactly when the spec protects topics', () => {
    const protectedSteps = (spec: typeof dev) =>
      applyPlan(spec, ALL_CHARTS)
        .filter((s) => s.protect)
        .map((s) => s.chart);
    expect(protectedSteps({ ...dev, protectTopics: true })).toEqual(['kafka-topics']);
    expect(protectedSteps(dev)).toEqual([]);
  });

  test('skips the monitoring chart when monitoring is disabled', () => {
    const off = { ...dev, monitoring: { ...dev.monitoring, enabled: false } };
    expect(applyPlan(off, ALL_CHARTS).map((s) => s.chart)).not.toContain('monitoring');
  });

  test('refuses a chart it has no place for, naming it and where to add it', () => {
    expect(() => applyPlan(dev, ['namespaces', 'console'])).toThrow(
      'charts "console" have no place in the apply order; add them to CHART_NEEDS and APPLY_PHASES in infra/apply-plan.ts',
    );
  });
});

describe('apply phases', () => {
  test('cover every known chart exactly once, in the order of CHART_NEEDS', () => {
    expect(APPLY_PHASES.flat()).toEqual([...CHART_NEEDS.keys()]);
  });

  test('never make a chart wait for a chart of a later phase', () => {
    const phaseOf = (chart: string) => APPLY_PHASES.findIndex((p) => p.includes(chart));
    for (const [chart, needs] of CHART_NEEDS) {
      for (const before of needs.charts) expect([chart, phaseOf(before) <= phaseOf(chart)]).toEqual([chart, true]);
    }
  });

  test('hand out the steps of each phase in plan order', () => {
    const plan = applyPlan(staging, ALL_CHARTS);
    expect(APPLY_PHASES.map((_, i) => phaseSteps(plan, i).map((s) => s.chart))).toEqual(APPLY_PHASES);
  });
});

describe('availablePrerequisites', () => {
  test('names the adopted namespaces, operator, Dapr, credentials, CA copy and Prometheus Operator CRDs per flavor', () => {
    expect([...availablePrerequisites(dev)].sort()).toEqual([
      'adopted-namespaces',
      'cluster-operator',
      'credentials',
      'dapr-operator',
      'prometheus-operator-crds',
    ]);
    expect([...availablePrerequisites(staging)].sort()).toEqual([
      'adopted-namespaces',
      'cluster-ca',
      'cluster-operator',
      'credentials',
      'dapr-operator',
      'prometheus-operator-crds',
    ]);
    expect([...availablePrerequisites(prod)].sort()).toEqual([
      'adopted-namespaces',
      'credentials',
      'dapr-operator',
      'external-kafka',
      'prometheus-operator-crds',
    ]);
  });

  test('has no namespace patch to wait for when the stack owns every namespace', () => {
    const owned = { ...dev, namespaces: { ...dev.namespaces, ownership: { kafka: 'owned', apps: 'owned' } as const } };
    expect(availablePrerequisites(owned).has('adopted-namespaces')).toBe(false);
  });
});
