/**
 * What changes between two resolved specs of one stack, setting by setting,
 * in human units: topics (added, removed, renamed, partitions, replication,
 * each topic config key), users, the derived ACLs as grants, services, alert
 * thresholds, cluster settings and every other setting. Specs resolved by
 * older code may lack newer fields; a missing field compares as `none`.
 */
import { topicConfig } from '../topic-config.js';
import type { AclSpec, PlatformSpec, ServiceSpec, TopicSpec, UserSpec } from '../types.js';
import type { Change, ChangeArea } from './change.js';
import { pairTopics, type PreviousState, type TopicFacts } from './topic-pairs.js';
import { configSettingName, count, humanConfigValue, humanDuration, humanValue } from './units.js';

/** Monitoring settings that are alert thresholds (the rest of `monitoring` is plumbing). */
const ALERT_SETTINGS = new Set(['lagThreshold', 'errorRatio', 'errorMinMessagesPerHour', 'partitionSkewRatio', 'forMinutes']);

/** Top-level spec keys compared by a dedicated function; every other key goes through `settingChanges`. */
const DEDICATED_KEYS = new Set(['stack', 'topics', 'users', 'services', 'cluster', 'monitoring']);

/** Spec keys named otherwise in the stack file. */
const STACK_FILE_NAMES: Record<string, string> = { acknowledgements: 'acknowledge' };

const compare = (a: string, b: string) => a.localeCompare(b);

/** Every leaf of a plain value as `[dotted path, value]`; lists are leaves. */
function leaves(value: unknown, prefix = ''): [string, unknown][] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    // An empty map is no setting at all: adding its first entry reads as that entry.
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => leaves(v, prefix === '' ? k : `${prefix}.${k}`));
  }
  return [[prefix, value]];
}

const lastSegment = (path: string) => path.slice(path.lastIndexOf('.') + 1);

/** Changed leaves of `before` and `after`, as changes of `subject` (paths under `pathPrefix`). */
function leafChanges(
  area: ChangeArea | ((setting: string) => ChangeArea),
  subject: string,
  pathPrefix: string,
  before: unknown,
  after: unknown,
): Change[] {
  const a = new Map(leaves(before ?? {}));
  const b = new Map(leaves(after ?? {}));
  const keys = [...new Set([...a.keys(), ...b.keys()])].filter((k) => k !== '').sort(compare);
  const changes: Change[] = [];
  for (const setting of keys) {
    const old = a.get(setting);
    const now = b.get(setting);
    if (JSON.stringify(old ?? null) === JSON.stringify(now ?? null)) continue;
    changes.push({
      area: typeof area === 'function' ? area(setting) : area,
      kind: 'changed',
      subject,
      setting,
      path: `${pathPrefix}.${setting}`,
      before: old === undefined ? null : humanValue(old, lastSegment(setting)),
      after: now === undefined ? null : humanValue(now, lastSegment(setting)),
    });
  }
  return changes;
}

/** Topic configs the stack file sets with a field of their own rather than under `config`. */
const CONFIG_FIELDS: Readonly<Record<string, string>> = {
  'retention.ms': 'retention',
  'cleanup.policy': 'cleanupPolicy',
  'min.insync.replicas': 'minInsyncReplicas',
};

/** Where a topic config key is written under `topics.<name>`: `retention.ms` → `retention`, others → `config.<key>`. */
export function topicConfigField(key: string): string {
  return CONFIG_FIELDS[key] ?? `config.${key}`;
}

/** `3 partitions, replication 3, retention 7d, key user_id`: what a topic is, in one phrase. */
export function topicSummary(topic: TopicFacts): string {
  const parts = [
    count(topic.partitions, 'partition'),
    `replication ${topic.replicationFactor}`,
    `retention ${humanDuration(topic.retentionMs)}`,
  ];
  if (topic.cleanupPolicy !== 'delete') parts.push(`cleanup.policy ${topic.cleanupPolicy}`);
  if (topic.key) parts.push(`key ${topic.key}`);
  return parts.join(', ');
}

/** The topic-level configs of a topic from any revision: `topicConfig`, or what facts without a full spec state. */
function configOf(topic: TopicFacts): Record<string, string> {
  const spec = topic as Partial<TopicSpec> & TopicFacts;
  if (spec.minInsyncReplicas !== undefined && spec.config !== undefined) return topicConfig(spec as TopicSpec);
  return { 'cleanup.policy': String(spec.cleanupPolicy), 'retention.ms': String(spec.retentionMs) };
}

