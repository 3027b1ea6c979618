import type { PlatformSpec, ServiceSpec, UserSpec } from '../../platform/index.js';
import { userNamed } from '../support/spec-lookup.js';

/**
 * One Dapr pub/sub component: which apps load it and which Kafka user it
 * authenticates as. A component holds exactly one SASL identity and every app
 * in its scopes acts with it, so least privilege means one component per app:
 * sharing one would give each app the union of all their ACLs.
 */
export interface PubsubIdentity {
  /** Component name: what apps put in `/v1.0/publish/<name>/…` and subscriptions in `pubsubname`. */
  readonly componentName: string;
  /** The Kafka user (and its password Secret) the component authenticates as. */
  readonly user: UserSpec;
  /** App ids allowed to load the component. */
  readonly appId: string;
  /** Consumer group of subscribing apps; undefined for publish-only apps. */
  readonly consumerGroup?: string;
  /** Where a new consumer group starts; fan-out replicas start at the newest offset. */
  readonly initialOffset?: 'newest' | 'oldest';
}

/**
 * The component name of a Dapr-mode service: `<pubsubName>-<service>`, e.g.
 * `kafka-pubsub-notification`.
 */
export function serviceComponentName(spec: PlatformSpec, service: Pick<ServiceSpec, 'name'>): string {
  return `${spec.dapr.pubsubName}-${service.name}`;
}

/**
 * Components of the platform, producers first. A sole producer publishes
 * through `spec.dapr.pubsubName` (`kafka-pubsub`, the name the specification's
 * publisher calls); with several producers each gets `<pubsubName>-<producer>`
 * since one name cannot carry two identities. Each Dapr-mode service gets its own.
 */
export function pubsubIdentities(spec: PlatformSpec): PubsubIdentity[] {
  const shared = spec.producers.length === 1;
  const producers = spec.producers.map((p) => ({
    componentName: shared ? spec.dapr.pubsubName : `${spec.dapr.pubsubName}-${p.name}`,
    user: userNamed(spec, p.name),
    appId: p.name,
  }));
  const services = spec.services
    .filter((s) => s.mode === 'dapr')
    .map((s) => ({
      componentName: serviceComponentName(spec, s),
      user: userNamed(spec, s.user),
      appId: s.appId,
      // Dapr expands {podName} per replica: a group per pod, inside the ACL's `<consumerGroup>-` prefix.
      consumerGroup: s.fanOut ? '{podName}' : s.consumerGroup,
      initialOffset: s.fanOut ? ('newest' as const) : undefined,
    }));
  return [...producers, ...services];
}
