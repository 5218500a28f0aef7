// Bundles Switchyard's workflow code ahead of time (`npm run bundle:workflows [out.js]`), for
// WORKFLOW_BUNDLE_PATH: a worker given it starts without bundling (seconds on 2 cores), which is
// also how fast a crashed worker is back. Rebuild it with the code it belongs to (the image does).
import { resolve } from 'node:path';
import { writeWorkflowBundle } from '../worker/workflow-bundle.js';

const out = resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
const started = performance.now();
const bytes = await writeWorkflowBundle(out);
console.log(
  `bundled the workflows into ${out} (${(bytes / 1024).toFixed(0)} KiB) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
