import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CONFLUENT_PARTITION_DECREASE_REFUSAL, DEV_PARTITION_DECREASE_REFUSAL } from '../support/stack-changes.js';
import { stackRepo, type StackRepo } from '../support/stack-repo.js';

const SYNTH = 'charts/synth.ts';

describe('npm run synth -- --base', () => {
  let repo: StackRepo;

  beforeEach(() => {
    repo = stackRepo({ stacks: ['dev', 'prod'] });
  });
  afterEach(() => repo.remove());

  test('refuses a partition decrease with exit 1 and the text npm run plan prints, and writes nothing', () => {
    repo.edit('dev', ['topics', 'task-events', 'partitions'], 2);
    const result = repo.run(SYNTH, ['--base', 'main']);
    expect(result.stderr).toBe(
      `stack dev has 1 change refused by the guard rails:\n  - ${DEV_PARTITION_DECREASE_REFUSAL}\nNothing was written.\n`,
    );
    expect(result.status).toBe(1);
    expect(existsSync(join(repo.dir, 'dist'))).toBe(false);
  });

  test('writes the manifests of a change the guard rails let through, warning about a topic that goes', () => {
    repo.edit('dev', ['topics', 'task-events', 'retention'], '3d');
    repo.edit('dev', ['topics', 'reminders'], null);
    repo.edit('dev', ['services', 'notification'], null);
    repo.edit('dev', ['services', 'recurring-task', 'produces'], ['task-events']);
    const result = repo.run(SYNTH, ['--base', 'main', '--stack', 'dev']);
    expect(result.stdout).toContain(
      'stack dev has 1 warning: data will be deleted:\n  - topics.reminders: reminders → none: removing reminders deletes it with up to 1d of messages in 1 partition; consumed by notification;',
    );
    expect(result.status).toBe(0);
    expect(existsSync(join(repo.dir, 'dist', 'dev', 'kafka-topics.k8s.yaml'))).toBe(true);
  });
});

describe('npm run synth -- --base of a Confluent Cloud stack', () => {
  let repo: StackRepo;

  beforeEach(() => {
    repo = stackRepo({ stacks: ['confluent'] });
  });
  afterEach(() => repo.remove());

  test('refuses a partition decrease with the text npm run plan prints for it, naming @pulumi/confluentcloud', () => {
    repo.edit('confluent', ['topics', 'task-events', 'partitions'], 2);
    const result = repo.run(SYNTH, ['--base', 'main', '--stack', 'confluent']);
    expect(result.stderr).toBe(
      `stack confluent has 1 change refused by the guard rails:\n  - ${CONFLUENT_PARTITION_DECREASE_REFUSAL}\nNothing was written.\n`,
    );
    expect(result.status).toBe(1);
  });
});
