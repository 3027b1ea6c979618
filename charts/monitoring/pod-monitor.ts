import type { Construct } from 'constructs';
import { CustomResource } from '../support/resource.js';
import { MONITORING_API_VERSION, MONITORING_COMPONENT } from './api.js';

/** A Kubernetes label selector, as the CRDs take it. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly {
    readonly key: string;
    readonly operator: 'In' | 'NotIn' | 'Exists';
    readonly values?: readonly string[];
  }[];
}

/** One scraped port of the selected pods: by container port name or number. */
export type PodMetricsEndpoint = { readonly path: string } & ({ readonly port: string } | { readonly portNumber: number });

export interface PodMonitorProps {
  /** `metadata.name`; targets get the `job` label `<namespace>/<name>`. */
  readonly name: string;
  /** Namespace of the PodMonitor and of the pods it selects. */
  readonly namespace: string;
  readonly selector: LabelSelector;
  readonly endpoints: readonly PodMetricsEndpoint[];
  /**
   * Labels the Prometheus' `podMonitorSelector` matches (kube-prometheus-stack:
   * `release: <release name>`); the spec's `monitoring.selectorLabels`.
   */
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * A `PodMonitor`: Prometheus scrapes the selected pods directly, so no
 * Service has to exist for metrics alone (the Dapr sidecar port has none).
 * A `portNumber` must be declared by a container of the pod.
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PodMonitor
 */
export class PodMonitor extends CustomResource {
  constructor(scope: Construct, id: string, props: PodMonitorProps) {
    super(scope, id, {
      apiVersion: MONITORING_API_VERSION,
      kind: 'PodMonitor',
      name: props.name,
      namespace: props.namespace,
      component: MONITORING_COMPONENT,
      labels: { ...props.labels },
      body: {
        spec: {
          selector: props.selector,
          namespaceSelector: { matchNames: [props.namespace] },
          podMetricsEndpoints: props.endpoints,
        },
      },
    });
  }
}
