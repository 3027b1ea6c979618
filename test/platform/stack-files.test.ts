import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlatform, PlatformConfigError } from '../../platform/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stack-files-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function messageOf(stack: string): string {
  try {
    loadPlatform(stack, dir);
  } catch (err) {
    expect(err).toBeInstanceOf(PlatformConfigError);
    return (err as Error).message;
  }
  throw new Error(`stack ${stack} loaded`);
}

describe('a stack file with a YAML syntax error', () => {
  it('names the line and column, quotes the line, and says what to do', () => {
    writeFileSync(
      join(dir, 'Pulumi.dev.yaml'),
      'config:\n  todo-events:platform:\n    topics:\n      reminders: { retention: 2d }\n      reminders: { partitions: 2 }\n',
    );
    expect(messageOf('dev')).toBe(
      `${join(dir, 'Pulumi.dev.yaml')} has 1 problem:\n` +
        '  - line 5, column 7: Map keys must be unique ("reminders: { partitions: 2 }"); keep one of the two: a key may appear only once in a mapping',
    );
  });

  it('says tabs are not allowed where a tab indents', () => {
    writeFileSync(join(dir, 'Pulumi.dev.yaml'), 'config:\n\ttodo-events:platform: {}\n');
    expect(messageOf('dev')).toContain('  - line 2, column 1: Tabs are not allowed as indentation');
    expect(messageOf('dev')).toContain('; indent with spaces; YAML does not allow tabs there');
  });
});

describe('an unknown stack', () => {
  it('lists the stacks that exist, the likely one first', () => {
    for (const stack of ['dev', 'staging', 'prod']) writeFileSync(join(dir, `Pulumi.${stack}.yaml`), 'config: {}\n');
    expect(messageOf('stagin')).toBe(
      `${join(dir, 'Pulumi.stagin.yaml')} has 1 problem:\n` +
        '  - (file): does not exist: there is no stack "stagin"; did you mean "staging"? the stacks here are dev, prod, staging; ' +
        'a new stack starts with `pulumi stack init stagin` and a config: section in its file',
    );
  });

  it('says so when there is no stack at all', () => {
    expect(messageOf('dev')).toContain(`${dir} has no Pulumi.<stack>.yaml at all`);
  });
});
