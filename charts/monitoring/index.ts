export { MonitoringChart, monitoringApplies, DASHBOARD_CONFIG_MAP } from './monitoring-chart.js';
export { PlatformPrometheusRule, PROMETHEUS_RULE_NAME } from './prometheus-rule.js';
export { PrometheusRulesConfigMap, RULES_FILE_KEY } from './rules-config-map.js';
export { PodMonitor, type PodMonitorProps, type PodMetricsEndpoint, type LabelSelector } from './pod-monitor.js';
export { KafkaExporter, KAFKA_EXPORTER_IMAGE, KAFKA_EXPORTER_PORT, kafkaExporterArgs } from './kafka-exporter.js';
export {
  RedpandaConsole,
  REDPANDA_CONSOLE_IMAGE,
  REDPANDA_CONSOLE_NAME,
  REDPANDA_CONSOLE_PORT,
  redpandaConsoleEnv,
} from './redpanda-console.js';
export { DashboardConfigMap } from './dashboards/dashboard-config-map.js';
export { backboneDashboard, BACKBONE_DASHBOARD_UID } from './dashboards/backbone-dashboard.js';
export { exporterJob, exporterName, OPERATOR_DEPLOYMENTS } from './targets.js';
export { monitoringClient, monitoringUser, type MonitoringClient, type MonitoringWorkload } from './monitoring-client.js';
export * from './rules/index.js';
