/** Spec ACLs as Kafka bindings, and the intent the ACL tests hold them to (no broker needed). */
import { AclOperations, AclPermissionTypes, ResourcePatternTypes, ResourceTypes } from '@platformatic/kafka';
import { consoleAcls, EXPORTER_USER, exporterAcls, loadPlatform } from '../../platform/index.js';
import { aclBindings } from '../../scripts/local/acl-bindings.js';
import { accessIntent } from './access-intent.js';

const spec = loadPlatform('dev');

describe('aclBindings', () => {
  it('expands each operation into one ALLOW binding for the user on any host', () => {
    expect(
      aclBindings({
        name: 'm',
        acls: [{ resourceType: 'topic', name: 'reminders', patternType: 'literal', operations: ['Read', 'Describe'] }],
      }),
    ).toEqual([
      {
        resourceType: ResourceTypes.TOPIC,
        resourceName: 'reminders',
        resourcePatternType: ResourcePatternTypes.LITERAL,
        principal: 'User:m',
        host: '*',
        operation: AclOperations.READ,
        permissionType: AclPermissionTypes.ALLOW,
      },
      {
        resourceType: ResourceTypes.TOPIC,
        resourceName: 'reminders',
        resourcePatternType: ResourcePatternTypes.LITERAL,
        principal: 'User:m',
        host: '*',
        operation: AclOperations.DESCRIBE,
        permissionType: AclPermissionTypes.ALLOW,
      },
    ]);
  });

  it.each([
    ['exporter', exporterAcls()],
    ['console', consoleAcls()],
  ])('keeps the wildcard of the %s ACLs as a literal *', (_name, acls) => {
    const names = aclBindings({ name: 'm', acls }).map((b) => [b.resourceType, b.resourceName, b.resourcePatternType]);
    expect(new Set(names.map((n) => n.join(' ')))).toEqual(
      new Set([`${ResourceTypes.GROUP} * ${ResourcePatternTypes.LITERAL}`, `${ResourceTypes.TOPIC} * ${ResourcePatternTypes.LITERAL}`]),
    );
  });

  it('gives the admin no binding: it is a superuser', () => {
    expect(aclBindings(spec.users.find((u) => u.kind === 'admin')!)).toEqual([]);
  });
});

describe('accessIntent', () => {
  const intent = (name: string) =>
    accessIntent(
      spec,
      spec.users.find((u) => u.name === name)!,
    );

  it('lets recurring-task read task-events and write task-events, reminders and the DLQ, in its own group only', () => {
    const i = intent('recurring-task-service');
    expect([...i.read]).toEqual(['task-events']);
    expect([...i.write].sort()).toEqual(['reminders', 'task-events', 'task-events-dlq']);
    expect([...i.joinGroups]).toEqual(['recurring-task-service']);
  });

  it('lets the producing app write task-events and task-updates and read nothing', () => {
    const i = intent('todo-api');
    expect([...i.write].sort()).toEqual(['task-events', 'task-updates']);
    expect(i.read.size).toBe(0);
    expect(i.joinGroups.size).toBe(0);
  });

  it('lets the exporter describe every topic and group, and read and write nothing', () => {
    const i = intent(EXPORTER_USER);
    expect([...i.describeTopics].sort()).toEqual(spec.topics.map((t) => t.name).sort());
    expect(i.read.size).toBe(0);
    expect(i.describeConfigs.size).toBe(0);
    expect(i.write.size).toBe(0);
    expect(i.describeAllGroups).toBe(true);
  });
});
