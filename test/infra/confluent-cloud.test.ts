/** The pure parts of the Confluent Cloud component: ACL bindings in Confluent's spelling, and service account names. */
import { describe, expect, test } from '@jest/globals';
import { confluentAclBindings, serviceAccountNameProblems } from '../../infra/confluent-cloud.js';
import { loadPlatform, serviceAccountName } from '../../platform/index.js';
import { REPO_ROOT } from './harness.js';

const spec = loadPlatform('confluent', REPO_ROOT);

describe('confluentAclBindings', () => {
  test("spells the spec's ACLs as Confluent's API does: one binding per user, entry and operation", () => {
    const audit = confluentAclBindings(spec).filter((b) => b.user === 'audit-service');
    expect(audit.map((b) => `${b.resourceType} ${b.patternType} ${b.aclResourceName} ${b.operation}`)).toEqual([
      'GROUP LITERAL audit-service READ',
      'GROUP LITERAL audit-service DESCRIBE',
      'TOPIC LITERAL task-events READ',
      'TOPIC LITERAL task-events DESCRIBE',
      'TOPIC LITERAL task-events-dlq WRITE',
      'TOPIC LITERAL task-events-dlq DESCRIBE',
    ]);
  });

  test('gives the admin no binding: its role is CloudClusterAdmin on the cluster', () => {
    expect(confluentAclBindings(spec).filter((b) => b.user === 'platform-admin')).toEqual([]);
  });
});

describe('service account names', () => {
  test('carry the project, the stack and the user, so stacks sharing an organization never meet', () => {
    expect(serviceAccountName(spec, { name: 'audit-service' })).toBe('todo-events-confluent-audit-service');
    expect(serviceAccountNameProblems(spec)).toEqual([]);
  });

  test('are refused, naming the spec entry, when longer than the 64 characters Confluent allows', () => {
    const long = { ...spec, stack: 'a-rather-long-stack-name-for-confluent' };
    expect(serviceAccountNameProblems(long).map((p) => `${p.path}: ${p.message}; ${p.fix}`)).toEqual([
      'services.notification: makes the service account name "todo-events-a-rather-long-stack-name-for-confluent-notification-service" 71 characters long; Confluent Cloud allows 64; use a shorter name (or a shorter stack name)',
      '(stack name): makes the service account name "todo-events-a-rather-long-stack-name-for-confluent-platform-admin" 65 characters long; Confluent Cloud allows 64; use a shorter stack name',
      '(stack name): makes the service account name "todo-events-a-rather-long-stack-name-for-confluent-platform-exporter" 68 characters long; Confluent Cloud allows 64; use a shorter stack name',
      'services.recurring-task: makes the service account name "todo-events-a-rather-long-stack-name-for-confluent-recurring-task-service" 73 characters long; Confluent Cloud allows 64; use a shorter name (or a shorter stack name)',
      'services.websocket: makes the service account name "todo-events-a-rather-long-stack-name-for-confluent-websocket-service" 68 characters long; Confluent Cloud allows 64; use a shorter name (or a shorter stack name)',
    ]);
    // audit-service's is exactly 64 and fits.
    expect(serviceAccountName(long, { name: 'audit-service' })).toHaveLength(64);
  });
});
