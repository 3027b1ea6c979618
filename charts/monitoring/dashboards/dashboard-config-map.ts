import { Construct } from 'constructs';
import { GRAFANA_DASHBOARD_LABELS } from '../../../platform/index.js';
import { resource } from '../../support/resource.js';
import { MONITORING_COMPONENT } from '../api.js';

/** Folder annotation the sidecar honours when `folderAnnotation` is set to it. */
export const GRAFANA_FOLDER_ANNOTATION = 'grafana_folder';

export interface DashboardConfigMapProps {
  readonly name: string;
  /**
   * A namespace Grafana's dashboard sidecar searches: its own namespace with
   * Grafana's chart defaults (`sidecar.dashboards.searchNamespace: null`),
   * any with kube-prometheus-stack's (`searchNamespace: ALL`).
   */
  readonly namespace: string;
  /**
   * What the sidecar selects ConfigMaps by (`sidecar.dashboards.label` and
   * `labelValue`); every key of a selected ConfigMap is loaded as a dashboard file.
   * @default `GRAFANA_DASHBOARD_LABELS`, { grafana_dashboard: '1' }
   * @see https://github.com/grafana/helm-charts/tree/main/charts/grafana#sidecar-for-dashboards
   */
  readonly labels?: Readonly<Record<string, string>>;
  /** The dashboard JSON model. */
  readonly dashboard: Record<string, unknown>;
  /** Grafana folder to file it under. @default 'todo-events' */
  readonly folder?: string;
}

/** A Grafana dashboard as a ConfigMap the sidecar picks up (`<name>.json`). */
export class DashboardConfigMap extends Construct {
  constructor(scope: Construct, id: string, props: DashboardConfigMapProps) {
    super(scope, id);
    resource(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: props.name,
      namespace: props.namespace,
      component: MONITORING_COMPONENT,
      labels: { ...(props.labels ?? GRAFANA_DASHBOARD_LABELS) },
      annotations: { [GRAFANA_FOLDER_ANNOTATION]: props.folder ?? 'todo-events' },
      body: { data: { [`${props.name}.json`]: JSON.stringify(props.dashboard, null, 2) } },
    });
  }
}
