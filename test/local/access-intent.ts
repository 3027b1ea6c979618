/**
 * What each user of a spec is meant to be able to do, derived from what
 * applications consume and produce — NOT from `user.acls`. The ACL tests
 * compare the live broker with this, so a wrong ACL derivation (a grant too
 * many or too few) fails them even though local:up applied it faithfully.
 */
import type { PlatformSpec, ServiceSpec, UserSpec } from '../../platform/index.js';

export interface AccessIntent {
  readonly user: string;
  readonly kind: UserSpec['kind'];
  /** Topics it may fetch from. */
  readonly read: ReadonlySet<string>;
  /** Topics it may produce to. */
  readonly write: ReadonlySet<string>;
  /** Topics whose configs it may read. */
  readonly describeConfigs: ReadonlySet<string>;
  /** Topics whose metadata and offsets it may see without reading or writing them. */
  readonly describeTopics: ReadonlySet<string>;
  /** Groups it may join (consume with). */
  readonly joinGroups: ReadonlySet<string>;
  /** Whether it may describe every consumer group (offsets, members) without joining any. */
  readonly describeAllGroups: boolean;
}

const none = new Set<string>();

/** The intent of one non-admin user. */
export function accessIntent(spec: PlatformSpec, user: UserSpec): AccessIntent {
  const base = {
    user: user.name,
    kind: user.kind,
    read: none,
    write: none,
    describeConfigs: none,
    describeTopics: none,
    joinGroups: none,
    describeAllGroups: false,
  };
  const allTopics = new Set(spec.topics.map((t) => t.name));
  switch (user.kind) {
    case 'service': {
      const service = spec.services.find((s) => s.user === user.name);
      if (!service) throw new Error(`no service authenticates as ${user.name}`);
      return {
        ...base,
        read: new Set(service.consumes),
        // Handlers give up into the dead-letter topic, so every service writes it.
        write: new Set([...service.produces, service.deadLetterTopic]),
        joinGroups: new Set([groupJoinedBy(service)]),
      };
    }
    case 'producer': {
      const producer = spec.producers.find((p) => p.name === user.name);
      if (!producer) throw new Error(`no producer named ${user.name}`);
      return { ...base, write: new Set(producer.produces) };
    }
    case 'exporter':
      // The lag exporter: offsets and groups of everything, no message, no config, no change.
      return { ...base, describeTopics: allTopics, describeAllGroups: true };
    case 'console':
      // The console: messages and configs of everything too, still no change.
      return { ...base, read: allTopics, describeConfigs: allTopics, describeTopics: allTopics, describeAllGroups: true };
    case 'admin':
      throw new Error('the admin is a superuser; it has no intent to check');
  }
}

/** May the user see the topic at all (metadata)? Kafka grants Describe with Read or Write. */
export function maySee(intent: AccessIntent, topic: string): boolean {
  return intent.read.has(topic) || intent.write.has(topic) || intent.describeConfigs.has(topic) || intent.describeTopics.has(topic);
}

/** Every non-admin user's intent, in the spec's user order. */
export function accessIntents(spec: PlatformSpec): AccessIntent[] {
  return spec.users.filter((u) => u.kind !== 'admin').map((u) => accessIntent(spec, u));
}

/**
 * The consumer group a replica of `service` joins: its shared group, or for a
 * fan-out service one named after a pod (`<group>-<replicaset>-<pod>`).
 */
export function groupJoinedBy(service: Pick<ServiceSpec, 'consumerGroup' | 'fanOut'>): string {
  return service.fanOut ? `${service.consumerGroup}-7c9d8b5f4-x2kqz` : service.consumerGroup;
}
