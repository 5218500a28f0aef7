// One deployment per ECS service across API replicas: every start is an update of the service's
// admission workflow, so two replicas (two apps with their own DeploymentService, sharing only
// Temporal and the connection store) cannot both start one, a Slack request delivered to both
// starts one deployment, and a queue (DEPLOY_QUEUE_CAPACITY) hands the service on in order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxApiServices } from '../emulators/wiring/services.js';
import { registerSlackRoutes } from '../api/slack/routes.js';
import { DeploymentService } from '../api/deployments/deployment-service.js';
import { createLogger } from '../common/logger.js';
import { loadSlackConfig } from '../common/config/slack.js';
import { ACCOUNT_ID } from '../emulators/aws/index.js';
import { SANDBOX_CREDENTIALS, SANDBOX_SERVICE } from '../emulators/sandbox.js';
import { decideAdmission } from '../workflows/service/admission.js';
import { canonicalServiceKey, serviceWorkflowId } from '../workflows/service/service-key.js';
import { serviceDeploymentsQuery } from '../workflows/service/messages.js';
import { buildTestApp } from './support/api.js';
import { client } from './support/deploy-flow.js';
import { connectClient, startSandboxWorker, uniqueTaskQueue, type SandboxWorker } from './support/temporal.js';
import { APPROVER, commandBody, SIGNING_SECRET, signedHeaders, triggerId } from './slack/slack-support.js';

describe('admission rule (pure)', () => {
  const empty = { running: null, queued: [], admitted: new Map() };
  it('starts on a free service, refuses or queues on a busy one, and answers a repeat with the first answer', () => {
    expect(decideAdmission(empty, 'dep_a', 0, 'c/s')).toEqual({ kind: 'start' });
    const busy = { running: 'dep_a', queued: [], admitted: new Map([['dep_a', { outcome: 'started' as const, deploymentId: 'dep_a' }]]) };
    expect(decideAdmission(busy, 'dep_b', 0, 'c/s')).toMatchObject({
      kind: 'refuse',
      reason: 'busy',
      runningDeploymentId: 'dep_a',
      message: 'Deployment dep_a is already running for ECS service c/s',
    });
    expect(decideAdmission(busy, 'dep_b', 1, 'c/s')).toEqual({ kind: 'queue', position: 1 });
    expect(decideAdmission({ ...busy, queued: ['dep_b'] }, 'dep_c', 1, 'c/s')).toMatchObject({
      kind: 'refuse',
      reason: 'queueFull',
      message: expect.stringMatching(/^Deployment queue is full/),
    });
    expect(decideAdmission(busy, 'dep_a', 0, 'c/s')).toEqual({ kind: 'repeat', outcome: { outcome: 'started', deploymentId: 'dep_a' } });
  });

  it('names a service the same however its cluster and service are written', () => {
    expect(canonicalServiceKey('arn:aws:ecs:ap-northeast-2:123456789012:cluster/panda-cluster', 'panda-service')).toBe(
      'panda-cluster/panda-service',
    );
    expect(canonicalServiceKey('panda-cluster', 'arn:aws:ecs:ap-northeast-2:123456789012:service/panda-cluster/panda-service')).toBe(
      'panda-cluster/panda-service',
    );
    expect(canonicalServiceKey('panda-cluster', 'panda-service')).toBe('panda-cluster/panda-service');
  });
});

