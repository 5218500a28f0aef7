// `npm start`'s entry. Loading the launcher's modules takes about 2.5 s of one core, and webpack
// about 2 s more: the workflow bundle starts first, on a thread of its own (the other core, or the
// cache: worker/workflow-bundle-cache.ts), and the rest loads meanwhile (launch.ts).
import { bundleOnThread } from './bundle-on-thread.js';

const bundling = process.env.WORKFLOW_BUNDLE_PATH ? undefined : bundleOnThread();
bundling?.catch(() => undefined); // awaited by launch(); a failure is reported there
const { launch } = await import('./launch.js');
await launch(bundling);
