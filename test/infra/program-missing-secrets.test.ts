/** A prod stack without its secret settings stops before anything is registered, naming each missing key. */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { PlatformConfigError } from '../../platform/index.js';
import { runProgram, type ProgramRun } from './harness.js';

let run: ProgramRun;

beforeAll(async () => {
  run = await runProgram('prod');
});

describe('prod program without kafkaAdminPassword and databaseUrl', () => {
  test('fails with both missing keys and the command that sets each', () => {
    expect(run.error).toBeInstanceOf(PlatformConfigError);
    expect((run.error as Error).message).toBe(
      [
        'stack prod has 2 problems:',
        `  - todo-events:kafkaAdminPassword: is not set; the external cluster's admin password is needed to manage topics, SCRAM users and ACLs; ` +
          'run `pulumi config set --secret todo-events:kafkaAdminPassword` (and todo-events:kafkaAdminUsername when the admin is not "platform-admin")',
        '  - todo-events:databaseUrl: is not set; services "audit", "notification", "recurring-task" read it from Secret "todo-database"; ' +
          'run `pulumi config set --secret todo-events:databaseUrl postgres://user:password@host:5432/todo`',
      ].join('\n'),
    );
  });

  test('registers no resource at all', () => {
    expect(run.resources).toEqual([]);
  });
});
