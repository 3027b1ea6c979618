import { Construct } from 'constructs';
import { resource } from '../../support/resource.js';
import { MONITORING_COMPONENT } from '../api.js';

/**
 * The label Grafana's dashboard sidecar (kube-prometheus-stack's default)
 * watches ConfigMaps for; every key of a labelled ConfigMap is loaded as a
 * dashboard file.
 * @see https://github.com/grafana/helm-charts/tree/main/charts/grafana#sidecar-for-dashboards
 */
export const GRAFANA_DASHBOARD_LABEL = { grafana_dashboard: '1' } as const;

/** Folder annotation the sidecar honours when `folderAnnotation` is set to it. */
export const GRAFANA_FOLDER_ANNOTATION = 'grafana_folder';

export interface DashboardConfigMapProps {
  readonly name: string;
  readonly namespace: string;
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
      labels: { ...GRAFANA_DASHBOARD_LABEL },
      annotations: { [GRAFANA_FOLDER_ANNOTATION]: props.folder ?? 'todo-events' },
      body: { data: { [`${props.name}.json`]: JSON.stringify(props.dashboard, null, 2) } },
    });
  }
}
