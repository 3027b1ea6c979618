import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { consoleRuns, lagExporterRuns, type PlatformSpec } from '../../platform/index.js';
import { backboneDashboard } from './dashboards/backbone-dashboard.js';
import { DashboardConfigMap } from './dashboards/dashboard-config-map.js';
import { KafkaExporter } from './kafka-exporter.js';
import { PlatformPrometheusRule } from './prometheus-rule.js';
import { RedpandaConsole } from './redpanda-console.js';
import { PrometheusRulesConfigMap } from './rules-config-map.js';
import { daprSidecarsPodMonitor, exporterPodMonitor, scrapeNetworkPolicy, servicesPodMonitor } from './scrape-targets.js';

/** `metadata.name` of the dashboard ConfigMap (and its `<name>.json` key). */
export const DASHBOARD_CONFIG_MAP = 'todo-events-dashboard';

/** Whether the stack wants monitoring objects (`monitoring.enabled`). */
export function monitoringApplies(spec: PlatformSpec): boolean {
  return spec.monitoring.enabled;
}

/**
 * Everything that watches the backbone, generated from the spec:
 * - the alert and recording rules: a `PrometheusRule` in the Kafka namespace,
 *   or, with `monitoring.prometheusOperator: false`, the same rules as a rule
 *   file in a ConfigMap (PrometheusRulesConfigMap);
 * - PodMonitors for the services, their Dapr sidecars and the lag exporter
 *   (none without the Prometheus Operator), and a NetworkPolicy letting
 *   Prometheus reach the service pods;
 * - for `external` clusters, kafka_exporter (Strimzi runs its own, Redpanda
 *   reports lag itself), as the describe-only exporter user;
 * - for Strimzi and `external`, Redpanda Console (Redpanda's chart has one),
 *   as the console user;
 * - the Grafana dashboard as a ConfigMap for Grafana's sidecar, in
 *   `monitoring.dashboards.namespace` with `monitoring.dashboards.labels`.
 * Every PrometheusRule and PodMonitor carries `monitoring.selectorLabels`. With
 * `prometheusOperator` (the default) the cluster needs the Prometheus Operator
 * CRDs (monitoring.coreos.com/v1); the Pulumi program checks they exist.
 */
export class MonitoringChart extends Chart {
  constructor(scope: Construct, id: string, spec: PlatformSpec) {
    super(scope, id, { disableResourceNameHashes: true });
    if (spec.monitoring.prometheusOperator) {
      new PlatformPrometheusRule(this, 'prometheus-rule', { spec });
      servicesPodMonitor(this, spec);
      daprSidecarsPodMonitor(this, spec);
      exporterPodMonitor(this, spec);
    } else {
      new PrometheusRulesConfigMap(this, 'prometheus-rules', { spec });
    }
    scrapeNetworkPolicy(this, spec);
    if (lagExporterRuns(spec)) new KafkaExporter(this, 'kafka-exporter', { spec });
    if (consoleRuns(spec)) new RedpandaConsole(this, 'redpanda-console', { spec });
    new DashboardConfigMap(this, 'dashboard', {
      name: DASHBOARD_CONFIG_MAP,
      namespace: spec.monitoring.dashboards.namespace,
      labels: spec.monitoring.dashboards.labels,
      dashboard: backboneDashboard(spec),
    });
  }
}
