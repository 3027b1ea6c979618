/**
 * The environment of a service started on a developer machine: the files
 * `npm run local:up` writes (`.local/env`, `.local/users/<app id>.env`,
 * `.local/services/<name>.env`) with the process environment over them, so
 * any variable can still be overridden on the command line.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SERVICE_ENV } from '../../platform/index.js';
import type { Env } from './env-reader.js';
import { defaultServiceSpec } from './platform-defaults.js';

/** `KEY=VALUE` lines; `#` comments and blank lines ignored; surrounding quotes removed. */
export function parseEnvFile(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (line.trimStart().startsWith('#')) continue;
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (match) vars[match[1]!] = match[2]!.replace(/^(['"])(.*)\1$/, '$2');
  }
  return vars;
}

/**
 * Variable naming the folder of the local environment's files, for a second
 * environment beside the usual one (its own broker, database and ports).
 * @default `<working directory>/.local`
 */
export const LOCAL_DIR_ENV = 'TODO_EVENTS_LOCAL_DIR';

/** The folder `npm run local:up` writes its files into: `$TODO_EVENTS_LOCAL_DIR`, else `<cwd>/.local`. */
export function localDir(env: Env = process.env, cwd = process.cwd()): string {
  const dir = env[LOCAL_DIR_ENV];
  return dir ? resolve(cwd, dir) : join(cwd, '.local');
}

/** Where `local:up` writes one service's own settings (its `PORT`, the websocket token key). */
export function serviceEnvFile(dir: string, name: string): string {
  return join(dir, 'services', `${name}.env`);
}

function readIfPresent(file: string): Record<string, string> | undefined {
  return existsSync(file) ? parseEnvFile(readFileSync(file, 'utf8')) : undefined;
}

/** What `localServiceEnvironment` decided, for the start-up log. */
export interface LocalEnvironment {
  readonly env: Env;
  /** One sentence per file read or default applied. */
  readonly notes: readonly string[];
}

/**
 * The environment of service `name`. Without `<dir>/env` it is `env`
 * unchanged (a container). With it: the local files (shared settings, the
 * service's Kafka user, the service's own port and keys), then `env` over
 * them; a service whose spec mode is `dapr` consumes directly (no sidecar
 * runs locally) and the notification service logs reminders unless a webhook
 * is set.
 * @param dir @default `localDir(env)`: `$TODO_EVENTS_LOCAL_DIR`, else `<cwd>/.local`
 */
export function localServiceEnvironment(name: string, env: Env = process.env, dir = localDir(env)): LocalEnvironment {
  const spec = defaultServiceSpec(name);
  const localFile = join(dir, 'env');
  const userFile = join(dir, 'users', `${spec.appId}.env`);
  const ownFile = serviceEnvFile(dir, name);
  const local = readIfPresent(localFile);
  if (local === undefined) return { env: { ...env }, notes: [] };
  const user = readIfPresent(userFile);
  const own = readIfPresent(ownFile);
  const read = [localFile, ...(user ? [userFile] : []), ...(own ? [ownFile] : [])];
  const notes = [`read ${read.slice(0, -1).join(', ')}${read.length > 1 ? ' and ' : ''}${read.at(-1)}`];
  const merged: Record<string, string | undefined> = { ...local, ...user, ...own, ...env };
  if (merged[SERVICE_ENV.mode] === undefined && spec.mode === 'dapr') {
    merged[SERVICE_ENV.mode] = 'kafka';
    notes.push(`no Dapr sidecar runs locally: ${SERVICE_ENV.mode}=kafka (set ${SERVICE_ENV.mode}=dapr to take deliveries over HTTP)`);
  }
  if (name === 'notification' && merged.NOTIFY_WEBHOOK_URL === undefined && merged.NOTIFIER === undefined) {
    merged.NOTIFIER = 'log';
    notes.push('NOTIFY_WEBHOOK_URL is not set: NOTIFIER=log');
  }
  return { env: merged, notes };
}
