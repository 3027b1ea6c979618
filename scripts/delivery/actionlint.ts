/**
 * `npm run actionlint`: checks every workflow in `.github/workflows/` with
 * actionlint (expressions, contexts, `needs` and outputs, action inputs,
 * shell scripts). actionlint is built once from the Go module proxy into the
 * cache folder of its version (like the other cached tools, see
 * scripts/local/paths.ts CACHE_DIR), so later runs build nothing.
 * @see https://github.com/rhysd/actionlint
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CACHE_DIR, REPO_ROOT } from '../local/paths.js';

/** The pinned release of `github.com/rhysd/actionlint/cmd/actionlint`. */
export const ACTIONLINT_VERSION = 'v1.7.12';
export const ACTIONLINT_MODULE = 'github.com/rhysd/actionlint/cmd/actionlint';

/** `~/.cache/todo-events/actionlint-v1.7.12/actionlint`. */
export function actionlintPath(version = ACTIONLINT_VERSION): string {
  return join(CACHE_DIR, `actionlint-${version}`, 'actionlint');
}

/** PATH with the go.dev install location appended, where `.ci/run` looks for Go too. */
function goEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/local/go/bin`, ...extra };
}

export type Actionlint = { readonly path: string } | { readonly skipped: string };

/** The actionlint binary, built with `go install` on first use; `skipped` says why there is none (no Go). */
export function ensureActionlint(version = ACTIONLINT_VERSION): Actionlint {
  const path = actionlintPath(version);
  if (existsSync(path)) return { path };
  const go = spawnSync('go', ['version'], { env: goEnv(), encoding: 'utf8' });
  if (go.error || go.status !== 0) {
    return { skipped: `go is not installed (install Go from https://go.dev/dl/ to build actionlint ${version} from the Go module proxy)` };
  }
  // Built beside its final place and moved in whole, so an interrupted build is never taken for a binary.
  const partial = `${path}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const build = spawnSync('go', ['install', `${ACTIONLINT_MODULE}@${version}`], {
    env: goEnv({ GOBIN: partial, GOFLAGS: '-buildvcs=false' }),
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (build.status !== 0) {
    rmSync(partial, { recursive: true, force: true });
    throw new Error(`go install ${ACTIONLINT_MODULE}@${version} failed:\n${build.stderr ?? build.error}`);
  }
  renameSync(join(partial, 'actionlint'), path);
  rmSync(partial, { recursive: true, force: true });
  return { path };
}

/** The workflow files of the repository, sorted. */
export function workflowFiles(root = REPO_ROOT): string[] {
  const dir = join(root, '.github', 'workflows');
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => join(dir, f))
    : [];
}

/** Runs actionlint over `files`: its exit status and what it printed (one line per problem). */
export function runActionlint(binary: string, files: readonly string[], cwd = REPO_ROOT): { status: number; output: string } {
  const result = spawnSync(binary, ['-no-color', ...files], { cwd, encoding: 'utf8' });
  return { status: result.status ?? 1, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

function main(): number {
  const tool = ensureActionlint();
  if ('skipped' in tool) {
    console.error(`actionlint: skipped: ${tool.skipped}`);
    return 1;
  }
  const files = workflowFiles();
  const { status, output } = runActionlint(tool.path, files);
  process.stdout.write(output);
  if (status === 0) console.log(`actionlint ${ACTIONLINT_VERSION}: ${files.length} workflow files, no problems`);
  return status;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main();
}
