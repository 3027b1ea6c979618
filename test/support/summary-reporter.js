// Jest reporter, listed after 'default': after jest's own summary (on stderr, like it), one line naming
// every suite skipped for want of something on this machine and why (test/support/skipped-suites.ts),
// then the closing line CI logs are read by: `jest: N passed, N failed, N skipped`.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Same name as SKIPPED_SUITES_ENV in test/support/skipped-suites.ts. */
const SKIPPED_SUITES_ENV = 'TODO_EVENTS_SKIPPED_SUITES';

/** The one line for the recorded skips, or undefined when none was skipped. */
export function skippedSuitesLine(records) {
  if (records.length === 0) return undefined;
  const byReason = new Map();
  for (const { name, reason } of records) {
    const names = byReason.get(reason) ?? new Set();
    byReason.set(reason, names.add(name));
  }
  const suites = [...byReason.values()].reduce((sum, names) => sum + names.size, 0);
  const groups = [...byReason].map(([reason, names]) => `${reason}: ${[...names].join(', ')}`);
  return `jest: skipped ${suites} suite${suites === 1 ? '' : 's'}; ${groups.join('; ')}`;
}

export default class SummaryReporter {
  constructor() {
    // Set before any test environment exists: each copies process.env when it is created.
    this.skipFile = join(tmpdir(), `todo-events-skipped-suites-${process.pid}-${Date.now()}.jsonl`);
    process.env[SKIPPED_SUITES_ENV] = this.skipFile;
  }

  onRunComplete(_contexts, results) {
    const records = existsSync(this.skipFile)
      ? readFileSync(this.skipFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line))
      : [];
    rmSync(this.skipFile, { force: true });
    const line = skippedSuitesLine(records);
    if (line) process.stderr.write(`${line}\n`);
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stderr.write(`jest: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`);
  }
}
