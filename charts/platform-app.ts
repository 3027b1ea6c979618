/**
 * The chart registry: every chart of the platform, in the order they are
 * written and applied (namespaces first, the cluster before the topics and
 * users its operator acts on, Dapr components before the services using them).
 * Adding a chart is one entry here.
 */
import { App, type Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { PlatformSpec } from '../platform/index.js';
import { DaprChart } from './dapr/dapr-chart.js';
import { ExternalSecretsChart, externalSecretsApply } from './gitops/external-secrets-chart.js';
import { KafkaClusterChart, kafkaObjectsApply } from './kafka/kafka-cluster-chart.js';
import { KafkaTopicsChart } from './kafka/kafka-topics-chart.js';
import { KafkaUsersChart } from './kafka/kafka-users-chart.js';
import { MonitoringChart, monitoringApplies } from './monitoring/monitoring-chart.js';
import { NamespacesChart } from './namespaces/namespaces-chart.js';
import { ServicesChart } from './workloads/services-chart.js';

export interface ChartDefinition {
  /** Chart id: the file `dist/<stack>/<name>.k8s.yaml` and the Pulumi resource name. */
  readonly name: string;
  /** Whether the chart has anything to render for this spec; charts that do not are left out entirely. */
  readonly appliesTo: (spec: PlatformSpec) => boolean;
  readonly build: (scope: Construct, name: string, spec: PlatformSpec) => Chart;
  /**
   * Rendered only for `dist/` (`npm run synth`), never applied by the Pulumi
   * program, which creates what it stands for itself (the Secrets).
   * @default false
   */
  readonly gitopsOnly?: boolean;
}

const always = () => true;

export const CHARTS: readonly ChartDefinition[] = [
  { name: 'namespaces', appliesTo: always, build: (s, n, spec) => new NamespacesChart(s, n, spec) },
  {
    name: 'external-secrets',
    appliesTo: externalSecretsApply,
    build: (s, n, spec) => new ExternalSecretsChart(s, n, spec),
    gitopsOnly: true,
  },
  { name: 'kafka-cluster', appliesTo: kafkaObjectsApply, build: (s, n, spec) => new KafkaClusterChart(s, n, spec) },
  { name: 'kafka-topics', appliesTo: kafkaObjectsApply, build: (s, n, spec) => new KafkaTopicsChart(s, n, spec) },
  { name: 'kafka-users', appliesTo: kafkaObjectsApply, build: (s, n, spec) => new KafkaUsersChart(s, n, spec) },
  { name: 'dapr', appliesTo: (spec) => spec.dapr.enabled, build: (s, n, spec) => new DaprChart(s, n, spec) },
  { name: 'services', appliesTo: always, build: (s, n, spec) => new ServicesChart(s, n, spec) },
  { name: 'monitoring', appliesTo: monitoringApplies, build: (s, n, spec) => new MonitoringChart(s, n, spec) },
];

export interface PlatformAppOptions {
  /** Include the charts only `dist/` gets (`gitopsOnly`). @default false: what the Pulumi program applies */
  readonly gitops?: boolean;
}

/**
 * A cdk8s App holding every chart that applies to `spec`, in registry order.
 * Nothing is written to disk until the caller synthesizes it.
 */
export function buildPlatformApp(spec: PlatformSpec, charts: readonly ChartDefinition[] = CHARTS, options: PlatformAppOptions = {}): App {
  const app = new App();
  for (const chart of charts) {
    if (chart.gitopsOnly && !options.gitops) continue;
    if (chart.appliesTo(spec)) chart.build(app, chart.name, spec);
  }
  return app;
}
