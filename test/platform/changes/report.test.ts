import { describe, expect, test } from '@jest/globals';
import { checkGuardRails, compareSpecs, exitCode, renderReport, type StackReport } from '../../../platform/changes/index.js';
import { loadPlatform } from '../../../platform/index.js';
import { REPO_ROOT, specWith } from '../../support/stack-changes.js';

const dev = loadPlatform('dev', REPO_ROOT);

function report(patch: unknown): StackReport {
  const next = specWith('dev', patch);
  return {
    stack: 'dev',
    compared: 'against main',
    changes: compareSpecs(dev, next),
    findings: checkGuardRails(dev, next).findings,
    problems: [],
    notes: [],
  };
}

describe('a report', () => {
  const lowered = report({ topics: { 'task-events': { retention: '3d' } } });

  test('exits 0 for no change, 2 for changes, 1 when a guard rail refuses or a stack could not be compared', () => {
    expect(exitCode([report({})])).toBe(0);
    expect(exitCode([report({}), lowered])).toBe(2);
    expect(exitCode([lowered, report({ topics: { 'task-events': { partitions: 2 } } })])).toBe(1);
    expect(exitCode([{ ...report({}), problems: ['Pulumi.dev.yaml has 1 problem: …'] }])).toBe(1);
  });

  test('prints one line per change in the terminal', () => {
    expect(renderReport([lowered], 'text', { kind: 'plan' })).toBe('plan against main\ndev: 1 change\n  ~ task-events retention 7d → 3d\n');
  });

  test('renders as a Markdown table for a pull-request comment', () => {
    expect(renderReport([lowered], 'markdown', { kind: 'plan' })).toBe(
      [
        '## Platform plan',
        '',
        'Plan against main.',
        '',
        '### `dev`: 1 change',
        '',
        '| | area | subject | setting | before | after |',
        '| --- | --- | --- | --- | --- | --- |',
        '| ~ | topic | `task-events` | retention | 7d | 3d |',
        '',
      ].join('\n'),
    );
  });

  test('gives every field, each change’s line and the exit code in JSON', () => {
    const json = JSON.parse(renderReport([lowered], 'json', { kind: 'plan' })) as {
      exitCode: number;
      stacks: { changes: { text: string }[] }[];
    };
    expect(json.exitCode).toBe(2);
    expect(json.stacks[0]?.changes.map((c) => c.text)).toEqual(['task-events retention 7d → 3d']);
  });
});