function topicFieldChanges(before: TopicFacts, after: TopicSpec): Change[] {
  const name = after.name;
  const path = (setting: string) => `topics.${name}.${setting}`;
  const changed = (setting: string, old: string, now: string, area: ChangeArea = 'topic', specPath = path(setting)): Change[] =>
    old === now ? [] : [{ area, kind: 'changed', subject: name, setting, path: specPath, before: old, after: now }];
  const previous = before as Partial<TopicSpec> & TopicFacts;
  const changes = [
    ...changed('partitions', String(before.partitions), String(after.partitions)),
    ...changed('replication', String(before.replicationFactor), String(after.replicationFactor), 'topic', path('replicationFactor')),
  ];
  const oldConfig = configOf(before);
  const newConfig = topicConfig(after);
  for (const key of [...new Set([...Object.keys(oldConfig), ...Object.keys(newConfig)])].sort(compare)) {
    const old = oldConfig[key] === undefined ? 'none' : humanConfigValue(key, oldConfig[key]!);
    const now = newConfig[key] === undefined ? 'none' : humanConfigValue(key, newConfig[key]!);
    changes.push(...changed(configSettingName(key), old, now, 'topic', path(topicConfigField(key))));
  }
  changes.push(
    ...changed('key', humanValue(previous.key), humanValue(after.key)),
    ...changed('role', humanValue(previous.role), humanValue(after.role)),
    ...changed(
      'retentionFloor',
      previous.retentionFloorMs == null ? 'none' : humanDuration(previous.retentionFloorMs),
      after.retentionFloorMs == null ? 'none' : humanDuration(after.retentionFloorMs),
    ),
    ...leafChanges('alert', name, `topics.${name}`, previous.alerts, after.alerts),
  );
  return changes;
}

function topicChanges(previous: PreviousState, next: PlatformSpec): Change[] {
  const pairing = pairTopics(previous.topics, next, previous);
  const changes: Change[] = [];
  for (const t of pairing.removed) {
    changes.push({
      area: 'topic',
      kind: 'removed',
      subject: t.name,
      setting: '',
      path: `topics.${t.name}`,
      before: topicSummary(t),
      after: null,
    });
  }
  for (const t of pairing.added) {
    changes.push({
      area: 'topic',
      kind: 'added',
      subject: t.name,
      setting: '',
      path: `topics.${t.name}`,
      before: null,
      after: topicSummary(t),
    });
  }
  for (const [from, to] of pairing.renamed) {
    changes.push({
      area: 'topic',
      kind: 'renamed',
      subject: from.name,
      setting: '',
      path: `topics.${to.name}`,
      before: from.name,
      after: to.name,
    });
    changes.push(...topicFieldChanges(from, to));
  }
  for (const [from, to] of pairing.kept) changes.push(...topicFieldChanges(from, to));
  return changes.sort((a, b) => compare(a.subject, b.subject));
}

/** `Read topic task-events`, `Read group websocket-service-*` (a prefixed pattern ends in `*`). */
export function grantText(acl: Pick<AclSpec, 'resourceType' | 'name' | 'patternType'>, operation: string): string {
  return `${operation} ${acl.resourceType} ${acl.patternType === 'prefixed' ? `${acl.name}*` : acl.name}`;
}

function grants(users: readonly UserSpec[] | undefined): Map<string, { user: string; grant: string }> {
  const out = new Map<string, { user: string; grant: string }>();
  for (const user of users ?? []) {
    for (const acl of user.acls ?? []) {
      for (const operation of acl.operations) {
        const grant = grantText(acl, operation);
        out.set(`${user.name} ${grant}`, { user: user.name, grant });
      }
    }
  }
  return out;
}

function userChanges(before: readonly UserSpec[] | undefined, after: readonly UserSpec[]): Change[] {
  const old = new Map((before ?? []).map((u) => [u.name, u]));
  const now = new Map(after.map((u) => [u.name, u]));
  const changes: Change[] = [];
  for (const name of [...new Set([...old.keys(), ...now.keys()])].sort(compare)) {
    const a = old.get(name);
    const b = now.get(name);
    if (a && !b) changes.push({ area: 'user', kind: 'removed', subject: name, setting: '', path: 'users', before: a.kind, after: null });
    if (!a && b) changes.push({ area: 'user', kind: 'added', subject: name, setting: '', path: 'users', before: null, after: b.kind });
  }
  const oldGrants = grants(before);
  const newGrants = grants(after);
  for (const key of [...new Set([...oldGrants.keys(), ...newGrants.keys()])].sort(compare)) {
    const a = oldGrants.get(key);
    const b = newGrants.get(key);
    if (a && !b) changes.push({ area: 'acl', kind: 'removed', subject: a.user, setting: '', path: 'users', before: a.grant, after: null });
    if (!a && b) changes.push({ area: 'acl', kind: 'added', subject: b.user, setting: '', path: 'users', before: null, after: b.grant });
  }
  return changes;
}

