/**
 * Which topic of an earlier state became which topic of the next: kept (same
 * Kafka name), renamed, removed or added. Kafka has no rename, so a rename is
 * recognised from the spec: a topic that disappears while one with the same
 * settings, or used by the same applications, appears.
 */
import type { CleanupPolicy, PlatformSpec, TopicRole, TopicSpec } from '../types.js';

/** What the comparisons and guard rails need to know of a topic's earlier state. */
export interface TopicFacts {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly retentionMs: number;
  readonly cleanupPolicy: CleanupPolicy | string;
  /** Unknown (undefined) for a live topic: Kafka does not know what the records are keyed by. */
  readonly key?: string | null;
  readonly role?: TopicRole;
  readonly retentionFloorMs?: number | null;
}

/**
 * The state a change starts from: the spec of another revision, the spec the
 * stack last deployed, or what a live cluster has. A full PlatformSpec is one;
 * older specs may lack newer fields, which then count as unknown.
 */
export interface PreviousState {
  readonly protectTopics?: boolean;
  readonly topics: readonly TopicFacts[];
  readonly services?: PlatformSpec['services'];
  readonly producers?: PlatformSpec['producers'];
}

export interface TopicPairing<P extends TopicFacts = TopicFacts> {
  /** Same Kafka name before and after. */
  readonly kept: readonly (readonly [P, TopicSpec])[];
  readonly renamed: readonly (readonly [P, TopicSpec])[];
  readonly removed: readonly P[];
  readonly added: readonly TopicSpec[];
}

type Refs = Pick<PreviousState, 'services' | 'producers'>;

/** Who uses each topic, as `consumes:audit`, `produces:todo-api`, `dead-letter:audit`, sorted. */
export function topicUsers(spec: Refs): Map<string, string[]> {
  const users = new Map<string, string[]>();
  const add = (topic: string, use: string) => users.set(topic, [...(users.get(topic) ?? []), use].sort());
  for (const service of spec.services ?? []) {
    for (const topic of service.consumes ?? []) add(topic, `consumes:${service.name}`);
    for (const topic of service.produces ?? []) add(topic, `produces:${service.name}`);
    if (service.deadLetterTopic) add(service.deadLetterTopic, `dead-letter:${service.name}`);
  }
  for (const producer of spec.producers ?? []) {
    for (const topic of producer.produces ?? []) add(topic, `produces:${producer.name}`);
  }
  return users;
}

/** Services consuming `topic` in `spec`, by name. */
export function consumersOf(spec: Refs, topic: string): string[] {
  return (spec.services ?? [])
    .filter((s) => (s.consumes ?? []).includes(topic))
    .map((s) => s.name)
    .sort();
}

function sameSettings(a: TopicFacts, b: TopicSpec): boolean {
  return (
    a.partitions === b.partitions &&
    a.replicationFactor === b.replicationFactor &&
    a.retentionMs === b.retentionMs &&
    a.cleanupPolicy === b.cleanupPolicy &&
    (a.key === undefined || a.key === b.key) &&
    (a.role === undefined || a.role === b.role)
  );
}

/** Pairs `previous` with `next` topics by name, then recognises renames among the rest. */
export function pairTopics<P extends TopicFacts>(previous: readonly P[], next: PlatformSpec, refs: Refs = {}): TopicPairing<P> {
  const nextByName = new Map(next.topics.map((t) => [t.name, t]));
  const previousNames = new Set(previous.map((t) => t.name));
  const kept = previous.filter((t) => nextByName.has(t.name)).map((t) => [t, nextByName.get(t.name)!] as const);
  let removed = previous.filter((t) => !nextByName.has(t.name));
  let added = next.topics.filter((t) => !previousNames.has(t.name));

  const before = topicUsers(refs);
  const after = topicUsers(next);
  const similar = (p: P, n: TopicSpec) => {
    const users = before.get(p.name)?.join() ?? '';
    return sameSettings(p, n) || (users !== '' && users === (after.get(n.name)?.join() ?? ''));
  };
  const renamed: (readonly [P, TopicSpec])[] = [];
  for (const p of removed) {
    const candidates = added.filter((n) => similar(p, n));
    // Only an unambiguous pair is a rename; anything else stays a removal and an addition.
    if (candidates.length !== 1) continue;
    const n = candidates[0]!;
    if (removed.filter((other) => similar(other, n)).length !== 1) continue;
    renamed.push([p, n]);
  }
  const renamedFrom = new Set(renamed.map(([p]) => p.name));
  const renamedTo = new Set(renamed.map(([, n]) => n.name));
  removed = removed.filter((t) => !renamedFrom.has(t.name));
  added = added.filter((t) => !renamedTo.has(t.name));
  return { kept, renamed, removed, added };
}
