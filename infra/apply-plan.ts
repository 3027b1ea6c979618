/**
 * In which order the synthesized charts are applied, and what each waits for.
 *
 *   adopted namespaces (patched) → namespaces → operators (Helm) and Secrets → kafka-cluster (until Ready)
 *   → kafka-topics, kafka-users (or @pulumi/kafka for `external`)
 *   → CA copy → dapr → services → monitoring (after the Prometheus Operator CRDs and the
 *     dashboard's namespace, which the cluster must have: read, never created)
 *
 * `pulumi destroy` walks the same graph backwards, which matters here: topics
 * and users are deleted while their operator still runs to clear its
 * finalizers, and namespaces go last.
 */
import type { PlatformSpec } from '../platform/index.js';
import { clusterCaSecret, foreignDashboardNamespace, isManagedFlavor } from '../platform/index.js';

/** Something a chart can wait for, besides another chart. */
export type Prerequisite =
  | 'adopted-namespaces'
  | 'cluster-operator'
  | 'dapr-operator'
  | 'credentials'
  | 'external-kafka'
  | 'cluster-ca'
  | 'prometheus-operator-crds'
  | 'dashboard-namespace';

/** What a chart waits for. Charts and prerequisites this environment lacks are skipped. */
export interface ChartNeeds {
  readonly charts: readonly string[];
  readonly prerequisites: readonly Prerequisite[];
}

/** Known charts in apply order, with what each needs. */
export const CHART_NEEDS: ReadonlyMap<string, ChartNeeds> = new Map<string, ChartNeeds>([
  // Adopted namespaces are patched first, so everything after `namespaces` waits for them too.
  ['namespaces', { charts: [], prerequisites: ['adopted-namespaces'] }],
  // The CRDs come with the operator; Redpanda's superusers Secret must exist before the cluster starts.
  ['kafka-cluster', { charts: ['namespaces'], prerequisites: ['cluster-operator', 'credentials'] }],
  ['kafka-topics', { charts: ['kafka-cluster'], prerequisites: ['cluster-operator'] }],
  ['kafka-users', { charts: ['kafka-cluster'], prerequisites: ['cluster-operator', 'credentials'] }],
  // Components and subscriptions name topics and users that must exist when the sidecars start.
  [
    'dapr',
    {
      charts: ['namespaces', 'kafka-topics', 'kafka-users'],
      prerequisites: ['dapr-operator', 'credentials', 'external-kafka', 'cluster-ca'],
    },
  ],
  [
    'services',
    { charts: ['namespaces', 'kafka-topics', 'kafka-users', 'dapr'], prerequisites: ['credentials', 'external-kafka', 'cluster-ca'] },
  ],
  // PrometheusRule/PodMonitor need the Prometheus Operator CRDs (monitoring.coreos.com/v1), and the dashboard
  // ConfigMap a namespace Grafana's sidecar searches; the cluster must have both (monitoring-prerequisites.ts).
  [
    'monitoring',
    {
      charts: ['namespaces', 'kafka-cluster', 'services'],
      prerequisites: ['credentials', 'external-kafka', 'cluster-ca', 'prometheus-operator-crds', 'dashboard-namespace'],
    },
  ],
]);

/**
 * The program creates resources in three rounds, because some prerequisites
 * need charts themselves: the operators and Secrets need the namespaces, and
 * the CA copy needs a ready cluster.
 */
export const APPLY_PHASES: readonly (readonly string[])[] = [
  ['namespaces'],
  ['kafka-cluster', 'kafka-topics', 'kafka-users'],
  ['dapr', 'services', 'monitoring'],
];

/** One chart's place in the plan. */
export interface ChartStep {
  readonly chart: string;
  /** Charts (present in this environment) to apply first. */
  readonly afterCharts: readonly string[];
  readonly afterPrerequisites: readonly Prerequisite[];
  /** Protect from deletion: the topics chart when `spec.protectTopics`. */
  readonly protect: boolean;
}

/** The prerequisites a spec actually has. */
export function availablePrerequisites(spec: PlatformSpec): Set<Prerequisite> {
  const have = new Set<Prerequisite>(['credentials']);
  if (Object.values(spec.namespaces.ownership).includes('adopted')) have.add('adopted-namespaces');
  // `external-kafka` stands for a managed cluster's topics, users and ACLs: @pulumi/kafka's, or Confluent Cloud's.
  if (isManagedFlavor(spec.cluster.flavor)) have.add('external-kafka');
  else have.add('cluster-operator');
  if (spec.dapr.enabled) have.add('dapr-operator');
  if (clusterCaSecret(spec.cluster)) have.add('cluster-ca');
  // Neither is created here: with `prometheusOperator: false` nothing needs the CRDs, and a dashboard in a
  // namespace of the stack waits for the `namespaces` chart instead.
  if (spec.monitoring.enabled && spec.monitoring.prometheusOperator) have.add('prometheus-operator-crds');
  if (foreignDashboardNamespace(spec) !== undefined) have.add('dashboard-namespace');
  return have;
}

/**
 * Orders the charts a spec synthesized. Throws for a chart with no place in
 * the order (applying it at an arbitrary point could run it before its CRDs),
 * and drops `monitoring` when `spec.monitoring.enabled` is false.
 */
export function applyPlan(spec: PlatformSpec, charts: readonly string[]): ChartStep[] {
  const unknown = charts.filter((c) => !CHART_NEEDS.has(c));
  if (unknown.length > 0) {
    throw new Error(
      `charts ${unknown.map((c) => `"${c}"`).join(', ')} have no place in the apply order; add them to CHART_NEEDS and APPLY_PHASES in infra/apply-plan.ts`,
    );
  }
  const present = new Set(charts.filter((c) => c !== 'monitoring' || spec.monitoring.enabled));
  const have = availablePrerequisites(spec);
  return [...CHART_NEEDS.entries()]
    .filter(([chart]) => present.has(chart))
    .map(([chart, needs]) => ({
      chart,
      afterCharts: needs.charts.filter((c) => present.has(c)),
      afterPrerequisites: needs.prerequisites.filter((p) => have.has(p)),
      protect: chart === 'kafka-topics' && spec.protectTopics,
    }));
}

/** The steps of one phase (see APPLY_PHASES), in plan order. */
export function phaseSteps(plan: readonly ChartStep[], phase: number): ChartStep[] {
  const charts = APPLY_PHASES[phase] ?? [];
  return plan.filter((s) => charts.includes(s.chart));
}
