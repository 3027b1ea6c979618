/**
 * Suites skipped because something they need is missing on this machine (the
 * local broker, the API server, promtool, the shared CRDs). Each is recorded
 * here, and the summary reporter (`summary-reporter.js`) prints them all on
 * one line at the end of the run, grouped by reason, instead of a warning per
 * suite lost among jest's output.
 */
import { appendFileSync } from 'node:fs';

/** Variable naming the file the reporter collects skipped suites in; it sets it when the run starts. */
export const SKIPPED_SUITES_ENV = 'TODO_EVENTS_SKIPPED_SUITES';

/**
 * Records that suite `name` is skipped and why. `reason` says what is missing
 * and the command that provides it, and is the same for every suite skipped
 * for that cause (the summary groups by it). Without the reporter (another
 * jest configuration) it warns at once instead.
 */
export function recordSkippedSuite(name: string, reason: string): void {
  const file = process.env[SKIPPED_SUITES_ENV];
  if (file) appendFileSync(file, `${JSON.stringify({ name, reason })}\n`);
  else console.warn(`skipped: ${name}: ${reason}`);
}
