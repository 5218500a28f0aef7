// The ECS-native "waiting for test" path end to end: a deploy through the real API to an ECS-native
// service; ECS (the emulator) runs the release's AWS_LAMBDA hook at POST_TEST_TRAFFIC_SHIFT and
// invokes the sandbox's hook function (the real Lambda handler) with ECS's payload → POST
// /api/v1/hooks/ecs over HTTP → the workflow's ecsTestTrafficHook update → the "waiting for test"
// event and the Slack notice, once. The Lambda answers ECS hookStatus SUCCEEDED, IN_PROGRESS while
// Switchyard cannot answer, FAILED on a refusal. Hostile calls are refused and change nothing.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerEcsHookRoutes } from '../api/hooks/ecs-routes.js';
import { HOOK_SECRET_HEADER, registerCodeDeployHookRoutes } from '../api/hooks/routes.js';
import { loadSlackConfig } from '../common/config/slack.js';
import { createLogger } from '../common/logger.js';
import { blueGreenUrls } from '../emulators/aws/server.js';
import { ECS_HOOK_ROLE_ARN, seedEcsNativeService } from '../emulators/aws/seed-ecs-native.js';
import {
  connectSandboxHook,
  SANDBOX_HOOK_FUNCTION,
  SANDBOX_HOOK_FUNCTION_ARN,
  SANDBOX_SERVICE,
  SANDBOX_SLACK,
} from '../emulators/sandbox.js';
import { createEcsHandler } from '../lambda/after-allow-test-traffic/ecs-handler.js';
import { ecsTestTrafficHookUpdate } from '../workflows/deployment/hook-messages.js';
import { deploymentEventsQuery } from '../workflows/deployment/messages.js';
import { buildTestApp } from './support/api.js';
import { client } from './support/deploy-flow.js';
import type { Json } from './support/http.js';
import { serveApp, type ServedApp } from './support/http-server.js';
import { sideEffects } from './support/side-effects.js';
import { connectClient, startSandboxWorker, uniqueTaskQueue, type SandboxWorker } from './support/temporal.js';

const HOOK_SECRET = 'ecs-hook-secret-0123456789abcdef';
const CLUSTER = 'native';

