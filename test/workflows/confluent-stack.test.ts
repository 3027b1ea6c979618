/**
 * The confluent stack is an example: `npm run synth` renders it and the tests
 * run its program under mocks, but no workflow deploys or previews it (their
 * stacks are listed by name, and it is not among them).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { listStacks } from '../../platform/index.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORKFLOWS = join(REPO_ROOT, '.github', 'workflows');
const files = readdirSync(WORKFLOWS).filter((f) => f.endsWith('.yml'));

describe('the confluent example stack', () => {
  it('is a stack file the synth and the stack-iterating tests pick up', () => {
    expect(listStacks(REPO_ROOT)).toContain('confluent');
  });

  it.each(files)('is not deployed, previewed or otherwise named by %s', (file) => {
    expect(readFileSync(join(WORKFLOWS, file), 'utf8')).not.toMatch(/confluent/i);
  });

  it('leaves the deploy workflow with exactly dev, staging and prod', () => {
    const deploy = parse(readFileSync(join(WORKFLOWS, 'deploy.yml'), 'utf8')) as { jobs: Record<string, { with?: { stack?: string } }> };
    const stacks = Object.values(deploy.jobs)
      .map((job) => job.with?.stack)
      .filter((s): s is string => s !== undefined);
    expect(stacks.sort()).toEqual(['dev', 'prod', 'staging']);
  });
});