function serviceSummary(s: ServiceSpec): string {
  return `${s.mode}, ${count(s.replicas, 'replica')}, consumes ${humanValue(s.consumes)}`;
}

function serviceChanges(before: readonly ServiceSpec[] | undefined, after: readonly ServiceSpec[]): Change[] {
  const old = new Map((before ?? []).map((s) => [s.name, s]));
  const now = new Map(after.map((s) => [s.name, s]));
  const changes: Change[] = [];
  for (const name of [...new Set([...old.keys(), ...now.keys()])].sort(compare)) {
    const a = old.get(name);
    const b = now.get(name);
    const path = `services.${name}`;
    if (a && !b)
      changes.push({ area: 'service', kind: 'removed', subject: name, setting: '', path, before: serviceSummary(a), after: null });
    else if (!a && b)
      changes.push({ area: 'service', kind: 'added', subject: name, setting: '', path, before: null, after: serviceSummary(b) });
    else if (a && b) {
      const { lagThreshold: oldLag, ...oldRest } = a;
      const { lagThreshold: newLag, ...newRest } = b;
      changes.push(...leafChanges('service', name, path, oldRest, newRest));
      changes.push(...leafChanges('alert', name, path, { lagThreshold: oldLag }, { lagThreshold: newLag }));
    }
  }
  return changes;
}

/** Producing applications added, removed, or producing to other topics (their grants are listed as grants). */
function producerChanges(before: PlatformSpec['producers'] | undefined, after: PlatformSpec['producers']): Change[] {
  const old = new Map((before ?? []).map((p) => [p.name, p]));
  const now = new Map((after ?? []).map((p) => [p.name, p]));
  const changes: Change[] = [];
  for (const name of [...new Set([...old.keys(), ...now.keys()])].sort(compare)) {
    const a = old.get(name);
    const b = now.get(name);
    const subject = `producer ${name}`;
    const path = `producers.${name}`;
    const produces = (p: typeof a) => `produces ${humanValue(p?.produces ?? [])}`;
    if (a && !b) changes.push({ area: 'setting', kind: 'removed', subject, setting: '', path, before: produces(a), after: null });
    else if (!a && b) changes.push({ area: 'setting', kind: 'added', subject, setting: '', path, before: null, after: produces(b) });
    else if (a && b) changes.push(...leafChanges('setting', subject, path, { produces: a.produces }, { produces: b.produces }));
  }
  return changes;
}

/** Every other top-level setting (cluster, monitoring, dapr, retry, namespaces, operators, producers, …). */
function settingChanges(before: Record<string, unknown>, after: Record<string, unknown>): Change[] {
  const changes: Change[] = [
    ...leafChanges('cluster', 'cluster', 'cluster', before.cluster, after.cluster),
    ...leafChanges((s) => (ALERT_SETTINGS.has(s) ? 'alert' : 'setting'), 'monitoring', 'monitoring', before.monitoring, after.monitoring),
  ];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !DEDICATED_KEYS.has(k)).sort(compare);
  for (const key of keys) {
    const a = before[key];
    const b = after[key];
    if (key === 'producers') {
      changes.push(...producerChanges(a as PlatformSpec['producers'] | undefined, b as PlatformSpec['producers']));
    } else if ((a !== null && typeof a === 'object') || (b !== null && typeof b === 'object')) {
      const name = STACK_FILE_NAMES[key] ?? key;
      changes.push(...leafChanges('setting', name, name, a, b));
    } else if (JSON.stringify(a ?? null) !== JSON.stringify(b ?? null)) {
      changes.push({ area: 'setting', kind: 'changed', subject: key, setting: '', path: key, before: humanValue(a), after: humanValue(b) });
    }
  }
  return changes;
}

const AREA_ORDER: readonly ChangeArea[] = ['topic', 'user', 'acl', 'service', 'alert', 'cluster', 'setting'];

/**
 * Every change from `before` (undefined: nothing existed) to `after`, topics
 * first, then users, grants, services, alert thresholds, cluster and other settings.
 */
export function compareSpecs(before: PreviousState | undefined, after: PlatformSpec): Change[] {
  const previous: PreviousState = before ?? { topics: [] };
  const changes = [
    ...topicChanges(previous, after),
    ...userChanges((previous as Partial<PlatformSpec>).users, after.users),
    ...serviceChanges(previous.services, after.services),
    ...(before ? settingChanges(before as unknown as Record<string, unknown>, after as unknown as Record<string, unknown>) : []),
  ];
  return changes.sort((a, b) => AREA_ORDER.indexOf(a.area) - AREA_ORDER.indexOf(b.area));
}
