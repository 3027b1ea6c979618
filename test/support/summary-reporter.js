// Jest reporter, listed after 'default': one plain line `jest: N passed, N failed, N skipped`
// after jest's own summary (on stderr, like it), the closing line CI logs are read by.
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stderr.write(`jest: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`);
  }
}
