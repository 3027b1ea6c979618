import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AggregatePlatformError, synth } from '../../charts/synth.js';
import { REPO_ROOT, STACKS } from './fixtures.js';

const TSX = join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const SYNTH = join(REPO_ROOT, 'charts', 'synth.ts');

/** Runs `npm run synth`'s command in `cwd` with this Node (22). */
function runSynth(cwd: string, args: string[] = []) {
  return spawnSync(process.execPath, [TSX, SYNTH, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
}

const BROKEN_STACK = `config:
  todo-events:platform:
    cluster:
      flavor: strimzi
      brokers: 3
      saslMechanism: SCRAM-SHA-256
    topics:
      reminders:
        partitions: 0
        retention: 5 days
    servcies: {}
`;

/** Every file under `dir` with its bytes, by relative path. */
function tree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(out, tree(path, `${prefix}${entry.name}/`));
    else out[`${prefix}${entry.name}`] = readFileSync(path, 'latin1');
  }
  return out;
}

describe('npm run synth', () => {
  let work: string;

  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'synth-'));
    for (const stack of STACKS) copyFileSync(join(REPO_ROOT, `Pulumi.${stack}.yaml`), join(work, `Pulumi.${stack}.yaml`));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('exits 1 listing every problem of a broken stack file and writes nothing, not even the valid stacks', () => {
    writeFileSync(join(work, 'Pulumi.dev.yaml'), BROKEN_STACK);
    const result = runSynth(work);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${join(work, 'Pulumi.dev.yaml')} has 4 problems:`);
    for (const path of [
      'topics.reminders.retention: "5 days" is not a duration',
      'servcies: is not a known setting',
      'cluster.saslMechanism:',
      'topics.reminders.partitions: 0 is not allowed',
    ]) {
      expect(result.stderr).toContain(path);
    }
    expect(result.stderr).toContain('Nothing was written.');
    expect(result.stdout).toBe('');
    expect(existsSync(join(work, 'dist'))).toBe(false);
  });

  it('writes one file per chart for every stack and prints one line per stack', () => {
    const result = runSynth(work);
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([
      // The Confluent Cloud example: no Kafka charts, its objects are Pulumi's (infra/confluent-cloud.ts).
      expect.stringMatching(/^confluent: \d+ objects in \d+ charts \(namespaces 2, dapr 6, services 16\b.*\) -> dist\/confluent$/),
      expect.stringMatching(
        /^dev: \d+ objects in \d+ charts \(namespaces 2, kafka-cluster 1, kafka-topics 4, kafka-users 6, dapr 6, services 16\b.*\) -> dist\/dev$/,
      ),
      expect.stringMatching(/^prod: \d+ objects in \d+ charts \(namespaces 2, dapr 6, services 16\b.*\) -> dist\/prod$/),
      expect.stringMatching(
        /^staging: \d+ objects in \d+ charts \(namespaces 2, kafka-cluster 3, kafka-topics 4, kafka-users 8, .*\) -> dist\/staging$/,
      ),
    ]);
    expect(readdirSync(join(work, 'dist')).sort()).toEqual(['confluent', 'dev', 'prod', 'staging']);
    expect(readdirSync(join(work, 'dist', 'prod'))).toEqual(
      expect.arrayContaining(['dapr.k8s.yaml', 'namespaces.k8s.yaml', 'services.k8s.yaml']),
    );
    expect(readdirSync(join(work, 'dist', 'prod'))).not.toContain('kafka-topics.k8s.yaml');
  });

  it('writes byte-identical output from run to run', () => {
    expect(runSynth(work).status).toBe(0);
    const first = tree(join(work, 'dist'));
    synth({ dir: work, out: 'again' });
    expect(tree(join(work, 'again'))).toEqual(first);
    expect(Object.keys(first).length).toBeGreaterThanOrEqual(15);
  });

  it('writes only the stacks asked for, replacing their folders as a whole', () => {
    mkdirSync(join(work, 'dist', 'dev'), { recursive: true });
    writeFileSync(join(work, 'dist', 'dev', 'stale.k8s.yaml'), 'kind: Stale\n');
    const log: string[] = [];
    synth({ dir: work, stacks: ['dev'], log: (line) => log.push(line) });
    expect(readdirSync(join(work, 'dist'))).toEqual(['dev']);
    expect(readdirSync(join(work, 'dist', 'dev'))).not.toContain('stale.k8s.yaml');
    expect(log).toHaveLength(1);
  });

  it('reports an unknown stack as a missing stack file', () => {
    expect(() => synth({ dir: work, stacks: ['qa'] })).toThrow(AggregatePlatformError);
    expect(() => synth({ dir: work, stacks: ['qa'] })).toThrow(
      `${join(work, 'Pulumi.qa.yaml')} has 1 problem:\n  - (file): does not exist`,
    );
  });

  it('refuses unknown arguments with its usage', () => {
    const result = runSynth(work, ['--stacks', 'dev']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('usage: npm run synth [-- --stack <name> ...] [--out <dir>]');
  });

  it('prints its usage for --help and writes nothing', () => {
    const result = runSynth(work, ['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Writes nothing when a stack is invalid.');
    expect(existsSync(join(work, 'dist', 'prod'))).toBe(false);
  });
});
