import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { PlatformSpec } from '../../platform/index.js';
import { backboneDashboard } from './dashboards/backbone-dashboard.js';
import { DashboardConfigMap } from './dashboards/dashboard-config-map.js';
import { KafkaExporter } from './kafka-exporter.js';
import { PlatformPrometheusRule } from './prometheus-rule.js';
import { RedpandaConsole } from './redpanda-console.js';
import { daprSidecarsPodMonitor, exporterPodMonitor, scrapeNetworkPolicy, servicesPodMonitor } from './scrape-targets.js';

/** `metadata.name` of the dashboard ConfigMap (and its `<name>.json` key). */
export const DASHBOARD_CONFIG_MAP = 'todo-events-dashboard';

/** Whether the stack wants monitoring objects (`monitoring.enabled`). */
export function monitoringApplies(spec: PlatformSpec): boolean {
  return spec.monitoring.enabled;
}

/**
 * Everything that watches the backbone, generated from the spec:
 * - the alert and recording rules (`PrometheusRule`, Kafka namespace);
 * - PodMonitors for the services, their Dapr sidecars and the lag exporter,
 *   and a NetworkPolicy letting Prometheus reach the service pods;
 * - for `external` clusters, kafka_exporter (Strimzi runs its own, Redpanda
 *   reports lag itself);
 * - for Strimzi and `external`, Redpanda Console (Redpanda's chart has one);
 * - the Grafana dashboard as a ConfigMap for Grafana's sidecar.
 * Needs the Prometheus Operator CRDs (monitoring.coreos.com/v1) in the cluster.
 */
export class MonitoringChart extends Chart {
  constructor(scope: Construct, id: string, spec: PlatformSpec) {
    super(scope, id, { disableResourceNameHashes: true });
    const { flavor } = spec.cluster;
    new PlatformPrometheusRule(this, 'prometheus-rule', { spec });
    servicesPodMonitor(this, spec);
    daprSidecarsPodMonitor(this, spec);
    exporterPodMonitor(this, spec);
    scrapeNetworkPolicy(this, spec);
    if (flavor === 'external') new KafkaExporter(this, 'kafka-exporter', { spec });
    if (flavor !== 'redpanda') new RedpandaConsole(this, 'redpanda-console', { spec });
    new DashboardConfigMap(this, 'dashboard', {
      name: DASHBOARD_CONFIG_MAP,
      namespace: spec.namespaces.kafka,
      dashboard: backboneDashboard(spec),
    });
  }
}
