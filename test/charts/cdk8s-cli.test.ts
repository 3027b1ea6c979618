/**
 * `cdk8s synth` works from a fresh clone: the cdk8s CLI is a dev dependency
 * (so `npx cdk8s synth` runs the installed one, downloading nothing), and it
 * writes the same dist/ as `npm run synth`, byte for byte: cdk8s.yaml's `app`
 * is the synth script, which writes where the CLI's CDK8S_OUTDIR says.
 */
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT, STACKS } from './fixtures.js';

/** Every file under `dir` with its bytes, by relative path. */
function tree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(out, tree(path, `${prefix}${entry.name}/`));
    else out[`${prefix}${entry.name}`] = readFileSync(path, 'latin1');
  }
  return out;
}

/** PATH with this Node (22) first, so npm and npx run with it. */
const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` };

describe('cdk8s synth', () => {
  test('runs the cdk8s CLI of the dev dependencies and writes the same dist/ as npm run synth, byte for byte', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    expect(Object.keys(pkg.devDependencies)).toContain('cdk8s-cli');
    expect(existsSync(join(REPO_ROOT, 'node_modules', '.bin', 'cdk8s'))).toBe(true);
    expect(parse(readFileSync(join(REPO_ROOT, 'cdk8s.yaml'), 'utf8'))).toMatchObject({ language: 'typescript', output: 'dist' });

    const work = mkdtempSync(join(tmpdir(), 'cdk8s-cli-'));
    try {
      const viaCli = join(work, 'cdk8s');
      const viaNpm = join(work, 'npm');
      // --check-upgrade=false: the CLI would otherwise ask the npm registry for a newer version of itself.
      const cli = spawnSync('npx', ['--no-install', 'cdk8s', 'synth', '--output', viaCli, '--check-upgrade=false'], {
        cwd: REPO_ROOT,
        env,
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect({ status: cli.status, stderr: cli.stderr }).toEqual({ status: 0, stderr: '' });
      const npm = spawnSync('npm', ['run', '--silent', 'synth', '--', '--out', viaNpm], {
        cwd: REPO_ROOT,
        env,
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect({ status: npm.status, stderr: npm.stderr }).toEqual({ status: 0, stderr: '' });

      const fromCli = tree(viaCli);
      expect(Object.keys(fromCli).map((f) => f.split('/')[0])).toEqual(expect.arrayContaining([...STACKS]));
      expect(Object.keys(fromCli).length).toBeGreaterThanOrEqual(15);
      expect(fromCli).toEqual(tree(viaNpm));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 240_000);
});
