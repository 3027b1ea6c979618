/**
 * A throw-away git repository holding this repository's stack files, with
 * `main` at a commit of them, for the commands that compare a revision with
 * the working tree (`npm run plan`, `npm run synth -- --base`). The commands
 * run from this repository's sources with this Node, in that directory.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { PLATFORM_CONFIG_KEY } from '../../platform/index.js';
import { REPO_ROOT } from './stack-changes.js';

export const TSX = join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

export interface StackRepo {
  readonly dir: string;
  /** Sets `value` at `path` under `todo-events:platform` of the stack's file in the working tree. */
  edit(stack: string, path: readonly (string | number)[], value: unknown): void;
  /** Runs `git` in the repository. */
  git(...args: string[]): string;
  /** Runs a script of this repository (`scripts/changes/plan.ts`) in the repository. */
  run(script: string, args?: readonly string[]): SpawnSyncReturns<string>;
  remove(): void;
}

export interface StackRepoOptions {
  readonly stacks?: readonly string[];
  /** Also commit a copy of this repository's platform/ (the base's own code), after `changeCode` edits it. */
  readonly withPlatformCode?: (platformDir: string) => void;
}

/** A repository whose `main` holds the stack files (and optionally platform/) as this repository has them. */
export function stackRepo(options: StackRepoOptions = {}): StackRepo {
  const dir = mkdtempSync(join(tmpdir(), 'stack-repo-'));
  const git = (...args: string[]) => {
    const result = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
    return result.stdout.trim();
  };
  for (const stack of options.stacks ?? ['dev', 'prod', 'staging']) {
    copyFileSync(join(REPO_ROOT, `Pulumi.${stack}.yaml`), join(dir, `Pulumi.${stack}.yaml`));
  }
  if (options.withPlatformCode) {
    cpSync(join(REPO_ROOT, 'platform'), join(dir, 'platform'), { recursive: true });
    options.withPlatformCode(join(dir, 'platform'));
  }
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('-c', 'user.name=test', '-c', 'user.email=test@example.com', 'commit', '-q', '-m', 'base');
  if (options.withPlatformCode) rmSync(join(dir, 'platform'), { recursive: true, force: true });
  return {
    dir,
    git,
    edit(stack, path, value) {
      const file = join(dir, `Pulumi.${stack}.yaml`);
      const doc = parseDocument(readFileSync(file, 'utf8'));
      doc.setIn(['config', PLATFORM_CONFIG_KEY, ...path], value);
      writeFileSync(file, doc.toString());
    },
    run(script, args = []) {
      return spawnSync(process.execPath, [TSX, join(REPO_ROOT, script), ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
