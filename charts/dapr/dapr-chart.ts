import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { byName } from '../../platform/by-name.js';
import type { PlatformSpec } from '../../platform/index.js';
import { PubsubComponent } from './pubsub-component.js';
import { pubsubIdentities, serviceComponentName } from './pubsub-identities.js';
import { Resiliency } from './resiliency.js';
import { Subscription } from './subscription.js';

/**
 * Dapr pub/sub in the apps namespace: one Kafka component per app (see
 * `PubsubIdentity`), a Subscription per Dapr-mode service and consumed topic,
 * and one Resiliency policy over all the components.
 */
export class DaprChart extends Chart {
  constructor(scope: Construct, id: string, spec: PlatformSpec) {
    super(scope, id, { disableResourceNameHashes: true });
    const namespace = spec.namespaces.apps;
    const identities = pubsubIdentities(spec);
    for (const identity of identities) {
      new PubsubComponent(this, identity.componentName, { identity, cluster: spec.cluster, dapr: spec.dapr, namespace });
    }
    for (const service of spec.services.filter((s) => s.mode === 'dapr')) {
      for (const topicName of service.consumes) {
        const topic = byName(spec.topics, topicName);
        if (!topic) throw new Error(`service "${service.name}" consumes unknown topic "${topicName}"; pass a validated spec`);
        new Subscription(this, `${service.name}-${topic.name}`, {
          service,
          topic,
          pubsubName: serviceComponentName(spec, service),
          namespace,
        });
      }
    }
    new Resiliency(this, 'Resiliency', {
      name: spec.dapr.pubsubName,
      retry: spec.retry,
      componentNames: identities.map((i) => i.componentName),
      namespace,
    });
  }
}
