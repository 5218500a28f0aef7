// The workflow code bundled ahead of time, for WORKFLOW_BUNDLE_PATH (scripts/bundle-workflows.ts,
// the image, and the suites that start and kill worker processes).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { bundleWorkflowCode, type Logger } from '@temporalio/worker';
import { WORKFLOW_INTERCEPTOR_MODULES, WORKFLOWS_PATH } from './worker.js';

/** The bundle of workflows/ with the interceptor modules every worker runs. */
export async function bundleWorkflows(logger?: Logger): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
    ...(logger ? { logger } : {}),
  });
  return code;
}

/** Writes the bundle of workflows/ to `path`; returns its size in bytes. */
export async function writeWorkflowBundle(path: string): Promise<number> {
  const code = await bundleWorkflows();
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, code);
  return code.length;
}
