// The AfterAllowTestTraffic path end to end: the CodeDeploy emulator invokes the hook "Lambda" (our
// handler, for real) → POST /api/v1/hooks/codedeploy over HTTP → the workflow's testTrafficHook
// update → the worker's Slack notice and PutLifecycleEventHookExecutionStatus to the emulator —
// once per hook execution, also when a second API replica receives the repeat.
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOOK_SECRET_HEADER, registerCodeDeployHookRoutes } from '../../api/hooks/routes.js';
import { createLogger } from '../../common/logger.js';
import { loadSlackConfig } from '../../common/config/slack.js';
import { SANDBOX_CREDENTIALS, SANDBOX_SLACK } from '../../emulators/sandbox.js';
import type { LifecycleHookEvent } from '../../emulators/aws/index.js';
import { createHandler } from '../../lambda/after-allow-test-traffic/handler.js';
import { buildTestApp } from '../support/api.js';
import { client } from '../support/deploy-flow.js';
import type { Json } from '../support/http.js';
import { serveApp, type ServedApp } from '../support/http-server.js';
import { connectClient, startSandboxWorker, uniqueTaskQueue, type SandboxWorker } from '../support/temporal.js';

const HOOK_SECRET = 'codedeploy-hook-secret-0123456789';
const HOOK_FUNCTION = 'CodeDeployHook_hookTest';

