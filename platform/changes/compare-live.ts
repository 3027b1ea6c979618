/**
 * The spec against a live cluster: topics missing or extra, partitions,
 * replication, topic-level config overrides, users (SCRAM users, or on
 * Confluent Cloud service accounts) and ACL grants.
 * Only overrides count (NOTES §11): a broker default, changed or not, is the
 * cluster's business, so a topic whose spec sets no value for a key never
 * drifts on it. Extra objects are reported, never acted on.
 */
import { topicConfig } from '../topic-config.js';
import type { PlatformSpec, TopicSpec } from '../types.js';
import type { Change } from './change.js';
import { grantText, topicConfigField, topicSummary } from './compare-specs.js';
import type { LiveAcl, LiveCluster, LiveTopic } from './live-cluster.js';
import { principalsOf, serviceAccountChanges } from './principals.js';
import { configSettingName, count, humanConfigValue } from './units.js';

export interface LiveComparisonOptions {
  /**
   * On a cluster shared with other applications: report objects that are not
   * in the spec (extra topics, users, grants) only when their name starts
   * with this prefix. Everything the spec names is compared regardless.
   * @default undefined (report every extra object)
   */
  readonly scope?: string;
}

/** One setting of a topic that differs: the spec's value and the live one, in human units. */
export interface TopicDifference {
  readonly setting: string;
  readonly path: string;
  readonly spec: string;
  readonly live: string;
}

/** `cleanup.policy` lists compare as sets: `compact,delete` is `delete,compact`. */
function normalized(key: string, value: string): string {
  return key === 'cleanup.policy'
    ? value
        .split(',')
        .map((v) => v.trim())
        .sort()
        .join(',')
    : value;
}

/** What differs between a spec topic and the live one: partitions, replication, each override. */
export function topicDifferences(spec: TopicSpec, live: LiveTopic): TopicDifference[] {
  const path = (setting: string) => `topics.${spec.name}.${setting}`;
  const out: TopicDifference[] = [];
  if (spec.partitions !== live.partitions) {
    out.push({ setting: 'partitions', path: path('partitions'), spec: String(spec.partitions), live: String(live.partitions) });
  }
  if (spec.replicationFactor !== live.replicationFactor) {
    out.push({
      setting: 'replication',
      path: path('replicationFactor'),
      spec: String(spec.replicationFactor),
      live: String(live.replicationFactor),
    });
  }
  const wanted = topicConfig(spec);
  for (const key of [...new Set([...Object.keys(wanted), ...Object.keys(live.overrides)])].sort()) {
    const s = wanted[key];
    const l = live.overrides[key];
    if (s !== undefined && l !== undefined && normalized(key, s) === normalized(key, l)) continue;
    const fallback = live.effective[key];
    const brokerDefault = fallback === undefined ? 'broker default' : `${humanConfigValue(key, fallback)} (broker default)`;
    out.push({
      setting: configSettingName(key),
      path: path(topicConfigField(key)),
      spec: s === undefined ? 'not set' : humanConfigValue(key, s),
      live: l === undefined ? brokerDefault : humanConfigValue(key, l),
    });
  }
  return out;
}

/**
 * The differences of a topic as `changed` changes, from the `from` side to the other:
 * drift reads spec → live, adoption live → spec (what its `pulumi up` does).
 */
export function topicChanges(spec: TopicSpec, live: LiveTopic, from: 'spec' | 'live'): Change[] {
  return topicDifferences(spec, live).map((d) => ({
    area: 'topic',
    kind: 'changed',
    subject: spec.name,
    setting: d.setting,
    path: d.path,
    before: from === 'spec' ? d.spec : d.live,
    after: from === 'spec' ? d.live : d.spec,
  }));
}

/**
 * SCRAM users (every flavor but Confluent Cloud's): a spec user without a
 * credential is missing, one without the stack's mechanism changed, a user the
 * spec lacks extra. The admin is how one connects (on an external cluster the
 * provider's own): nobody manages its credential here. A cluster that lists no
 * SCRAM users (an admin on SASL/PLAIN) compares none.
 */
function scramUserChanges(spec: PlatformSpec, live: LiveCluster, inScope: (name: string) => boolean): Change[] {
  const mechanism = spec.cluster.saslMechanism;
  if (live.scramUsers === null || mechanism === 'PLAIN') return [];
  const changes: Change[] = [];
  const specUserNames = new Set(spec.users.map((u) => u.name));
  const scram = new Map(live.scramUsers.map((u) => [u.name, u]));
  for (const user of spec.users.filter((u) => u.kind !== 'admin' && u.name !== live.connectedAs)) {
    const found = scram.get(user.name);
    if (!found) {
      changes.push({
        area: 'user',
        kind: 'missing',
        subject: user.name,
        setting: '',
        path: 'users',
        before: `${user.kind}, ${mechanism}`,
        after: null,
      });
    } else if (!found.mechanisms.includes(mechanism)) {
      changes.push({
        area: 'user',
        kind: 'changed',
        subject: user.name,
        setting: 'mechanism',
        path: 'cluster.saslMechanism',
        before: mechanism,
        after: found.mechanisms.join(', '),
      });
    }
  }
  for (const user of live.scramUsers) {
    if (specUserNames.has(user.name) || user.name === live.connectedAs || !inScope(user.name)) continue;
    changes.push({
      area: 'user',
      kind: 'extra',
      subject: user.name,
      setting: '',
      path: 'users',
      before: null,
      after: user.mechanisms.join(', '),
    });
  }
  return changes;
}

