import { describe, expect, test } from '@jest/globals';
import {
  changeText,
  compareWithCluster,
  DRIFT_SIDES,
  planAdoption,
  type LiveCluster,
  type LiveServiceAccount,
  type LiveTopic,
} from '../../../platform/changes/index.js';
import { loadPlatform, topicConfig, type PlatformSpec } from '../../../platform/index.js';
import { REPO_ROOT } from '../../support/stack-changes.js';

const dev = loadPlatform('dev', REPO_ROOT);
const confluent = loadPlatform('confluent', REPO_ROOT);

/** The service account the confluent program makes for each user, with an id of Confluent's form. */
const ACCOUNTS: LiveServiceAccount[] = confluent.users.map((u, i) => ({
  id: `sa-${String(i).padStart(6, '0')}`,
  displayName: `todo-events-confluent-${u.name}`,
  description: `Kafka user ${u.name} (${u.kind}) of stack confluent, managed by Pulumi (todo-events)`,
}));
const accountOf = (user: string) => ACCOUNTS.find((a) => a.displayName === `todo-events-confluent-${user}`)!;

/** What a broker applied exactly as `spec` says holds (defaults: what Kafka 4.4 reports without overrides). */
function clusterOf(spec: PlatformSpec, principal = (user: string) => `User:${user}`): LiveCluster {
  return {
    topics: spec.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions,
      replicationFactor: t.replicationFactor,
      overrides: topicConfig(t),
      effective: { ...topicConfig(t), 'segment.bytes': '1073741824', 'max.message.bytes': '1048588' },
    })),
    acls: spec.users.flatMap((u) =>
      u.acls.flatMap((a) =>
        a.operations.map((operation) => ({
          principal: principal(u.name),
          host: '*',
          operation,
          permission: 'allow',
          resourceType: a.resourceType,
          resourceName: a.name,
          patternType: a.patternType,
        })),
      ),
    ),
    scramUsers: spec.users.map((u) => ({ name: u.name, mechanisms: ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const })),
    connectedAs: 'platform-admin',
  };
}

/** The confluent stack as the program leaves it: grants to `User:sa-…`, no SCRAM user, the organization's accounts. */
function confluentCluster(accounts: readonly LiveServiceAccount[] = ACCOUNTS): LiveCluster {
  return {
    ...clusterOf(confluent, (user) => `User:${accountOf(user).id}`),
    scramUsers: null,
    connectedAs: 'ADMINKEYID',
    serviceAccounts: accounts,
  };
}

function withTopic(live: LiveCluster, name: string, change: (t: LiveTopic) => LiveTopic): LiveCluster {
  return { ...live, topics: live.topics.map((t) => (t.name === name ? change(t) : t)) };
}

const lines = (live: LiveCluster, scope?: string) => compareWithCluster(dev, live, { scope }).map((c) => changeText(c, DRIFT_SIDES));

