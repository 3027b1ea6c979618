/**
 * `npm run adopt -- --stack <s> [--write] [--format text|markdown|json]`:
 * brings topics, users and grants that already exist on an external cluster
 * (made by hand, `rpk topic create task-events --partitions 3`) under the
 * stack instead of letting the first `pulumi up` fail with "already exists".
 *
 * It reads the live cluster, shows what adoption changes (live value → spec
 * value, the guard rails included: a live topic with more partitions than
 * the spec is refused, since Pulumi would replace it), and with `--write`
 * records what to import under `todo-events:adopt` in the stack file. The
 * next `pulumi up` imports those topics and ACL bindings (the `import`
 * resource option, infra/adoption.ts) and then makes them what the spec
 * says; their messages stay. Exit code 0 when there is nothing to adopt, 2
 * when there is, 1 when refused or not comparable.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { loadPlatform, PlatformConfigError, PROJECT, stackFile, type PlatformSpec } from '../../platform/index.js';
import {
  ADOPT_CONFIG_KEY,
  adoptionRecord,
  exitCode,
  planAdoption,
  renderReport,
  stackExitCode,
  type AdoptionPlan,
  type AdoptionRecord,
  type ExistingGrant,
  type StackReport,
} from '../../platform/changes/index.js';
import { reportFormat, runCommand, runWhenMain, stackDir, UsageError } from './cli.js';
import { adminConnection, ConnectionSettingsError } from './connection.js';
import { readCluster } from './read-cluster.js';

export const ADOPT_USAGE = [
  'usage: npm run adopt -- --stack <name> [--write] [--format text|markdown|json] [--dir <dir>]',
  "  What adopting the external cluster's existing topics, users and grants changes; --write records the",
  `  imports under ${PROJECT}:${ADOPT_CONFIG_KEY} in Pulumi.<stack>.yaml for the next pulumi up. Exit 0: nothing to adopt; 2: adoption; 1: refused.`,
].join('\n');

export interface AdoptOptions {
  readonly stack: string;
  readonly dir: string;
  /** Write the record into the stack file (when nothing is refused). @default false */
  readonly write?: boolean;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly localEnvFile?: string;
  /** @default now */
  readonly now?: Date;
}

export interface AdoptResult {
  readonly report: StackReport;
  readonly plan?: AdoptionPlan;
  readonly record?: AdoptionRecord;
  /** Whether the stack file was written. */
  readonly written: boolean;
}

/** @pulumi/kafka's import id of each spec grant, keyed like the plan's grants (the program's own bindings). */
async function grantImportIds(spec: PlatformSpec): Promise<(grant: ExistingGrant) => string> {
  // Loaded here: the Pulumi SDK is heavy, and only adoption needs the provider's spelling.
  const [{ aclBindings }, { aclImportId }] = await Promise.all([
    import('../../infra/external-kafka.js'),
    import('../../infra/adoption.js'),
  ]);
  const ids = new Map<string, string>();
  for (const binding of aclBindings(spec)) {
    const a = binding.args;
    const key = [
      a.aclPrincipal,
      String(a.aclResourceType).toLowerCase(),
      String(a.resourcePatternTypeFilter).toLowerCase(),
      a.aclResourceName,
      a.aclOperation,
    ];
    ids.set(key.join('|'), aclImportId(a));
  }
  return (grant) => {
    const id = ids.get([`User:${grant.user}`, grant.acl.resourceType, grant.acl.patternType, grant.acl.name, grant.operation].join('|'));
    if (!id)
      throw new Error(`no ACL binding of the program matches ${grant.user} ${grant.operation} ${grant.acl.resourceType} ${grant.acl.name}`);
    return id;
  };
}

/** Writes `record` under `todo-events:adopt` in the stack file, keeping everything else (comments included). */
export function writeAdoptionRecord(file: string, record: AdoptionRecord): void {
  const doc = parseDocument(readFileSync(file, 'utf8'));
  doc.setIn(['config', `${PROJECT}:${ADOPT_CONFIG_KEY}`], doc.createNode(record));
  writeFileSync(file, doc.toString());
}

