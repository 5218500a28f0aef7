// Switchyard scaled out on a real two-node Temporal cluster on PostgreSQL, every part its own
// process as in production: the sandbox emulators (`npm run sandbox`), two workers, two APIs on
// different ports sharing a PostgreSQL DATABASE_URL, all reaching Temporal through one address
// that fronts both nodes (the load balancer's place). 20 deployments of distinct services and 50
// distributions are split across the APIs while one worker is SIGKILLed and one Temporal node is
// stopped; everything completes, and the emulators count every side effect exactly once. Then the
// one-per-service rule and Slack's repeats, across the two APIs; and `npm start` against an empty
// namespace of the cluster, which it prepares itself.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSlackRequest } from '../../api/slack/signature.js';
import { SEARCH_ATTRIBUTES } from '../../common/search-attributes.js';
import { blueGreenUrls } from '../../emulators/aws/index.js';
import { CONTENT_URLS } from '../channels/sandbox.js';
import { freePort } from '../support/free-port.js';
import type { Json } from '../support/http.js';
import { isRunning, killAll, startProcess, waitFor, type Child } from '../support/processes.js';
import { writeWorkflowBundle } from '../../worker/workflow-bundle.js';
import { addSandboxConnections, stackEnv, startSandboxProcess } from './switchyard-stack.js';
import { startTemporalCluster, type TemporalCluster } from './temporal-cluster.js';

const DEPLOYMENTS = 20;
const DISTRIBUTIONS = 50;
const CHANNELS = ['NAVER_BLOG', 'KAKAO_CHANNEL'] as const;

