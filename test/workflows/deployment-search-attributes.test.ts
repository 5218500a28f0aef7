// What a deployment records for visibility: its service's one name, however the target spells it,
// so `GET /api/v1/deployments?service=cluster/service` finds a deployment targeted by ARN.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeployService } from '../../common/search-attributes.js';
import { deploymentInput, startStubWorker, type StubHarness } from './stub-worker.js';

describe('deployment search attributes (stub activities)', () => {
  let harness: StubHarness;
  beforeAll(async () => {
    harness = await startStubWorker('wf-attributes');
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('records DeployService as cluster/service names when the target gives ARNs', async () => {
    const { target } = deploymentInput('unused');
    const handle = await harness.start(
      {},
      {
        target: {
          ...target,
          cluster: 'arn:aws:ecs:ap-northeast-2:123456789012:cluster/stub-cluster',
          service: 'arn:aws:ecs:ap-northeast-2:123456789012:service/stub-cluster/shop',
        },
      },
    );
    await harness.waitFor(handle, (s) => s.status === 'DEPLOYMENT_READY');
    const { typedSearchAttributes } = await handle.describe();
    expect(typedSearchAttributes.get(DeployService)).toBe('stub-cluster/shop');
    await handle.terminate('test done');
  });
});
