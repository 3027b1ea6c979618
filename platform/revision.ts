/**
 * A stack's spec as it was at another git revision (the base of a pull
 * request), for `npm run plan` and `npm run synth -- --base`.
 *
 * Defaults live in code (platform/defaults.ts), so the base's stack file
 * alone does not say what the base deployed: a retention changed in
 * DEFAULTS would be invisible if both sides were resolved with today's code.
 * So the base's file is resolved with the base's own platform code whenever
 * that code differs from the running one: its `platform/` tree is written
 * once per tree id under `node_modules/.cache/todo-events-plan/` and imported
 * (this needs tsx, which runs every entry point). When the base has no
 * `platform/`, or its code cannot be loaded, the running code resolves it and
 * the report says so.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ConfigProblem } from './errors.js';
import { PlatformConfigError } from './errors.js';
import { parseStackConfig, platformFromConfig, stackFile } from './load.js';
import type { PlatformSpec } from './types.js';

/** The branch a pull request merges into, when no base is given. */
export const MAIN_BRANCHES = ['main', 'origin/main'] as const;

/** Thrown when the base revision cannot be found or read. */
export class RevisionError extends Error {
  readonly code = 'REVISION_UNAVAILABLE';
  readonly canRetry = false;
  constructor(message: string) {
    super(message);
    this.name = 'RevisionError';
  }
}

export interface BaseRevision {
  /** The ref as given, or the main branch the merge base was taken with. */
  readonly ref: string;
  readonly commit: string;
  /** Top of the work tree the revision belongs to. */
  readonly root: string;
  /** The commit and how it was chosen, for reports: `6fa4962 (the merge base of HEAD with main)`. */
  readonly description: string;
}

