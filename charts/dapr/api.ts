/**
 * Dapr API versions this package writes (Dapr 1.18). Subscriptions use
 * v2alpha1, the version with `routes` and `deadLetterTopic`.
 * @see https://docs.dapr.io/reference/resource-specs/
 */
export const DAPR_COMPONENT_API_VERSION = 'dapr.io/v1alpha1';
export const DAPR_SUBSCRIPTION_API_VERSION = 'dapr.io/v2alpha1';
export const DAPR_RESILIENCY_API_VERSION = 'dapr.io/v1alpha1';

/**
 * A duration as Go's `time.ParseDuration` reads it (Dapr's duration fields):
 * whole seconds as `10s`, anything finer in milliseconds.
 */
export function goDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
