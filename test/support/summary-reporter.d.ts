/** Types of `summary-reporter.js` for the tests that import it. */
export declare function skippedSuitesLine(records: readonly { name: string; reason: string }[]): string | undefined;
export default class SummaryReporter {
  onRunComplete(
    contexts: unknown,
    results: { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number },
  ): void;
}
