import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_RUNBOOK_BASE_URL, SOURCE_REPOSITORY, resolvePlatform } from '../../platform/index.js';
import { REPO_ROOT } from '../../scripts/local/paths.js';

describe('the default runbook links', () => {
  it('point into docs/runbooks of the repository package.json names, on its default branch', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { repository: { url: string } };
    expect(pkg.repository.url).toBe(SOURCE_REPOSITORY);
    expect(DEFAULT_RUNBOOK_BASE_URL).toBe(`${SOURCE_REPOSITORY}/blob/HEAD/docs/runbooks`);
    expect(resolvePlatform('t', {}).monitoring.runbookBaseUrl).toBe(DEFAULT_RUNBOOK_BASE_URL);
  });

  it('follow monitoring.runbookBaseUrl where a stack sets it', () => {
    expect(resolvePlatform('t', { monitoring: { runbookBaseUrl: 'https://git.example.com/ops/runbooks' } }).monitoring.runbookBaseUrl).toBe(
      'https://git.example.com/ops/runbooks',
    );
  });
});
