import * as kplus from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import type { ServiceSpec } from '../../platform/index.js';
import { standardLabels } from '../support/labels.js';

/**
 * A service's own ServiceAccount with token automounting off: the services
 * never call the Kubernetes API, so a leaked pod gets no API credentials.
 */
export function serviceAccountFor(scope: Construct, id: string, service: ServiceSpec, namespace: string): kplus.ServiceAccount {
  return new kplus.ServiceAccount(scope, id, {
    metadata: { name: service.appId, namespace, labels: standardLabels(service.appId, 'consumer') },
    automountToken: false,
  });
}
