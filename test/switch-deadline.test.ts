// The switch door has a bound. An approval short of the policy (2 needed here) updates the
// deployment's Slack message before the workflow answers; with Slack holding its requests, the
// worker is there but the update's answer is not, and Temporal's update call would wait as long
// as Slack did. Now the door answers 503 in the Panda deploy API's shape within
// TEMPORAL_UPDATE_TIMEOUT_SECONDS (1.5 s here), saying the approval may still be recorded; it is,
// once Slack answers, and the same request sent again gets that first answer: one approval, not
// a second one nor "already approved".
//
// Why Slack and not a stopped worker, as for the hook door (hook-deadline.test.ts): the switch
// reads the deployment's state first, a query that needs a worker too, so with none the door
// answers its own 503 ("cannot be read right now") after the query's 5 s, before any update.
import { beforeAll, describe, expect, it } from 'vitest';
import { sandboxApiServices } from '../emulators/wiring/services.js';
import { buildTestApp } from './support/api.js';
import { client } from './support/deploy-flow.js';
import { sandboxSuite } from './support/sandbox-suite.js';

describe('POST /deploy/{id}/switch when the workflow cannot answer in time', () => {
  const suite = sandboxSuite('switch-deadline', {
    env: { DEPLOY_APPROVAL_POLICIES: JSON.stringify({ default: { approvals: 2 } }) },
    // Slack's requests are held 4 s and dropped, once the test turns the rate up.
    sandbox: { faults: { rate: 0, kinds: ['timeout'], services: ['slack'], holdMs: 4000 } },
  });
  /** The same installation with a 1.5 s bound on its updates. */
  let bounded: ReturnType<typeof client>;

  beforeAll(() => {
    const services = sandboxApiServices(suite.worker.config, suite.worker.sandbox);
    const deploy = { ...services.deploy, defaults: { ...services.deploy.defaults, updateTimeoutMs: 1500 } };
    bounded = client(buildTestApp(suite.client, suite.taskQueue, { deploy }, suite.worker));
  });

  const switchUpdates = async (id: string) =>
    (await suite.client.workflow.getHandle(id).fetchHistory()).events!.filter(
      (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'switchTraffic',
    );

  it('answers 503 in its shape within the bound, records the approval later, and answers the same request again with it', async () => {
    const { api, worker } = suite;
    const started = await api.deploy(await api.connect(), { version: 'v1.2.3' });
    expect(started.status).toBe(200);
    const id: string = started.body.data.deploymentId;
    await api.reach(id, 'DEPLOYMENT_READY', 150);

    const faults = worker.sandbox.faults!;
    faults.setRate(1);
    const began = Date.now();
    const first = await bounded.call('POST', `/api/v1/deploy/${id}/switch`, undefined, 'approver');
    const took = Date.now() - began;
    faults.setRate(0);
    expect(first.status, JSON.stringify(first.body)).toBe(503);
    expect(first.body).toMatchObject({ status: 503, error: 'Deployment Error', deploymentId: id, timestamp: expect.any(String) });
    expect(first.body.message).toContain(`No answer from deployment ${id} within 2 s (is a worker running?)`);
    expect(first.body.message).toContain('The approval may still be recorded');
    expect(first.body.message).toContain('before sending it again');
    expect(first.body.message).toContain('sent after the deployment has moved on, it decides the pause it is at then');
    expect(first.body.message).not.toMatch(/nothing was changed/);
    expect(took).toBeGreaterThanOrEqual(1500);
    expect(took).toBeLessThan(4000);
    expect(faults.total().timeout).toBeGreaterThan(0);

    // Slack answers again; the held update finishes and the approval is there.
    const approvals = async () => ((await api.result(id)).body.data?.approvals ?? []).length as number;
    await expect.poll(approvals, { timeout: 60_000, interval: 250 }).toBe(1);

    // The same request again, within the same bound: the first answer, nothing counted twice.
    const again = await bounded.call('POST', `/api/v1/deploy/${id}/switch`, undefined, 'approver');
    expect(again.status, JSON.stringify(again.body)).toBe(202);
    expect(again.body.data).toMatchObject({
      activeService: 'blue',
      approvalsRequired: 2,
      approvals: [{ who: 'test approver', via: 'api' }],
    });
    expect(again.body.data.approvals).toHaveLength(1);
    expect(await switchUpdates(id)).toHaveLength(1);
    const held = (await api.result(id)).body.data;
    expect(held).toMatchObject({ status: 'DEPLOYMENT_READY', approvals: [{ who: 'test approver' }] });
    expect(held.approvals).toHaveLength(1);

    expect((await api.call('POST', `/api/v1/deploy/${id}/rollback`, undefined, 'approver')).status).toBe(200);
    await api.reach(id, 'ROLLED_BACK', 150);
  });
});
