// One real Temporal dev server for the whole test run, started from the provisioned CLI binary,
// with the project's search attributes; and the workflow code bundled once for every test worker.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TestProject } from 'vitest/node';
import { SEARCH_ATTRIBUTES } from '../common/search-attributes.js';
import { findTemporalCli, HOW_TO_INSTALL_TEMPORAL } from '../scripts/temporal-binaries.mjs';
import { devServerDynamicConfigArgs } from '../common/temporal/dynamic-config.js';
import { bundleWorkflows } from '../worker/workflow-bundle.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
    workflowBundlePath: string;
  }
}

export default async function setup(project: TestProject) {
  const cli = findTemporalCli();
  if (!cli) throw new Error(`${HOW_TO_INSTALL_TEMPORAL}\n(run \`npm run setup\`)`);
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: cli.path },
      searchAttributes: SEARCH_ATTRIBUTES,
      extraArgs: devServerDynamicConfigArgs(),
      log: { format: 'pretty', level: 'error' },
    },
  });
  const bundleDir = mkdtempSync(join(tmpdir(), 'switchyard-bundle-'));
  const bundlePath = join(bundleDir, 'workflow-bundle.js');
  writeFileSync(bundlePath, await bundleWorkflows(quietBundlerLogger));

  project.provide('temporalAddress', env.address);
  project.provide('temporalNamespace', env.namespace ?? 'default');
  project.provide('workflowBundlePath', bundlePath);

  return async () => {
    await env.teardown();
    rmSync(bundleDir, { recursive: true, force: true });
  };
}

const quietBundlerLogger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};