describe('scale-out on a two-node Temporal cluster: 2 workers, 2 APIs, PostgreSQL', () => {
  const id = randomUUID().slice(0, 6);
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-scale-'));
  const apiKey = `scale-admin-key-${randomBytes(12).toString('hex')}`;
  const encryptionKey = randomBytes(32).toString('base64');
  const serviceName = `scale-${id}`;
  const children: Child[] = [];
  let cluster: TemporalCluster;
  let env: Record<string, string>;
  let processEnv: Record<string, string>;
  let apiUrls: [string, string];
  let workers: Child[];
  let slackDefaults: { githubConnectionId: string; awsConnectionId: string };

  const call = async (base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  };
  /** For polls while a node or a worker is down: a refused connection or a 503 is asked again later. */
  const poll = (base: string, path: string) => call(base, 'GET', path).catch(() => ({ status: 0, body: null as Json }));
  const get = async (url: string): Promise<Json> => (await fetch(url)).json();

  const startWorker = (n: number) => {
    const worker = startProcess(`worker-${n}`, ['worker/main.ts'], { ...processEnv, SWITCHYARD_DATA_DIR: join(dir, `worker-${n}`) });
    children.push(worker);
    return worker;
  };

  beforeAll(async () => {
    const bundlePath = join(dir, 'workflow-bundle.js');
    await writeWorkflowBundle(bundlePath);
    cluster = await startTemporalCluster();
    await cluster.createDatabase('switchyard');
    const databaseUrl = cluster.databaseUrl('switchyard');

    const ports = [await freePort(), await freePort()];
    apiUrls = [`http://127.0.0.1:${ports[0]}`, `http://127.0.0.1:${ports[1]}`];
    env = await startSandboxProcess(children, {
      dir,
      serviceName,
      services: DEPLOYMENTS + 1,
      hookUrls: apiUrls.map((u) => `${u}/api/v1/hooks/codedeploy`),
      timeoutMs: 60_000,
    });
    // Slash commands need default connections before the APIs start.
    slackDefaults = await addSandboxConnections(databaseUrl, encryptionKey, env);

    processEnv = {
      ...stackEnv(env, { cluster, taskQueue: `scale-${id}`, databaseUrl, encryptionKey, apiKey, bundlePath }),
      SLACK_DEFAULT_GITHUB_CONNECTION_ID: slackDefaults.githubConnectionId,
      SLACK_DEFAULT_AWS_CONNECTION_ID: slackDefaults.awsConnectionId,
      // A SIGKILLed worker's long waits move to the other worker within seconds.
      DEPLOY_HEARTBEAT_TIMEOUT_SECONDS: '5',
      DEPLOY_CALL_TIMEOUT_SECONDS: '15',
      DISTRIBUTION_RETRY_WINDOW_SECONDS: '60',
      LOG_LEVEL: 'info',
    };
  }, 300_000);

  afterAll(async () => {
    await killAll(children);
    await cluster?.teardown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an empty cluster is prepared by the API and the worker themselves', { timeout: 180_000 }, async () => {
    const connection = await Connection.connect({ address: cluster.addresses[1] });
    const custom = async () =>
      Object.keys((await connection.operatorService.listSearchAttributes({ namespace: cluster.namespace })).customAttributes ?? {});
    try {
      expect(await custom()).toEqual([]);
      workers = [startWorker(1), startWorker(2)];
      for (const [n, url] of apiUrls.entries()) {
        children.push(
          startProcess(`api-${n + 1}`, ['api/main.ts'], {
            ...processEnv,
            PORT: String(new URL(url).port),
            HOST: '127.0.0.1',
            SWITCHYARD_DATA_DIR: join(dir, `api-${n + 1}`),
          }),
        );
      }
      for (const url of apiUrls) {
        await waitFor(`${url} healthy`, children, async () => (await poll(url, '/healthz')).body?.status === 'UP', 120_000);
      }
      expect((await custom()).sort()).toEqual(SEARCH_ATTRIBUTES.map((k) => k.name).sort());
    } finally {
      await connection.close();
    }
  });

  it(
    `completes ${DEPLOYMENTS} deployments and ${DISTRIBUTIONS} distributions through a worker crash and a node stop, each side effect once`,
    { timeout: 600_000 },
    async () => {
      // Connections made at one API are there at the other: they live in PostgreSQL.
      const github = await call(apiUrls[0], 'POST', '/api/v1/connect/github', {
        owner: env.SANDBOX_GITHUB_OWNER,
        repo: env.SANDBOX_GITHUB_REPO,
        branch: 'main',
        token: env.SANDBOX_GITHUB_TOKEN,
      });
      const aws = await call(apiUrls[1], 'POST', '/api/v1/connect/aws', {
        region: env.AWS_REGION,
        accessKeyId: env.SANDBOX_AWS_ACCESS_KEY_ID,
        secretAccessKey: env.SANDBOX_AWS_SECRET_ACCESS_KEY,
      });
      expect([github.status, aws.status], JSON.stringify([github.body, aws.body])).toEqual([200, 200]);
      const connection = {
        githubConnectionId: github.body.data.githubConnectionId as string,
        awsConnectionId: aws.body.data.awsConnectionId as string,
      };
      const listed = await call(apiUrls[0], 'GET', '/api/v1/connections');
      expect(JSON.stringify(listed.body)).toContain(connection.awsConnectionId);

      const targets = Array.from({ length: DEPLOYMENTS }, (_, i) => {
        const service = `${serviceName}-${i + 1}`;
        return {
          service,
          codeDeployApplication: `panda-app-${i + 1}`,
          codeDeployGroup: `panda-dg-${i + 1}`,
          ...blueGreenUrls(env.SWITCHYARD_AWS_ENDPOINT!, env.DEPLOY_CLUSTER!, service),
        };
      });
      const started = await Promise.all(
        targets.map((target, i) =>
          call(apiUrls[i % 2]!, 'POST', '/api/v1/deploy', {
            ...connection,
            owner: env.SANDBOX_GITHUB_OWNER,
            repo: env.SANDBOX_GITHUB_REPO,
            branch: 'main',
            version: 'v1.2.3',
            target,
          }),
        ),
      );
      for (const s of started) expect(s.status, JSON.stringify(s.body)).toBe(200);
      const deploymentIds = started.map((s) => s.body.data.deploymentId as string);

      const eventIds = Array.from({ length: DISTRIBUTIONS }, (_, i) => `evt-scale-${id}-${i}`);
      const distributed = await Promise.all(
        eventIds.map((eventId, i) =>
          call(apiUrls[i % 2]!, 'POST', '/api/distribution/distribute', {
            eventId,
            channels: CHANNELS.map((type) => ({ type, config: { text: `scale ${i}`, latencyMs: 300 } })),
            contentUrls: CONTENT_URLS,
          }),
        ),
      );
      for (const d of distributed) expect([200, 202], JSON.stringify(d.body)).toContain(d.status);

      // Faults mid-run: a worker dies hard (and comes back later), then Temporal node A stops.
      await new Promise((r) => setTimeout(r, 3000));
      const killed = workers[0]!;
      killed.child.kill('SIGKILL');
      await killed.exited;
      await new Promise((r) => setTimeout(r, 2000));
      await cluster.stopNode(0);
      const alive = () => children.filter((c) => c !== killed);
      await new Promise((r) => setTimeout(r, 2000));
      workers[0] = startWorker(3);

      const result = async (deploymentId: string, i: number) =>
        (await poll(apiUrls[i % 2]!, `/api/v1/deploy/${deploymentId}/result`)).body?.data;
      await waitFor(
        'every deployment at DEPLOYMENT_READY',
        alive(),
        async () => {
          const statuses = await Promise.all(deploymentIds.map((d, i) => result(d, i).then((r) => r?.status)));
          const ended = statuses.find((s) => s === 'FAILED' || s === 'ROLLED_BACK');
          if (ended) {
            // The hook Lambda logs why it reported Failed (the sandbox's stderr), the APIs why they refused.
            const lambdaLines =
              children
                .find((c) => c.name === 'sandbox')
                ?.output()
                .split('\n')
                .filter((l) => l.includes('"lambda"') && !l.includes('forwarded to Switchyard')) ?? [];
            throw new Error(
              `a deployment ended ${ended}: ${JSON.stringify(await Promise.all(deploymentIds.map((d, i) => result(d, i))))}\n--- hook Lambda ---\n${lambdaLines.slice(-40).join('\n')}`,
            );
          }
          return statuses.every((s) => s === 'DEPLOYMENT_READY');
        },
        300_000,
      );
      const switched = await Promise.all(deploymentIds.map((d, i) => call(apiUrls[(i + 1) % 2]!, 'POST', `/api/v1/deploy/${d}/switch`)));
      for (const s of switched) expect(s.status, JSON.stringify(s.body)).toBe(200);
      await waitFor(
        'every deployment COMPLETED',
        alive(),
        async () => (await Promise.all(deploymentIds.map((d, i) => result(d, i).then((r) => r?.status)))).every((s) => s === 'COMPLETED'),
        300_000,
      );
      await waitFor(
        'every distribution COMPLETED',
        alive(),
        async () =>
          (
            await Promise.all(
              eventIds.map((e, i) => poll(apiUrls[i % 2]!, `/api/distribution/${e}/status`).then((s) => s.body?.overallStatus)),
            )
          ).every((s) => s === 'COMPLETED'),
        300_000,
      );
      expect(cluster.failoverConnections()[cluster.addresses[1]] ?? 0).toBeGreaterThan(0);

      // Every side effect exactly once, counted by the emulators themselves.
      const githubState: Json = await get(`${env.GITHUB_API_URL}/_emulator/github/state`);
      const awsState: Json = await get(`${env.SWITCHYARD_AWS_ENDPOINT}/_emulator/aws/state`);
      for (const [i, deploymentId] of deploymentIds.entries()) {
        const { service, codeDeployApplication, codeDeployGroup } = targets[i]!;
        const final = await result(deploymentId, i);
        expect(githubState.dispatchesByCorrelationId[deploymentId], deploymentId).toBe(1);
        expect(githubState.imagesBuiltByCorrelationId[deploymentId], deploymentId).toBe(1);
        expect(awsState.counters.taskDefinitionRevisions[service], service).toBe(2); // the seeded revision and this deployment's
        expect(awsState.counters.deploymentsCreated[`${codeDeployApplication}/${codeDeployGroup}`], service).toBe(1);
        expect(awsState.counters.continueDeploymentCalls[final.codeDeployDeploymentId], service).toBe(1);
        const hooks = awsState.codedeploy.hookExecutions.filter((h: Json) => h.deploymentId === final.codeDeployDeploymentId);
        expect(hooks, service).toHaveLength(1);
        expect(hooks[0].status).toBe('Succeeded');
        expect(awsState.counters.hookStatusReports[hooks[0].id], service).toBe(1);
      }
      const channelState: Json = await get(`${env.SANDBOX_CHANNELS_URL}/_emulator/state`);
      for (const channel of CHANNELS) {
        const drafts: Json[] = channelState[channel].drafts;
        expect(drafts, channel).toHaveLength(DISTRIBUTIONS);
        for (const draft of drafts) expect(draft, channel).toMatchObject({ status: 'PUBLISHED', publishRequests: 1 });
      }
    },
  );

  it(
    '20 concurrent deploy requests for one service, split across both APIs: exactly one 200, the rest 409 naming it',
    { timeout: 180_000 },
    async () => {
      const service = `${serviceName}-${DEPLOYMENTS + 1}`;
      const target = {
        service,
        codeDeployApplication: `panda-app-${DEPLOYMENTS + 1}`,
        codeDeployGroup: `panda-dg-${DEPLOYMENTS + 1}`,
        ...blueGreenUrls(env.SWITCHYARD_AWS_ENDPOINT!, env.DEPLOY_CLUSTER!, service),
      };
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          call(apiUrls[i % 2]!, 'POST', '/api/v1/deploy', {
            ...slackDefaults,
            owner: env.SANDBOX_GITHUB_OWNER,
            repo: env.SANDBOX_GITHUB_REPO,
            branch: 'main',
            target,
          }),
        ),
      );
      const ok = answers.filter((a) => a.status === 200);
      expect(ok, JSON.stringify(answers.map((a) => a.status))).toHaveLength(1);
      const running: string = ok[0]!.body.data.deploymentId;
      const refused = answers.filter((a) => a.status === 409);
      expect(refused).toHaveLength(19);
      for (const r of refused) expect(r.body).toMatchObject({ status: 409, runningDeploymentId: running });
      await waitFor(
        'the admitted deployment at the gate',
        children.filter(isRunning),
        async () => (await poll(apiUrls[0], `/api/v1/deploy/${running}/result`)).body?.data?.status === 'DEPLOYMENT_READY',
        120_000,
      );
      expect((await call(apiUrls[1], 'POST', `/api/v1/deploy/${running}/rollback`)).status).toBe(200);
      const githubState: Json = await get(`${env.GITHUB_API_URL}/_emulator/github/state`);
      expect(githubState.dispatchesByCorrelationId[running]).toBe(1);
    },
  );

  it(
    'a Slack command delivered to one API, then retried and replayed at the other, starts one deployment',
    { timeout: 180_000 },
    async () => {
      const body = new URLSearchParams({
        command: '/platform-deploy',
        text: 'v1.0.0',
        user_id: env.SLACK_APPROVERS!.split(',')[0]!,
        channel_id: env.SLACK_CHANNEL_ID!,
        trigger_id: `${Date.now()}.${randomBytes(6).toString('hex')}`,
        response_url: 'http://127.0.0.1:9/unused',
        team_id: 'T0SANDBOX',
      }).toString();
      const timestamp = String(Math.floor(Date.now() / 1000));
      const headers = {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': timestamp,
        'x-slack-signature': signSlackRequest(env.SLACK_SIGNING_SECRET!, timestamp, body),
      };
      const githubState = async (): Promise<Json> => get(`${env.GITHUB_API_URL}/_emulator/github/state`);
      const before = Object.keys((await githubState()).dispatchesByCorrelationId).length;
      const first = await fetch(`${apiUrls[0]}/slack/events`, { method: 'POST', headers, body });
      expect(first.status).toBe(200);
      // Slack's retry and a replay of the same signed request, both at the other replica.
      const retry = await fetch(`${apiUrls[1]}/slack/events`, {
        method: 'POST',
        headers: { ...headers, 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
        body,
      });
      const replay = await fetch(`${apiUrls[1]}/slack/events`, { method: 'POST', headers, body });
      expect([retry.status, replay.status]).toEqual([200, 200]);
      await waitFor(
        'the one dispatch',
        children.filter(isRunning),
        async () => Object.keys((await githubState()).dispatchesByCorrelationId).length > before,
        60_000,
      );
      await new Promise((r) => setTimeout(r, 3000));
      const dispatched = Object.entries((await githubState()).dispatchesByCorrelationId as Record<string, number>);
      expect(dispatched.length).toBe(before + 1);
      const [slackDeployment, count] = dispatched.at(-1)!;
      expect(count).toBe(1);
      await waitFor(
        'the Slack deployment at the gate',
        children.filter(isRunning),
        async () => (await poll(apiUrls[0], `/api/v1/deploy/${slackDeployment}/result`)).body?.data?.status === 'DEPLOYMENT_READY',
        120_000,
      );
      expect((await call(apiUrls[0], 'POST', `/api/v1/deploy/${slackDeployment}/rollback`)).status).toBe(200);
    },
  );

  it(
    'npm start with TEMPORAL_ADDRESS prepares a namespace that does not exist yet, and a deployment completes',
    { timeout: 240_000 },
    async () => {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const namespace = `launcher-${id}`;
      const launcher = startProcess('launcher', ['launcher/main.ts'], {
        TEMPORAL_ADDRESS: cluster.failoverAddress,
        TEMPORAL_NAMESPACE: namespace,
        TEMPORAL_TASK_QUEUE: `launcher-${id}`,
        PORT: String(port),
        HOST: '127.0.0.1',
        SWITCHYARD_API_KEY: apiKey,
        SWITCHYARD_DATA_DIR: join(dir, 'launcher'),
        SWITCHYARD_SANDBOX: 'true',
        DEPLOY_POLL_MS: '200',
        LOG_LEVEL: 'info',
      });
      children.push(launcher);
      await waitFor('the launcher banner', [launcher], () => launcher.output().includes('Switchyard is running'), 120_000);
      const github = await call(url, 'POST', '/api/v1/connect/github', {
        owner: env.SANDBOX_GITHUB_OWNER,
        repo: env.SANDBOX_GITHUB_REPO,
        branch: 'main',
        token: env.SANDBOX_GITHUB_TOKEN,
      });
      const aws = await call(url, 'POST', '/api/v1/connect/aws', {
        region: env.AWS_REGION,
        accessKeyId: env.SANDBOX_AWS_ACCESS_KEY_ID,
        secretAccessKey: env.SANDBOX_AWS_SECRET_ACCESS_KEY,
      });
      const deployed = await call(url, 'POST', '/api/v1/deploy', {
        githubConnectionId: github.body.data.githubConnectionId,
        awsConnectionId: aws.body.data.awsConnectionId,
        owner: env.SANDBOX_GITHUB_OWNER,
        repo: env.SANDBOX_GITHUB_REPO,
        branch: 'main',
        version: 'v1.2.3',
      });
      expect(deployed.status, JSON.stringify(deployed.body)).toBe(200);
      const deploymentId: string = deployed.body.data.deploymentId;
      await waitFor(
        'DEPLOYMENT_READY',
        [launcher],
        async () => (await poll(url, `/api/v1/deploy/${deploymentId}/result`)).body?.data?.status === 'DEPLOYMENT_READY',
        120_000,
      );
      expect((await call(url, 'POST', `/api/v1/deploy/${deploymentId}/switch`)).status).toBe(200);
      await waitFor(
        'COMPLETED',
        [launcher],
        async () => (await poll(url, `/api/v1/deploy/${deploymentId}/result`)).body?.data?.status === 'COMPLETED',
        120_000,
      );
      const listed = await call(url, 'GET', `/api/v1/deployments?status=COMPLETED`);
      expect(JSON.stringify(listed.body)).toContain(deploymentId);
    },
  );
});
