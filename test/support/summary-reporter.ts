import type { Reporter, TestModule } from 'vitest/node';

// Prints one plain closing line after vitest's own summary:
//   vitest: 425 passed, 0 failed, 3 skipped
// Vitest's summary ("Tests  425 passed (425)") is a table meant for people; CI log readers that
// know no vitest look for the language-neutral "N passed, N failed" line, alone on the last line.
// The counts come from vitest's own results for every test case of every module, so they are
// the same numbers as its summary.
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const testModule of testModules) {
      for (const testCase of testModule.children.allTests()) {
        const state = testCase.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else skipped += 1;
      }
      // A module that failed to load (syntax error, failing beforeAll) has no passing tests but
      // must still count as a failure.
      if (testModule.state() === 'failed' && ![...testModule.children.allTests()].some((t) => t.result().state === 'failed')) {
        failed += 1;
      }
    }
    failed += unhandledErrors.length;
    process.stdout.write(`\nvitest: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
