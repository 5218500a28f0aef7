// How deployments end when they do not simply succeed: the seed's error codes, rollbacks (before
// the switch, by timeout, after completion), one deployment per service, and bad input.
import { readFileSync } from 'node:fs';
import { sandboxApiServices } from '../emulators/wiring/services.js';
import { join } from 'node:path';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS, SANDBOX_SERVICE } from '../emulators/sandbox.js';
import { buildTestApp } from './support/api.js';
import { client } from './support/deploy-flow.js';
import type { Json } from './support/http.js';
import { sandboxSuite } from './support/sandbox-suite.js';

describe('deployment outcomes', () => {
  const suite = sandboxSuite('deploy-outcomes');
  let impatientApi: ReturnType<typeof client>;
  let connection: { githubConnectionId: string; awsConnectionId: string };

  beforeAll(async () => {
    // The same API with a 1.5 s switch timeout.
    const services = sandboxApiServices(suite.worker.config, suite.worker.sandbox);
    impatientApi = client(
      buildTestApp(
        suite.client,
        suite.taskQueue,
        {
          deploy: {
            ...services.deploy,
            defaults: { ...services.deploy.defaults, limits: { ...services.deploy.defaults.limits, switchTimeoutMs: 1500 } },
          },
        },
        suite.worker,
      ),
    );
    connection = await suite.api.connect();
  });

  const serviceTaskDefinition = async () => {
    const ecs = new ECSClient({
      endpoint: suite.worker.sandbox.awsEndpoint,
      region: SANDBOX_CREDENTIALS.region,
      credentials: { accessKeyId: SANDBOX_CREDENTIALS.awsAccessKeyId, secretAccessKey: SANDBOX_CREDENTIALS.awsSecretAccessKey },
    });
    const { services } = await ecs.send(
      new DescribeServicesCommand({ cluster: SANDBOX_SERVICE.cluster, services: [suite.worker.sandbox.target.service] }),
    );
    return services![0]!.taskDefinition!;
  };
  const codeDeployStatus = (codeDeployId: string) => suite.worker.sandbox.aws.state.codedeploy.deployments.get(codeDeployId)?.status;

  it('fails at stage 1 with DOCKER_BUILD_FAILED when the repository has no Dockerfile', async () => {
    const noDockerfile = await suite.api.connect('no-dockerfile-app');
    const started = await suite.api.deploy(noDockerfile, { repo: 'no-dockerfile-app' });
    const result = await suite.api.settle(started.body.data.deploymentId);
    expect(result).toMatchObject({
      status: 'FAILED',
      errorCode: 'DOCKER_BUILD_FAILED',
      stage: 1,
      errorMessage: 'Dockerfile not found in repository',
      greenUrl: null,
      finalService: null,
    });
  });

  it('fails with HEALTH_CHECK_FAILED when green is unhealthy, and CodeDeploy rolls back', async () => {
    const before = await serviceTaskDefinition();
    const started = await suite.api.deploy(connection, { branch: 'unhealthy-green' });
    const result = await suite.api.settle(started.body.data.deploymentId);
    expect(result).toMatchObject({ status: 'FAILED', errorCode: 'HEALTH_CHECK_FAILED', stage: 4 });
    expect(result.greenErrorRate).toBe(1);
    await expect.poll(() => codeDeployStatus(result.codeDeployDeploymentId), { timeout: 10_000 }).toBe('Stopped');
    expect(await serviceTaskDefinition()).toBe(before);
  });

  it('stops and rolls back when nobody switches before the switch timeout', async () => {
    const started = await impatientApi.deploy(connection);
    const result = await suite.api.settle(started.body.data.deploymentId);
    expect(result).toMatchObject({ status: 'ROLLED_BACK', finalService: 'blue', approvedBy: 'switchyard', decidedVia: 'workflow' });
    expect(result.errorMessage).toMatch(/^Switch timed out/);
    expect(codeDeployStatus(result.codeDeployDeploymentId)).toBe('Stopped');
  });

  it('rolls back before the switch on request, naming who decided', async () => {
    const started = await suite.api.deploy(connection);
    const id = started.body.data.deploymentId;
    await suite.api.settle(id, ['DEPLOYMENT_READY', 'FAILED']);
    const rolled = await suite.api.call('POST', `/api/v1/deploy/${id}/rollback`, undefined, 'approver');
    expect(rolled).toMatchObject({ status: 200, body: { data: { deploymentId: id, rollbackDeploymentId: null } } });
    const result = await suite.api.settle(id);
    expect(result).toMatchObject({ status: 'ROLLED_BACK', approvedBy: 'test approver', decidedVia: 'api', finalService: 'blue' });
    expect(codeDeployStatus(result.codeDeployDeploymentId)).toBe('Stopped');
    const switchAfter = await suite.api.call('POST', `/api/v1/deploy/${id}/switch`, undefined, 'approver');
    expect(switchAfter.status).toBe(400);
    // An ended deployment is there (its /result shows it): a rollback says why it cannot, not "not found".
    const again = await suite.api.call('POST', `/api/v1/deploy/${id}/rollback`, undefined, 'approver');
    expect(again).toMatchObject({
      status: 400,
      body: {
        status: 400,
        error: 'Deployment Error',
        message: `Deployment ${id} has ended (ROLLED_BACK): nothing to roll back`,
        deploymentId: id,
        deploymentStatus: 'ROLLED_BACK',
      },
    });
    // Every error body's status is the HTTP status, whatever the deployment's own status is.
    const unknown = 'dep_0000000000';
    const calls: [string, string][] = [
      ['POST', `/api/v1/deploy/${id}/switch`],
      ['POST', `/api/v1/deploy/${id}/rollback`],
      ['POST', `/api/v1/deploy/${unknown}/switch`],
      ['POST', `/api/v1/deploy/${unknown}/rollback`],
      ['GET', `/api/v1/deploy/${unknown}/result`],
      ['GET', `/api/v1/deploy/${unknown}/events`],
    ];
    for (const [method, path] of calls) {
      const res = await suite.api.call(method, path, undefined, 'approver');
      expect(res.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
      expect(res.body, `${method} ${path}`).toMatchObject({
        status: res.status,
        timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/),
      });
    }
  });

  it('treats a cancellation from Temporal (UI, CLI) as a rollback: CodeDeploy stopped, the run ended', async () => {
    const started = await suite.api.deploy(connection);
    const id = started.body.data.deploymentId;
    await suite.api.settle(id, ['DEPLOYMENT_READY', 'FAILED']);
    await suite.temporal.client.workflow.getHandle(id).cancel();
    const result = await suite.api.settle(id);
    expect(result).toMatchObject({ status: 'ROLLED_BACK', approvedBy: 'temporal', decidedVia: 'workflow', finalService: 'blue' });
    expect(codeDeployStatus(result.codeDeployDeploymentId)).toBe('Stopped');
  });

  it('allows one running deployment per ECS service (409 naming the first), and rolls a completed one back to the previous revision', async () => {
    const first = await suite.api.deploy(connection);
    const id = first.body.data.deploymentId;
    const second = await suite.api.deploy(connection);
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ status: 409, deploymentId: id });
    expect(second.body.message).toContain(id);

    const previous = await serviceTaskDefinition();
    await suite.api.settle(id, ['DEPLOYMENT_READY']);
    expect((await suite.api.call('POST', `/api/v1/deploy/${id}/switch`, undefined, 'approver')).status).toBe(200);
    const done = await suite.api.settle(id);
    expect(done.status).toBe('COMPLETED');
    // COMPLETED comes once traffic is on green; CodeDeploy then finishes (termination wait) on its own.
    await expect.poll(serviceTaskDefinition, { timeout: 10_000 }).toBe(done.taskDefinitionArn);

    const rollback = await suite.api.call('POST', `/api/v1/deploy/${id}/rollback`, undefined, 'approver');
    expect(rollback.status).toBe(200);
    const rollbackId = rollback.body.data.rollbackDeploymentId;
    expect(rollbackId).toMatch(/^dep_/);
    const rolledBack = await suite.api.settle(rollbackId);
    expect(rolledBack).toMatchObject({ status: 'COMPLETED', rollbackOf: id, taskDefinitionArn: previous, finalService: 'green' });
    await expect.poll(serviceTaskDefinition, { timeout: 10_000 }).toBe(previous);

    const listed = await suite.api.call(
      'GET',
      `/api/v1/deployments?service=${suite.worker.sandbox.target.service}&status=COMPLETED`,
      undefined,
      'viewer',
    );
    expect(listed.body, JSON.stringify(listed.body)).toMatchObject({ code: 200 });
    await expect
      .poll(
        async () =>
          (
            await suite.api.call(
              'GET',
              `/api/v1/deployments?service=${suite.worker.sandbox.target.service}&status=COMPLETED`,
              undefined,
              'viewer',
            )
          ).body.data.deployments.map((d: Json) => d.deploymentId),
        { timeout: 10_000 },
      )
      .toEqual(expect.arrayContaining([id, rollbackId]));
    expect(listed.status).toBe(200);
    const items = (
      await suite.api.call(
        'GET',
        `/api/v1/deployments?service=${SANDBOX_SERVICE.cluster}/${suite.worker.sandbox.target.service}`,
        undefined,
        'viewer',
      )
    ).body.data.deployments;
    expect(items.find((d: Json) => d.deploymentId === id)).toMatchObject({
      status: 'COMPLETED',
      stage: 5,
      repository: `${SANDBOX_SERVICE.owner}/${SANDBOX_SERVICE.repo}`,
      version: 'main',
      service: `${SANDBOX_SERVICE.cluster}/${suite.worker.sandbox.target.service}`,
      startedAt: expect.any(String),
      closedAt: expect.any(String),
    });
  });

  it('lists connections without secrets, encrypts them at rest, and deletes them', async () => {
    const extra = await suite.api.connect();
    const listed = await suite.api.call('GET', '/api/v1/connections', undefined, 'viewer');
    expect(listed.body.data.github).toEqual(
      expect.arrayContaining([
        { connectionId: extra.githubConnectionId, owner: SANDBOX_SERVICE.owner, repo: SANDBOX_SERVICE.repo, branch: 'main' },
      ]),
    );
    expect(listed.body.data.aws).toEqual(
      expect.arrayContaining([{ connectionId: extra.awsConnectionId, region: SANDBOX_CREDENTIALS.region }]),
    );
    const stored = readFileSync(join(suite.worker.config.dataDir, 'connections.json'), 'utf8');
    for (const secret of [SANDBOX_CREDENTIALS.githubToken, SANDBOX_CREDENTIALS.awsSecretAccessKey]) {
      expect(JSON.stringify(listed.body)).not.toContain(secret);
      expect(stored).not.toContain(secret);
    }
    expect((await suite.api.call('DELETE', `/api/v1/connections/${extra.githubConnectionId}`, undefined, 'deployer')).status).toBe(200);
    expect((await suite.api.call('DELETE', `/api/v1/connections/${extra.githubConnectionId}`, undefined, 'deployer')).status).toBe(404);
    const after = await suite.api.call('GET', '/api/v1/connections', undefined, 'viewer');
    expect(after.body.data.github.map((g: Json) => g.connectionId)).not.toContain(extra.githubConnectionId);
  });

  it('answers bad input in the seed error shape with a 4xx', async () => {
    const unknownConnection = await suite.api.deploy({ githubConnectionId: 'gh_zzzzzzzzzz', awsConnectionId: connection.awsConnectionId });
    expect(unknownConnection).toMatchObject({
      status: 400,
      body: { status: 400, error: 'Deployment Error', message: 'GitHub connection not found' },
    });
    const malformed = await suite.api.call('POST', '/api/v1/deploy', { githubConnectionId: 42 }, 'deployer');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ status: 400, timestamp: expect.any(String) });
    expect((await suite.api.result('dep_0000000000')).body).toMatchObject({
      status: 400,
      message: 'Deployment result not found: dep_0000000000',
    });
    // The seed lists "Deployment not found" among the switch's 400s.
    expect(await suite.api.call('POST', '/api/v1/deploy/dep_0000000000/switch', undefined, 'approver')).toMatchObject({
      status: 400,
      body: { status: 400, error: 'Deployment Error', message: 'Deployment not found' },
    });
    const badToken = await suite.api.call('POST', '/api/v1/connect/github', {
      owner: SANDBOX_SERVICE.owner,
      repo: SANDBOX_SERVICE.repo,
      branch: 'main',
      token: 'ghp_wrong',
    });
    expect(badToken.body).toMatchObject({ status: 400, message: 'GitHub connection failed: Bad credentials' });
    const badRepo = await suite.api.call('POST', '/api/v1/connect/github', {
      owner: SANDBOX_SERVICE.owner,
      repo: 'nope',
      branch: 'main',
      token: SANDBOX_CREDENTIALS.githubToken,
    });
    expect(badRepo.body.message).toBe(`GitHub connection failed: Repository not found: ${SANDBOX_SERVICE.owner}/nope`);
    const badAws = await suite.api.call('POST', '/api/v1/connect/aws', {
      region: SANDBOX_CREDENTIALS.region,
      accessKeyId: SANDBOX_CREDENTIALS.awsUnauthorizedAccessKeyId,
      secretAccessKey: 'x',
    });
    expect(badAws.body.message).toMatch(/^AWS credentials validation failed: .*not authorized to perform: sts:GetCallerIdentity/);
  });
});