describe('one deployment per service across API replicas', () => {
  const taskQueue = uniqueTaskQueue('admission');
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  let worker: SandboxWorker;
  /** Two replicas refusing while one runs, and two with a queue of 2. */
  let replicas: ReturnType<typeof client>[];
  let queueing: ReturnType<typeof client>[];
  let slackApps: ReturnType<typeof buildTestApp>[];
  let connection: { githubConnectionId: string; awsConnectionId: string };

  beforeAll(async () => {
    temporal = await connectClient();
    worker = await startSandboxWorker(taskQueue);
    const services = sandboxApiServices(worker.config, worker.sandbox);
    const withQueue = { deploy: { ...services.deploy, defaults: { ...services.deploy.defaults, queueCapacity: 2 } } };
    replicas = [0, 1].map(() => client(buildTestApp(temporal.client, taskQueue, {}, worker)));
    queueing = [0, 1].map(() => client(buildTestApp(temporal.client, taskQueue, withQueue, worker)));
    connection = await replicas[0]!.connect();

    // Two Slack-serving replicas with their own routes (and so their own in-process repeat filters).
    const github = await services.connections.get(connection.githubConnectionId);
    expect(github?.kind).toBe('github');
    const slackConfig = loadSlackConfig({
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_APPROVERS: APPROVER,
      SLACK_DEFAULT_GITHUB_CONNECTION_ID: connection.githubConnectionId,
      SLACK_DEFAULT_AWS_CONNECTION_ID: connection.awsConnectionId,
    });
    slackApps = [0, 1].map(() => {
      const app = buildTestApp(temporal.client, taskQueue, {}, worker);
      const deployments = new DeploymentService(temporal.client, taskQueue, services.connections, {
        ...services.deploy.defaults,
        slack: slackConfig,
      });
      registerSlackRoutes(app, {
        deployments,
        connections: services.connections,
        slack: undefined,
        config: slackConfig,
        awsEndpoint: services.deploy.awsEndpoint,
        logger: createLogger('silent'),
        publicUrl: 'http://switchyard.test',
      });
      return app;
    });
    expect(ACCOUNT_ID).toBeTruthy();
  });
  afterAll(async () => {
    await worker?.stop();
    await temporal?.close();
  });

  const service = () => worker.sandbox.target.service;
  const serviceKey = () => `${SANDBOX_SERVICE.cluster}/${service()}`;

  /** Rolls a deployment back once it is at the gate, and waits for its end. */
  async function finish(id: string): Promise<void> {
    await replicas[0]!.settle(id, ['DEPLOYMENT_READY'], 150);
    expect((await replicas[1]!.call('POST', `/api/v1/deploy/${id}/rollback`, undefined, 'approver')).status).toBe(200);
    await replicas[0]!.settle(id, ['ROLLED_BACK'], 150);
  }

  it('20 concurrent requests split across two replicas: exactly one 200, the rest 409 naming it, one build', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => replicas[i % 2]!.deploy(connection, { version: 'v1.2.3' })));
    const started = answers.filter((a) => a.status === 200);
    expect(started).toHaveLength(1);
    const id: string = started[0]!.body.data.deploymentId;
    const refused = answers.filter((a) => a.status === 409);
    expect(refused).toHaveLength(19);
    for (const answer of refused) {
      expect(answer.body).toMatchObject({
        status: 409,
        error: 'Deployment Error',
        runningDeploymentId: id,
        message: `Deployment ${id} is already running for ECS service ${serviceKey()}`,
      });
    }
    // Written as an ARN, the cluster is still the same service.
    const arn = await replicas[1]!.deploy(connection, {
      target: { cluster: `arn:aws:ecs:${SANDBOX_CREDENTIALS.region}:${ACCOUNT_ID}:cluster/${SANDBOX_SERVICE.cluster}` },
    });
    expect(arn.status).toBe(409);
    expect(arn.body.runningDeploymentId).toBe(id);

    await finish(id);
    expect(worker.sandbox.github.state.dispatchCount(id)).toBe(1);
    expect(worker.sandbox.github.state.dispatchesByCorrelationId.size).toBe(1);
  });

  it('with a queue of 2: one 200, two 202 with their places, the rest 409 "Deployment queue is full"; the queue runs in order', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => queueing[i % 2]!.deploy(connection, { version: 'v1.0.0' })));
    const byStatus = (status: number) => answers.filter((a) => a.status === status);
    expect(byStatus(200)).toHaveLength(1);
    expect(byStatus(202)).toHaveLength(2);
    expect(byStatus(409)).toHaveLength(7);
    const first: string = byStatus(200)[0]!.body.data.deploymentId;
    const queued = byStatus(202)
      .map((a) => a.body)
      .sort((a, b) => a.data.position - b.data.position);
    expect(queued.map((q) => q.data.position)).toEqual([1, 2]);
    for (const q of queued) expect(q).toMatchObject({ code: 202, data: { queued: true, runningDeploymentId: first } });
    for (const refused of byStatus(409)) expect(refused.body.message).toMatch(/^Deployment queue is full/);

    const state = await temporal.client.workflow.getHandle(serviceWorkflowId(serviceKey())).query(serviceDeploymentsQuery);
    expect(state).toEqual({ serviceKey: serviceKey(), running: first, queued: queued.map((q) => q.data.deploymentId) });

    // Each queued deployment starts when the one before it has ended.
    await finish(first);
    for (const q of queued) await finish(q.data.deploymentId as string);
    for (const id of [first, ...queued.map((q) => q.data.deploymentId as string)])
      expect(worker.sandbox.github.state.dispatchCount(id)).toBe(1);
  });

  it('one signed /platform-deploy delivered to both replicas starts one deployment', async () => {
    const body = commandBody('/platform-deploy', 'v1.2.3', { responseUrl: 'http://127.0.0.1:9/unused', triggerId: triggerId() });
    const headers = signedHeaders(body, 'application/x-www-form-urlencoded');
    const before = worker.sandbox.github.state.dispatchesByCorrelationId.size;
    const answers = await Promise.all(slackApps.map((app) => app.request('/slack/events', { method: 'POST', headers, body })));
    for (const answer of answers) expect(answer.status).toBe(200);
    // The deployments the two acks started, as visibility and the service's workflow see them.
    let running: string | null = null;
    await expect
      .poll(
        async () => {
          running =
            (
              await temporal.client.workflow
                .getHandle(serviceWorkflowId(serviceKey()))
                .query(serviceDeploymentsQuery)
                .catch(() => null)
            )?.running ?? null;
          return running;
        },
        { timeout: 10_000 },
      )
      .not.toBeNull();
    await finish(running!);
    expect(worker.sandbox.github.state.dispatchesByCorrelationId.size).toBe(before + 1);
    // A replay at the other replica later (within Slack's 5 minutes) starts nothing either.
    const replay = await slackApps[1]!.request('/slack/events', { method: 'POST', headers, body });
    expect(replay.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(worker.sandbox.github.state.dispatchesByCorrelationId.size).toBe(before + 1);
  });
});
