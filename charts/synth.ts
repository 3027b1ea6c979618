/**
 * `npm run synth [-- --stack <name> …] [--out <dir>]`: writes every chart of
 * each stack to `<out>/<stack>/<chart>.k8s.yaml` (all stacks with a
 * `Pulumi.<stack>.yaml` by default; `<out>` defaults to `dist`, or
 * `CDK8S_OUTDIR` when run by `cdk8s synth`).
 *
 * Every requested stack is loaded and validated before anything is written:
 * one invalid stack file prints every problem and exits 1 with `dist/`
 * untouched. Each stack's folder is replaced as a whole (written next to it,
 * then renamed into place), so a reader never sees half of a synth and a
 * chart that no longer applies leaves no stale file behind.
 *
 * For people who apply `dist/` without Pulumi, every file starts with a
 * "generated, do not edit" comment, each stack's folder gets a README.md
 * (what the cluster needs first, the Secrets the manifests read, the apply
 * order) and a copy of the runbooks its alerts link, and the charts only
 * `dist/` gets (`gitopsOnly`: the ExternalSecrets) are included.
 */
import '../platform/require-node.cjs';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { listStacks, loadPlatform, PlatformConfigError, type PlatformSpec } from '../platform/index.js';
import { ChangeRefusedError, checkGuardRails, formatFindings, type PreviousState } from '../platform/changes/index.js';
import { resolveBase, specsAtRevision } from '../platform/revision.js';
import { distReadme, generatedHeader } from './gitops/dist-readme.js';
import { synthesizeManifests, type ChartManifests } from './manifests.js';
import { isAlertingRule, prometheusRuleGroups } from './monitoring/rules/index.js';
import { toYamlDocuments } from './yaml.js';

export interface SynthOptions {
  /** Stacks to write. @default every stack file in `dir` */
  readonly stacks?: readonly string[];
  /** Folder holding the `Pulumi.<stack>.yaml` files. @default the working directory */
  readonly dir?: string;
  /** Output folder. @default `dist` under `dir` */
  readonly out?: string;
  readonly log?: (line: string) => void;
  /**
   * Each stack's spec at the base revision (`--base <git-ref>`), for the guard
   * rails (platform/changes/guard-rails.ts): a refused change fails the synth
   * with nothing written. A stack without an entry is compared with nothing.
   * @default none: only the rails on the new spec alone (retention floors) run
   */
  readonly previous?: ReadonlyMap<string, PreviousState | undefined>;
}

export interface StackManifests {
  readonly stack: string;
  readonly charts: ChartManifests[];
  /** The spec rendered; without it no README.md and no runbooks are written. */
  readonly spec?: PlatformSpec;
}

/** The runbooks the alerts link (`docs/runbooks/<alert>.md`). */
export const RUNBOOKS_DIR = fileURLToPath(new URL('../docs/runbooks/', import.meta.url));

/** The runbooks of the alerts `spec` renders, and the folder's README. */
function runbookFiles(spec: PlatformSpec): string[] {
  if (!spec.monitoring.enabled) return [];
  const alerts = new Set(prometheusRuleGroups(spec).flatMap((g) => g.rules.filter(isAlertingRule).map((r) => r.alert)));
  return ['README', ...[...alerts].sort()].map((name) => `${name}.md`).filter((file) => existsSync(join(RUNBOOKS_DIR, file)));
}

/** Loads and validates every stack and runs the guard rails, then renders each; throws before anything is written. */
export function renderStacks(
  stacks: readonly string[],
  dir: string,
  previous?: SynthOptions['previous'],
  log?: SynthOptions['log'],
): StackManifests[] {
  const specs: PlatformSpec[] = [];
  const errors: (PlatformConfigError | ChangeRefusedError)[] = [];
  for (const stack of stacks) {
    try {
      const spec = loadPlatform(stack, dir);
      const rails = checkGuardRails(previous?.get(stack), spec);
      if (rails.refused.length > 0) throw new ChangeRefusedError(`stack ${stack}`, rails.refused);
      if (rails.warnings.length > 0) log?.(formatFindings(`stack ${stack}`, rails.warnings, 'warning'));
      if (rails.acknowledged.length > 0) log?.(formatFindings(`stack ${stack}`, rails.acknowledged, 'acknowledged'));
      specs.push(spec);
    } catch (err) {
      if (err instanceof ChangeRefusedError) {
        errors.push(err);
        continue;
      }
      if (!(err instanceof PlatformConfigError)) throw err;
      errors.push(err);
    }
  }
  if (errors.length > 0) throw new AggregatePlatformError(errors);
  return specs.map((spec) => ({ stack: spec.stack, charts: synthesizeManifests(spec, { gitops: true }), spec }));
}

