// Governance at the API's doors, on the sandbox (real admission and deployment workflows, the
// GitHub and AWS emulators): "roll back" undoes only the service's current release and never its
// own rollback; going further back is a deployment through the gate; who may roll back is the
// service's policy; a rollback passes a freeze and says so; and a queue held by a freeze (an
// emergency stop) starts nothing until the freeze is lifted. Every refusal changes nothing in the
// emulators.
import { beforeAll, describe, expect, it } from 'vitest';
import { sandboxApiServices } from '../emulators/wiring/services.js';
import { approvalPolicies } from '../common/config/approval-policies.js';
import { deploymentEventsQuery } from '../workflows/deployment/messages.js';
import { serviceDeploymentsQuery } from '../workflows/service/messages.js';
import { serviceWorkflowId } from '../workflows/service/service-key.js';
import { SANDBOX_SERVICE } from '../emulators/sandbox.js';
import { buildTestApp } from './support/api.js';
import { client } from './support/deploy-flow.js';
import { sideEffects } from './support/side-effects.js';
import { sandboxSuite } from './support/sandbox-suite.js';

describe('governance at the API: rollback, redeploy, freezes and the queue', () => {
  const suite = sandboxSuite('governance');
  /** The same installation with a policy naming one release captain: approvers not named may not roll back. */
  let strict: ReturnType<typeof client>;
  /** The same installation with a queue of 2 behind a running deployment. */
  let queueing: ReturnType<typeof client>;
  let connection: { githubConnectionId: string; awsConnectionId: string };
  let serviceKey: string;

  beforeAll(async () => {
    const services = sandboxApiServices(suite.worker.config, suite.worker.sandbox);
    const withDefaults = (patch: object) => ({ deploy: { ...services.deploy, defaults: { ...services.deploy.defaults, ...patch } } });
    strict = client(
      buildTestApp(
        suite.client,
        suite.taskQueue,
        withDefaults({ approvalPolicies: approvalPolicies({ default: { labels: ['release captain'] } }) }),
        suite.worker,
      ),
    );
    queueing = client(buildTestApp(suite.client, suite.taskQueue, withDefaults({ queueCapacity: 2 }), suite.worker));
    connection = await suite.api.connect();
    serviceKey = `${SANDBOX_SERVICE.cluster}/${suite.worker.sandbox.target.service}`;
  });

  const completed = async (version: string): Promise<string> => {
    const started = await suite.api.deploy(connection, { version });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const id: string = started.body.data.deploymentId;
    await suite.api.reach(id, 'DEPLOYMENT_READY', 150);
    expect((await suite.api.call('POST', `/api/v1/deploy/${id}/switch`, undefined, 'approver')).status).toBe(200);
    await suite.api.reach(id, 'COMPLETED', 150);
    return id;
  };
  const freezeAll = async (reason: string) => {
    const set = await suite.api.call(
      'POST',
      '/api/v1/freezes',
      { scope: 'all', reason, endsAt: new Date(Date.now() + 3_600_000).toISOString() },
      'admin',
    );
    expect(set.status).toBe(201);
    return set.body.data as { id: string; endsAt: string };
  };
  const lift = async (id: string) => expect((await suite.api.call('DELETE', `/api/v1/freezes/${id}`, undefined, 'admin')).status).toBe(200);

  it('undoes only the current release, passes a freeze doing so, and goes further back only through the gate', async () => {
    const first = await completed('v1.0.0');
    const second = await completed('v1.2.3');
    await expect
      .poll(
        async () =>
          (await suite.api.call('GET', `/api/v1/deployments?status=COMPLETED&service=${serviceKey}`, undefined, 'viewer')).body.data
            .deployments.length,
        { timeout: 10_000 },
      )
      .toBe(2);
    const before = sideEffects(suite.worker.sandbox);

    // An old release is not "the last one": rolling it back would deploy old code around the gate.
    const old = await suite.api.call('POST', `/api/v1/deploy/${first}/rollback`, undefined, 'approver');
    expect(old.status).toBe(400);
    expect(old.body).toMatchObject({
      status: 400,
      error: 'Deployment Error',
      currentDeploymentId: second,
      message: expect.stringContaining(`Only the current release of ${serviceKey} can be rolled back, and that is ${second}`),
    });
    // An approver the service's policy does not name may not undo even the current release.
    const notNamed = await strict.call('POST', `/api/v1/deploy/${second}/rollback`, { reason: 'x' }, 'approver');
    expect(notNamed).toMatchObject({ status: 403, body: { message: `test approver is not among the approvers of ${serviceKey}` } });
    expect(sideEffects(suite.worker.sandbox)).toEqual(before);

    // During a freeze, undoing the current release is allowed and recorded with the freeze.
    const freeze = await freezeAll('incident 42');
    const undo = await suite.api.call('POST', `/api/v1/deploy/${second}/rollback`, { reason: 'checkout broken' }, 'approver');
    expect(undo.status, JSON.stringify(undo.body)).toBe(200);
    const rollbackId: string = undo.body.data.rollbackDeploymentId;
    await suite.api.reach(rollbackId, 'COMPLETED', 150);
    const { events } = await suite.client.workflow.getHandle(rollbackId).query(deploymentEventsQuery, 0);
    expect(events.find((e) => e.details['rollbackOf'] === second)?.details).toMatchObject({
      requestedBy: 'test approver',
      via: 'api',
      reason: 'checkout broken',
      duringFreeze: freeze.id,
    });

    // Its own rollback is not undone by typing it again; the way back is a new deployment, which the freeze stops.
    const flip = await suite.api.call('POST', `/api/v1/deploy/${rollbackId}/rollback`, undefined, 'approver');
    expect(flip).toMatchObject({ status: 400, body: { message: expect.stringContaining(`is itself a rollback of ${second}`) } });
    const frozen = await suite.api.call('POST', `/api/v1/deploy/${second}/redeploy`, undefined, 'deployer');
    expect(frozen.status).toBe(423);
    await lift(freeze.id);

    const again = await suite.api.call('POST', `/api/v1/deploy/${first}/redeploy`, undefined, 'deployer');
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    const redeployId: string = again.body.data.deploymentId;
    // A deployment like any other: built again and waiting at the gate for an approval.
    const ready = await suite.api.reach(redeployId, 'DEPLOYMENT_READY', 150);
    expect(ready).toMatchObject({ version: expect.any(String), approvals: [] });
    expect(suite.worker.sandbox.github.state.dispatchCount(redeployId)).toBe(1);
    expect((await suite.api.call('POST', `/api/v1/deploy/${redeployId}/rollback`, undefined, 'approver')).status).toBe(200);
    await suite.api.reach(redeployId, 'ROLLED_BACK', 150);
  }, 180_000);

  it('a rollback sent the moment a deployment starts is answered, not a 500', async () => {
    // The update can race the deployment's early workflow tasks (the server fails that task with
    // UnhandledCommand and the update with it); the API asks again.
    const started = await suite.api.deploy(connection, { version: 'v1.0.0' });
    const id: string = started.body.data.deploymentId;
    const stop = await suite.api.call('POST', `/api/v1/deploy/${id}/rollback`, undefined, 'approver');
    expect(stop, JSON.stringify(stop.body)).toMatchObject({ status: 200, body: { data: { rollbackDeploymentId: null } } });
    await suite.api.reach(id, 'ROLLED_BACK', 150);
  });

  it('an emergency stop holds the queue: the queued deployment starts nothing until the freeze is lifted', async () => {
    const a = await queueing.deploy(connection, { version: 'v1.0.0' });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    const runningId: string = a.body.data.deploymentId;
    await queueing.reach(runningId, 'DEPLOYMENT_READY', 150);
    const b = await queueing.deploy(connection, { version: 'v1.2.3' });
    expect(b.status, JSON.stringify(b.body)).toBe(202);
    const queuedId: string = b.body.data.deploymentId;

    const stop = await queueing.call('POST', '/api/v1/freezes/emergency-stop', { reason: 'payments outage', freezeMinutes: 30 }, 'admin');
    expect(stop.status).toBe(200);
    expect(stop.body.data.stopped).toContain(runningId);
    await queueing.reach(runningId, 'ROLLED_BACK', 150);
    const freezeId: string = stop.body.data.freeze.id;

    // Held by the freeze: the service's queue says so, and nothing of the queued one reaches the emulators.
    const admission = suite.client.workflow.getHandle(serviceWorkflowId(serviceKey));
    await expect.poll(async () => (await admission.query(serviceDeploymentsQuery)).heldBy, { timeout: 10_000 }).toBe(freezeId);
    const held = sideEffects(suite.worker.sandbox);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(sideEffects(suite.worker.sandbox)).toEqual(held);
    expect(suite.worker.sandbox.github.state.dispatchCount(queuedId)).toBe(0);
    expect(await admission.query(serviceDeploymentsQuery)).toMatchObject({ running: queuedId, queued: [], heldBy: freezeId });

    // Lifted: the queue moves on at once (told by the API, not at the freeze's planned end).
    await lift(freezeId);
    await queueing.reach(queuedId, 'DEPLOYMENT_READY', 150);
    expect(suite.worker.sandbox.github.state.dispatchCount(queuedId)).toBe(1);
    expect((await queueing.call('POST', `/api/v1/deploy/${queuedId}/rollback`, undefined, 'approver')).status).toBe(200);
    await queueing.reach(queuedId, 'ROLLED_BACK', 150);
  }, 120_000);
});
