// The thread launcher/bundle-on-thread.ts starts: the workflow bundle, cached or made now. A thread
// does not inherit the `--import tsx` of its process, so it registers tsx itself.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';
import { DefaultLogger } from '@temporalio/worker';

register();
const { cachedWorkflowBundle } = await import('../worker/workflow-bundle-cache.ts');
parentPort.postMessage(await cachedWorkflowBundle(new DefaultLogger('WARN')));
