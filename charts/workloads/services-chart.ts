import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { PlatformSpec } from '../../platform/index.js';
import { ConsumerDeployment } from './consumer-deployment.js';
import { ConsumerNetworkPolicy } from './consumer-network-policy.js';
import { consumerIngress } from './consumer-ingress.js';
import { consumerService } from './consumer-service.js';
import { serviceAccountFor } from './service-account.js';

/** Per service: ServiceAccount, Deployment, ClusterIP Service, NetworkPolicy and, when set, the Ingress; in the apps namespace. */
export class ServicesChart extends Chart {
  constructor(scope: Construct, id: string, spec: PlatformSpec) {
    super(scope, id, { disableResourceNameHashes: true });
    const namespace = spec.namespaces.apps;
    for (const service of spec.services) {
      const serviceAccount = serviceAccountFor(this, `${service.name}-sa`, service, namespace);
      new ConsumerDeployment(this, `${service.name}-deployment`, { spec, service, serviceAccount });
      consumerService(this, `${service.name}-service`, service, namespace);
      new ConsumerNetworkPolicy(this, `${service.name}-network-policy`, { spec, service });
      if (service.ingress)
        consumerIngress(this, `${service.name}-ingress`, { service: { ...service, ingress: service.ingress }, namespace });
    }
  }
}
