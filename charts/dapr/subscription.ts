import type { Construct } from 'constructs';
import { daprRoutePath, type ServiceSpec, type TopicSpec } from '../../platform/index.js';
import { CustomResource } from '../support/resource.js';
import { DAPR_SUBSCRIPTION_API_VERSION } from './api.js';

export interface SubscriptionProps {
  readonly service: ServiceSpec;
  readonly topic: TopicSpec;
  /** The service's own pub/sub component. */
  readonly pubsubName: string;
  readonly namespace: string;
}

/**
 * A declarative `Subscription` of one service to one topic through its own
 * component. Messages the app answers `DROP` to (message failures, after the
 * app's own 3 attempts) go to the service's dead-letter topic instead of
 * blocking the partition; `RETRY` (dependency failures) is retried for ever by
 * the Resiliency policy and never dead-lettered.
 * @see https://docs.dapr.io/reference/resource-specs/subscription-schema/
 */
export class Subscription extends CustomResource {
  constructor(scope: Construct, id: string, props: SubscriptionProps) {
    const { service, topic } = props;
    super(scope, id, {
      apiVersion: DAPR_SUBSCRIPTION_API_VERSION,
      kind: 'Subscription',
      name: `${service.name}-${topic.resourceName}`,
      namespace: props.namespace,
      component: 'pubsub',
      body: {
        spec: {
          pubsubname: props.pubsubName,
          topic: topic.name,
          routes: { default: daprRoutePath(topic.name) },
          deadLetterTopic: service.deadLetterTopic,
        },
        scopes: [service.appId],
      },
    });
  }
}
