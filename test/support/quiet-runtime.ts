// The Temporal worker runtime of a test process, installed once, showing only errors: the tests'
// failing, abandoned and replayed activities and workers are expected, and at the default levels
// each would print INFO and WARN lines into the test log.
import { DefaultLogger, Runtime } from '@temporalio/worker';

let installed = false;

export function installQuietRuntime(): void {
  // A test that installs its own runtime first (test/runtime-logger.test.ts) keeps it.
  if (installed || Runtime._instance) return;
  installed = true;
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    shutdownSignals: [],
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
  });
}
