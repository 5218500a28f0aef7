// A stage that overruns its limit fails the deployment with the seed's DEPLOYMENT_TIMEOUT,
// naming the stage and the limit. (Temporal timers have a granularity of about a second, so the
// limit here is 1 s and the sandbox build is made slow: branch `slow-build`, 20 steps of 200 ms.)
import { describe, expect, it } from 'vitest';
import { sandboxApiServices } from '../emulators/wiring/services.js';
import type { Json } from './support/http.js';
import { sandboxSuite } from './support/sandbox-suite.js';

describe('deployment stage limit', () => {
  const suite = sandboxSuite('deploy-timeout', {
    identity: 'timeout-worker',
    sandbox: { stepMs: 200 },
    app: (worker) => {
      const services = sandboxApiServices(worker.config, worker.sandbox);
      return {
        deploy: {
          ...services.deploy,
          defaults: { ...services.deploy.defaults, limits: { ...services.deploy.defaults.limits, stageMs: 1000 } },
        },
      };
    },
  });

  it('fails with DEPLOYMENT_TIMEOUT at the stage that ran out of time', { timeout: 30_000 }, async () => {
    const connection = await suite.api.connect();
    const started = await suite.api.deploy(connection, { branch: 'slow-build' });
    let result: Json;
    await expect
      .poll(
        async () => {
          result = (await suite.api.result(started.body.data.deploymentId)).body.data;
          return result?.status;
        },
        { timeout: 20_000, interval: 200 },
      )
      .toBe('FAILED');
    expect(result).toMatchObject({ errorCode: 'DEPLOYMENT_TIMEOUT', stage: 1 });
    expect(result.errorMessage).toMatch(/^Deployment timed out at Stage 1 after \d+ seconds \(timeout: 1 seconds\)$/);
  });
});
