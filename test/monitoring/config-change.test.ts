import { synthesizeManifests } from '../../charts/index.js';
import type { PlatformSpec } from '../../platform/index.js';
import { stackSpec, stackSpecWith, type ConfigEdit } from './support/stacks.js';

type Manifest = { kind: string; metadata: { name: string; namespace?: string } } & Record<string, unknown>;

/** Every object of every chart, by `chart/kind/namespace/name`. */
function objectsByKey(spec: PlatformSpec): Map<string, Manifest> {
  const byKey = new Map<string, Manifest>();
  for (const { chart, objects } of synthesizeManifests(spec)) {
    for (const object of objects as Manifest[]) {
      byKey.set(`${chart}/${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`, object);
    }
  }
  return byKey;
}

/** Keys of the objects that differ (or exist on one side only) between two specs' manifests. */
function changedObjects(before: PlatformSpec, after: PlatformSpec): string[] {
  const a = objectsByKey(before);
  const b = objectsByKey(after);
  return [...new Set([...a.keys(), ...b.keys()])].filter((key) => JSON.stringify(a.get(key)) !== JSON.stringify(b.get(key))).sort();
}

const RULE = 'monitoring/PrometheusRule/kafka/todo-events-alerts';

describe('a threshold changed in a stack file', () => {
  it.each<[string, string, ConfigEdit, string]>([
    [
      'staging',
      'the expected rate of task-events',
      [['topics', 'task-events', 'expectedMessagesPerSecond'], 2.5],
      'todo_events:topic_messages:rate5m{topic="task-events"} < 2.5',
    ],
    [
      'prod',
      'the expected rate of task-events',
      [['topics', 'task-events', 'expectedMessagesPerSecond'], 3],
      'todo_events:topic_messages:rate5m{topic="task-events"} < 3',
    ],
    [
      'dev',
      'a first expected rate, on reminders',
      [['topics', 'reminders', 'expectedMessagesPerSecond'], 0.2],
      'todo_events:topic_messages:rate5m{topic="reminders"} < 0.2',
    ],
    [
      'staging',
      "the audit service's lag threshold",
      [['services', 'audit', 'lagThreshold'], 5000],
      'todo_events:consumergroup_lag:sum{consumergroup="audit-service"} > 5000',
    ],
    [
      'dev',
      "the notification service's lag threshold",
      [['services', 'notification', 'lagThreshold'], 250],
      'todo_events:consumergroup_lag:sum{consumergroup="notification-service"} > 250',
    ],
  ])('of %s (%s) changes the synthesized PrometheusRule and nothing else', (stack, _what, edit, newExpr) => {
    const before = stackSpec(stack);
    const after = stackSpecWith(stack, edit);
    expect(changedObjects(before, after)).toEqual([RULE]);
    const rule = (spec: PlatformSpec) => JSON.stringify(objectsByKey(spec).get(RULE));
    expect(rule(before)).not.toContain(newExpr);
    expect(rule(after)).toContain(JSON.stringify(newExpr).slice(1, -1));
  });

  it('is told apart from a change that does touch other objects', () => {
    // A sanity check of the diff itself: adding a consumed topic changes the service, its ACLs and more.
    const before = stackSpec('staging');
    const after = stackSpecWith('staging', [
      ['services', 'audit', 'consumes'],
      ['task-events', 'task-updates'],
    ]);
    expect(changedObjects(before, after).length).toBeGreaterThan(1);
  });
});
