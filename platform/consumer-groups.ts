import type { PlatformSpec, ServiceSpec } from './types.js';

/**
 * Services whose consumer-group lag is exported and watched. Fan-out services
 * are not: each replica has a group of its own that starts at the newest
 * offset and is left behind, lagging forever, when its pod goes away (Kafka
 * expires it after `offsets.retention.minutes`), so lag says nothing about
 * their health; their processed-messages counter does.
 */
export function lagWatchedServices(spec: Pick<PlatformSpec, 'services'>): readonly ServiceSpec[] {
  return spec.services.filter((s) => !s.fanOut);
}
