import { describe, expect, test } from '@jest/globals';
import { loadPlatform } from '../../platform/index.js';
import { missingSettings, servicesNeedingDatabase } from '../../infra/settings.js';
import { REPO_ROOT } from './harness.js';

describe('missingSettings', () => {
  test('asks an external cluster for its admin password, with the command that sets it', () => {
    const problems = missingSettings(loadPlatform('prod', REPO_ROOT), 'todo-events', (k) => k === 'databaseUrl');
    expect(problems).toEqual([
      {
        path: 'todo-events:kafkaAdminPassword',
        message: "is not set; the external cluster's admin password is needed to manage topics, SCRAM users and ACLs",
        fix: 'run `pulumi config set --secret todo-events:kafkaAdminPassword` (and todo-events:kafkaAdminUsername when the admin is not "platform-admin")',
      },
    ]);
  });

  test('asks for the database URL only while a service uses the database', () => {
    const dev = loadPlatform('dev', REPO_ROOT);
    expect(missingSettings(dev, 'todo-events', () => false).map((p) => p.path)).toEqual(['todo-events:databaseUrl']);
    const noDatabase = { ...dev, services: dev.services.map((s) => ({ ...s, database: false })) };
    expect(missingSettings(noDatabase, 'todo-events', () => false)).toEqual([]);
  });

  test('is satisfied when every key is set', () => {
    expect(missingSettings(loadPlatform('prod', REPO_ROOT), 'todo-events', () => true)).toEqual([]);
  });
});

describe('servicesNeedingDatabase', () => {
  test('names the audit, notification and recurring-task services', () => {
    expect(servicesNeedingDatabase(loadPlatform('dev', REPO_ROOT))).toEqual(['audit', 'notification', 'recurring-task']);
  });
});