function git(args: readonly string[], cwd: string, input?: string): Buffer {
  return execFileSync('git', [...args], { cwd, input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

function gitText(args: readonly string[], cwd: string): string {
  return git(args, cwd).toString('utf8').trim();
}

function tryGit(args: readonly string[], cwd: string): string | undefined {
  try {
    return gitText(args, cwd);
  } catch {
    return undefined;
  }
}

/** `ref` resolved to a commit, or (no ref) the merge base of HEAD with the main branch. */
export function resolveBase(dir: string, ref?: string): BaseRevision {
  const root = tryGit(['rev-parse', '--show-toplevel'], dir);
  if (!root) throw new RevisionError(`${dir} is not inside a git work tree`);
  if (ref !== undefined) {
    const commit = tryGit(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], dir);
    if (!commit) throw new RevisionError(`${JSON.stringify(ref)} is not a commit, branch or tag of this repository`);
    return { ref, commit, root, description: `${commit.slice(0, 7)} (${ref})` };
  }
  for (const branch of MAIN_BRANCHES) {
    const commit = tryGit(['merge-base', branch, 'HEAD'], dir);
    if (commit) return { ref: branch, commit, root, description: `${commit.slice(0, 7)} (the merge base of HEAD with ${branch})` };
  }
  throw new RevisionError(`no ${MAIN_BRANCHES.join(' or ')} branch to compare with; give the base with --base <git-ref>`);
}

/** Stacks whose `Pulumi.<stack>.yaml` exists in `dir` at `commit`. */
export function stacksAt(base: BaseRevision, dir: string): string[] {
  // Run in `dir`, ls-tree lists that directory of the commit.
  const names = tryGit(['ls-tree', '--name-only', base.commit], dir) ?? '';
  return names
    .split('\n')
    .map((path) => /^Pulumi\.([^./]+)\.yaml$/.exec(path)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/** Turns a stack's raw config into a spec with one revision's code. */
export interface SpecResolver {
  /** `platformFromConfig` of one revision (older ones ignore `imageDigests`). */
  readonly resolve: (stack: string, raw: unknown, source: string, imageDigests?: unknown) => PlatformSpec;
  /** Which code it is, for reports. */
  readonly code: string;
}

const CURRENT: SpecResolver = { resolve: platformFromConfig, code: "the working tree's platform/ code" };

/** The running platform code, and files in it that do not take part in resolving a spec. */
const CODE_DIR = dirname(fileURLToPath(import.meta.url));
const NOT_RESOLVING = (path: string) => path.startsWith('platform/changes/') || path === 'platform/revision.ts';
const CACHE_DIR = join(CODE_DIR, '..', 'node_modules', '.cache', 'todo-events-plan');

function blobId(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/** `platform/<path>` → git blob id of each file of the running code. */
function runningBlobs(): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.set(`platform/${relative(CODE_DIR, path).split(sep).join('/')}`, blobId(readFileSync(path)));
    }
  };
  walk(CODE_DIR);
  return out;
}

/** `platform/<path>` → blob id at `commit` (empty when the revision has no platform/). */
function revisionBlobs(commit: string, root: string): Map<string, string> {
  const out = new Map<string, string>();
  const listing = tryGit(['ls-tree', '-r', '--full-tree', commit, '--', 'platform'], root) ?? '';
  for (const line of listing.split('\n')) {
    const match = /^\d+ blob ([0-9a-f]+)\t(.+)$/.exec(line);
    if (match) out.set(match[2]!, match[1]!);
  }
  return out;
}

function sameCode(a: Map<string, string>, b: Map<string, string>): boolean {
  const relevant = (m: Map<string, string>) => [...m].filter(([path]) => !NOT_RESOLVING(path) && path.endsWith('.ts'));
  const left = relevant(a);
  const right = new Map(relevant(b));
  return left.length === right.size && left.every(([path, id]) => right.get(path) === id);
}

/** The contents of several objects (`<blob id>` or `<commit>:<path>`) with one `git cat-file --batch`; undefined for missing ones. */
function catFiles(root: string, names: readonly string[]): (Buffer | undefined)[] {
  if (names.length === 0) return [];
  const output = git(['cat-file', '--batch'], root, `${names.join('\n')}\n`);
  const contents: (Buffer | undefined)[] = [];
  let offset = 0;
  for (let i = 0; i < names.length; i++) {
    const header = output.toString('latin1', offset, output.indexOf(0x0a, offset));
    offset += header.length + 1;
    if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
      contents.push(undefined);
      continue;
    }
    const size = Number(header.split(' ')[2]);
    contents.push(output.subarray(offset, offset + size));
    offset += size + 1;
  }
  return contents;
}

/** Writes the blobs into `target`. */
function writeBlobs(blobs: Map<string, string>, root: string, target: string): void {
  const entries = [...blobs];
  const contents = catFiles(
    root,
    entries.map(([, id]) => id),
  );
  entries.forEach(([path], i) => {
    mkdirSync(dirname(join(target, path)), { recursive: true });
    writeFileSync(join(target, path), contents[i]!);
  });
  // The files are ES modules; a package.json marks them so (node_modules stops the search for one above).
  writeFileSync(join(target, 'package.json'), '{ "type": "module" }\n');
}

const resolvers = new Map<string, Promise<SpecResolver & { note?: string }>>();

/** The code to resolve the base's stack files with, and a note when it is not the base's own. */
export function baseResolver(base: BaseRevision): Promise<SpecResolver & { note?: string }> {
  const key = `${base.root}\0${base.commit}`;
  let resolver = resolvers.get(key);
  if (!resolver) {
    resolver = loadResolver(base, base.root);
    resolvers.set(key, resolver);
  }
  return resolver;
}

async function loadResolver(base: BaseRevision, root: string): Promise<SpecResolver & { note?: string }> {
  const blobs = revisionBlobs(base.commit, root);
  if (blobs.size === 0) {
    return {
      ...CURRENT,
      note: `${base.commit.slice(0, 7)} has no platform/ code, so its stack files were resolved with the working tree's`,
    };
  }
  if (sameCode(blobs, runningBlobs())) return { ...CURRENT, code: "its own platform/ code (the working tree's is the same)" };
  const tree = gitText(['rev-parse', `${base.commit}:platform`], root);
  const target = join(CACHE_DIR, tree);
  try {
    if (!existsSync(join(target, '.complete'))) {
      const staging = `${target}.tmp-${process.pid}`;
      rmSync(staging, { recursive: true, force: true });
      writeBlobs(blobs, root, staging);
      writeFileSync(join(staging, '.complete'), base.commit);
      rmSync(target, { recursive: true, force: true });
      renameSync(staging, target);
    }
    const module = (await import(pathToFileURL(join(target, 'platform', 'load.ts')).href)) as { platformFromConfig?: unknown };
    if (typeof module.platformFromConfig !== 'function') throw new Error('its platform/load.ts has no platformFromConfig');
    const resolveWithBase = module.platformFromConfig as SpecResolver['resolve'];
    return {
      code: 'its own platform/ code',
      resolve: (stack, raw, source, imageDigests) => {
        try {
          return resolveWithBase(stack, raw, source, imageDigests);
        } catch (error) {
          // The base's PlatformConfigError is another class: carry its problems over.
          const problems = (error as { problems?: ConfigProblem[] }).problems;
          if (Array.isArray(problems)) throw new PlatformConfigError(source, problems);
          throw error;
        }
      },
    };
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    return {
      ...CURRENT,
      note: `the platform/ code of ${base.commit.slice(0, 7)} could not be loaded (${reason}), so its stack files were resolved with the working tree's`,
    };
  }
}

export interface SpecAtRevision {
  /** Undefined when the stack file does not exist at the revision. */
  readonly spec: PlatformSpec | undefined;
  /** Which code resolved it. */
  readonly code: string;
  readonly note?: string;
  /** Set (and `spec` undefined) when the stack file at the revision is invalid. */
  readonly error?: PlatformConfigError;
}

/**
 * Each stack's spec at `base` (its file read from the revision, in the same
 * place relative to the work tree as `dir`, all in one git call), resolved by `baseResolver`.
 */
export async function specsAtRevision(base: BaseRevision, stacks: readonly string[], dir: string): Promise<Map<string, SpecAtRevision>> {
  const resolver = await baseResolver(base);
  const files = stacks.map((stack) => relative(base.root, stackFile(dir, stack)).split(sep).join('/'));
  const texts = catFiles(
    base.root,
    files.map((file) => `${base.commit}:${file}`),
  );
  const specs = new Map<string, SpecAtRevision>();
  stacks.forEach((stack, i) => {
    const text = texts[i];
    const source = `${basename(files[i]!)} at ${base.commit.slice(0, 7)}`;
    const at = { code: resolver.code, note: resolver.note };
    try {
      const spec = text === undefined ? undefined : resolver.resolve(stack, parseStackConfig(text.toString('utf8'), source), source);
      specs.set(stack, { ...at, spec });
    } catch (error) {
      if (!(error instanceof PlatformConfigError)) throw error;
      specs.set(stack, { ...at, spec: undefined, error });
    }
  });
  return specs;
}

/** `specsAtRevision` of one stack. */
export async function specAtRevision(base: BaseRevision, stack: string, dir: string): Promise<SpecAtRevision> {
  return (await specsAtRevision(base, [stack], dir)).get(stack)!;
}