describe('CodeDeploy AfterAllowTestTraffic hook', () => {
  const taskQueue = uniqueTaskQueue('hook');
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  let worker: SandboxWorker;
  let app: ReturnType<typeof buildTestApp>;
  let served: ServedApp;
  /** A second API replica with its own hook route: nothing is shared between the two but Temporal. */
  let replica: ServedApp;
  let api: ReturnType<typeof client>;
  let connection: { githubConnectionId: string; awsConnectionId: string };
  /** What the emulator's hook "Lambda" does: set per test. */
  let lambda: ((event: LifecycleHookEvent) => Promise<unknown>) | undefined;
  const hookUrl = () => `${served.url}/api/v1/hooks/codedeploy`;

  beforeAll(async () => {
    temporal = await connectClient();
    // Deployments name the hook function in their AppSpec; the emulator's Lambda runs what each test sets.
    worker = await startSandboxWorker(taskQueue, {}, 'hook-test-worker', { hookFunction: HOOK_FUNCTION });
    worker.sandbox.aws.state.lambda.register(HOOK_FUNCTION, async (event) => {
      await lambda?.(event);
    });
    const config = loadSlackConfig({ CODEDEPLOY_HOOK_SECRET: HOOK_SECRET });
    const hookDeps = {
      client: temporal.client,
      connections: worker.services.connections,
      config,
      awsEndpoint: worker.sandbox.awsEndpoint,
      logger: createLogger('silent'),
      lookupTimeoutMs: 3000,
      updateTimeoutMs: 60_000,
    };
    app = buildTestApp(temporal.client, taskQueue, {}, worker);
    registerCodeDeployHookRoutes(app, hookDeps);
    served = await serveApp(app.fetch);
    const other = buildTestApp(temporal.client, taskQueue, {}, worker);
    registerCodeDeployHookRoutes(other, hookDeps);
    replica = await serveApp(other.fetch);
    api = client(app);
    connection = await api.connect();
    recorder = await serveApp(async (request) => {
      const body = await request.text();
      forwarded.push(JSON.parse(body) as Record<string, string>);
      return fetch(hookUrl(), { method: 'POST', headers: request.headers, body });
    });
  });
  afterAll(async () => {
    await recorder?.close();
    await served?.close();
    await replica?.close();
    await worker?.stop();
    await temporal?.close();
  });

  /** What the Lambda sent, seen between it and the API (a recording pass-through). */
  const forwarded: Record<string, string>[] = [];
  let recorder: ServedApp;
  const lambdaWith = (secret: string) =>
    createHandler({
      hookUrl: `${recorder.url}/api/v1/hooks/codedeploy`,
      hookSecret: secret,
      codedeploy: new CodeDeployClient({
        endpoint: worker.sandbox.awsEndpoint,
        region: SANDBOX_CREDENTIALS.region,
        maxAttempts: 1,
        credentials: { accessKeyId: SANDBOX_CREDENTIALS.awsAccessKeyId, secretAccessKey: SANDBOX_CREDENTIALS.awsSecretAccessKey },
      }),
      log: () => undefined,
    });

  const callHook = (body: unknown, secret?: string, url = hookUrl()) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret === undefined ? {} : { [HOOK_SECRET_HEADER]: secret }) },
      body: JSON.stringify(body),
    });

  const hookExecutionsOf = (codeDeployDeploymentId: string) =>
    worker.sandbox.aws.state.codedeploy.summary().hookExecutions.filter((h) => h.deploymentId === codeDeployDeploymentId);

  it('refuses a missing or wrong secret with 401, and does nothing', async () => {
    const event = { DeploymentId: 'd-ABCDEFGHI', LifecycleEventHookExecutionId: 'hook-456' };
    for (const secret of [undefined, 'wrong-secret-0123456789', `${HOOK_SECRET}x`]) {
      const res = await callHook(event, secret);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({
        status: 401,
        error: 'Unauthorized',
        message: `Missing or invalid ${HOOK_SECRET_HEADER} header`,
      });
    }
    expect(worker.sandbox.aws.state.counters.hookStatusReports.get('hook-456')).toBe(0);
    const invalid = await callHook({ DeploymentId: "d-1' OR 1=1", LifecycleEventHookExecutionId: 'x' }, HOOK_SECRET);
    expect(invalid.status).toBe(400);
  });

  it('is described in the OpenAPI document, which stays valid', async () => {
    const doc = (await (await app.request('/api-docs')).json()) as Json;
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(doc.paths['/api/v1/hooks/codedeploy'].post.security).toEqual([{ hookSecret: [] }]);
    expect(doc.components.securitySchemes.hookSecret).toMatchObject({ type: 'apiKey', in: 'header', name: HOOK_SECRET_HEADER });
  });

  it('answers 404 for a CodeDeploy deployment Switchyard does not know', async () => {
    const res = await callHook({ DeploymentId: 'd-NOTOURS00', LifecycleEventHookExecutionId: 'hook-unknown' }, HOOK_SECRET);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ status: 404, codeDeployDeploymentId: 'd-NOTOURS00' });
    expect(worker.sandbox.aws.state.counters.hookStatusReports.get('hook-unknown')).toBe(0);
  });

  const noticesOf = (id: string) =>
    worker.sandbox.slack.state.messages(SANDBOX_SLACK.channelId).filter((m) => m.text?.includes(id) && m.text.includes('테스트 대기 중'));
  const hookUpdates = async (id: string) =>
    (await temporal.client.workflow.getHandle(id).fetchHistory()).events!.filter(
      (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'testTrafficHook',
    );

  it('hands the hook to the workflow, which posts the notice and reports the hook Succeeded exactly once', async () => {
    lambda = lambdaWith(HOOK_SECRET);
    const started = await api.deploy(connection, { version: 'v1.2.3' });
    expect(started.status).toBe(200);
    const id: string = started.body.data.deploymentId;
    const ready = await api.reach(id, 'DEPLOYMENT_READY', 150);
    const codeDeployDeploymentId: string = ready.codeDeployDeploymentId;

    // The workflow received the hook (its history records the update), addressed by the id the
    // Lambda read from the CodeDeploy deployment's description.
    expect(await hookUpdates(id)).toHaveLength(1);
    expect(forwarded.find((body) => body.DeploymentId === ready.codeDeployDeploymentId)).toMatchObject({ SwitchyardDeploymentId: id });

    // CodeDeploy heard Succeeded once for the one hook execution.
    const [execution] = hookExecutionsOf(codeDeployDeploymentId);
    expect(execution).toMatchObject({ lifecycleEventName: 'AfterAllowTestTraffic', functionName: HOOK_FUNCTION, status: 'Succeeded' });
    const counters = worker.sandbox.aws.state.counters;
    expect(counters.hookStatusReports.get(execution!.id)).toBe(1);

    // The seed's notice, with the test URL and how to approve.
    const [notice] = noticesOf(id);
    expect(notice?.text).toContain('ECS 배포: 테스트 대기 중');
    expect(notice?.text).toContain(worker.sandbox.target.greenUrl);
    expect(notice?.text).toContain(`POST /api/v1/deploy/${id}/switch`);

    // The forwarder calls again (a Lambda retry), at this replica and at the other one: 200,
    // nothing reported twice, no second notice.
    for (const url of [hookUrl(), `${replica.url}/api/v1/hooks/codedeploy`]) {
      const again = await callHook(
        { DeploymentId: codeDeployDeploymentId, LifecycleEventHookExecutionId: execution!.id },
        HOOK_SECRET,
        url,
      );
      expect(again.status).toBe(200);
      expect(await again.json()).toMatchObject({
        code: 200,
        data: { deploymentId: id, codeDeployDeploymentId, status: 'Succeeded', alreadyReported: true },
      });
    }
    expect(counters.hookStatusReports.get(execution!.id)).toBe(1);
    expect(noticesOf(id)).toHaveLength(1);

    const rolledBack = await api.call('POST', `/api/v1/deploy/${id}/rollback`, undefined, 'approver');
    expect(rolledBack.status).toBe(200);
    await api.reach(id, 'ROLLED_BACK', 150);
  });

  it('after an approval through the API, both Slack messages of the deployment say so: the deployment message and the notice', async () => {
    lambda = lambdaWith(HOOK_SECRET);
    const started = await api.deploy(connection, { version: 'v1.2.3' });
    expect(started.status).toBe(200);
    const id: string = started.body.data.deploymentId;
    await api.reach(id, 'DEPLOYMENT_READY', 150);
    const channel = SANDBOX_SLACK.channelId;
    const deploymentMessageOf = () =>
      worker.sandbox.slack.state.messages(channel).find((m) => m.text?.includes(id) && !m.text.includes('테스트 대기 중'));
    // At the gate: the Switch button (with its confirm dialog) and, in the notice, how to approve.
    expect(JSON.stringify(deploymentMessageOf()?.blocks)).toContain('"confirm"');
    expect(noticesOf(id)[0]?.text).toContain(`POST /api/v1/deploy/${id}/switch`);

    const switched = await api.call('POST', `/api/v1/deploy/${id}/switch`, undefined, 'approver');
    expect(switched.status).toBe(200);
    const done = await api.reach(id, 'COMPLETED', 150);
    const approver = done.approvals[0].who as string;

    // Neither message offers a button or an instruction any more; each names the API approval.
    const message = deploymentMessageOf()!;
    expect(message.edited).toBe(true);
    expect(JSON.stringify(message.blocks)).not.toContain('"actions"');
    expect(JSON.stringify(message.blocks)).toContain(approver);
    const [notice] = noticesOf(id);
    expect(notice!.edited).toBe(true);
    expect(notice!.text).toContain(`Decided: switched to green by ${approver} (api)`);
    expect(notice!.text).not.toContain(`POST /api/v1/deploy/${id}/switch`);
    expect(JSON.stringify(notice!.blocks)).not.toContain('After testing, approve');
    expect(noticesOf(id)).toHaveLength(1);
  });

  it('the Lambda reports the hook Failed itself when Switchyard refuses it, and the deployment fails fast', async () => {
    lambda = lambdaWith('not-the-configured-secret');
    const started = await api.deploy(connection, { version: 'v1.0.0' });
    expect(started.status).toBe(200);
    const id: string = started.body.data.deploymentId;
    const failed = await api.reach(id, 'FAILED', 150);
    expect(failed.errorCode).toBe('ECS_DEPLOYMENT_FAILED');
    const [execution] = hookExecutionsOf(failed.codeDeployDeploymentId);
    expect(execution).toMatchObject({ lifecycleEventName: 'AfterAllowTestTraffic', status: 'Failed' });
    expect(worker.sandbox.aws.state.counters.hookStatusReports.get(execution!.id)).toBe(1);
    expect(await hookUpdates(id)).toHaveLength(0);
  });
});
