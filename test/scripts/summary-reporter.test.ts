import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../scripts/local/paths.js';
import { skippedSuitesLine } from '../support/summary-reporter.js';

describe('the line naming the skipped suites', () => {
  it('groups the suites by why they were skipped', () => {
    expect(
      skippedSuitesLine([
        {
          name: 'SASL/SCRAM on the local broker',
          reason: 'need the local Kafka broker and PostgreSQL (.local/env does not exist; run npm run local:up)',
        },
        { name: 'the rules under promtool', reason: 'need promtool on PATH (install it with apt-get install prometheus)' },
        {
          name: 'the audit service',
          reason: 'need the local Kafka broker and PostgreSQL (.local/env does not exist; run npm run local:up)',
        },
      ]),
    ).toBe(
      'jest: skipped 3 suites; need the local Kafka broker and PostgreSQL (.local/env does not exist; run npm run local:up): SASL/SCRAM on the local broker, the audit service; ' +
        'need promtool on PATH (install it with apt-get install prometheus): the rules under promtool',
    );
    expect(skippedSuitesLine([])).toBeUndefined();
  });

  it('is printed once by npm test when the broker is not running', () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-broker-'));
    try {
      const result = spawnSync(
        process.execPath,
        [
          '--experimental-vm-modules',
          'node_modules/jest/bin/jest.js',
          '--runInBand',
          'test/local/sasl.test.ts',
          'test/local/admin-user.test.ts',
        ],
        {
          cwd: REPO_ROOT,
          env: { ...process.env, CI: '', TODO_EVENTS_LOCAL_DIR: join(empty, '.local') },
          encoding: 'utf8',
          timeout: 120_000,
        },
      );
      expect(result.status).toBe(0);
      const lines = result.stderr.split('\n').filter((line) => line.includes('skip'));
      const summary = lines.filter((line) => line.startsWith('jest: skipped '));
      expect(summary).toHaveLength(1);
      expect(
        summary[0]!.startsWith(
          `jest: skipped 2 suites; need the local Kafka broker and PostgreSQL (${join(empty, '.local', 'env')} does not exist; run npm run local:up): `,
        ),
      ).toBe(true);
      expect(summary[0]).toContain('SASL/SCRAM on the local broker');
      expect(summary[0]).toContain('the admin user platform-admin is a superuser on the SASL listener');
      expect(result.stderr).not.toContain('skipped: ');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  }, 150_000);
});
