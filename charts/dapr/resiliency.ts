import type { Construct } from 'constructs';
import type { RetrySpec } from '../../platform/index.js';
import { CustomResource } from '../support/resource.js';
import { DAPR_RESILIENCY_API_VERSION, goDuration } from './api.js';

export interface ResiliencyProps {
  /** `metadata.name` of the policy. */
  readonly name: string;
  readonly retry: RetrySpec;
  /** Components the policy applies to, inbound (deliveries to the app) and outbound (publishes, dead-lettering). */
  readonly componentNames: readonly string[];
  readonly namespace: string;
}

/** Name of the retry policy inside the Resiliency object. */
export const PUBSUB_RETRY_POLICY = 'pubsubRetry';

/**
 * The specification's retry rule (3 attempts, exponential, 1 s to 10 s) as a
 * Dapr `Resiliency`. Dapr's retry policy has no initial-interval field (the
 * CRD prunes one), so `retry.initialIntervalMs` cannot be rendered: Dapr's
 * exponential back-off starts from 500 ms ± 50 % and grows 1.5× per attempt,
 * capped at `maxInterval`. `maxRetries` and `maxInterval` come from the spec's `retry`.
 * @see https://docs.dapr.io/operations/resiliency/policies/retries/retries-overview/
 */
export class Resiliency extends CustomResource {
  constructor(scope: Construct, id: string, props: ResiliencyProps) {
    const target = { retry: PUBSUB_RETRY_POLICY };
    const components = Object.fromEntries(props.componentNames.map((name) => [name, { inbound: target, outbound: target }]));
    super(scope, id, {
      apiVersion: DAPR_RESILIENCY_API_VERSION,
      kind: 'Resiliency',
      name: props.name,
      namespace: props.namespace,
      component: 'pubsub',
      body: {
        spec: {
          policies: {
            retries: {
              [PUBSUB_RETRY_POLICY]: {
                policy: 'exponential',
                maxInterval: goDuration(props.retry.maxIntervalMs),
                // Dapr counts retries after the first delivery; the spec counts attempts.
                maxRetries: props.retry.maxAttempts - 1,
              },
            },
          },
          targets: { components },
        },
      },
    });
  }
}
