/**
 * Reads a stack's platform spec from `Pulumi.<stack>.yaml`, the same file
 * `pulumi up` reads, so an environment is written once.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument, type YAMLError } from 'yaml';
import type { PlatformConfig } from './config.js';
import { PLATFORM_CONFIG_KEY, PROJECT } from './defaults.js';
import { PlatformConfigError, type ConfigProblem } from './errors.js';
import { IMAGE_DIGESTS_CONFIG_KEY, imageDigestProblems } from './images.js';
import { isPlainObject } from './merge.js';
import { mergeWithDefaults, resolvePlatform } from './resolve.js';
import { closest } from './suggest.js';
import type { PlatformSpec } from './types.js';
import { validatePlatform } from './validate.js';

/** Stack names that have a `Pulumi.<stack>.yaml` in `dir`, sorted. */
export function listStacks(dir: string): string[] {
  return readdirSync(dir)
    .map((file) => /^Pulumi\.([^.]+)\.yaml$/.exec(file)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort();
}

export function stackFile(dir: string, stack: string): string {
  return join(dir, `Pulumi.${stack}.yaml`);
}

/** The raw `todo-events:platform` value of a stack file (an empty object when absent). */
export function readStackConfig(file: string): unknown {
  return readStackSettings(file).platform;
}

/** The stack file's platform spec and the deploy's image digests (`todo-events:imageDigests`, usually absent). */
export function readStackSettings(file: string): { platform: unknown; imageDigests: unknown } {
  if (!existsSync(file)) {
    throw new PlatformConfigError(file, [
      { path: '(file)', message: 'does not exist', fix: 'create it with `pulumi stack init <stack>` and a `config:` section' },
    ]);
  }
  return parseStackSettings(readFileSync(file, 'utf8'), file);
}

/** The raw `todo-events:platform` value of a stack file's text, e.g. one read from git (an empty object when absent). */
export function parseStackConfig(text: string, file: string): unknown {
  return parseStackSettings(text, file).platform;
}

/** The platform spec and the deploy's image digests of a stack file's text. */
function parseStackSettings(text: string, file: string): { platform: unknown; imageDigests: unknown } {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0)
    throw new PlatformConfigError(
      file,
      doc.errors.map((e) => yamlProblem(e, text)),
    );
  const root = (doc.toJS() ?? {}) as { config?: Record<string, unknown> };
  const digests = root.config?.[`${PROJECT}:${IMAGE_DIGESTS_CONFIG_KEY}`];
  return { platform: root.config?.[PLATFORM_CONFIG_KEY] ?? {}, imageDigests: parseJsonSetting(digests) };
}

/** What to do about each kind of YAML syntax error (`YAMLError.code`); others get `YAML_FIX_DEFAULT`. */
const YAML_FIXES: Readonly<Record<string, string>> = {
  DUPLICATE_KEY: 'keep one of the two: a key may appear only once in a mapping',
  TAB_AS_INDENT: 'indent with spaces; YAML does not allow tabs there',
  BAD_INDENT: 'indent the entries of one mapping or list to the same column, with spaces',
  MISSING_CHAR: 'add the missing closing quote or bracket',
  BLOCK_AS_IMPLICIT_KEY: 'put the nested mapping on lines of its own, or quote the value',
  MULTILINE_IMPLICIT_KEY: 'write the key on one line, or quote it',
  UNEXPECTED_TOKEN: 'remove or quote the character there',
};
const YAML_FIX_DEFAULT = 'fix the YAML syntax there';

/**
 * One YAML syntax error as a problem: its line and column as the path, the
 * parser's sentence without its own position suffix, the offending line
 * quoted, and the fix for that kind of error.
 */
export function yamlProblem(error: YAMLError, text: string): ConfigProblem {
  const at = error.linePos?.[0];
  const sentence = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  const line = at === undefined ? undefined : text.split(/\r?\n/)[at.line - 1]?.trim();
  return {
    path: at === undefined ? '(YAML)' : `line ${at.line}, column ${at.col}`,
    message: line ? `${sentence} (${JSON.stringify(line)})` : sentence,
    fix: YAML_FIXES[error.code] ?? YAML_FIX_DEFAULT,
  };
}

/** `pulumi config set` stores a JSON value as a string; a YAML mapping written by hand is taken as it is. */
export function parseJsonSetting(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/**
 * Problems of the deploy's digests (`todo-events:imageDigests`), reported at
 * that key so a bad one is not taken for a mistake in the stack file.
 */
function deployDigestProblems(raw: unknown, imageDigests: unknown): ConfigProblem[] {
  if (imageDigests === undefined) return [];
  const services = Object.entries(mergeWithDefaults((isPlainObject(raw) ? raw : {}) as PlatformConfig).services ?? {})
    .filter(([, s]) => s !== null)
    .map(([name]) => name);
  return imageDigestProblems(imageDigests, `${PROJECT}:${IMAGE_DIGESTS_CONFIG_KEY}`, services);
}

/**
 * Validates a raw platform config (and the deploy's image digests, merged over
 * its `images.digests`) and resolves it, or throws one error listing every problem.
 */
export function platformFromConfig(stack: string, raw: unknown, source = `stack ${stack}`, imageDigests?: unknown): PlatformSpec {
  const problems = [...validatePlatform(raw), ...deployDigestProblems(raw, imageDigests)];
  if (problems.length > 0) throw new PlatformConfigError(source, problems);
  const config = raw as PlatformConfig;
  const digests = imageDigests as Record<string, string> | undefined;
  return resolvePlatform(
    stack,
    digests ? { ...config, images: { ...config?.images, digests: { ...config?.images?.digests, ...digests } } } : config,
  );
}

/** A stack without a file: names the stacks that exist, the likely one first. */
function unknownStack(stack: string, dir: string, file: string): PlatformConfigError {
  const stacks = existsSync(dir) ? listStacks(dir) : [];
  const guess = closest(stack, stacks);
  const existing = stacks.length === 0 ? `${dir} has no Pulumi.<stack>.yaml at all` : `the stacks here are ${stacks.join(', ')}`;
  return new PlatformConfigError(file, [
    {
      path: '(file)',
      message: `does not exist: there is no stack ${JSON.stringify(stack)}`,
      fix: `${guess ? `did you mean ${JSON.stringify(guess)}? ` : ''}${existing}; a new stack starts with \`pulumi stack init ${stack}\` and a config: section in its file`,
    },
  ]);
}

/** Loads, validates and resolves the platform spec of one stack (with the digests a deploy set in its file). */
export function loadPlatform(stack: string, dir = process.cwd()): PlatformSpec {
  const file = stackFile(dir, stack);
  if (!existsSync(file)) throw unknownStack(stack, dir, file);
  const { platform, imageDigests } = readStackSettings(file);
  return platformFromConfig(stack, platform, file, imageDigests);
}
