/**
 * `npm run plan -- [--stack <s> …] [--base <git-ref>] [--format text|markdown|json]`:
 * what changes, stack by stack, between the spec at the base revision (by
 * default the merge base of HEAD with main) and the working tree, in human
 * units, with the guard rails' verdicts. Exit code 0 when nothing changes, 2
 * when something does, 1 when a guard rail refuses or a stack file is invalid.
 *
 * The base's stack file is resolved with the base's own platform code (see
 * platform/revision.ts), so a default changed in platform/defaults.ts shows too.
 */
import { existsSync } from 'node:fs';
import { listStacks, loadPlatform, PlatformConfigError, stackFile, type PlatformSpec } from '../../platform/index.js';
import { checkGuardRails, compareSpecs, exitCode, renderReport, type StackReport } from '../../platform/changes/index.js';
import { resolveBase, specsAtRevision, stacksAt, type BaseRevision, type SpecAtRevision } from '../../platform/revision.js';
import { reportFormat, runCommand, runWhenMain, stackDir } from './cli.js';

export const PLAN_USAGE = [
  'usage: npm run plan -- [--stack <name> ...] [--base <git-ref>] [--format text|markdown|json] [--dir <dir>]',
  '  What changes between the stack files at the base revision (default: the merge base of HEAD with main)',
  '  and the working tree, with the guard rails. Exit 0: no change; 2: changes; 1: refused or invalid.',
].join('\n');

export interface PlanOptions {
  /** @default every stack of the working tree and of the base */
  readonly stacks?: readonly string[];
  /** @default the merge base of HEAD with main */
  readonly base?: string;
  /** Folder of the stack files. @default the working directory */
  readonly dir: string;
}

/** One stack's report: base spec → working-tree spec, changes and guard rails. */
export function planStack(base: BaseRevision, stack: string, at: SpecAtRevision, dir: string): StackReport {
  const problems: string[] = [];
  const notes: string[] = [];
  const before = at.spec;
  if (at.note) notes.push(at.note);
  if (at.error) problems.push(`the base revision's ${at.error.message}`);
  else if (!at.spec) notes.push(`Pulumi.${stack}.yaml is new since the base`);
  const compared = `against ${base.description}, resolved with ${at.code}`;
  let after: PlatformSpec | undefined;
  if (existsSync(stackFile(dir, stack))) {
    try {
      after = loadPlatform(stack, dir);
    } catch (error) {
      if (!(error instanceof PlatformConfigError)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length > 0) return { stack, compared, changes: [], findings: [], problems, notes };
  if (!after) {
    const removed = {
      area: 'setting',
      kind: 'removed',
      subject: 'stack',
      setting: '',
      path: `Pulumi.${stack}.yaml`,
      before: stack,
      after: null,
    } as const;
    notes.push('removing the stack file deletes nothing: `pulumi destroy` does, with the stack selected');
    return { stack, compared, changes: [removed], findings: [], problems, notes };
  }
  const rails = checkGuardRails(before, after);
  return { stack, compared, changes: compareSpecs(before, after), findings: rails.findings, problems, notes };
}

/** Every requested stack's report, in name order. */
export async function plan(options: PlanOptions): Promise<StackReport[]> {
  const base = resolveBase(options.dir, options.base);
  const stacks =
    options.stacks && options.stacks.length > 0
      ? [...options.stacks]
      : [...new Set([...listStacks(options.dir), ...stacksAt(base, options.dir)])].sort();
  const atBase = await specsAtRevision(base, stacks, options.dir);
  return stacks.map((stack) => planStack(base, stack, atBase.get(stack)!, options.dir));
}

/** The command: prints the report and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  return runCommand(argv, { base: { type: 'string', short: 'b' } }, PLAN_USAGE, async (args) => {
    const format = reportFormat(args.values.format);
    const reports = await plan({ stacks: args.values.stack, base: args.values.base, dir: stackDir(args.values.dir) });
    process.stdout.write(renderReport(reports, format, { kind: 'plan' }));
    return exitCode(reports);
  });
}

runWhenMain(import.meta.url, main);
