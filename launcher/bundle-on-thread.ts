// The workflow bundle, made on a worker thread so that webpack and the loading of the launcher's
// own modules use both cores instead of taking turns on one.
import { Worker } from 'node:worker_threads';

export function bundleOnThread(): Promise<{ code: string; cached: boolean }> {
  const thread = new Worker(new URL('./bundle-thread.mjs', import.meta.url));
  return new Promise((resolve, reject) => {
    thread.once('message', resolve);
    thread.once('error', reject);
    thread.once('exit', (code) => reject(new Error(`the workflow bundle's thread exited with code ${code} before answering`)));
  });
}
