// Freezes and the emergency stop through the API, on the real deployment workflow (stub
// activities, on its own task queue: the freezes and the stop concern this installation only):
// a deploy in scope is refused (423, seed shape), a switch at the gate is refused while frozen
// except by an admin's override (recorded), and an emergency stop rolls back every deployment not
// yet switched and reports them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader, buildTestApp } from './support/api.js';
import { connectClient } from './support/temporal.js';
import { json, type Json } from './support/http.js';
import { deploymentInput, startStubWorker, type DeploymentHandle, type StubHarness } from './workflows/stub-worker.js';

describe('freezes and the emergency stop', () => {
  let harness: StubHarness;
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  let app: ReturnType<typeof buildTestApp>;
  const { target } = deploymentInput('unused');
  const serviceKey = `${target.cluster}/${target.service}`;

  beforeAll(async () => {
    harness = await startStubWorker('freezes');
    temporal = await connectClient();
    app = buildTestApp(temporal.client, harness.taskQueue);
  });
  afterAll(async () => {
    await harness?.close();
    await temporal?.close();
  });

  const call = async (method: string, path: string, role: 'admin' | 'approver' | 'deployer' | 'viewer', body?: unknown) => {
    const res = await app.request(path, {
      method,
      headers: { 'content-type': 'application/json', ...authHeader(role) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await json(res)) as Json };
  };
  const atGate = async (patch = {}): Promise<DeploymentHandle> => {
    const handle = await harness.start({}, patch);
    await harness.waitFor(handle, (s) => s.status === 'DEPLOYMENT_READY');
    return handle;
  };
  const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

  it('refuses a deploy in scope with 423, and a switch at the gate unless an admin overrides it (recorded)', async () => {
    const handle = await atGate();
    expect((await call('POST', '/api/v1/freezes', 'approver', { scope: 'all', reason: 'x', endsAt: inAnHour() })).status).toBe(403);
    const set = await call('POST', '/api/v1/freezes', 'admin', { scope: [serviceKey], reason: 'Black Friday', endsAt: inAnHour() });
    expect(set.status).toBe(201);
    const freeze = set.body.data;
    expect(freeze).toMatchObject({ id: expect.stringMatching(/^frz_/), scope: [serviceKey], reason: 'Black Friday', by: 'test admin' });
    expect((await call('GET', '/api/v1/freezes', 'viewer')).body.data.active).toEqual([freeze]);

    const deploy = await call('POST', '/api/v1/deploy', 'deployer', {
      githubConnectionId: 'gh_0000000000',
      awsConnectionId: 'aws_0000000000',
      owner: 'acme',
      repo: 'shop',
      branch: 'main',
      target: { cluster: target.cluster, service: target.service },
    });
    expect(deploy.status, JSON.stringify(deploy.body)).toBe(423);
    expect(deploy.body).toMatchObject({
      status: 423,
      error: 'Deployment Error',
      message: `Deployments of ${serviceKey} are frozen until ${freeze.endsAt}: Black Friday (freeze ${freeze.id})`,
      timestamp: expect.any(String),
    });

    const refused = await call('POST', `/api/v1/deploy/${handle.workflowId}/switch`, 'approver');
    expect(refused.status, JSON.stringify(refused.body)).toBe(423);
    expect(refused.body.message).toContain('Only an admin may override');
    // An admin without the override is refused as well: overriding is a decision of its own.
    expect((await call('POST', `/api/v1/deploy/${handle.workflowId}/switch`, 'admin')).status).toBe(423);
    const overridden = await call('POST', `/api/v1/deploy/${handle.workflowId}/switch`, 'admin', {
      override: true,
      reason: 'hotfix for the outage',
    });
    expect(overridden.status).toBe(200);
    const result = await handle.result();
    expect(result).toMatchObject({
      status: 'COMPLETED',
      approvals: [{ who: 'test admin', via: 'api', overrodeFreeze: freeze.id, reason: 'hotfix for the outage' }],
    });

    expect((await call('DELETE', `/api/v1/freezes/${freeze.id}`, 'admin')).status).toBe(200);
    expect((await call('GET', '/api/v1/freezes', 'viewer')).body.data.active).toEqual([]);
    expect((await call('DELETE', `/api/v1/freezes/${freeze.id}`, 'admin')).status).toBe(404);
  });

  it('refuses a freeze that is not a window', async () => {
    const past = await call('POST', '/api/v1/freezes', 'admin', {
      scope: 'all',
      reason: 'x',
      startsAt: new Date(Date.now() - 7_200_000).toISOString(),
      endsAt: new Date(Date.now() - 3_600_000).toISOString(),
    });
    expect(past).toMatchObject({ status: 400, body: { message: 'the freeze would already be over' } });
    expect((await call('POST', '/api/v1/freezes', 'admin', { scope: ['not a service'], reason: 'x', endsAt: inAnHour() })).status).toBe(
      400,
    );
  });

  it('an emergency stop rolls back the three deployments at the gate and says so', async () => {
    const services = ['shop-a', 'shop-b', 'shop-c'];
    const handles = await Promise.all(services.map((service) => atGate({ target: { ...target, service } })));
    const stop = await call('POST', '/api/v1/freezes/emergency-stop', 'admin', { reason: 'payments outage', freezeMinutes: 30 });
    expect(stop.status).toBe(200);
    expect(stop.body.data.stopped).toEqual(handles.map((h) => h.workflowId).sort());
    expect(stop.body.data.failed).toEqual([]);
    expect(stop.body.data.freeze).toMatchObject({ scope: 'all', reason: 'emergency stop: payments outage' });
    for (const handle of handles) {
      await expect(handle.result()).resolves.toMatchObject({
        status: 'ROLLED_BACK',
        decision: { action: 'rollback', by: 'test admin', reason: 'emergency stop: payments outage' },
      });
    }
    // Everything is frozen now: a new deployment of any service is refused.
    const deploy = await call('POST', '/api/v1/deploy', 'deployer', {
      githubConnectionId: 'gh_0000000000',
      awsConnectionId: 'aws_0000000000',
      owner: 'acme',
      repo: 'shop',
      branch: 'main',
      target: { cluster: target.cluster, service: 'shop-d' },
    });
    expect(deploy.status).toBe(423);
    await call('DELETE', `/api/v1/freezes/${stop.body.data.freeze.id}`, 'admin');
  });
});
