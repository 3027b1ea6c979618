/**
 * `npm run drift -- --stack <s> [--format text|markdown|json] [--scope <prefix>]`:
 * the live cluster against the stack's spec: topics missing or extra,
 * partitions, replication, topic-level config overrides (a broker default is
 * never drift), users and ACL grants. Users are SCRAM users, or on Confluent
 * Cloud service accounts, listed through its IAM API
 * (confluent-service-accounts.ts), whose ids its grants name. Extra objects
 * are reported, never touched; nothing on the cluster changes. Connection: the
 * services' variables from the environment, or `.local/env`
 * (scripts/changes/connection.ts).
 * Exit code 0 when the cluster matches, 2 when it drifted, 1 when it could not be compared.
 */
import { existsSync } from 'node:fs';
import { loadPlatform, PlatformConfigError, serviceAccountPrefix, stackFile } from '../../platform/index.js';
import {
  compareWithCluster,
  DRIFT_SIDES,
  exitCode,
  renderReport,
  type LiveCluster,
  type StackReport,
} from '../../platform/changes/index.js';
import { LOCAL_ENV, readEnvFile } from '../local/env-files.js';
import { LOCAL_PATHS } from '../local/paths.js';
import { reportFormat, runCommand, runWhenMain, stackDir, UsageError } from './cli.js';
import { serviceAccountsFromEnv, type ServiceAccountLookup } from './confluent-service-accounts.js';
import { adminConnection, ConnectionSettingsError } from './connection.js';
import { readCluster } from './read-cluster.js';

export const DRIFT_USAGE = [
  'usage: npm run drift -- --stack <name> [--format text|markdown|json] [--scope <prefix>] [--dir <dir>]',
  '  The live cluster (KAFKA_BOOTSTRAP_SERVERS, KAFKA_USERNAME, KAFKA_PASSWORD, ... or .local/env) against the',
  "  stack's spec. --scope: on a shared cluster, report extra topics, users and grants only under this name prefix.",
  '  Confluent Cloud: its service accounts are read with CONFLUENT_CLOUD_API_KEY and CONFLUENT_CLOUD_API_SECRET.',
  '  Exit 0: no drift; 2: drift; 1: not compared. Read only.',
].join('\n');

export interface DriftOptions {
  readonly stack: string;
  readonly dir: string;
  readonly scope?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** @default `.local/env` of this repository */
  readonly localEnvFile?: string;
  /**
   * Confluent Cloud only: lists the organization's service accounts.
   * @default Confluent Cloud's IAM API with the Cloud API key of `CONFLUENT_CLOUD_API_KEY` and `CONFLUENT_CLOUD_API_SECRET`
   */
  readonly serviceAccounts?: ServiceAccountLookup;
}

/** The drift report of one stack. Connection and spec problems are reported, not thrown. */
export async function drift(options: DriftOptions): Promise<StackReport> {
  const { stack } = options;
  let spec;
  try {
    spec = loadPlatform(stack, options.dir);
  } catch (error) {
    if (!(error instanceof PlatformConfigError)) throw error;
    return { stack, compared: 'of the live cluster', changes: [], findings: [], problems: [error.message], notes: [] };
  }
  let connection;
  try {
    connection = adminConnection(spec, options.env, options.localEnvFile);
  } catch (error) {
    if (!(error instanceof ConnectionSettingsError)) throw error;
    return { stack, compared: 'of the live cluster', changes: [], findings: [], problems: [error.message], notes: [] };
  }
  const where = `of the live cluster at ${connection.kafka.bootstrapServers.join(',')} as ${connection.kafka.username} (settings from ${connection.source})`;
  const failed = (problem: string): StackReport => ({
    stack,
    compared: where,
    changes: [],
    findings: [],
    problems: [problem],
    notes: connection.notes,
  });
  // Confluent Cloud's users are service accounts, and its grants name them by id: only its IAM API maps ids to names.
  let serviceAccounts: ServiceAccountLookup | undefined;
  if (spec.cluster.flavor === 'confluent-cloud') {
    try {
      serviceAccounts = options.serviceAccounts ?? serviceAccountsFromEnv(options.env ?? process.env);
    } catch (error) {
      if (!(error instanceof ConnectionSettingsError)) throw error;
      return failed(error.message);
    }
  }
  const notes = [...connection.notes];
  let live: LiveCluster;
  try {
    live = await readCluster(connection);
  } catch (error) {
    return failed(`reading the cluster failed: ${(error as Error).message}`);
  }
  if (serviceAccounts) {
    try {
      live = { ...live, serviceAccounts: await serviceAccounts() };
    } catch (error) {
      return failed((error as Error).message);
    }
    notes.push(
      `users are compared as the service accounts ${serviceAccountPrefix(spec)}<user> of Confluent Cloud's IAM API, grants by their principals User:<service account id>`,
    );
  }
  if (options.scope !== undefined)
    notes.push(`objects outside the spec are reported only when their name starts with ${JSON.stringify(options.scope)}`);
  return { stack, compared: where, changes: compareWithCluster(spec, live, { scope: options.scope }), findings: [], problems: [], notes };
}

/** The stack of the running local broker, when `.local/env` exists: the default of `--stack`. */
function localStack(): string | undefined {
  return existsSync(LOCAL_PATHS.envFile) ? readEnvFile(LOCAL_PATHS.envFile)[LOCAL_ENV.stack] : undefined;
}

export async function main(argv: readonly string[]): Promise<number> {
  return runCommand(argv, { scope: { type: 'string' } }, DRIFT_USAGE, async (args) => {
    const format = reportFormat(args.values.format);
    const dir = stackDir(args.values.dir);
    const stacks = args.values.stack ?? [];
    if (stacks.length > 1) throw new UsageError('give one --stack: drift reads one cluster');
    const stack = stacks[0] ?? localStack();
    if (!stack) throw new UsageError('give --stack <name>');
    if (!existsSync(stackFile(dir, stack))) throw new UsageError(`${stackFile(dir, stack)} does not exist`);
    const report = await drift({ stack, dir, scope: args.values.scope });
    process.stdout.write(renderReport([report], format, { kind: 'drift', sides: DRIFT_SIDES }));
    return exitCode([report]);
  });
}

runWhenMain(import.meta.url, main);
