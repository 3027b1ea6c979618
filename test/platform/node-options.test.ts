/**
 * Every `NODE_OPTIONS` a container gets (the image's `ENV`, and each
 * Deployment's own in every stack) must be one Node accepts there: Node
 * allows only some V8 flags in `NODE_OPTIONS` and exits with code 9 before
 * running anything on any other (`--optimize-for-size` is one), so a wrong
 * flag is a crash loop on the cluster, not a slower service.
 */
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, STACKS, stackSpec } from '../charts/fixtures.js';

/** The `NODE_OPTIONS` of the Dockerfile's `ENV` line. */
function imageNodeOptions(): string {
  const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
  const match = /^ENV .*NODE_OPTIONS="([^"]*)"/m.exec(dockerfile);
  if (!match) throw new Error('the Dockerfile sets no NODE_OPTIONS');
  return match[1]!;
}

/** What Node answers with these options: its exit status and complaint. */
function nodeWith(nodeOptions: string): { status: number | null; stderr: string } {
  const run = spawnSync(process.execPath, ['-e', '0'], { env: { PATH: process.env.PATH, NODE_OPTIONS: nodeOptions }, encoding: 'utf8' });
  return { status: run.status, stderr: run.stderr.trim() };
}

const deploymentOptions = [
  ...new Set(STACKS.flatMap((stack) => stackSpec(stack).services.flatMap((s) => (s.env.NODE_OPTIONS ? [s.env.NODE_OPTIONS] : [])))),
];

describe('NODE_OPTIONS of the containers', () => {
  test("the image's are accepted by Node", () => {
    expect(nodeWith(imageNodeOptions())).toEqual({ status: 0, stderr: '' });
  });

  test('each Deployment sets some, and Node accepts every one of them', () => {
    expect(deploymentOptions.length).toBeGreaterThan(0);
    for (const options of deploymentOptions) expect({ options, ...nodeWith(options) }).toEqual({ options, status: 0, stderr: '' });
  });

  test('a flag Node refuses there is caught (the check can fail)', () => {
    expect(nodeWith('--max-old-space-size=96 --optimize-for-size')).toEqual({
      status: 9,
      stderr: expect.stringContaining('--optimize-for-size is not allowed in NODE_OPTIONS'),
    });
  });
});
