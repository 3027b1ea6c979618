import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CONFLUENT_PARTITION_DECREASE_REFUSAL,
  DEV_KEYED_INCREASE_REFUSAL,
  DEV_PARTITION_DECREASE_REFUSAL,
} from '../support/stack-changes.js';
import { stackRepo, type StackRepo } from '../support/stack-repo.js';

const PLAN = 'scripts/changes/plan.ts';

describe('npm run plan', () => {
  let repo: StackRepo;

  beforeEach(() => {
    repo = stackRepo();
  });
  afterEach(() => repo.remove());

  test('exits 0 and says so for every stack when nothing changed since the merge base with main', () => {
    const result = repo.run(PLAN);
    expect(result.stderr).toBe('');
    expect(
      result.stdout
        .split('\n')
        .filter((l) => /^\w+: /.test(l))
        .map((l) => l.split(' (')[0]),
    ).toEqual(['dev: no changes', 'prod: no changes', 'staging: no changes']);
    expect(result.status).toBe(0);
  });

  test('shows a lowered task-events retention as exactly one line "task-events retention 7d → 3d" and exits 2', () => {
    repo.edit('dev', ['topics', 'task-events', 'retention'], '3d');
    const result = repo.run(PLAN, ['--stack', 'dev']);
    expect(result.stdout.split('\n').filter((l) => l.includes('task-events'))).toEqual(['  ~ task-events retention 7d → 3d']);
    expect(result.status).toBe(2);
  });

  test('renders the change as a Markdown table row for a pull-request comment', () => {
    repo.edit('dev', ['topics', 'task-events', 'retention'], '3d');
    const result = repo.run(PLAN, ['--format', 'markdown']);
    const lines = result.stdout.split('\n');
    const header = lines.indexOf('| | area | subject | setting | before | after |');
    expect(header).toBeGreaterThan(0);
    expect(lines.slice(header + 1, header + 3)).toEqual([
      '| --- | --- | --- | --- | --- | --- |',
      '| ~ | topic | `task-events` | retention | 7d | 3d |',
    ]);
    expect(lines).toContain('### `prod`: no changes');
    expect(result.status).toBe(2);
  });

  test('gives the same in JSON, with the exit code', () => {
    repo.edit('dev', ['topics', 'task-events', 'retention'], '3d');
    const result = repo.run(PLAN, ['--stack', 'dev', '--format', 'json']);
    const json = JSON.parse(result.stdout) as { exitCode: number; stacks: { changes: { text: string }[] }[] };
    expect([json.exitCode, json.stacks[0]?.changes.map((c) => c.text)]).toEqual([2, ['task-events retention 7d → 3d']]);
  });

  test('refuses a partition decrease with exit 1, the reason and the alternative', () => {
    repo.edit('dev', ['topics', 'task-events', 'partitions'], 2);
    const result = repo.run(PLAN, ['--stack', 'dev']);
    expect(result.stdout).toContain(`stack dev has 1 change refused by the guard rails:\n  - ${DEV_PARTITION_DECREASE_REFUSAL}\n`);
    expect(result.status).toBe(1);
  });

  test('refuses more task-events partitions without the acknowledgement, and shows them with it', () => {
    repo.edit('dev', ['topics', 'task-events', 'partitions'], 6);
    const refused = repo.run(PLAN, ['--stack', 'dev']);
    expect(refused.stdout).toContain(`  - ${DEV_KEYED_INCREASE_REFUSAL}\n`);
    expect(refused.status).toBe(1);

    repo.edit('dev', ['acknowledge', 'partitionIncrease', 'task-events'], 6);
    const acknowledged = repo.run(PLAN, ['--stack', 'dev']);
    expect(acknowledged.stdout).toContain('  ~ task-events partitions 3 → 6\n');
    expect(acknowledged.stdout).toContain(
      'stack dev has 1 risky change acknowledged:\n  - topics.task-events.partitions: 3 → 6: task-events is keyed by user_id',
    );
    expect(acknowledged.stdout).toContain('acknowledged in the stack file: acknowledge: { partitionIncrease: { task-events: 6 } }');
    expect(acknowledged.status).toBe(2);
  });

  test('exits 1 listing the problems of an invalid stack file', () => {
    repo.edit('dev', ['topics', 'reminders', 'partitions'], 0);
    const result = repo.run(PLAN, ['--stack', 'dev']);
    expect(result.stdout).toContain('topics.reminders.partitions: 0 is not allowed; a topic needs at least 1 partition');
    expect(result.status).toBe(1);
  });

  test('compares with the revision --base names, and refuses an unknown one', () => {
    repo.edit('dev', ['monitoring', 'forMinutes'], 15);
    repo.git('-c', 'user.name=test', '-c', 'user.email=test@example.com', 'commit', '-q', '-am', 'dev alerts wait longer');
    expect(repo.run(PLAN, ['--stack', 'dev']).status).toBe(0);
    const against = repo.run(PLAN, ['--stack', 'dev', '--base', 'HEAD~1']);
    expect(against.stdout).toContain('  ~ monitoring forMinutes 5 → 15\n');
    expect(against.status).toBe(2);
    const unknown = repo.run(PLAN, ['--base', 'no-such-branch']);
    expect(unknown.stderr).toBe('"no-such-branch" is not a commit, branch or tag of this repository\n');
    expect(unknown.status).toBe(1);
  });
});

describe('npm run plan of a Confluent Cloud stack', () => {
  let repo: StackRepo;

  beforeEach(() => {
    repo = stackRepo({ stacks: ['confluent'] });
  });
  afterEach(() => repo.remove());

  test('refuses a partition decrease naming @pulumi/confluentcloud, which would replace the topic, as synth and the program do', () => {
    repo.edit('confluent', ['topics', 'task-events', 'partitions'], 2);
    const result = repo.run(PLAN, ['--stack', 'confluent']);
    expect(result.stdout).toContain(
      `stack confluent has 1 change refused by the guard rails:\n  - ${CONFLUENT_PARTITION_DECREASE_REFUSAL}\n`,
    );
    expect(result.status).toBe(1);
  });
});

describe('npm run plan with the base’s own platform code', () => {
  let repo: StackRepo;

  beforeEach(() => {
    // At the base, DEFAULTS kept task-events for 14 days; the working tree's code keeps it for 7.
    repo = stackRepo({
      withPlatformCode: (platform) => {
        const file = join(platform, 'defaults.ts');
        const code = readFileSync(file, 'utf8');
        const changed = code.replace("'task-events': { partitions: 3, retention: '7d'", "'task-events': { partitions: 3, retention: '14d'");
        expect(changed).not.toBe(code);
        writeFileSync(file, changed);
      },
    });
  });
  afterEach(() => repo.remove());

  test('shows a default changed in platform/defaults.ts, which the stack files alone would hide', () => {
    const result = repo.run(PLAN, ['--stack', 'dev']);
    expect(result.stdout.split('\n')[0]).toMatch(
      /^plan against [0-9a-f]{7} \(the merge base of HEAD with main\), resolved with its own platform\/ code$/,
    );
    expect(result.stdout).toContain('  ~ task-events retention 14d → 7d\n');
    expect(result.status).toBe(2);
  });
});
