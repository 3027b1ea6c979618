/**
 * The platform specs the monitoring tests run against: the real stack files,
 * plus variants of them differing in named values.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPlatform, platformFromConfig, readStackConfig, stackFile, type PlatformSpec } from '../../../platform/index.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export function stackSpec(stack: string): PlatformSpec {
  return loadPlatform(stack, REPO_ROOT);
}

/** The raw `todo-events:platform` config of a stack file, as a fresh mutable copy. */
export function stackConfig(stack: string): Record<string, unknown> {
  return structuredClone(readStackConfig(stackFile(REPO_ROOT, stack))) as Record<string, unknown>;
}

/** Sets `value` at a dotted `path` of a config object, creating the objects on the way. */
export function setPath(config: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = config;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

/** A config value to change: its path (`['topics', 'task-events', 'expectedMessagesPerSecond']`) and new value. */
export type ConfigEdit = readonly [path: readonly string[], value: unknown];

/** The spec of `stack` with config values changed, validated and resolved like a stack file. */
export function stackSpecWith(stack: string, ...edits: ConfigEdit[]): PlatformSpec {
  const config = stackConfig(stack);
  for (const [path, value] of edits) setPath(config, path, value);
  return platformFromConfig(stack, config);
}
