/**
 * Access to `promtool` (Debian package `prometheus`; `.ci/run` installs it).
 * Suites that need it run when it is on PATH, fail when CI=true and it is
 * missing, and are skipped with one line saying why otherwise.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { recordSkippedSuite } from '../../support/skipped-suites.js';

/** Absolute path of `promtool` on PATH, or undefined. */
export function promtoolPath(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'promtool');
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

export interface PromtoolResult {
  readonly status: number | null;
  /** stdout and stderr together, as promtool mixes its report over both. */
  readonly output: string;
}

/** Runs `promtool <args>` in `cwd` and returns its exit status and report. */
export function promtool(args: readonly string[], cwd: string): PromtoolResult {
  const bin = promtoolPath();
  if (!bin) throw new Error('promtool is not on PATH');
  const result = spawnSync(bin, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

export function describeWithPromtool(name: string, fn: () => void): void {
  if (promtoolPath()) {
    describe(name, fn);
    return;
  }
  const message = `${name}: promtool is not on PATH. Install it with \`apt-get install prometheus\` (Debian/Ubuntu), or put promtool from a Prometheus release on PATH.`;
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('has promtool to run', () => {
        throw new Error(message);
      });
    });
    return;
  }
  recordSkippedSuite(name, 'need promtool on PATH (install it with apt-get install prometheus)');
  describe.skip(name, fn);
}
