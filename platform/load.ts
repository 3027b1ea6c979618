/**
 * Reads a stack's platform spec from `Pulumi.<stack>.yaml`, the same file
 * `pulumi up` reads, so an environment is written once.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import type { PlatformConfig } from './config.js';
import { PLATFORM_CONFIG_KEY } from './defaults.js';
import { PlatformConfigError } from './errors.js';
import { resolvePlatform } from './resolve.js';
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
  if (!existsSync(file)) {
    throw new PlatformConfigError(file, [
      { path: '(file)', message: 'does not exist', fix: 'create it with `pulumi stack init <stack>` and a `config:` section' },
    ]);
  }
  const doc = parseDocument(readFileSync(file, 'utf8'), { uniqueKeys: true });
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
  return root.config?.[PLATFORM_CONFIG_KEY] ?? {};
}

/** Validates a raw platform config and resolves it, or throws one error listing every problem. */
export function platformFromConfig(stack: string, raw: unknown, source = `stack ${stack}`): PlatformSpec {
  const problems = validatePlatform(raw);
  if (problems.length > 0) throw new PlatformConfigError(source, problems);
  return resolvePlatform(stack, raw as PlatformConfig);
}

/** Loads, validates and resolves the platform spec of one stack. */
export function loadPlatform(stack: string, dir = process.cwd()): PlatformSpec {
  const file = stackFile(dir, stack);
  return platformFromConfig(stack, readStackConfig(file), file);
}
