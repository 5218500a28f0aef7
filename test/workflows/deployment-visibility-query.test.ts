// The deployment list's visibility queries against a real Temporal server: a service name with a
// quote finds its own deployment, and injection attempts (quotes, a trailing backslash) are
// accepted as plain values and find nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDeployments } from '../../api/deployments/deployment-list.js';
import { connectClient } from '../support/temporal.js';
import { deploymentInput, startStubWorker, type StubHarness } from './stub-worker.js';

describe('deployment list visibility query (stub activities)', () => {
  let harness: StubHarness;
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  beforeAll(async () => {
    harness = await startStubWorker('wf-visibility');
    temporal = await connectClient();
  });
  afterAll(async () => {
    await temporal?.close();
    await harness?.close();
  });

  it('matches hostile values literally', async () => {
    const { target } = deploymentInput('unused');
    const service = `o'brien-${Date.now()}`;
    const handle = await harness.start({}, { target: { ...target, cluster: 'quote-cluster', service } });
    await harness.waitFor(handle, (s) => s.status === 'DEPLOYMENT_READY');
    const list = (value: string) => listDeployments(temporal.client, { service: value, limit: 10 }, undefined);
    await expect
      .poll(async () => (await list(`quote-cluster/${service}`)).map((d) => d.deploymentId), { timeout: 15_000 })
      .toEqual([handle.workflowId]);
    // Accepted by the server (no parse error) and matching nothing: the clause did not escape its literal.
    await expect(list("quote-cluster/x' OR SwitchyardKind = 'deployment")).resolves.toEqual([]);
    await expect(list('quote-cluster/x\\')).resolves.toEqual([]);
    await expect(list(`quote-cluster/o\\'brien-' OR DeployService = '${service}`)).resolves.toEqual([]);
    await handle.terminate('test done');
  });
});
