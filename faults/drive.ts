// Takes a deployment to its end the way an operator would: waits for DEPLOYMENT_READY, switches
// through the API (again if the API, the worker or Temporal was away and the switch did not land),
// and waits for a terminal status. Unreachable moments (the suite kills things) are waited out.
import type { ApiClient, Json } from './api-client.js';
import { sleep } from './processes.js';

const TERMINAL = ['COMPLETED', 'FAILED', 'ROLLED_BACK'];

export interface DriveOptions {
  timeoutMs?: number;
  /** Called with every status seen, for triggers that wait on the deployment's progress. */
  onResult?: (result: Json) => void | Promise<void>;
}

export async function driveDeployment(api: ApiClient, id: string, options: DriveOptions = {}): Promise<Json | undefined> {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let last: Json | undefined;
  while (Date.now() < deadline) {
    const result = await api.result(id);
    if (result) {
      last = result;
      await options.onResult?.(result);
      if (TERMINAL.includes(result.status)) return result;
      if (result.status === 'DEPLOYMENT_READY') {
        // 200: switching. Anything else (no worker to take the update yet, the API restarting) is tried again.
        await api.switch(id).catch(() => undefined);
      }
    }
    await sleep(100);
  }
  return last;
}
