/**
 * The environment of a service started on a developer machine: the files
 * `npm run local:up` writes (`.local/env`, `.local/users/<app id>.env`) with
 * the process environment over them, so any variable can still be overridden
 * on the command line.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
 * The environment of service `name`. Without `<localDir>/env` it is `env`
 * unchanged (a container). With it: the local files, then `env` over them;
 * a service whose spec mode is `dapr` consumes directly (no sidecar runs
 * locally) and the notification service logs reminders unless a webhook is
 * set.
 * @param localDir @default `<cwd>/.local`
 */
export function localServiceEnvironment(name: string, env: Env = process.env, localDir = join(process.cwd(), '.local')): LocalEnvironment {
  const spec = defaultServiceSpec(name);
  const localFile = join(localDir, 'env');
  const userFile = join(localDir, 'users', `${spec.appId}.env`);
  const local = readIfPresent(localFile);
  if (local === undefined) return { env: { ...env }, notes: [] };
  const user = readIfPresent(userFile);
  const notes = [`read ${localFile}${user ? ` and ${userFile}` : ''}`];
  const merged: Record<string, string | undefined> = { ...local, ...user, ...env };
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
