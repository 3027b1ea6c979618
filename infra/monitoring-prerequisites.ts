/**
 * What the monitoring chart needs from the cluster that this program never
 * creates: the Prometheus Operator's CRDs for the kinds the chart renders, and
 * the namespace the dashboard goes to when it is someone else's (Grafana's).
 * Both are read (`Resource.get`), so `pulumi preview` stops naming the missing
 * object instead of `pulumi up` failing halfway through the monitoring chart;
 * a read is never created, changed or deleted (`pulumi destroy` only forgets
 * it), so the program cannot take either away from its owner.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { foreignDashboardNamespace, type PlatformSpec } from '../platform/index.js';
import type { Prerequisite } from './apply-plan.js';

/**
 * The CRDs of the kinds the monitoring chart renders with `prometheusOperator`
 * (PrometheusRule, PodMonitor; CRDs v0.93, see ../shared/NOTES.md). kube-prometheus-stack
 * installs them (`crds.enabled: true`); so do the operator's own bundles.
 */
export const PROMETHEUS_OPERATOR_CRDS = ['prometheusrules.monitoring.coreos.com', 'podmonitors.monitoring.coreos.com'] as const;

/** The Prometheus Operator CRDs, read; depending on it waits for every read. */
export class PrometheusOperatorCrds extends pulumi.ComponentResource {
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super('todo-events:monitoring:PrometheusOperatorCrds', name, {}, opts);
    for (const crd of PROMETHEUS_OPERATOR_CRDS) {
      k8s.apiextensions.v1.CustomResourceDefinition.get(`${name}-${crd.split('.')[0]}`, crd, { parent: this });
    }
    this.registerOutputs({});
  }
}

/** The monitoring chart's prerequisites this spec has, as the resources standing for them. */
export function monitoringPrerequisites(name: string, spec: PlatformSpec): Partial<Record<Prerequisite, pulumi.Resource>> {
  const found: Partial<Record<Prerequisite, pulumi.Resource>> = {};
  if (spec.monitoring.enabled && spec.monitoring.prometheusOperator) {
    found['prometheus-operator-crds'] = new PrometheusOperatorCrds(`${name}-prometheus-operator-crds`);
  }
  const namespace = foreignDashboardNamespace(spec);
  if (namespace !== undefined) found['dashboard-namespace'] = k8s.core.v1.Namespace.get(`${name}-dashboard-namespace`, namespace);
  return found;
}
