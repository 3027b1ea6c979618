/**
 * HTTP paths where a Dapr-mode service receives deliveries. The Subscription
 * renderer writes them as `routes.default` and the service serves them, so
 * both import them from here.
 */

/** Prefix of every delivery route. */
export const DAPR_ROUTE_PREFIX = '/events/';

/** The route deliveries of `topic` are posted to, e.g. `/events/reminders`. */
export function daprRoutePath(topic: string): string {
  return `${DAPR_ROUTE_PREFIX}${topic}`;
}