describe('the spec against a live cluster', () => {
  test('finds no drift on a cluster that holds exactly the spec, whatever its other users have more mechanisms', () => {
    expect(lines(clusterOf(dev))).toEqual([]);
  });

  test('does not take a changed broker default for drift: only topic-level overrides count', () => {
    const live = withTopic(clusterOf(dev), 'task-events', (t) => ({ ...t, effective: { ...t.effective, 'segment.bytes': '536870912' } }));
    expect(lines(live)).toEqual([]);
  });

  test('reports a changed override, an override the spec lacks, one it has that is gone, partitions and replication', () => {
    let live = withTopic(clusterOf(dev), 'task-events', (t) => ({
      ...t,
      partitions: 6,
      overrides: { ...t.overrides, 'retention.ms': '259200000', 'max.message.bytes': '2097152' },
    }));
    live = withTopic(live, 'reminders', (t) => {
      const { 'retention.ms': _gone, ...overrides } = t.overrides;
      return { ...t, replicationFactor: 2, overrides, effective: { ...t.effective, 'retention.ms': '604800000' } };
    });
    expect(lines(live)).toEqual([
      'reminders replication: spec 1, live 2',
      'reminders retention: spec 1d, live 7d (broker default)',
      'task-events partitions: spec 3, live 6',
      'task-events max.message.bytes: spec not set, live 2MiB',
      'task-events retention: spec 7d, live 3d',
    ]);
  });

  test('reports missing and extra topics, users and grants; extra ones outside the scope only when asked for all', () => {
    const base = clusterOf(dev);
    const live: LiveCluster = {
      ...base,
      topics: [
        ...base.topics.filter((t) => t.name !== 'task-updates'),
        { name: 'orders', partitions: 2, replicationFactor: 1, overrides: {}, effective: {} },
      ],
      scramUsers: [...base.scramUsers!.filter((u) => u.name !== 'todo-api'), { name: 'legacy-app', mechanisms: ['SCRAM-SHA-256'] }],
      acls: [
        ...base.acls.filter((a) => !(a.principal === 'User:audit-service' && a.operation === 'Read' && a.resourceType === 'topic')),
        {
          principal: 'User:audit-service',
          host: '*',
          operation: 'Write',
          permission: 'allow',
          resourceType: 'topic',
          resourceName: 'task-events',
          patternType: 'literal',
        },
        {
          principal: 'User:legacy-app',
          host: '*',
          operation: 'Read',
          permission: 'allow',
          resourceType: 'topic',
          resourceName: 'orders',
          patternType: 'literal',
        },
      ],
    };
    expect(lines(live)).toEqual([
      'topic task-updates missing on the cluster (3 partitions, replication 1, retention 1h, key user_id)',
      'topic orders on the cluster, not in the spec (2 partitions, replication 1)',
      'user todo-api missing on the cluster (producer, SCRAM-SHA-512)',
      'user legacy-app on the cluster, not in the spec (SCRAM-SHA-256)',
      'grant audit-service Read topic task-events: missing on the cluster',
      'grant audit-service Write topic task-events: on the cluster, not in the spec',
      'grant legacy-app Read topic orders: on the cluster, not in the spec',
    ]);
    // A grant to a spec user is always reported; other applications' objects only inside the scope.
    expect(lines(live, 'todo-')).toEqual([
      'topic task-updates missing on the cluster (3 partitions, replication 1, retention 1h, key user_id)',
      'user todo-api missing on the cluster (producer, SCRAM-SHA-512)',
      'grant audit-service Read topic task-events: missing on the cluster',
      'grant audit-service Write topic task-events: on the cluster, not in the spec',
    ]);
  });

  test('plans an adoption as live → spec, with the guard rails on what the live topics have', () => {
    const live = withTopic(clusterOf(dev), 'task-events', (t) => ({
      ...t,
      partitions: 4,
      overrides: { 'cleanup.policy': 'delete' },
      effective: { ...t.effective, 'retention.ms': '86400000' },
    }));
    const plan = planAdoption(dev, { ...live, scramUsers: [] });
    expect(plan.topics.map((t) => [t.name, t.partitions, t.retentionMs])).toEqual([
      ['reminders', 1, 86_400_000],
      ['task-events', 4, 86_400_000],
      ['task-events-dlq', 1, 1_209_600_000],
      ['task-updates', 3, 3_600_000],
    ]);
    expect(plan.changes.filter((c) => c.area === 'topic').map((c) => changeText(c))).toEqual([
      'task-events partitions 4 → 3',
      'task-events min.insync.replicas 1 (broker default) → 1',
      'task-events retention 1d (broker default) → 7d',
    ]);
    expect(plan.rails.refused.map((f) => f.rail)).toEqual(['partition-decrease']);
    expect(plan.grants).toHaveLength(live.acls.length);
  });
  test('finds no drift on Confluent Cloud, whose grants name each user by its service account id (User:sa-…)', () => {
    expect(compareWithCluster(confluent, confluentCluster()).map((c) => changeText(c, DRIFT_SIDES))).toEqual([]);
  });

  test('compares Confluent Cloud users as service accounts: one missing, one left of this stack, one of another stack not reported', () => {
    const live = confluentCluster([
      ...ACCOUNTS.filter((a) => a.displayName !== 'todo-events-confluent-todo-api'),
      { id: 'sa-old001', displayName: 'todo-events-confluent-legacy-app', description: 'made by hand' },
      {
        id: 'sa-pr7001',
        displayName: 'todo-events-confluent-pr-7-audit-service',
        description: 'Kafka user audit-service (service) of stack confluent-pr-7, managed by Pulumi (todo-events)',
      },
      { id: 'sa-other1', displayName: 'billing-app' },
    ]);
    const todoApi = accountOf('todo-api').id;
    expect(compareWithCluster(confluent, live).map((c) => changeText(c, DRIFT_SIDES))).toEqual([
      'user todo-api missing on the cluster (producer, service account todo-events-confluent-todo-api)',
      'user legacy-app on the cluster, not in the spec (service account todo-events-confluent-legacy-app, sa-old001)',
      'grant todo-api Write topic task-events: missing on the cluster',
      'grant todo-api Describe topic task-events: missing on the cluster',
      'grant todo-api Write topic task-updates: missing on the cluster',
      'grant todo-api Describe topic task-updates: missing on the cluster',
      // Confluent keeps a deleted account's grants: they are the stack's topics', so reported, under the bare id.
      `grant ${todoApi} Describe topic task-events: on the cluster, not in the spec`,
      `grant ${todoApi} Describe topic task-updates: on the cluster, not in the spec`,
      `grant ${todoApi} Write topic task-events: on the cluster, not in the spec`,
      `grant ${todoApi} Write topic task-updates: on the cluster, not in the spec`,
    ]);
  });

  test('names a Confluent Cloud grant by the user its service account belongs to, and skips other applications outside the scope', () => {
    const base = confluentCluster();
    const audit = `User:${accountOf('audit-service').id}`;
    const grant = (principal: string, operation: string, resourceName: string) => ({
      principal,
      host: '*',
      operation,
      permission: 'allow',
      resourceType: 'topic',
      resourceName,
      patternType: 'literal',
    });
    const live: LiveCluster = {
      ...base,
      acls: [
        ...base.acls.filter((a) => !(a.principal === audit && a.operation === 'Read' && a.resourceType === 'topic')),
        grant(audit, 'Write', 'task-events'),
        grant('User:sa-other1', 'Read', 'billing'),
      ],
      serviceAccounts: [...ACCOUNTS, { id: 'sa-other1', displayName: 'billing-app' }],
    };
    expect(compareWithCluster(confluent, live).map((c) => changeText(c, DRIFT_SIDES))).toEqual([
      'grant audit-service Read topic task-events: missing on the cluster',
      'grant audit-service Write topic task-events: on the cluster, not in the spec',
      'grant billing-app Read topic billing: on the cluster, not in the spec',
    ]);
    expect(compareWithCluster(confluent, live, { scope: 'todo-' }).map((c) => changeText(c, DRIFT_SIDES))).toEqual([
      'grant audit-service Read topic task-events: missing on the cluster',
      'grant audit-service Write topic task-events: on the cluster, not in the spec',
    ]);
  });

  test('refuses to compare a Confluent Cloud stack without its service accounts, which every principal needs', () => {
    const { serviceAccounts: _none, ...live } = confluentCluster();
    expect(() => compareWithCluster(confluent, live)).toThrow(
      "stack confluent is on Confluent Cloud: comparing it needs the organization's service accounts",
    );
  });
});
