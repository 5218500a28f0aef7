// What the bench's in-process worker bundles: every Switchyard workflow, plus the bench-only
// baseline, so a distribution and its baseline share one server, one worker and one task queue.
export * from '../../workflows/index.js';
export { sixNoOpsWorkflow } from './six-no-ops.js';
