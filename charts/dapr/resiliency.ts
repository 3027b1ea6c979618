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

/** Name of the outbound (publish) retry policy inside the Resiliency object. */
export const PUBSUB_RETRY_POLICY = 'pubsubRetry';

/** Name of the inbound (delivery to the app) retry policy. */
export const PUBSUB_INBOUND_RETRY_POLICY = 'pubsubInboundRetry';

/** Name of the circuit breaker on inbound deliveries. */
export const PUBSUB_INBOUND_CIRCUIT_BREAKER = 'pubsubInboundBreaker';

/**
 * The circuit breaker in front of the app's delivery route. It opens after
 * five failed deliveries in a row (the app answering RETRY because its
 * database, broker or webhook is down), lets the dependency recover for 30 s
 * without a delivery, then lets one delivery through to try: success closes
 * it, failure opens it again. A poison message does not count: the app
 * answers DROP for it (after its own 3 attempts), which is not a failure.
 * @see https://docs.dapr.io/operations/resiliency/policies/circuit-breakers/
 */
export const INBOUND_CIRCUIT_BREAKER = {
  /** Deliveries let through while half-open. @default 1 */
  maxRequests: 1,
  /** Period after which a closed breaker clears its counts; `0s` never (consecutive failures reset on any success). @default 0s */
  interval: '0s',
  /** How long the breaker stays open before trying again. @default 30s */
  timeout: '30s',
  /** CEL expression that opens the breaker. @default consecutiveFailures >= 5 */
  trip: 'consecutiveFailures >= 5',
} as const;

/**
 * The specification's failure split as a Dapr `Resiliency`:
 *
 * - inbound (the sidecar delivering to the app) retries for ever
 *   (`maxRetries: -1`), exponentially up to the spec's `retry.maxIntervalMs`,
 *   behind `INBOUND_CIRCUIT_BREAKER`. The app answers RETRY only for
 *   dependency failures, which must never dead-letter; it answers DROP for a
 *   message failure after the specification's 3 attempts, which sends the
 *   message to the Subscription's `deadLetterTopic` at once, so retrying for
 *   ever never blocks a partition behind a poison message.
 * - outbound (publishing) keeps the spec's bounded rule (3 attempts), so a
 *   publish fails back to the app, which then answers RETRY for the delivery.
 *
 * Dapr's retry policy has no initial-interval field (the CRD prunes one), so
 * `retry.initialIntervalMs` cannot be rendered: Dapr's exponential back-off
 * starts from 500 ms ± 50 % and grows 1.5× per attempt, capped at `maxInterval`.
 * @see https://docs.dapr.io/operations/resiliency/policies/retries/retries-overview/
 * @see https://docs.dapr.io/operations/resiliency/targets/
 */
export class Resiliency extends CustomResource {
  constructor(scope: Construct, id: string, props: ResiliencyProps) {
    const inbound = { retry: PUBSUB_INBOUND_RETRY_POLICY, circuitBreaker: PUBSUB_INBOUND_CIRCUIT_BREAKER };
    const outbound = { retry: PUBSUB_RETRY_POLICY };
    const components = Object.fromEntries(props.componentNames.map((name) => [name, { inbound, outbound }]));
    const maxInterval = goDuration(props.retry.maxIntervalMs);
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
                maxInterval,
                // Dapr counts retries after the first delivery; the spec counts attempts.
                maxRetries: props.retry.maxAttempts - 1,
              },
              // -1: no limit. Only dependency failures are answered RETRY (see the class comment).
              [PUBSUB_INBOUND_RETRY_POLICY]: { policy: 'exponential', maxInterval, maxRetries: -1 },
            },
            circuitBreakers: { [PUBSUB_INBOUND_CIRCUIT_BREAKER]: { ...INBOUND_CIRCUIT_BREAKER } },
          },
          targets: { components },
        },
      },
    });
  }
}