/** Several stacks' config errors and refused changes, reported together. */
export class AggregatePlatformError extends Error {
  constructor(readonly errors: readonly (PlatformConfigError | ChangeRefusedError)[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'AggregatePlatformError';
  }
}

/** Writes one stack's charts into `<out>/<stack>`, replacing the folder as a whole. */
export function writeStack(out: string, manifests: StackManifests): string {
  const target = join(out, manifests.stack);
  const staging = join(out, `.${manifests.stack}.tmp-${process.pid}`);
  const previous = join(out, `.${manifests.stack}.old-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  for (const { chart, objects } of manifests.charts) {
    writeFileSync(join(staging, `${chart}.k8s.yaml`), `# ${generatedHeader(manifests.stack)}\n${toYamlDocuments(objects)}`);
  }
  if (manifests.spec) {
    const runbooks = runbookFiles(manifests.spec);
    if (runbooks.length > 0) mkdirSync(join(staging, 'runbooks'));
    for (const file of runbooks) copyFileSync(join(RUNBOOKS_DIR, file), join(staging, 'runbooks', file));
    writeFileSync(
      join(staging, 'README.md'),
      distReadme(
        manifests.spec,
        manifests.charts.map((c) => c.chart),
        runbooks,
      ),
    );
  }
  if (existsSync(target)) renameSync(target, previous);
  renameSync(staging, target);
  rmSync(previous, { recursive: true, force: true });
  return target;
}

/** One progress line: `dev: 22 objects in 6 charts (namespaces 2, …) -> dist/dev`. */
export function summary(manifests: StackManifests, target: string): string {
  const counts = manifests.charts.map((c) => `${c.chart} ${c.objects.length}`).join(', ');
  const total = manifests.charts.reduce((sum, c) => sum + c.objects.length, 0);
  return `${manifests.stack}: ${total} objects in ${manifests.charts.length} charts (${counts}) -> ${target}`;
}

/** Renders and writes the requested stacks. Throws `AggregatePlatformError` having written nothing. */
export function synth(options: SynthOptions = {}): StackManifests[] {
  const dir = resolve(options.dir ?? process.cwd());
  const stacks = options.stacks && options.stacks.length > 0 ? options.stacks : listStacks(dir);
  const rendered = renderStacks(stacks, dir, options.previous, options.log);
  const out = resolve(dir, options.out ?? 'dist');
  mkdirSync(out, { recursive: true });
  for (const manifests of rendered) {
    const target = writeStack(out, manifests);
    options.log?.(summary(manifests, relative(dir, target) || target));
  }
  return rendered;
}

const USAGE = [
  'usage: npm run synth [-- --stack <name> ...] [--out <dir>] [--base <git-ref>]',
  '  Validates every requested stack (default: every Pulumi.<stack>.yaml), then writes',
  '  <out>/<stack>/<chart>.k8s.yaml (default out: dist, or $CDK8S_OUTDIR). Writes nothing when a stack is invalid.',
  '  With --base, the guard rails compare each stack with its file at that revision and refuse unsafe topic changes.',
].join('\n');

/** The CLI: exit code 0 on success, 1 on invalid stack files or refused changes, 2 on bad arguments. */
export async function main(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: [...argv],
      options: {
        stack: { type: 'string', multiple: true, short: 's' },
        out: { type: 'string', short: 'o' },
        base: { type: 'string', short: 'b' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.values.help) {
    console.log(USAGE);
    return 0;
  }
  try {
    const dir = process.cwd();
    const stacks = args.values.stack && args.values.stack.length > 0 ? args.values.stack : listStacks(dir);
    const base = args.values.base;
    const atBase = base === undefined ? undefined : await specsAtRevision(resolveBase(dir, base), stacks, dir);
    const invalid = [...(atBase?.values() ?? [])].flatMap((at) => (at.error ? [at.error] : []));
    if (invalid.length > 0) throw new AggregatePlatformError(invalid);
    const previous = atBase && new Map([...atBase].map(([stack, at]) => [stack, at.spec]));
    synth({ stacks, out: args.values.out ?? process.env.CDK8S_OUTDIR, log: (line) => console.log(line), previous });
    return 0;
  } catch (err) {
    if (err instanceof AggregatePlatformError) {
      console.error(err.message);
      console.error('Nothing was written.');
      return 1;
    }
    throw err;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exitCode = 1;
    },
  );
}
