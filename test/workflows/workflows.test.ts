/**
 * The delivery workflows in .github/workflows: actionlint passes on each
 * (built from the Go module proxy into the cache on first use, skipped with
 * a notice without Go), every action is pinned to a release, they run only
 * scripts the README shows, the README names every secret and variable they
 * read, and the images the deploy jobs deploy are the ones the build pushed.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { ensureActionlint, runActionlint, workflowFiles, type Actionlint } from '../../scripts/delivery/actionlint.js';
import { dockerfileTargets, serviceImages } from '../../scripts/delivery/images.js';
import { THIRD_PARTY_IMAGES } from '../../platform/index.js';
import { REPO_ROOT } from '../charts/fixtures.js';

type Step = {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  if?: string;
};
type Job = {
  uses?: string;
  with?: Record<string, string>;
  needs?: string | string[];
  environment?: string;
  steps?: Step[];
  outputs?: Record<string, string>;
  if?: string;
};
type Workflow = { on: Record<string, unknown>; jobs: Record<string, Job> };

const files = workflowFiles();
const text = Object.fromEntries(files.map((f) => [basename(f), readFileSync(f, 'utf8')]));
const workflows = Object.fromEntries(Object.entries(text).map(([name, t]) => [name, parse(t) as Workflow]));
const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const steps = (workflow: string, job: string) => workflows[workflow]!.jobs[job]!.steps ?? [];

let actionlint: Actionlint;
beforeAll(() => {
  actionlint = ensureActionlint();
  if ('skipped' in actionlint) console.warn(`actionlint test skipped: ${actionlint.skipped}`);
}, 600_000);

describe('the delivery workflows', () => {
  test('are the seven files the README describes', () => {
    expect(Object.keys(workflows)).toEqual([
      'checks.yml',
      'deploy-stack.yml',
      'deploy.yml',
      'images.yml',
      'pr-stack-cleanup.yml',
      'pr-stack.yml',
      'preview.yml',
    ]);
  });

  test('pass actionlint', () => {
    if ('skipped' in actionlint) return;
    const { status, output } = runActionlint(actionlint.path, files);
    expect(output).toBe('');
    expect(status).toBe(0);
  });

  test('pin every action to a released version by commit SHA, with its tag beside it', () => {
    const uses = Object.values(text).flatMap((t) => [...t.matchAll(/uses:\s*(\S+)(.*)$/gm)].map((m) => `${m[1]}${m[2]}`));
    const remote = uses.filter((u) => !u.startsWith('./'));
    expect(remote.length).toBeGreaterThan(20);
    for (const u of remote) expect(u).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  test('run only scripts the README shows: npm scripts, bash .ci/run and the install line', () => {
    const runs = Object.values(workflows).flatMap((w) => Object.values(w.jobs).flatMap((j) => (j.steps ?? []).map((s) => s.run ?? '')));
    const npmScripts = new Set(runs.flatMap((r) => [...r.matchAll(/npm run (?:--silent )?([\w:-]+)/g)].map((m) => m[1]!)));
    expect([...npmScripts].sort()).toEqual(['images', 'lint', 'plan', 'pr-stacks:stale', 'synth', 'typecheck']);
    for (const script of npmScripts) expect(readme).toMatch(new RegExp(`npm run (--silent )?${script.replace(/[-:]/g, '\\$&')}\\b`));
    const packageScripts = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
      .scripts;
    for (const script of [...npmScripts].filter((s) => s !== 'plan')) expect(Object.keys(packageScripts)).toContain(script);
    expect(runs.some((r) => r.trim() === 'bash .ci/run')).toBe(true);
    expect(readme).toContain('bash .ci/run');
    expect(runs.filter((r) => /npm ci/.test(r)).every((r) => r.trim() === '. scripts/node22.sh && npm ci')).toBe(true);
    expect(readme).toContain('. scripts/node22.sh && npm ci');
  });

  test('read only secrets and variables the README names', () => {
    const all = Object.values(text).join('\n');
    const named = new Set([...all.matchAll(/\b(secrets|vars)\.([A-Z_][A-Z0-9_]*)/g)].map((m) => m[2]!));
    for (const m of all.matchAll(/kubeconfig: (KUBECONFIG_[A-Z]+)/g)) named.add(m[1]!);
    named.delete('GITHUB_TOKEN');
    expect([...named].sort()).toEqual([
      'CHECK_DIST',
      'DATABASE_URL',
      'KAFKA_ADMIN_PASSWORD',
      'KAFKA_ADMIN_USERNAME',
      'KUBECONFIG',
      'KUBECONFIG_DEV',
      'KUBECONFIG_PROD',
      'KUBECONFIG_STAGING',
      'PR_STACK_MAX_AGE_DAYS',
      'PULUMI_ACCESS_TOKEN',
      'PULUMI_BACKEND_URL',
      'PULUMI_CONFIG_PASSPHRASE',
      'REGISTRY_TOKEN',
      'REGISTRY_USERNAME',
    ]);
    for (const name of named) expect(readme).toContain(`\`${name}\``);
  });
});

describe('the images the deploy jobs deploy', () => {
  test('are built from every Dockerfile target the services have, to the repository the spec names, tagged with the commit', () => {
    const builds = steps('images.yml', 'build').filter((s) => s.uses?.startsWith('docker/build-push-action@'));
    const services = serviceImages(REPO_ROOT).map((i) => i.service);
    expect(builds.map((s) => s.with!.target)).toEqual(services);
    expect(services.every((s) => dockerfileTargets(readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8')).includes(s))).toBe(true);
    for (const s of builds) {
      expect(s.id).toBe(s.with!.target);
      expect(s.with).toMatchObject({ push: true, tags: `\${{ steps.images.outputs.${s.id} }}:\${{ github.sha }}` });
    }
  });

  test("reach every deploy as the build job's digests, set as todo-events:imageDigests before pulumi up", () => {
    const build = workflows['images.yml']!.jobs.build!;
    const digests = steps('images.yml', 'build').find((s) => s.id === 'digests')!;
    for (const s of ['audit', 'notification', 'recurring-task', 'websocket']) {
      expect(Object.values(digests.env!)).toContain(`\${{ steps.${s}.outputs.digest }}`);
    }
    expect(build.outputs).toEqual({ digests: '${{ steps.digests.outputs.digests }}' });
    const deploy = workflows['deploy.yml']!.jobs;
    for (const job of ['dev', 'staging', 'prod']) {
      expect(deploy[job]!.uses).toBe('./.github/workflows/deploy-stack.yml');
      expect(deploy[job]!.with!.digests).toBe('${{ needs.images.outputs.digests }}');
    }
    const up = steps('deploy-stack.yml', 'up');
    const settings = up.find((s) => s.run?.includes('todo-events:imageDigests'))!;
    expect(settings.env!.IMAGE_DIGESTS).toBe('${{ inputs.digests }}');
    expect(settings.run).toContain('pulumi config set todo-events:imageDigests "$IMAGE_DIGESTS" --stack "$STACK"');
    expect(up.indexOf(settings)).toBeLessThan(up.findIndex((s) => s.with?.command === 'up'));
  });

  test('pin the third-party images too: the digests step resolves each pinned tag and hands its digest on', () => {
    // The step's own script, run with a stand-in for `docker buildx imagetools inspect` (no registry
    // here) that answers a digest derived from the image it is asked about.
    const digests = steps('images.yml', 'build').find((s) => s.id === 'digests')!;
    const dir = mkdtempSync(join(tmpdir(), 'digests-step-'));
    try {
      writeFileSync(
        join(dir, 'docker'),
        '#!/bin/sh\n[ "$1 $2 $3" = "buildx imagetools inspect" ] || exit 64\n' +
          'printf "sha256:%s\\n" "$(printf %s "$4" | sha256sum | cut -d" " -f1)"\n',
      );
      chmodSync(join(dir, 'docker'), 0o755);
      const output = join(dir, 'github-output');
      const pushed = (c: string) => `sha256:${c.repeat(64)}`;
      execFileSync('bash', ['-e', '-o', 'pipefail', '-c', digests.run!], {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          PATH: `${dir}:${process.env.PATH}`,
          GITHUB_OUTPUT: output,
          AUDIT: pushed('a'),
          NOTIFICATION: pushed('b'),
          RECURRING_TASK: pushed('c'),
          WEBSOCKET: pushed('d'),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const line = readFileSync(output, 'utf8').trim();
      expect(line.startsWith('digests=')).toBe(true);
      const resolved = JSON.parse(line.slice('digests='.length)) as Record<string, string>;
      const expected: Record<string, string> = {};
      for (const [key, image] of Object.entries(THIRD_PARTY_IMAGES)) {
        expected[key] = `sha256:${execFileSync('sha256sum', { input: image }).toString().split(' ')[0]}`;
      }
      expect(resolved).toEqual({
        audit: pushed('a'),
        notification: pushed('b'),
        'recurring-task': pushed('c'),
        websocket: pushed('d'),
        ...expected,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('go to dev, then staging, then prod behind the protected production environment', () => {
    const deploy = workflows['deploy.yml']!;
    expect(Object.keys(deploy.on)).toEqual(['push', 'workflow_dispatch']);
    expect(deploy.jobs.staging!.needs).toEqual(['images', 'dev']);
    expect(deploy.jobs.prod!.needs).toEqual(['images', 'staging']);
    expect(deploy.jobs.prod!.with!.environment).toBe('production');
    expect(workflows['deploy-stack.yml']!.jobs.up!.environment).toBe('${{ inputs.environment }}');
  });
});

describe('pull requests', () => {
  test('get one sticky comment per stack with the plan and the policy-checked preview', () => {
    const preview = workflows['preview.yml']!.jobs.preview!;
    const s = preview.steps!;
    expect(s.find((x) => x.id === 'plan')!.run).toContain('npm run --silent plan -- --stack "$STACK" --format markdown');
    expect(s.find((x) => x.id === 'preview')!.with).toMatchObject({ command: 'preview', diff: true, policyPacks: 'policy' });
    expect(s.find((x) => x.uses?.startsWith('marocchino/sticky-pull-request-comment@'))!.with).toMatchObject({
      header: 'pulumi-${{ matrix.stack }}',
    });
  });

  test('labelled preview-stack get a pr-<number> stack from dev, destroyed and removed on close', () => {
    const jobs = workflows['pr-stack.yml']!.jobs;
    expect(text['pr-stack.yml']).toContain('STACK: pr-${{ github.event.pull_request.number }}');
    expect(jobs.deploy!.steps!.find((x) => x.run?.includes('config cp'))!.run).toContain('pulumi config cp --stack dev --dest "$STACK"');
    expect(jobs.destroy!.steps!.find((x) => x.with?.command === 'destroy')!.with).toMatchObject({ remove: true });
    expect(Object.keys(workflows['pr-stack-cleanup.yml']!.on)).toEqual(['schedule', 'workflow_dispatch']);
  });
});