function notesOf(plan: AdoptionPlan, record: AdoptionRecord): string[] {
  const notes: string[] = [];
  const topics = Object.keys(record.topics);
  if (topics.length > 0) notes.push(`imports ${topics.length} existing topic(s) with their messages: ${topics.join(', ')}`);
  if (record.acls.length > 0) notes.push(`imports ${record.acls.length} existing ACL binding(s)`);
  if (plan.existingUsers.length > 0) {
    notes.push(
      `${plan.existingUsers.join(', ')} already exist: their SCRAM credential is rewritten with the stack's generated password (clients using the old one must switch to the Secret)`,
    );
  }
  if (plan.untouchedTopics.length > 0) notes.push(`left alone (not in the spec): ${plan.untouchedTopics.join(', ')}`);
  return notes;
}

/** Plans the adoption of the stack's external cluster, and writes the record when asked and allowed. */
export async function adopt(options: AdoptOptions): Promise<AdoptResult> {
  const { stack } = options;
  const failed = (compared: string, problem: string, notes: readonly string[] = []): AdoptResult => ({
    report: { stack, compared, changes: [], findings: [], problems: [problem], notes },
    written: false,
  });
  let spec: PlatformSpec;
  try {
    spec = loadPlatform(stack, options.dir);
  } catch (error) {
    if (!(error instanceof PlatformConfigError)) throw error;
    return failed('of the live cluster', error.message);
  }
  if (spec.cluster.flavor !== 'external') {
    // Loaded here, as below: the program's own words for why its flavor takes no record.
    const refusal = (await import('../../infra/adoption.js')).adoptionRefusal(spec)!;
    return failed('of nothing', `stack ${stack}'s cluster is ${spec.cluster.flavor}: ${refusal.reason}; ${refusal.instead}`);
  }
  let connection;
  try {
    connection = adminConnection(spec, options.env, options.localEnvFile);
  } catch (error) {
    if (!(error instanceof ConnectionSettingsError)) throw error;
    return failed('of the live cluster', error.message);
  }
  const compared = `of the live cluster at ${connection.kafka.bootstrapServers.join(',')} as ${connection.kafka.username} (settings from ${connection.source}): live → spec`;
  let live;
  try {
    live = await readCluster(connection);
  } catch (error) {
    return failed(compared, `reading the cluster failed: ${(error as Error).message}`, connection.notes);
  }
  const plan = planAdoption(spec, live);
  const record = adoptionRecord(plan, options.now ?? new Date(), await grantImportIds(spec));
  const report: StackReport = {
    stack,
    compared,
    changes: plan.changes,
    findings: plan.rails.findings,
    problems: [],
    notes: [...connection.notes, ...notesOf(plan, record)],
  };
  const adopting = Object.keys(record.topics).length > 0 || record.acls.length > 0;
  const written = options.write === true && adopting && stackExitCode(report) !== 1;
  if (written) writeAdoptionRecord(stackFile(options.dir, stack), record);
  const outcome = !options.write
    ? adopting
      ? `run again with --write to record the imports under ${PROJECT}:${ADOPT_CONFIG_KEY}`
      : 'nothing exists yet to adopt: pulumi up creates everything'
    : written
      ? `wrote ${PROJECT}:${ADOPT_CONFIG_KEY} into Pulumi.${stack}.yaml: review it, pulumi up, then remove the key`
      : 'nothing written';
  return { report: { ...report, notes: [...report.notes, outcome] }, plan, record, written };
}

export async function main(argv: readonly string[]): Promise<number> {
  return runCommand(argv, { write: { type: 'boolean', short: 'w' } }, ADOPT_USAGE, async (args) => {
    const format = reportFormat(args.values.format);
    const stacks = args.values.stack ?? [];
    if (stacks.length !== 1) throw new UsageError('give exactly one --stack');
    const { report } = await adopt({ stack: stacks[0]!, dir: stackDir(args.values.dir), write: args.values.write });
    process.stdout.write(renderReport([report], format, { kind: 'adopt' }));
    return exitCode([report]);
  });
}

runWhenMain(import.meta.url, main);
