/**
 * `npm run drift -- --stack <s> [--format text|markdown|json] [--scope <prefix>]`:
 * the live cluster against the stack's spec: topics missing or extra,
 * partitions, replication, topic-level config overrides (a broker default is
 * never drift), SCRAM users and ACL grants. Extra objects are reported, never
 * touched; nothing on the cluster changes. Connection: the services'
 * variables from the environment, or `.local/env` (scripts/changes/connection.ts).
 * Exit code 0 when the cluster matches, 2 when it drifted, 1 when it could not be compared.
 */
import { existsSync } from 'node:fs';
import { loadPlatform, PlatformConfigError, stackFile } from '../../platform/index.js';
import { compareWithCluster, DRIFT_SIDES, exitCode, renderReport, type StackReport } from '../../platform/changes/index.js';
import { LOCAL_ENV, readEnvFile } from '../local/env-files.js';
import { LOCAL_PATHS } from '../local/paths.js';
import { parseCommandLine, reportFormat, runWhenMain, stackDir, UsageError } from './cli.js';
import { adminConnection, ConnectionSettingsError } from './connection.js';
import { readCluster } from './read-cluster.js';

export const DRIFT_USAGE = [
  'usage: npm run drift -- --stack <name> [--format text|markdown|json] [--scope <prefix>] [--dir <dir>]',
  '  The live cluster (KAFKA_BOOTSTRAP_SERVERS, KAFKA_USERNAME, KAFKA_PASSWORD, ... or .local/env) against the',
  "  stack's spec. --scope: on a shared cluster, report extra topics, users and grants only under this name prefix.",
  '  Exit 0: no drift; 2: drift; 1: not compared. Read only.',
].join('\n');

export interface DriftOptions {
  readonly stack: string;
  readonly dir: string;
  readonly scope?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** @default `.local/env` of this repository */
  readonly localEnvFile?: string;
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
  try {
    const live = await readCluster(connection);
    const notes = [...connection.notes];
    if (options.scope !== undefined)
      notes.push(`objects outside the spec are reported only when their name starts with ${JSON.stringify(options.scope)}`);
    return { stack, compared: where, changes: compareWithCluster(spec, live, { scope: options.scope }), findings: [], problems: [], notes };
  } catch (error) {
    return {
      stack,
      compared: where,
      changes: [],
      findings: [],
      problems: [`reading the cluster failed: ${(error as Error).message}`],
      notes: connection.notes,
    };
  }
}

/** The stack of the running local broker, when `.local/env` exists: the default of `--stack`. */
function localStack(): string | undefined {
  return existsSync(LOCAL_PATHS.envFile) ? readEnvFile(LOCAL_PATHS.envFile)[LOCAL_ENV.stack] : undefined;
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    const args = parseCommandLine(argv, { scope: { type: 'string' } });
    if (args.values.help) {
      console.log(DRIFT_USAGE);
      return 0;
    }
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
  } catch (error) {
    if (error instanceof UsageError) console.error(`${error.message}\n${DRIFT_USAGE}`);
    else console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
}

runWhenMain(import.meta.url, main);
