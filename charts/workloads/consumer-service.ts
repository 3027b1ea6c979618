import * as kplus from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import type { ServiceSpec } from '../../platform/index.js';
import { standardLabels } from '../support/labels.js';
import { podSelectorLabels } from './consumer-deployment.js';

/**
 * The ClusterIP Service in front of a service's pods, on its one HTTP port
 * (deliveries, health, metrics). Selects by name label, like the Deployment.
 */
export function consumerService(scope: Construct, id: string, service: ServiceSpec, namespace: string): kplus.Service {
  return new kplus.Service(scope, id, {
    metadata: { name: service.appId, namespace, labels: standardLabels(service.appId, 'consumer') },
    type: kplus.ServiceType.CLUSTER_IP,
    selector: kplus.Pods.select(scope, `${id}Pods`, { labels: podSelectorLabels(service) }),
    ports: [{ name: 'http', port: service.port, targetPort: service.port }],
  });
}