describe('ECS-native Lambda hook: the "waiting for test" notice', () => {
  const taskQueue = uniqueTaskQueue('ecs-hook');
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  let worker: SandboxWorker;
  let served: ServedApp;
  let recorder: ServedApp;
  let api: ReturnType<typeof client>;
  let connection: { githubConnectionId: string; awsConnectionId: string };
  /** What the Lambda sent to the ECS door, seen between it and the API. */
  const forwarded: Json[] = [];
  /** Answers the recorder gives instead of forwarding (Switchyard "down"), one per call. */
  const outage: number[] = [];

  beforeAll(async () => {
    temporal = await connectClient();
    // Deployments name the hook function by ARN with a role, as ECS needs; the sandbox installs it.
    worker = await startSandboxWorker(
      taskQueue,
      { DEPLOY_HOOK_FUNCTION: SANDBOX_HOOK_FUNCTION_ARN, DEPLOY_HOOK_ROLE_ARN: ECS_HOOK_ROLE_ARN },
      'ecs-hook-worker',
      { hookFunction: SANDBOX_HOOK_FUNCTION, minuteMs: 600 },
    );
    const app = buildTestApp(temporal.client, taskQueue, {}, worker);
    const hookDeps = {
      client: temporal.client,
      connections: worker.services.connections,
      config: loadSlackConfig({ CODEDEPLOY_HOOK_SECRET: HOOK_SECRET }),
      awsEndpoint: worker.sandbox.awsEndpoint,
      logger: createLogger('silent'),
      lookupTimeoutMs: 2000,
      taskQueue,
      updateTimeoutMs: 60_000,
    };
    registerCodeDeployHookRoutes(app, hookDeps);
    registerEcsHookRoutes(app, hookDeps);
    served = await serveApp(app.fetch);
    recorder = await serveApp(async (request) => {
      const body = await request.text();
      if (new URL(request.url).pathname === '/api/v1/hooks/ecs') forwarded.push(JSON.parse(body) as Json);
      const down = outage.shift();
      if (down) return new Response('switchyard restarting', { status: down });
      return fetch(`${served.url}${new URL(request.url).pathname}`, { method: 'POST', headers: request.headers, body });
    });
    connectSandboxHook(worker.sandbox, `${recorder.url}/api/v1/hooks/codedeploy`, HOOK_SECRET);
    api = client(app);
    connection = await api.connect();
  });
  afterAll(async () => {
    await recorder?.close();
    await served?.close();
    await worker?.stop();
    await temporal?.close();
  });

  const newService = () => {
    const service = `eh-${randomBytes(3).toString('hex')}`;
    const { target, aws } = worker.sandbox;
    seedEcsNativeService(aws.state, {
      cluster: CLUSTER,
      service,
      containerName: target.containerName,
      containerPort: target.containerPort,
      image: `${SANDBOX_SERVICE.repository}:v0`,
    });
    return { service, ...blueGreenUrls(aws.url, CLUSTER, service) };
  };
  const deploymentsOf = (service: string) => worker.sandbox.aws.state.ecs.findService(CLUSTER, service)!.serviceDeployments;
  /** The release's service deployment (the seed's own initial one comes first). */
  const releaseOf = (service: string) => {
    const all = deploymentsOf(service);
    expect(all).toHaveLength(2);
    return all[1]!;
  };
  const notices = () => worker.sandbox.slack.state.messages(SANDBOX_SLACK.channelId).filter((m) => m.text?.includes('테스트 대기 중'));
  const waitingEvents = async (id: string) =>
    (await temporal.client.workflow.getHandle(id).query(deploymentEventsQuery, 0)).events.filter(
      (e) => e.message === 'ECS deployment: waiting for test',
    );
  const callHook = (body: unknown, secret: string | null = HOOK_SECRET) =>
    fetch(`${served.url}/api/v1/hooks/ecs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret === null ? {} : { [HOOK_SECRET_HEADER]: secret }) },
      body: JSON.stringify(body),
    });
  /** Everything a hook call could change: builds, task definitions, service deployments, notices, events. */
  const everything = async (id: string) => ({
    ...sideEffects(worker.sandbox),
    serviceDeployments: worker.sandbox.aws.state.ecs.counters.serviceDeploymentsStarted.toJSON(),
    notices: notices().length,
    events: (await temporal.client.workflow.getHandle(id).query(deploymentEventsQuery, 0)).events.length,
  });

  it('records "waiting for test" and posts the notice once; ECS hears SUCCEEDED after an outage (IN_PROGRESS); hostile calls change nothing', async () => {
    const { service, blueUrl, greenUrl } = newService();
    // Switchyard answers the first forward 503 (a restart): the Lambda says IN_PROGRESS, ECS invokes again.
    outage.push(503);
    const started = await api.deploy(connection, { target: { cluster: CLUSTER, service, blueUrl, greenUrl } });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const id: string = started.body.data.deploymentId;
    await api.reach(id, 'DEPLOYMENT_READY', 100);

    // ECS ran the Lambda hook at POST_TEST_TRAFFIC_SHIFT and heard SUCCEEDED, beside the PAUSE gate.
    const deployment = releaseOf(service);
    const arn = deployment.arn;
    expect(deployment.deploymentConfiguration['lifecycleHooks']).toContainEqual(
      expect.objectContaining({ targetType: 'AWS_LAMBDA', hookTargetArn: SANDBOX_HOOK_FUNCTION_ARN, roleArn: ECS_HOOK_ROLE_ARN }),
    );
    await expect.poll(() => deployment.hooks.find((h) => h.targetType === 'AWS_LAMBDA')?.status, { timeout: 10_000 }).toBe('SUCCEEDED');
    const ours = forwarded.filter((p) => p.resourceArn === arn);
    expect(ours.length).toBe(2); // the refused first forward, then the one Switchyard recorded
    expect(ours[0]).toMatchObject({
      lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
      executionDetails: { serviceArn: expect.stringContaining(`/${CLUSTER}/${service}`) },
    });

    // One event, one notice with the test URL, naming the ECS service deployment.
    const [event] = await waitingEvents(id);
    expect(await waitingEvents(id)).toHaveLength(1);
    expect(event!.details).toMatchObject({ stage: 4, serviceDeploymentArn: arn, testUrl: greenUrl });
    const ofThis = () => notices().filter((m) => m.text?.includes(id));
    expect(ofThis()).toHaveLength(1);
    expect(ofThis()[0]!.text).toContain(greenUrl);
    expect(ofThis()[0]!.text).toContain(`ECS service deployment ${arn}`);
    expect(ofThis()[0]!.text).toContain(`POST /api/v1/deploy/${id}/switch`);

    // ECS invoking again (same payload): 200, recorded before, nothing new.
    const before = await everything(id);
    const again = await callHook(ours[1]);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({
      data: { deploymentId: id, serviceDeploymentArn: arn, hookStatus: 'SUCCEEDED', alreadyRecorded: true },
    });
    // Hostile: no secret, a wrong one, an unknown deployment, another service's, a stage that is not ours.
    const unknown = { ...ours[1]!, resourceArn: arn.replace(/[^/]+$/, 'ForgedForgedForgedForg') };
    const otherService = {
      ...ours[1]!,
      executionDetails: { serviceArn: String((ours[1]!.executionDetails as Json).serviceArn).replace(service, 'someone-else') },
    };
    const answers = [
      [await callHook(ours[1], null), 401],
      [await callHook(ours[1], `${HOOK_SECRET}x`), 401],
      [await callHook(unknown), 404],
      [await callHook(otherService), 400],
      [await callHook({ ...ours[1]!, lifecycleStage: 'PRE_SCALE_UP' }), 400],
    ] as const;
    for (const [res, status] of answers) expect(res.status, await res.clone().text()).toBe(status);
    // The workflow itself refuses any service deployment but its own (were the API to address it so).
    const refusal = await temporal.client.workflow
      .getHandle(id)
      .executeUpdate(ecsTestTrafficHookUpdate, {
        args: [{ serviceDeploymentArn: unknown.resourceArn as string, hookExecutionId: 'forged' }],
      })
      .then(
        () => undefined,
        (error: Error) => error.cause as (Error & { type?: string }) | undefined,
      );
    expect(refusal).toMatchObject({ type: 'NotThisDeployment', message: expect.stringContaining(`follows ECS service deployment ${arn}`) });
    expect(await everything(id)).toEqual(before);
    expect(deployment.status).toBe('IN_PROGRESS');

    // Approve: the release completes; then a replayed hook call is refused (409) and harmless.
    expect((await api.call('POST', `/api/v1/deploy/${id}/switch`, undefined, 'approver')).status).toBe(200);
    await api.reach(id, 'COMPLETED', 100);
    expect(deployment.status).toBe('SUCCESSFUL');
    const finished = await everything(id);
    const late = await callHook(ours[1]);
    expect(late.status).toBe(409);
    expect(await late.json()).toMatchObject({ status: 409, message: expect.stringContaining('has ended') });
    expect(await everything(id)).toEqual(finished);
    releaseOf(service); // no second service deployment
  }, 90_000);

  it('the Lambda answers ECS as its hook contract says: FAILED on a refusal (ECS rolls back), IN_PROGRESS while unreachable', async () => {
    const payload = {
      executionId: 'ecs-lambda-test',
      lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
      resourceArn: `arn:aws:ecs:ap-northeast-2:123456789012:service-deployment/${CLUSTER}/nobody/AbCdEfGhIjKlMnOpQrStU`,
      executionDetails: { serviceArn: `arn:aws:ecs:ap-northeast-2:123456789012:service/${CLUSTER}/nobody` },
    };
    const log = () => undefined;
    const at = (hookUrl: string, hookSecret = HOOK_SECRET) => createEcsHandler({ hookUrl, hookSecret, log, callBackDelaySeconds: 7 });
    const door = `${served.url}/api/v1/hooks/ecs`;
    expect(await at(door, 'not-the-secret-0123456789')(payload)).toEqual({ hookStatus: 'FAILED' });
    expect(await at(door)(payload)).toEqual({ hookStatus: 'FAILED' }); // 404: not Switchyard's
    const closed = await serveApp(() => new Response(null));
    const closedUrl = `${closed.url}/api/v1/hooks/ecs`;
    await closed.close();
    expect(await at(closedUrl)(payload)).toEqual({ hookStatus: 'IN_PROGRESS', callBackDelay: 7 });
    const busy = await serveApp(() => new Response('busy', { status: 429 }));
    expect(await at(`${busy.url}/api/v1/hooks/ecs`)(payload)).toEqual({ hookStatus: 'IN_PROGRESS', callBackDelay: 7 });
    await busy.close();
    // Another stage is not this function's business: SUCCEEDED without calling anyone.
    expect(await at(closedUrl)({ ...payload, lifecycleStage: 'POST_SCALE_UP' })).toEqual({ hookStatus: 'SUCCEEDED' });

    // In ECS: a refused forward fails the hook, and ECS rolls the release back.
    const { service, blueUrl, greenUrl } = newService();
    const config = worker.sandbox.aws.state.lambda;
    const calls = config.invocations.get(SANDBOX_HOOK_FUNCTION) ?? 0;
    outage.push(403);
    const started = await api.deploy(connection, { target: { cluster: CLUSTER, service, blueUrl, greenUrl } });
    expect(started.status).toBe(200);
    const id: string = started.body.data.deploymentId;
    const failed = await api.reach(id, 'FAILED', 100);
    expect(failed.errorCode).toBe('ECS_DEPLOYMENT_FAILED');
    const deployment = releaseOf(service);
    expect(deployment.hooks.find((h) => h.targetType === 'AWS_LAMBDA')?.status).toBe('FAILED');
    await expect.poll(() => deployment.status, { timeout: 10_000 }).toBe('ROLLBACK_SUCCESSFUL');
    expect(config.invocations.get(SANDBOX_HOOK_FUNCTION)).toBe(calls + 1);
    expect(await waitingEvents(id)).toHaveLength(0);
    expect(notices().filter((m) => m.text?.includes(id))).toHaveLength(0);
  }, 90_000);
});
