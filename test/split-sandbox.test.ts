// The split sandbox as a user (or the multi-replica test) runs it: `npm run sandbox` in a process
// of its own, then the production worker and API entry points (SWITCHYARD_SANDBOX=false) as
// separate processes, configured only by the environment the sandbox printed. A client connects,
// deploys one of the extra seeded services over HTTP, switches, and distributes to two channels;
// the emulators' own state endpoints show each side effect exactly once. The API process is
// killed while CodeDeploy's AfterAllowTestTraffic hook waits on it, and restarted seconds later:
// the hook Lambda's retries carry the deployment through, as a rolling restart must.
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { blueGreenUrls } from '../emulators/aws/index.js';
import { parseEnvironment } from '../emulators/split/environment.js';
import { CONTENT_URLS } from './channels/sandbox.js';
import { freePort } from './support/free-port.js';
import type { Json } from './support/http.js';
import { killAll, startProcess as start, waitFor, type Child } from './support/processes.js';

describe('split sandbox: emulators, worker and API as separate processes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-split-'));
  const envFile = join(dir, 'sandbox.env');
  const id = randomUUID().slice(0, 8);
  // A service name of this file's own: other files deploy on the same Temporal server, one run per service.
  const serviceName = `split-${id}`;
  const taskQueue = `split-sandbox-${id}`;
  const apiKey = `split-admin-key-${randomBytes(12).toString('hex')}`;
  const children: Child[] = [];

  afterAll(async () => {
    await killAll(children);
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'deploys, switches and distributes through production-mode processes configured by the printed environment',
    { timeout: 300_000 },
    async () => {
      const apiPort = await freePort();
      const nobodyPort = await freePort();
      const apiUrl = `http://127.0.0.1:${apiPort}`;
      // Two hook targets, the first one down: the sandbox's balancer must skip it, as a load balancer would.
      const hookUrls = [`http://127.0.0.1:${nobodyPort}/api/v1/hooks/codedeploy`, `${apiUrl}/api/v1/hooks/codedeploy`].join(',');

      const sandbox = start(
        'sandbox',
        ['emulators/main.ts', '--', '--env-file', envFile, '--hook-url', hookUrls, '--service', serviceName, '--services', '2'],
        {},
      );
      children.push(sandbox);
      await waitFor('the env file', [sandbox], () => existsSync(envFile), 60_000);

      // The file is what `set -a; . file` loads, and what was printed.
      const fileText = readFileSync(envFile, 'utf8');
      const env = parseEnvironment(fileText);
      const loaded = execFileSync('/bin/sh', ['-c', 'set -a; . "$1"; set +a; env', 'sh', envFile], { env: {}, encoding: 'utf8' });
      const shell = parseEnvironment(loaded);
      for (const [key, value] of Object.entries(env)) expect(shell[key], key).toBe(value);
      await waitFor('the printed environment', [sandbox], () => parseEnvironment(sandbox.stdout()).SANDBOX_SLACK_URL !== undefined, 10_000);
      expect(parseEnvironment(sandbox.stdout())).toEqual(env);
      expect(env).toMatchObject({
        SWITCHYARD_SANDBOX: 'false',
        DEPLOY_SERVICE: serviceName,
        DEPLOY_POLL_MS: '300',
        AWS_REGION: 'ap-northeast-2',
        SANDBOX_EXTRA_SERVICES: `${serviceName}-1,${serviceName}-2`,
        SANDBOX_EXTRA_APPLICATIONS: 'panda-app-1,panda-app-2',
        SANDBOX_EXTRA_GROUPS: 'panda-dg-1,panda-dg-2',
        // With a hook URL the AppSpec names the sandbox's hook function, which the sandbox installs.
        DEPLOY_HOOK_FUNCTION: 'CodeDeployHook_switchyard',
      });
      for (const key of [
        'GITHUB_API_URL',
        'SWITCHYARD_AWS_ENDPOINT',
        'INSTAGRAM_GRAPH_URL',
        'INSTAGRAM_USER_ID',
        'INSTAGRAM_ACCESS_TOKEN',
        'SLACK_API_URL',
        'SLACK_BOT_TOKEN',
        'SLACK_SIGNING_SECRET',
        'SLACK_CHANNEL_ID',
        'SLACK_APPROVERS',
        'CODEDEPLOY_HOOK_SECRET',
        'DEPLOY_CLUSTER',
        'DEPLOY_CODEDEPLOY_APPLICATION',
        'DEPLOY_CODEDEPLOY_GROUP',
        'DEPLOY_BLUE_URL',
        'DEPLOY_GREEN_URL',
        'DEPLOY_CONTAINER_NAME',
        'DEPLOY_CONTAINER_PORT',
        'SANDBOX_GITHUB_TOKEN',
        'SANDBOX_AWS_ACCESS_KEY_ID',
        'SANDBOX_AWS_SECRET_ACCESS_KEY',
        ...['NAVER_BLOG', 'KAKAO_CHANNEL', 'WOORIDONGNE_TV', 'RINGO_BIZ', 'GENIE_TV'].flatMap((c) => [`${c}_API_URL`, `${c}_API_TOKEN`]),
      ]) {
        expect(env[key], key).toBeTruthy();
      }

      // The second extra service is the default target: the API's DEPLOY_* point at it.
      const service = `${serviceName}-2`;
      const application = 'panda-app-2';
      const group = 'panda-dg-2';
      const processEnv: Record<string, string> = {
        ...env,
        ...Object.fromEntries(
          Object.entries(blueGreenUrls(env.SWITCHYARD_AWS_ENDPOINT!, env.DEPLOY_CLUSTER!, service)).map(([k, v]) => [
            k === 'blueUrl' ? 'DEPLOY_BLUE_URL' : 'DEPLOY_GREEN_URL',
            v,
          ]),
        ),
        DEPLOY_SERVICE: service,
        DEPLOY_CODEDEPLOY_APPLICATION: application,
        DEPLOY_CODEDEPLOY_GROUP: group,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_NAMESPACE: inject('temporalNamespace'),
        TEMPORAL_TASK_QUEUE: taskQueue,
        SWITCHYARD_API_KEY: apiKey,
        SWITCHYARD_DATA_DIR: join(dir, 'data'),
        SWITCHYARD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        DISTRIBUTION_SYNC_WAIT_MS: '15000',
        LOG_LEVEL: 'info',
      };
      const worker = start('worker', ['worker/main.ts'], processEnv);
      const startApi = (name: string) => start(name, ['api/main.ts'], { ...processEnv, PORT: String(apiPort), HOST: '127.0.0.1' });
      let api = startApi('api');
      children.push(worker, api);
      let all = [sandbox, worker, api];

      const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> => {
        const res = await fetch(`${apiUrl}${path}`, {
          method,
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        return { status: res.status, body: await res.json() };
      };
      const get = async (url: string): Promise<Json> => (await fetch(url)).json();

      await waitFor('the worker polling', all, () => worker.output().includes('worker polling'), 120_000);
      const healthy = async () => {
        const health = (await fetch(`${apiUrl}/healthz`)
          .then((r) => r.json())
          .catch(() => undefined)) as Json;
        return health?.status === 'UP';
      };
      await waitFor('the API healthy', all, healthy, 60_000);
      expect(await get(`${apiUrl}/healthz`)).toMatchObject({ status: 'UP', sandbox: false });

      // Connect with the sandbox's credentials, as the walkthrough in docs/sandbox.md does.
      const github = await call('POST', '/api/v1/connect/github', {
        owner: env.SANDBOX_GITHUB_OWNER,
        repo: env.SANDBOX_GITHUB_REPO,
        branch: 'main',
        token: env.SANDBOX_GITHUB_TOKEN,
      });
      expect(github.status, JSON.stringify(github.body)).toBe(200);
      const aws = await call('POST', '/api/v1/connect/aws', {
        region: env.AWS_REGION,
        accessKeyId: env.SANDBOX_AWS_ACCESS_KEY_ID,
        secretAccessKey: env.SANDBOX_AWS_SECRET_ACCESS_KEY,
      });
      expect(aws.status, JSON.stringify(aws.body)).toBe(200);
      const connection = {
        githubConnectionId: github.body.data.githubConnectionId as string,
        awsConnectionId: aws.body.data.awsConnectionId as string,
      };

      const started = await call('POST', '/api/v1/deploy', {
        ...connection,
        owner: env.SANDBOX_GITHUB_OWNER,
        repo: env.SANDBOX_GITHUB_REPO,
        branch: 'main',
        version: 'v1.2.3',
      });
      expect(started.status, JSON.stringify(started.body)).toBe(200);
      const deploymentId: string = started.body.data.deploymentId;
      const status = async () => (await call('GET', `/api/v1/deploy/${deploymentId}/result`)).body.data?.status as string | undefined;

      // An API outage during the hook: kill the API once CodeDeploy has this deployment, see the
      // hook invoked and left pending while nothing answers, keep the API down for 4 s, restart it.
      const awsStateNow = async (): Promise<Json> => get(`${env.SWITCHYARD_AWS_ENDPOINT}/_emulator/aws/state`);
      let codeDeployOfRun: string | undefined;
      await waitFor(
        'the CodeDeploy deployment',
        all,
        async () => {
          codeDeployOfRun = (await awsStateNow()).codedeploy.deployments.find((d: Json) => d.group === `${application}/${group}`)?.id;
          return codeDeployOfRun !== undefined;
        },
        120_000,
      );
      api.child.kill('SIGKILL');
      await api.exited;
      all = [sandbox, worker];
      const pendingHook = async () =>
        (await awsStateNow()).codedeploy.hookExecutions.find((h: Json) => h.deploymentId === codeDeployOfRun && h.status === 'Pending');
      await waitFor('the hook invoked while the API is down', all, async () => (await pendingHook()) !== undefined, 60_000);
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      expect(await pendingHook(), 'the hook waits for Switchyard while it is down').toBeDefined();
      api = startApi('api-restarted');
      children.push(api);
      all = [sandbox, worker, api];
      await waitFor('the restarted API healthy', all, healthy, 60_000);
      await waitFor(
        'DEPLOYMENT_READY',
        all,
        async () => {
          const now = await status();
          if (now === 'FAILED' || now === 'ROLLED_BACK')
            throw new Error(
              `deployment ended ${now}: ${JSON.stringify((await call('GET', `/api/v1/deploy/${deploymentId}/result`)).body)}`,
            );
          return now === 'DEPLOYMENT_READY';
        },
        120_000,
      );
      const switched = await call('POST', `/api/v1/deploy/${deploymentId}/switch`);
      expect(switched.status, JSON.stringify(switched.body)).toBe(200);
      await waitFor(
        'the deployment to end',
        all,
        async () => ['COMPLETED', 'FAILED', 'ROLLED_BACK'].includes((await status()) ?? ''),
        120_000,
      );
      const result: Json = (await call('GET', `/api/v1/deploy/${deploymentId}/result`)).body.data;
      expect(result, JSON.stringify(result)).toMatchObject({ status: 'COMPLETED', finalService: 'green' });

      // One distribution, two channels.
      const eventId = `evt-split-${id}`;
      const distributed = await call('POST', '/api/distribution/distribute', {
        eventId,
        channels: [
          { type: 'INSTAGRAM', config: { caption: 'Split sandbox opening' } },
          { type: 'KAKAO_CHANNEL', config: { text: 'hello from the split sandbox' } },
        ],
        contentUrls: CONTENT_URLS,
      });
      expect([200, 202], JSON.stringify(distributed.body)).toContain(distributed.status);
      await waitFor(
        'the distribution to settle',
        all,
        async () => {
          const s = await call('GET', `/api/distribution/${eventId}/status`);
          return !['PENDING', 'IN_PROGRESS'].includes(s.body.overallStatus);
        },
        60_000,
      );
      const distribution = await call('GET', `/api/distribution/${eventId}/status`);
      expect(distribution.body, JSON.stringify(distribution.body)).toMatchObject({ overallStatus: 'COMPLETED' });

      // What the emulators saw, through their own state endpoints.
      const githubState: Json = await get(`${env.GITHUB_API_URL}/_emulator/github/state`);
      expect(githubState.dispatchesByCorrelationId[deploymentId]).toBe(1);
      expect(githubState.imagesBuiltByCorrelationId[deploymentId]).toBe(1);
      expect(githubState.runs.filter((r: Json) => r.inputs?.correlation_id === deploymentId)).toHaveLength(1);

      const awsState: Json = await get(`${env.SWITCHYARD_AWS_ENDPOINT}/_emulator/aws/state`);
      const codeDeployId: string = result.codeDeployDeploymentId;
      expect(awsState.ecs.taskDefinitions[service]).toBe(2); // the seeded revision and the deployment's
      expect(awsState.counters.taskDefinitionRevisions[service]).toBe(2);
      expect(awsState.counters.deploymentsCreated).toEqual({ [`${application}/${group}`]: 1 });
      expect(awsState.counters.continueDeploymentCalls).toEqual({ [codeDeployId]: 1 });
      const deployments = awsState.codedeploy.deployments.filter((d: Json) => d.group === `${application}/${group}`);
      expect(deployments).toHaveLength(1);
      expect(deployments[0]).toMatchObject({ id: codeDeployId, status: 'Succeeded' });
      // The AfterAllowTestTraffic hook went through the real Lambda handler and the balancer to the
      // API, which reported it Succeeded once (the Lambda reports only on failure).
      const hooks = awsState.codedeploy.hookExecutions.filter((h: Json) => h.deploymentId === codeDeployId);
      expect(hooks).toHaveLength(1);
      expect(hooks[0]).toMatchObject({
        lifecycleEventName: 'AfterAllowTestTraffic',
        functionName: 'CodeDeployHook_switchyard',
        status: 'Succeeded',
      });
      expect(awsState.counters.hookStatusReports).toEqual({ [hooks[0].id]: 1 });
      // Invoked once (its retries are inside the one invocation), and never reported Failed.
      expect(awsState.lambda.invocations).toEqual({ CodeDeployHook_switchyard: 1 });
      expect(codeDeployId).toBe(codeDeployOfRun);
      // The other seeded services were not touched.
      for (const untouched of [serviceName, `${serviceName}-1`]) expect(awsState.ecs.taskDefinitions[untouched]).toBe(1);

      const channelState: Json = await get(`${env.SANDBOX_CHANNELS_URL}/_emulator/state`);
      expect(channelState.INSTAGRAM.containers).toHaveLength(1);
      expect(channelState.INSTAGRAM.containers[0]).toMatchObject({ status: 'PUBLISHED', published: 1 });
      expect(channelState.KAKAO_CHANNEL.drafts).toHaveLength(1);
      expect(channelState.KAKAO_CHANNEL.drafts[0]).toMatchObject({ status: 'PUBLISHED', publishRequests: 1 });
      for (const untouched of ['NAVER_BLOG', 'WOORIDONGNE_TV', 'RINGO_BIZ', 'GENIE_TV'])
        expect(channelState[untouched].drafts).toHaveLength(0);

      // Slack: the worker's deployment message and the API's hook notice reached the emulator.
      const slackState: Json = await get(`${env.SANDBOX_SLACK_URL}/_emulator/slack/state`);
      expect(slackState.channels[env.SLACK_CHANNEL_ID!]?.length ?? 0).toBeGreaterThanOrEqual(2);

      // The API and worker go; the emulators keep serving, then close cleanly on SIGTERM.
      api.child.kill('SIGKILL');
      worker.child.kill('SIGKILL');
      await Promise.all([api.exited, worker.exited]);
      expect((await fetch(`${env.GITHUB_API_URL}/_emulator/github/state`)).status).toBe(200);
      sandbox.child.kill('SIGTERM');
      expect(await sandbox.exited).toBe(0);
      expect(sandbox.output()).toContain('stopping the sandbox emulators (SIGTERM)');
    },
  );
});
