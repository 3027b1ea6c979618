/**
 * Which Dapr sidecar metrics are the platform's deliveries: those of the
 * Dapr-mode services, on the pub/sub components the Dapr chart creates for
 * them. Dapr labels `dapr_component_pubsub_*` with the component's own
 * `metadata.name` (`component`), one per service (`PubsubIdentity`), so the
 * names come from `pubsubIdentities`, the function the chart names them with.
 */
import type { PlatformSpec } from '../../../platform/index.js';
import { pubsubIdentities } from '../../dapr/pubsub-identities.js';
import { oneOf } from './promql.js';

export interface DaprDeliveryScope {
  /** App ids of the Dapr-mode services (`app_id`). */
  readonly appIds: readonly string[];
  /** Their pub/sub components (`component`), e.g. `kafka-pubsub-notification`. */
  readonly components: readonly string[];
}

/** The deliveries to watch; undefined when Dapr is off or no service uses it. */
export function daprDeliveryScope(spec: PlatformSpec): DaprDeliveryScope | undefined {
  if (!spec.dapr.enabled) return undefined;
  const appIds = spec.services.filter((s) => s.mode === 'dapr').map((s) => s.appId);
  if (appIds.length === 0) return undefined;
  const components = pubsubIdentities(spec)
    .filter((identity) => appIds.includes(identity.appId))
    .map((identity) => identity.componentName);
  return { appIds, components };
}

/** `component=~"…", app_id=~"…"`: the matchers of a delivery series. */
export function daprDeliveryMatchers(scope: DaprDeliveryScope): string[] {
  return [oneOf('component', scope.components), oneOf('app_id', scope.appIds)];
}
