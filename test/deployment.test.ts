// Deployments end to end in sandbox mode: HTTP API → Temporal → worker → real Octokit and AWS
// SDK clients → GitHub and AWS emulators (real HTTP), on a real Temporal server.
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SANDBOX_SERVICE, SANDBOX_SLACK } from '../emulators/sandbox.js';
import { authHeader } from './support/api.js';
import type { Json } from './support/http.js';
import { serveApp, type ServedApp } from './support/http-server.js';
import { readSse } from './support/sse-client.js';
import { sandboxSuite } from './support/sandbox-suite.js';

describe('blue/green deployment', () => {
  const suite = sandboxSuite('deploy');
  /** The app on a real socket too, for the SSE stream. */
  let served: ServedApp;
  let connection: { githubConnectionId: string; awsConnectionId: string };

  beforeAll(async () => {
    served = await serveApp(suite.app.fetch);
    connection = await suite.api.connect();
  });
  // Registered after the suite's: runs before the worker stops.
  afterAll(async () => {
    await served?.close();
  });

  /** Waits until the deployment reaches `status` or ends; shows the whole result when it differs. */

  it('runs stages 1–4 to DEPLOYMENT_READY, switches on approval and completes on green', async () => {
    const started = await suite.api.deploy(connection, { version: 'v1.2.3' });
    expect(started.status).toBe(200);
    const id: string = started.body.data.deploymentId;
    expect(id).toMatch(/^dep_[a-z0-9]{10}$/);
    expect(started.body.data.message).toBe(`Deployment started. Listen to /api/v1/deploy/${id}/events`);

    const early = await suite.api.call('POST', `/api/v1/deploy/${id}/switch`, undefined, 'approver');
    expect(early.status).toBe(400);
    expect(early.body.message).toMatch(/^Deployment is not ready for traffic switch\. Current stage: [0-4]$/);

    await suite.api.reach(id, 'DEPLOYMENT_READY');
    const ready = (await suite.api.result(id)).body.data;
    expect(ready).toMatchObject({
      status: 'DEPLOYMENT_READY',
      finalService: null,
      owner: SANDBOX_SERVICE.owner,
      repo: SANDBOX_SERVICE.repo,
      version: 'v1.2.3',
    });
    expect(ready.greenUrl).toContain('/green');
    // The seed's timestamp form in the seed's fields; new fields keep ISO with zone.
    expect(ready.startedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    expect(ready.completedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    // The blue and green ECS task sets, from CodeDeploy's deployment target.
    const taskSetArn = new RegExp(
      `^arn:aws:ecs:[^:]+:\\d{12}:task-set/${SANDBOX_SERVICE.cluster}/${suite.worker.sandbox.target.service}/ecs-svc/\\d+$`,
    );
    expect(ready.blueServiceArn).toMatch(taskSetArn);
    expect(ready.greenServiceArn).toMatch(taskSetArn);
    expect(ready.greenServiceArn).not.toBe(ready.blueServiceArn);

    const viewerSwitch = await suite.api.call('POST', `/api/v1/deploy/${id}/switch`, undefined, 'viewer');
    expect(viewerSwitch.status).toBe(403);
    const switched = await suite.api.call('POST', `/api/v1/deploy/${id}/switch`, undefined, 'approver');
    expect(switched).toMatchObject({
      status: 200,
      body: { code: 200, data: { deploymentId: id, activeService: 'green', message: 'Traffic switching from blue to green in progress' } },
    });
    const again = await suite.api.call('POST', `/api/v1/deploy/${id}/switch`, undefined, 'approver');
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ status: 400, error: 'Deployment Error', message: 'Traffic has already been switched to green' });

    await suite.api.reach(id, 'COMPLETED');
    const result: Json = (await suite.api.result(id)).body.data;
    expect(result).toMatchObject({
      status: 'COMPLETED',
      finalService: 'green',
      errorMessage: null,
      approvedBy: 'test approver',
      decidedVia: 'api',
    });
    for (const field of ['blueLatencyMs', 'greenLatencyMs', 'blueErrorRate', 'greenErrorRate']) expect(typeof result[field]).toBe('number');
    expect(result.greenErrorRate).toBe(0);
    expect(result.completedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    expect(result.decidedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

    // The service now runs the new revision; the emulators saw one of everything.
    const aws = suite.worker.sandbox.aws.state;
    expect(aws.counters.deploymentsCreated.get(`${SANDBOX_SERVICE.application}/${SANDBOX_SERVICE.deploymentGroup}`)).toBe(1);
    expect(suite.worker.sandbox.github.state.dispatchCount(id)).toBe(1);
    expect(suite.worker.sandbox.github.state.imagesBuiltCount(id)).toBe(1);

    // SSE replays the whole story in order: connected, stages 1–4, ready, switch, success.
    const { messages } = await readSse(`${served.url}/api/v1/deploy/${id}/events`, authHeader('viewer'), (m) =>
      m.some((x) => x.event === 'success'),
    );
    expect(messages[0]!.event).toBe('connected');
    const stages = messages.filter((m) => m.event === 'stage').map((m) => JSON.parse(m.data).details.stage as number);
    expect(stages).toEqual([...stages].sort((a, b) => a - b));
    expect(new Set(stages)).toEqual(new Set([1, 2, 3, 4, 5]));
    const texts = messages.map((m) => JSON.parse(m.data).message as string);
    expect(texts).toContain('[Stage 1] Dockerfile 찾음');
    expect(texts).toContain('[Stage 4] Green 서비스 배포 완료 - 트래픽 전환 대기 중');
    // Stage 2 in the seed's order: push start, repository checked, ECR login, pushed.
    const stage2 = texts.filter((t) => t?.startsWith('[Stage 2]'));
    expect(stage2).toEqual([
      '[Stage 2] ECR에 이미지 Push 중 - ECR로 이미지 Push 중...',
      '[Stage 2] ECR 리포지토리 확인 완료',
      '[Stage 2] ECR 로그인 완료',
      '[Stage 2] 이미지 Push 완료',
    ]);
    const readyEvent = messages
      .map((m) => JSON.parse(m.data))
      .find((d) => d.message === '[Stage 4] Green 서비스 배포 완료 - 트래픽 전환 대기 중');
    expect(readyEvent.details).toMatchObject({
      stage: 4,
      blueServiceArn: ready.blueServiceArn,
      greenServiceArn: ready.greenServiceArn,
      blueUrl: ready.blueUrl,
      greenUrl: ready.greenUrl,
    });
    expect(texts).toContain('[Stage 4] CodeDeploy Lifecycle Hook: AfterAllowTestTraffic');
    expect(messages.at(-1)!.event).toBe('success');

    // The deployment's Slack message: posted once, updated in place as stages passed, with the
    // switch buttons at DEPLOYMENT_READY and the outcome at the end.
    const slackMessages = suite.worker.sandbox.slack.state
      .messages(SANDBOX_SLACK.channelId)
      .filter((m) => JSON.stringify(m.history).includes(id));
    expect(slackMessages).toHaveLength(1);
    const versions = slackMessages[0]!.history.map((v) => JSON.stringify(v.blocks));
    expect(versions.length).toBeGreaterThanOrEqual(5);
    expect(versions.some((v) => v.includes('switch_traffic'))).toBe(true);
    expect(versions.at(-1)).not.toContain('switch_traffic');
    expect(versions.at(-1)).toContain('test approver');

    // Histories stay small: progress lives in the workflow's state, not in extra events.
    const history = await suite.client.workflow.getHandle(id).fetchHistory();
    expect(history.events!.length).toBeLessThan(150);
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, id),
    ).resolves.toBeUndefined();
  });
});
