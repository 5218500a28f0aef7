// Starting a scenario's deployment: POST /deploy, waiting while the service is still held by a
// deployment that has already ended (its release comes late when the worker was just killed).
import { SANDBOX_SERVICE } from '../emulators/sandbox.js';
import type { ApiClient } from './api-client.js';
import { sleep } from './processes.js';
import type { Lane, Stack } from './stack.js';

/** The deployment's id; each wait for an ended deployment to release the service goes in `admissionWaits` (ms). */
export async function deployWhenAdmitted(
  client: ApiClient,
  connection: Stack['connection'],
  lane: Lane,
  main: Lane,
  admissionWaits: number[],
): Promise<string> {
  const since = Date.now();
  let waited = false;
  for (;;) {
    const started = await client.call('POST', '/api/v1/deploy', {
      ...connection,
      owner: SANDBOX_SERVICE.owner,
      repo: SANDBOX_SERVICE.repo,
      branch: 'main',
      ...(lane === main ? {} : { target: lane }),
    });
    if (started.status === 200) {
      if (waited) admissionWaits.push(Date.now() - since);
      return started.body.data.deploymentId as string;
    }
    const holder = started.status === 409 ? (started.body?.runningDeploymentId as string | undefined) : undefined;
    const ended = holder ? ['COMPLETED', 'FAILED', 'ROLLED_BACK'].includes((await client.result(holder))?.status) : false;
    if (!ended || Date.now() - since > 60_000) throw new Error(`deploy refused: ${started.status} ${JSON.stringify(started.body)}`);
    waited = true;
    await sleep(250);
  }
}
