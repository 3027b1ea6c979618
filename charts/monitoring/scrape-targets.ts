/**
 * What Prometheus scrapes: the services' own metrics, their Dapr sidecars',
 * and the lag exporter's; plus the NetworkPolicy that lets Prometheus reach
 * the service pods, which deny all other ingress.
 */
import type { Construct } from 'constructs';
import { DAPR_METRICS_PATH, DAPR_METRICS_PORT, METRICS_PATH, type PlatformSpec } from '../../platform/index.js';
import { STRIMZI_CLUSTER_LABEL } from '../strimzi/api.js';
import { NAME_LABEL } from '../support/labels.js';
import { resource } from '../support/resource.js';
import { MONITORING_COMPONENT } from './api.js';
import { KAFKA_EXPORTER_PORT } from './kafka-exporter.js';
import { PodMonitor } from './pod-monitor.js';
import { exporterName, exporterNamespace } from './targets.js';

/** `metadata.name` of the services' PodMonitor. */
export const SERVICES_POD_MONITOR = 'todo-events-services';
/** `metadata.name` of the Dapr sidecars' PodMonitor. */
export const DAPR_SIDECARS_POD_MONITOR = 'todo-events-dapr-sidecars';

/** Strimzi's name for the port its components serve Prometheus metrics on. */
export const STRIMZI_METRICS_PORT_NAME = 'tcp-prometheus';

/**
 * Labels of the Prometheus pods allowed to scrape the services, in any
 * namespace: the label the Prometheus Operator puts on every Prometheus pod
 * it runs (kube-prometheus-stack included).
 * @default { 'app.kubernetes.io/name': 'prometheus' }
 */
export const PROMETHEUS_POD_LABELS: Readonly<Record<string, string>> = { 'app.kubernetes.io/name': 'prometheus' };

/** The distinct HTTP ports of the services: one endpoint each, since a pod must declare the port scraped. */
function servicePorts(spec: PlatformSpec): number[] {
  return [...new Set(spec.services.map((s) => s.port))].sort((a, b) => a - b);
}

/** `METRICS_PATH` on each service's HTTP port, selected by the services' name label. */
export function servicesPodMonitor(scope: Construct, spec: PlatformSpec): PodMonitor {
  return new PodMonitor(scope, 'services-pod-monitor', {
    name: SERVICES_POD_MONITOR,
    namespace: spec.namespaces.apps,
    selector: { matchExpressions: [{ key: NAME_LABEL, operator: 'In', values: spec.services.map((s) => s.appId) }] },
    endpoints: servicePorts(spec).map((portNumber) => ({ portNumber, path: METRICS_PATH })),
    labels: spec.monitoring.selectorLabels,
  });
}

/** App ids of the services that get a Dapr sidecar. */
function daprApps(spec: PlatformSpec): string[] {
  return spec.dapr.enabled ? spec.services.filter((s) => s.mode === 'dapr').map((s) => s.appId) : [];
}

/** The daprd sidecars of the services in Dapr mode, on `DAPR_METRICS_PORT`; undefined without any. */
export function daprSidecarsPodMonitor(scope: Construct, spec: PlatformSpec): PodMonitor | undefined {
  const apps = daprApps(spec);
  if (apps.length === 0) return undefined;
  return new PodMonitor(scope, 'dapr-sidecars-pod-monitor', {
    name: DAPR_SIDECARS_POD_MONITOR,
    namespace: spec.namespaces.apps,
    selector: { matchExpressions: [{ key: NAME_LABEL, operator: 'In', values: apps }] },
    endpoints: [{ portNumber: DAPR_METRICS_PORT, path: DAPR_METRICS_PATH }],
    labels: spec.monitoring.selectorLabels,
  });
}

/**
 * The lag exporter: Strimzi's (labelled `strimzi.io/name: <cluster>-kafka-exporter`,
 * port `tcp-prometheus`) or this package's for `external` clusters. Named like
 * the exporter, which gives its samples the job the alert rules expect
 * (`exporterJob`). Undefined for Redpanda, whose brokers report lag.
 */
export function exporterPodMonitor(scope: Construct, spec: PlatformSpec): PodMonitor | undefined {
  const name = exporterName(spec);
  if (name === undefined) return undefined;
  const strimzi = spec.cluster.flavor === 'strimzi';
  return new PodMonitor(scope, 'exporter-pod-monitor', {
    name,
    namespace: exporterNamespace(spec),
    selector: {
      matchLabels: strimzi ? { [STRIMZI_CLUSTER_LABEL]: spec.cluster.name, 'strimzi.io/name': name } : { [NAME_LABEL]: name },
    },
    endpoints: [strimzi ? { port: STRIMZI_METRICS_PORT_NAME, path: '/metrics' } : { portNumber: KAFKA_EXPORTER_PORT, path: '/metrics' }],
    labels: spec.monitoring.selectorLabels,
  });
}

/**
 * The service pods deny every ingress but their own namespace's
 * (charts/workloads/consumer-network-policy.ts); policies add up, so this one
 * opens the metrics ports to Prometheus pods, wherever they run.
 */
export function scrapeNetworkPolicy(scope: Construct, spec: PlatformSpec): void {
  const ports = [...servicePorts(spec), ...(daprApps(spec).length > 0 ? [DAPR_METRICS_PORT] : [])];
  resource(scope, 'scrape-network-policy', {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    name: 'todo-events-metrics-scrape',
    namespace: spec.namespaces.apps,
    component: MONITORING_COMPONENT,
    body: {
      spec: {
        podSelector: { matchExpressions: [{ key: NAME_LABEL, operator: 'In', values: spec.services.map((s) => s.appId) }] },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ namespaceSelector: {}, podSelector: { matchLabels: PROMETHEUS_POD_LABELS } }],
            ports: [...new Set(ports)].map((port) => ({ protocol: 'TCP', port })),
          },
        ],
      },
    },
  });
}
