import type { Construct } from 'constructs';
import type { ClusterSpec } from '../../platform/index.js';
import { CustomResource } from '../support/resource.js';
import { STRIMZI_API_VERSION, STRIMZI_CLUSTER_LABEL } from './api.js';

export type NodePoolRole = 'broker' | 'controller';

export interface KafkaNodePoolProps {
  /** The cluster the pool belongs to: its name, storage and per-node resources. */
  readonly cluster: ClusterSpec;
  readonly namespace: string;
  /** Pool name; pods are named `<cluster>-<pool>-<id>`. */
  readonly name: string;
  /** `[broker, controller]` for combined nodes. */
  readonly roles: readonly NodePoolRole[];
  readonly replicas: number;
}

/**
 * A Strimzi node pool. Storage is JBOD with one persistent volume that also
 * holds the KRaft metadata log: JBOD is what Strimzi recommends because volumes
 * can be added later, while the storage type itself can never change.
 * `deleteClaim: false` keeps the data when the pool or cluster is deleted.
 * @see https://strimzi.io/docs/operators/latest/configuring#type-KafkaNodePool-reference
 */
export class KafkaNodePool extends CustomResource {
  constructor(scope: Construct, id: string, props: KafkaNodePoolProps) {
    const { cluster } = props;
    super(scope, id, {
      apiVersion: STRIMZI_API_VERSION,
      kind: 'KafkaNodePool',
      name: props.name,
      namespace: props.namespace,
      component: 'kafka',
      labels: { [STRIMZI_CLUSTER_LABEL]: cluster.name },
      body: {
        spec: {
          replicas: props.replicas,
          roles: [...props.roles],
          storage: {
            type: 'jbod',
            volumes: [
              {
                id: 0,
                type: 'persistent-claim',
                size: cluster.storage.size,
                ...(cluster.storage.storageClass ? { class: cluster.storage.storageClass } : {}),
                deleteClaim: false,
                kraftMetadata: 'shared',
              },
            ],
          },
          resources: {
            requests: { ...cluster.resources.requests },
            limits: { ...cluster.resources.limits },
          },
        },
      },
    });
  }
}

/**
 * The pools of a cluster: one combined pool when `controllers` is 0, otherwise
 * a controller pool and a broker pool.
 */
export function nodePoolLayout(cluster: ClusterSpec): Omit<KafkaNodePoolProps, 'cluster' | 'namespace'>[] {
  if (cluster.controllers === 0) {
    return [{ name: 'dual-role', roles: ['controller', 'broker'], replicas: cluster.brokers }];
  }
  return [
    { name: 'controller', roles: ['controller'], replicas: cluster.controllers },
    { name: 'broker', roles: ['broker'], replicas: cluster.brokers },
  ];
}