function bindingKey(
  principal: string,
  resourceType: string,
  patternType: string,
  name: string,
  operation: string,
  permission = 'allow',
  host = '*',
) {
  return [principal, resourceType, patternType, name, operation, permission, host].join('|');
}

function liveGrantText(acl: LiveAcl): string {
  const text = grantText(
    { resourceType: acl.resourceType as 'topic', name: acl.resourceName, patternType: acl.patternType as 'literal' },
    acl.operation,
  );
  const permission = acl.permission === 'allow' ? '' : `${acl.permission} `;
  return `${permission}${text}${acl.host === '*' ? '' : ` from ${acl.host}`}`;
}

/**
 * Every difference between `spec` and `live`, as drift changes: `missing`
 * (in the spec only), `extra` (on the cluster only) and `changed` with
 * `before` the spec's value and `after` the live one.
 */
export function compareWithCluster(spec: PlatformSpec, live: LiveCluster, options: LiveComparisonOptions = {}): Change[] {
  const inScope = (name: string) => options.scope === undefined || name.startsWith(options.scope);
  const changes: Change[] = [];
  const liveTopics = new Map(live.topics.map((t) => [t.name, t]));
  const specTopics = new Set(spec.topics.map((t) => t.name));

  for (const topic of spec.topics) {
    const found = liveTopics.get(topic.name);
    const path = `topics.${topic.name}`;
    if (!found) {
      changes.push({ area: 'topic', kind: 'missing', subject: topic.name, setting: '', path, before: topicSummary(topic), after: null });
      continue;
    }
    changes.push(...topicChanges(topic, found, 'spec'));
  }
  for (const topic of live.topics) {
    if (specTopics.has(topic.name) || !inScope(topic.name)) continue;
    const summary = `${count(topic.partitions, 'partition')}, replication ${topic.replicationFactor}`;
    changes.push({ area: 'topic', kind: 'extra', subject: topic.name, setting: '', path: 'topics', before: null, after: summary });
  }

  const principals = principalsOf(spec, live);
  changes.push(
    ...(spec.cluster.flavor === 'confluent-cloud'
      ? serviceAccountChanges(spec, live.serviceAccounts ?? [])
      : scramUserChanges(spec, live, inScope)),
  );

  const wanted = new Map<string, { user: string; grant: string }>();
  const missingGrants: Change[] = [];
  for (const user of spec.users) {
    // Without its service account, a Confluent Cloud user has no principal, and none of its grants can exist.
    const principal = principals.principalOf(user.name);
    for (const acl of user.acls) {
      for (const operation of acl.operations) {
        const grant = grantText(acl, operation);
        if (principal === undefined) {
          missingGrants.push({ area: 'acl', kind: 'missing', subject: user.name, setting: '', path: 'users', before: grant, after: null });
        } else {
          wanted.set(bindingKey(principal, acl.resourceType, acl.patternType, acl.name, operation), { user: user.name, grant });
        }
      }
    }
  }
  const present = new Set<string>();
  const extra: Change[] = [];
  for (const acl of live.acls) {
    const key = bindingKey(acl.principal, acl.resourceType, acl.patternType, acl.resourceName, acl.operation, acl.permission, acl.host);
    present.add(key);
    if (wanted.has(key)) continue;
    const subject = principals.subjectOf(acl.principal);
    // A grant to one of the stack's users, or on one of its topics, is always this stack's business.
    const ours = principals.isStacks(acl.principal) || (acl.resourceType === 'topic' && specTopics.has(acl.resourceName));
    if (!ours && !inScope(subject) && !inScope(acl.resourceName)) continue;
    extra.push({ area: 'acl', kind: 'extra', subject, setting: '', path: 'users', before: null, after: liveGrantText(acl) });
  }
  for (const [key, { user, grant }] of wanted) {
    if (!present.has(key))
      changes.push({ area: 'acl', kind: 'missing', subject: user, setting: '', path: 'users', before: grant, after: null });
  }
  changes.push(...missingGrants);
  const order = (c: Change) => `${c.subject} ${c.before ?? c.after}`;
  return [...changes, ...extra.sort((a, b) => order(a).localeCompare(order(b)))].sort(
    (a, b) => ['topic', 'user', 'acl'].indexOf(a.area) - ['topic', 'user', 'acl'].indexOf(b.area),
  );
}
