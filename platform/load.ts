/**
 * Reads a stack's platform spec from `Pulumi.<stack>.yaml`, the same file
 * `pulumi up` reads, so an environment is written once.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import type { PlatformConfig } from './config.js';
import { PLATFORM_CONFIG_KEY, PROJECT } from './defaults.js';
import { PlatformConfigError, type ConfigProblem } from './errors.js';
import { IMAGE_DIGESTS_CONFIG_KEY, imageDigestProblems } from './images.js';
import { isPlainObject } from './merge.js';
import { mergeWithDefaults, resolvePlatform } from './resolve.js';
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
  if (doc.errors.length > 0) {
    throw new PlatformConfigError(
      file,
      doc.errors.map((e) => ({
        path: `(line ${e.linePos?.[0]?.line ?? '?'})`,
        message: e.message.split('\n')[0]!,
        fix: 'fix the YAML syntax (duplicate keys are not allowed)',
      })),
    );
  }
  const root = (doc.toJS() ?? {}) as { config?: Record<string, unknown> };
  const digests = root.config?.[`${PROJECT}:${IMAGE_DIGESTS_CONFIG_KEY}`];
  return { platform: root.config?.[PLATFORM_CONFIG_KEY] ?? {}, imageDigests: parseJsonSetting(digests) };
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

/** Loads, validates and resolves the platform spec of one stack (with the digests a deploy set in its file). */
export function loadPlatform(stack: string, dir = process.cwd()): PlatformSpec {
  const file = stackFile(dir, stack);
  const { platform, imageDigests } = readStackSettings(file);
  return platformFromConfig(stack, platform, file, imageDigests);
}
