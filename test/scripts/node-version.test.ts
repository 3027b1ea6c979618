/**
 * The wrong Node.js is stopped at the door: every entry point loads
 * platform/require-node.cjs first, and npm itself refuses to install.
 * With an older Node.js on this machine (Debian's /usr/bin/node is 20), the
 * commands a newcomer types first are run on it and must each exit within
 * 2 seconds with the one line that names Node 22.22 and the fix.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeVersionProblem, REQUIRED_NODE } from '../../platform/require-node.cjs';
import { REPO_ROOT } from '../../scripts/local/paths.js';
import { recordSkippedSuite } from '../support/skipped-suites.js';

const read = (file: string) => readFileSync(join(REPO_ROOT, file), 'utf8');
const pkg = JSON.parse(read('package.json')) as { engines: { node: string }; scripts: Record<string, string> };

describe('the Node.js version check', () => {
  it('names Node 22.22 and the fix for an older release, and passes 22.22 and newer', () => {
    expect(nodeVersionProblem('20.20.2', '/usr/bin/node')).toBe(
      'This project needs Node.js 22.22 or newer, but this is Node.js 20.20.2 (/usr/bin/node): ' +
        'run `. scripts/node22.sh` in this shell (once per new shell), then run the command again.',
    );
    expect(nodeVersionProblem('22.21.9')).toContain('needs Node.js 22.22 or newer');
    for (const version of ['22.22.0', '22.23.3', '23.0.0', '24.1.0']) expect(nodeVersionProblem(version)).toBeUndefined();
  });

  it('agrees with package.json engines, .nvmrc, .node-version, scripts/node22.sh and .npmrc', () => {
    expect(pkg.engines.node).toBe(`>=${REQUIRED_NODE.major}.${REQUIRED_NODE.minor}.0`);
    for (const file of ['.nvmrc', '.node-version']) {
      const version = read(file).trim();
      expect([file, version.split('.')[0], nodeVersionProblem(version)]).toEqual([file, String(REQUIRED_NODE.major), undefined]);
    }
    expect(read('scripts/node22.sh')).toContain(`a>${REQUIRED_NODE.major}||(a===${REQUIRED_NODE.major}&&b>=${REQUIRED_NODE.minor})`);
    expect(read('.npmrc').split('\n')).toContain('engine-strict=true');
  });

  it('runs first in every npm script that runs the code, and in every entry file', () => {
    const unguarded = Object.entries(pkg.scripts)
      .filter(([name]) => name !== 'doctor')
      .filter(
        ([, command]) =>
          !command.startsWith('node --require ./platform/require-node.cjs ') && !command.startsWith('node platform/require-node.cjs && '),
      )
      .map(([name]) => name);
    expect(unguarded).toEqual([]);
    const entries = [
      'services/run.ts',
      'services/websocket/mint-token.ts',
      'services/websocket/ws-client.ts',
      'scripts/local/up.ts',
      'scripts/local/down.ts',
      'scripts/local/publish.ts',
      'scripts/k8s/up.ts',
      'scripts/k8s/down.ts',
      'charts/synth.ts',
      'bench/services.ts',
      'bench/synth.ts',
    ];
    for (const file of entries) {
      const firstImport = read(file)
        .split('\n')
        .find((line) => line.startsWith('import '));
      expect([file, firstImport]).toEqual([file, expect.stringMatching(/^import '(\.\.\/)+platform\/require-node\.cjs';$/)]);
    }
    expect(read('jest.config.js')).toContain("import './platform/require-node.cjs';");
  });
});

/** Debian's Node.js, when it is older than the floor: the one to try the commands with. */
const OLD_NODE = '/usr/bin/node';
const oldNode = (() => {
  if (!existsSync(OLD_NODE) || !existsSync('/usr/bin/npm')) return undefined;
  const version = spawnSync(OLD_NODE, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim();
  return nodeVersionProblem(version) === undefined ? undefined : version;
})();

const describeOnOldNode = oldNode ? describe : describe.skip;
if (!oldNode)
  recordSkippedSuite('on an older Node.js', `need a Node.js older than 22.22 at ${OLD_NODE} with npm (Debian's nodejs and npm)`);

describeOnOldNode(`on an older Node.js (${oldNode ?? 'none'} at ${OLD_NODE})`, () => {
  it.each([['local:up'], ['service -- audit'], ['test'], ['synth'], ['mint-token -- user-1']])(
    '`npm run %s` exits within 2 seconds with the one line naming Node 22.22 and the fix',
    (command) => {
      const started = Date.now();
      // Only Debian's Node on PATH, as in a shell where scripts/node22.sh was not sourced.
      const result = spawnSync('/bin/sh', ['-c', `npm run --silent ${command}`], {
        cwd: REPO_ROOT,
        env: { HOME: process.env.HOME, PATH: '/usr/bin:/bin' },
        encoding: 'utf8',
        timeout: 10_000,
      });
      const seconds = (Date.now() - started) / 1000;
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(`${nodeVersionProblem(oldNode!, OLD_NODE)}\n`);
      expect(result.stdout).toBe('');
      expect(seconds).toBeLessThan(2);
    },
  );

  it('makes npm refuse to install the packages (engine-strict)', () => {
    const result = spawnSync('/bin/sh', ['-c', 'npm install --dry-run --ignore-scripts --no-audit --no-fund'], {
      cwd: REPO_ROOT,
      env: { HOME: process.env.HOME, PATH: '/usr/bin:/bin' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('EBADENGINE');
  });
});
