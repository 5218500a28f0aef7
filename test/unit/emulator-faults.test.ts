// Injected faults in every emulator, seen through the real clients Switchyard uses: each fault
// looks like the real service's (same status, error names and headers, classified the same way by
// the client), a timeout drops the connection (after the call took effect, half of the time),
// control endpoints and probes never get faults, and a seed replays the same faults.
import { CodeDeployClient, ListApplicationsCommand } from '@aws-sdk/client-codedeploy';
import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { DescribeTaskDefinitionCommand, ECSClient, ListClustersCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { Octokit } from '@octokit/rest';
import { ErrorCode, LogLevel, WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { TransientChannelError } from '../../activities/distribution/channels/errors.js';
import { blueGreenUrls, seed as seedAws, startAwsEmulator } from '../../emulators/aws/index.js';
import { createFaultInjector } from '../../emulators/faults.js';
import type { FaultDecision, FaultInjector, FaultPlan, FaultService } from '../../emulators/faults.js';
import { BUILD_WORKFLOW_FILE, SANDBOX_OWNER, SANDBOX_REPOS, seedSandboxRepos, startGitHubEmulator } from '../../emulators/github/index.js';
import { SANDBOX_CREDENTIALS, startSandbox } from '../../emulators/sandbox.js';
import { startSlackEmulator } from '../../emulators/slack/index.js';
import { publishInput, startSandbox as startChannelSandbox } from '../channels/sandbox.js';

const HOLD_MS = 50;
const REGION = 'ap-northeast-2';
const ACCESS_KEY_ID = 'AKIAFAULTSTEST000001';
const GITHUB_TOKEN = 'ghp_faultsTestToken00000000000000000001';
const SLACK_TOKEN = 'xoxb-faults-test-token';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** The plan with fast timeouts, and a twin injector on the same seed that says what the emulator's will decide next. */
function injectors(plan: Partial<FaultPlan> & { kinds: FaultPlan['kinds'] }): {
  faults: FaultInjector;
  next: (service: FaultService) => FaultDecision;
} {
  const full: FaultPlan = { rate: 1, holdMs: HOLD_MS, ...plan };
  const twin = createFaultInjector(full);
  return { faults: createFaultInjector(full), next: (service) => twin.decide(service, 'twin')! };
}

/** A seed whose first timeout did (or did not) take effect. */
function seedWhereTimeout(tookEffect: boolean): number {
  for (let seed = 1; seed < 1000; seed += 1) {
    if (createFaultInjector({ rate: 1, kinds: ['timeout'], seed }).decide('aws', 'probe')!.tookEffect === tookEffect) return seed;
  }
  throw new Error('no such seed');
}

/** The SDK's classifiers take its own error type; these are the errors the clients threw. */
const sdkError = (error: unknown) => error as Parameters<typeof isThrottlingError>[0];

async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}

describe('the injector', () => {
  it('gives the same faults for the same seed, others for another, and none at rate 0 or for other services', () => {
    const sequence = (plan: FaultPlan) => {
      const injector = createFaultInjector(plan);
      return Array.from({ length: 40 }, () => injector.decide('aws', 'op'));
    };
    const plan: FaultPlan = { rate: 0.5, seed: 42, holdMs: HOLD_MS };
    expect(sequence(plan)).toEqual(sequence(plan));
    expect(sequence(plan)).not.toEqual(sequence({ ...plan, seed: 43 }));
    const kinds = new Set(
      sequence(plan)
        .filter(Boolean)
        .map((d) => d!.kind),
    );
    expect([...kinds].sort()).toEqual(['server-error', 'throttle', 'timeout']);

    const off = createFaultInjector({ rate: 0 });
    expect(Array.from({ length: 50 }, () => off.decide('github', 'op')).every((d) => d === undefined)).toBe(true);
    const slackOnly = createFaultInjector({ rate: 1, services: ['slack'] });
    expect(slackOnly.decide('aws', 'op')).toBeUndefined();
    expect(slackOnly.decide('slack', 'op')).toBeDefined();
    expect(() => createFaultInjector({ rate: 1.5 })).toThrow(RangeError);
  });

  it('does not move the sequence while the rate is 0, so setup with faults off does not change a run', () => {
    const direct = createFaultInjector({ rate: 0.5, seed: 7 });
    const later = createFaultInjector({ rate: 0, seed: 7 });
    for (let i = 0; i < 10; i += 1) later.decide('aws', 'setup');
    later.setRate(0.5);
    expect(Array.from({ length: 20 }, () => later.decide('aws', 'op'))).toEqual(
      Array.from({ length: 20 }, () => direct.decide('aws', 'op')),
    );
  });

  it('counts by service and operation, and in total', () => {
    const injector = createFaultInjector({ rate: 1, kinds: ['throttle'] });
    injector.decide('aws', 'A');
    injector.decide('aws', 'A');
    injector.decide('slack', 'B');
    expect(injector.counts()).toEqual({
      'aws A': { throttle: 2, 'server-error': 0, timeout: 0 },
      'slack B': { throttle: 1, 'server-error': 0, timeout: 0 },
    });
    expect(injector.total()).toEqual({ throttle: 3, 'server-error': 0, timeout: 0 });
  });
});

describe('AWS emulator faults', () => {
  async function startAws(faults: FaultInjector) {
    const emulator = await startAwsEmulator({
      credentials: { accessKeyIds: [ACCESS_KEY_ID] },
      region: REGION,
      stepMs: 30,
      probeLatencyMs: 1,
      faults,
    });
    closers.push(emulator.close);
    const config = {
      endpoint: emulator.url,
      region: REGION,
      credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: 'secret' },
      maxAttempts: 1,
    };
    return {
      emulator,
      ecs: new ECSClient(config),
      ecr: new ECRClient(config),
      codedeploy: new CodeDeployClient(config),
      sts: new STSClient(config),
    };
  }
  const registerFamily = (family: string) =>
    new RegisterTaskDefinitionCommand({
      family,
      containerDefinitions: [{ name: 'app', image: 'nginx:latest', memory: 128 }],
    });

  it('throttles ECS, ECR and CodeDeploy with ThrottlingException and STS with Throttling, which the SDK calls throttling', async () => {
    const { faults } = injectors({ kinds: ['throttle'] });
    const { ecs, ecr, codedeploy, sts } = await startAws(faults);
    for (const call of [
      ecs.send(new ListClustersCommand({})),
      ecr.send(new DescribeRepositoriesCommand({})),
      codedeploy.send(new ListApplicationsCommand({})),
    ]) {
      const error = await rejection(call);
      expect(error.name).toBe('ThrottlingException');
      expect(error.message).toBe('Rate exceeded');
      expect(error.$metadata).toMatchObject({ httpStatusCode: 400 });
      expect(isThrottlingError(sdkError(error))).toBe(true);
    }
    const stsError = await rejection(sts.send(new GetCallerIdentityCommand({})));
    expect(stsError.name).toBe('Throttling');
    expect(stsError.$metadata).toMatchObject({ httpStatusCode: 400 });
    expect(isThrottlingError(sdkError(stsError))).toBe(true);
    expect(faults.counts()).toEqual({
      'aws AmazonEC2ContainerServiceV20141113.ListClusters': { throttle: 1, 'server-error': 0, timeout: 0 },
      'aws AmazonEC2ContainerRegistry_V20150921.DescribeRepositories': { throttle: 1, 'server-error': 0, timeout: 0 },
      'aws CodeDeploy_20141006.ListApplications': { throttle: 1, 'server-error': 0, timeout: 0 },
      'aws GetCallerIdentity': { throttle: 1, 'server-error': 0, timeout: 0 },
    });
  });

  it('answers server errors with 500 InternalFailure or 503 ServiceUnavailable, before the operation takes effect', async () => {
    const { faults, next } = injectors({ kinds: ['server-error'], seed: 3 });
    const { emulator, ecs, sts } = await startAws(faults);
    for (let i = 0; i < 6; i += 1) {
      const expected = next('aws').variant < 0.5 ? { name: 'InternalFailure', status: 500 } : { name: 'ServiceUnavailable', status: 503 };
      const error = await rejection(
        i % 2 === 0 ? ecs.send(registerFamily('never-registered')) : sts.send(new GetCallerIdentityCommand({})),
      );
      expect(error.name).toBe(expected.name);
      expect(error.$metadata).toMatchObject({ httpStatusCode: expected.status });
      // What the SDK's retry strategy asks, in this order: throttling, transient, server error.
      expect(isThrottlingError(sdkError(error))).toBe(false);
      expect(isTransientError(sdkError(error)) || isServerError(sdkError(error))).toBe(true);
    }
    faults.setRate(0);
    expect(emulator.state.summary()).toBeDefined();
    await expect(ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'never-registered' }))).rejects.toThrow();
  });

  it('drops the connection after holdMs; when the call took effect the task definition revision exists', async () => {
    for (const tookEffect of [true, false]) {
      const faults = createFaultInjector({ rate: 1, kinds: ['timeout'], holdMs: HOLD_MS, seed: seedWhereTimeout(tookEffect) });
      const { ecs } = await startAws(faults);
      const family = `faults-${String(tookEffect)}`;
      const started = Date.now();
      const error = await rejection(ecs.send(registerFamily(family)));
      expect(Date.now() - started).toBeGreaterThanOrEqual(HOLD_MS - 5);
      expect((error.$metadata as { httpStatusCode?: number }).httpStatusCode).toBeUndefined();
      expect(isTransientError(sdkError(error))).toBe(true);
      faults.setRate(0);
      const described = ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: family }));
      if (tookEffect) expect((await described).taskDefinition?.revision).toBe(1);
      else await expect(described).rejects.toThrow();
      expect(faults.total().timeout).toBe(1);
    }
  });

  it('lets every call through at rate 0, STS bodies included (read for their Action first), and faults them once the rate is up', async () => {
    const faults = createFaultInjector({ rate: 0, holdMs: HOLD_MS, kinds: ['throttle'] });
    const { ecs, sts } = await startAws(faults);
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toMatch(/^\d{12}$/);
    expect((await ecs.send(registerFamily('rate-zero'))).taskDefinition?.revision).toBe(1);
    expect(faults.total()).toEqual({ throttle: 0, 'server-error': 0, timeout: 0 });
    faults.setRate(1);
    expect((await rejection(sts.send(new GetCallerIdentityCommand({})))).name).toBe('Throttling');
  });

  it('never faults the blue/green probes or the emulator state', async () => {
    const { faults } = injectors({ kinds: ['throttle', 'server-error', 'timeout'] });
    const { emulator } = await startAws(faults);
    seedAws(emulator.state, {
      cluster: 'c',
      service: 's',
      containerName: 'app',
      containerPort: 8080,
      application: 'a',
      deploymentGroup: 'dg',
      repository: 'faults-repo',
    });
    const { blueUrl } = blueGreenUrls(emulator.url, 'c', 's');
    for (const url of [`${blueUrl}/health`, `${emulator.url}/_emulator/aws/state`]) {
      const response = await fetch(url);
      expect(response.status).toBe(200);
    }
    expect(faults.total()).toEqual({ throttle: 0, 'server-error': 0, timeout: 0 });
  });
});

describe('GitHub emulator faults', () => {
  async function startGitHub(faults: FaultInjector) {
    const emulator = await startGitHubEmulator({ tokens: [GITHUB_TOKEN], stepMs: 30, faults });
    seedSandboxRepos(emulator.state);
    closers.push(emulator.close);
    return {
      emulator,
      octokit: new Octokit({
        auth: GITHUB_TOKEN,
        baseUrl: emulator.url,
        request: { retries: 0 },
        log: { debug() {}, info() {}, warn() {}, error() {} },
      }),
    };
  }
  const repo = { owner: SANDBOX_OWNER, repo: SANDBOX_REPOS.deployable };

  it('throttles with the secondary limit (403, retry-after) or the primary one (403/429, x-ratelimit-remaining 0)', async () => {
    const { faults, next } = injectors({ kinds: ['throttle'], seed: 5 });
    const { octokit } = await startGitHub(faults);
    const seen = new Set<string>();
    for (let i = 0; i < 12; i += 1) {
      const { variant } = next('github');
      const error = await rejection(octokit.rest.repos.get(repo));
      const headers = (error.response as { headers: Record<string, string> }).headers;
      expect(error.name).toBe('HttpError');
      if (variant < 0.5) {
        seen.add('secondary');
        expect(error.status).toBe(403);
        expect(error.message).toMatch(/^You have exceeded a secondary rate limit\. Please wait a few minutes before you try again\./);
        expect(headers['retry-after']).toBe('1');
      } else {
        seen.add('primary');
        expect(error.status).toBe(variant < 0.75 ? 403 : 429);
        expect(error.message).toMatch(/^API rate limit exceeded for user /);
        expect(headers['x-ratelimit-remaining']).toBe('0');
        expect(Number(headers['x-ratelimit-reset'])).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
      }
    }
    expect([...seen].sort()).toEqual(['primary', 'secondary']);
    expect(faults.counts()).toEqual({ 'github GET /repos/:owner/:repo': { throttle: 12, 'server-error': 0, timeout: 0 } });
  });

  it('answers server errors with 502 or 503 JSON', async () => {
    const { faults, next } = injectors({ kinds: ['server-error'], seed: 9 });
    const { octokit } = await startGitHub(faults);
    for (let i = 0; i < 4; i += 1) {
      const status = next('github').variant < 0.5 ? 502 : 503;
      const error = await rejection(octokit.rest.actions.listWorkflowRuns({ ...repo, workflow_id: BUILD_WORKFLOW_FILE }));
      expect(error.status).toBe(status);
      expect(error.message).toMatch(status === 502 ? /Server Error/ : /Service Unavailable/);
    }
    expect(Object.keys(faults.counts())).toEqual(['github GET /repos/:owner/:repo/actions/workflows/:workflow_id/runs']);
  });

  it('drops the connection of a dispatch; when it took effect the run exists', async () => {
    for (const tookEffect of [true, false]) {
      const faults = createFaultInjector({ rate: 1, kinds: ['timeout'], holdMs: HOLD_MS, seed: seedWhereTimeout(tookEffect) });
      const { emulator, octokit } = await startGitHub(faults);
      const inputs = { correlation_id: 'dep_faults000001', ecr_repository: 'panda-api', image_tag: 'faults', aws_region: REGION };
      const error = await rejection(
        octokit.rest.actions.createWorkflowDispatch({ ...repo, workflow_id: BUILD_WORKFLOW_FILE, ref: 'main', inputs }),
      );
      expect(error.response).toBeUndefined();
      expect(emulator.state.dispatchCount(inputs.correlation_id)).toBe(tookEffect ? 1 : 0);
      faults.setRate(0);
      const runs = await octokit.rest.actions.listWorkflowRuns({ ...repo, workflow_id: BUILD_WORKFLOW_FILE });
      expect(runs.data.total_count).toBe(tookEffect ? 1 : 0);
      expect(faults.counts()).toEqual({
        'github POST /repos/:owner/:repo/actions/workflows/:workflow_id/dispatches': { throttle: 0, 'server-error': 0, timeout: 1 },
      });
    }
  });

  it('never faults the emulator controls or the raw file bytes', async () => {
    const { faults } = injectors({ kinds: ['throttle', 'server-error', 'timeout'] });
    const { emulator } = await startGitHub(faults);
    const head = emulator.state.repository(SANDBOX_OWNER, SANDBOX_REPOS.deployable)!.resolveNamedRef('main')!.sha;
    for (const path of [
      '/_emulator/github/state',
      `/_emulator/github/raw/${SANDBOX_OWNER}/${SANDBOX_REPOS.deployable}/${head}/README.md`,
    ]) {
      const response = await fetch(`${emulator.url}${path}`, { headers: { authorization: `token ${GITHUB_TOKEN}` } });
      expect(response.status).toBe(200);
    }
    expect(faults.total()).toEqual({ throttle: 0, 'server-error': 0, timeout: 0 });
  });
});

describe('Slack emulator faults', () => {
  async function startSlack(faults: FaultInjector) {
    const emulator = await startSlackEmulator({ botToken: SLACK_TOKEN, faults });
    closers.push(emulator.close);
    const client = new WebClient(SLACK_TOKEN, {
      slackApiUrl: emulator.apiUrl,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
      logLevel: LogLevel.ERROR,
    });
    return { emulator, client };
  }

  it('throttles with 429 and Retry-After, which @slack/web-api reports as rate limited', async () => {
    const { faults } = injectors({ kinds: ['throttle'] });
    const { emulator, client } = await startSlack(faults);
    const error = await rejection(client.chat.postMessage({ channel: 'C1', text: 'hello' }));
    expect(error.code).toBe(ErrorCode.RateLimitedError);
    expect(error.retryAfter).toBe(1);
    expect(emulator.state.messages('C1')).toEqual([]);
    expect(faults.counts()).toEqual({ 'slack POST /api/chat.postMessage': { throttle: 1, 'server-error': 0, timeout: 0 } });
  });

  it('answers server errors with HTTP 503', async () => {
    const { faults } = injectors({ kinds: ['server-error'] });
    const { emulator, client } = await startSlack(faults);
    const error = await rejection(client.chat.postMessage({ channel: 'C1', text: 'hello' }));
    expect(error.code).toBe(ErrorCode.HTTPError);
    expect(error.statusCode).toBe(503);
    expect(emulator.state.messages('C1')).toEqual([]);
  });

  it('drops the connection; when the post took effect the message is in the channel', async () => {
    for (const tookEffect of [true, false]) {
      const faults = createFaultInjector({ rate: 1, kinds: ['timeout'], holdMs: HOLD_MS, seed: seedWhereTimeout(tookEffect) });
      const { emulator, client } = await startSlack(faults);
      const error = await rejection(client.chat.postMessage({ channel: 'C1', text: 'hello' }));
      expect(error.code).toBe(ErrorCode.RequestError);
      expect(emulator.state.messages('C1')).toHaveLength(tookEffect ? 1 : 0);
    }
  });

  it('never faults response_url posts or the emulator state', async () => {
    const { faults } = injectors({ kinds: ['throttle', 'server-error', 'timeout'] });
    const { emulator } = await startSlack(faults);
    expect((await fetch(`${emulator.url}/_emulator/slack/state`)).status).toBe(200);
    // An unknown response_url: the emulator's own 404, not a fault.
    expect((await fetch(`${emulator.url}/response/unknown`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect(faults.total()).toEqual({ throttle: 0, 'server-error': 0, timeout: 0 });
  });
});

describe('channel emulator faults', () => {
  async function startChannels(faults: FaultInjector) {
    const sandbox = await startChannelSandbox({ faults });
    closers.push(sandbox.emulators.close);
    return sandbox;
  }

  it('throttles partners with 429 RATE_LIMITED and Instagram with Graph code 4, both transient for the adapters', async () => {
    const { faults } = injectors({ kinds: ['throttle'] });
    const { adapters } = await startChannels(faults);
    const partner = await rejection(adapters.NAVER_BLOG.prepare(publishInput('NAVER_BLOG')));
    expect(partner).toBeInstanceOf(TransientChannelError);
    expect(partner).toMatchObject({ status: 429, remoteCode: 'RATE_LIMITED' });
    const instagram = await rejection(adapters.INSTAGRAM.prepare(publishInput('INSTAGRAM')));
    expect(instagram).toBeInstanceOf(TransientChannelError);
    expect(instagram).toMatchObject({ status: 400, remoteCode: 4 });
    expect(instagram.message).toContain('(#4) Application request limit reached');
    // The adapters try a throttled call three times in all before giving the attempt up.
    expect(faults.counts()).toEqual({
      'channels POST /partners/naver-blog/v1/drafts': { throttle: 3, 'server-error': 0, timeout: 0 },
      'channels POST /instagram/:igUserId/media': { throttle: 3, 'server-error': 0, timeout: 0 },
    });
  });

  it("answers server errors with 500 or 503 in each API's shape, transient for the adapters", async () => {
    const { faults, next } = injectors({ kinds: ['server-error'], seed: 11 });
    const { adapters } = await startChannels(faults);
    for (const channel of ['KAKAO_CHANNEL', 'INSTAGRAM', 'GENIE_TV', 'INSTAGRAM'] as const) {
      const unavailable = next('channels').variant >= 0.5;
      const error = await rejection(adapters[channel].prepare(publishInput(channel)));
      expect(error).toBeInstanceOf(TransientChannelError);
      expect(error.status).toBe(unavailable ? 503 : 500);
      if (channel === 'INSTAGRAM') expect(error.remoteCode).toBe(unavailable ? 2 : 1);
      else expect(error.remoteCode).toBe(unavailable ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_ERROR');
    }
  });

  it('drops the connection; when the draft creation took effect the draft exists, and only one', async () => {
    for (const tookEffect of [true, false]) {
      const faults = createFaultInjector({ rate: 1, kinds: ['timeout'], holdMs: HOLD_MS, seed: seedWhereTimeout(tookEffect) });
      const { adapters, emulators } = await startChannels(faults);
      const error = await rejection(adapters.WOORIDONGNE_TV.prepare(publishInput('WOORIDONGNE_TV')));
      expect(error).toBeInstanceOf(TransientChannelError);
      expect(error.status).toBeUndefined();
      // The adapter tries again with the same Idempotency-Key: whichever tries took effect, one draft at most.
      const drafts = emulators.state.partners.WOORIDONGNE_TV.drafts.size;
      if (tookEffect) expect(drafts).toBe(1);
      else expect(drafts).toBeLessThanOrEqual(1);
    }
  });

  it('never faults the sandbox controls or the public post pages', async () => {
    const { faults } = injectors({ kinds: ['throttle', 'server-error', 'timeout'] });
    const { emulators } = await startChannels(faults);
    expect((await fetch(`${emulators.url}/_emulator/state`)).status).toBe(200);
    expect((await fetch(`${emulators.url}/instagram/p/unknown`)).status).toBe(404);
    expect((await fetch(`${emulators.url}/partners/naver-blog/posts/unknown`)).status).toBe(404);
    expect(faults.total()).toEqual({ throttle: 0, 'server-error': 0, timeout: 0 });
  });
});

describe('the sandbox with faults', () => {
  it('shares one injector among its four emulators, and has none without a plan', async () => {
    const sandbox = await startSandbox({ faults: { rate: 1, kinds: ['throttle'], holdMs: HOLD_MS }, stepMs: 30 });
    closers.push(sandbox.close);
    const statuses = await Promise.all(
      [
        fetch(sandbox.awsEndpoint, {
          method: 'POST',
          headers: { 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters' },
          body: '{}',
        }),
        fetch(`${sandbox.githubApiUrl}/user`, { headers: { authorization: `token ${SANDBOX_CREDENTIALS.githubToken}` } }),
        fetch(`${sandbox.slack.apiUrl}auth.test`, { method: 'POST' }),
        fetch(`${sandbox.channels.url}/partners/kakao-channel/v1/drafts`, { method: 'POST' }),
      ].map(async (response) => (await response).status),
    );
    expect(statuses[0]).toBe(400);
    expect([403, 429]).toContain(statuses[1]);
    expect(statuses.slice(2)).toEqual([429, 429]);
    expect(Object.keys(sandbox.faults!.counts()).sort()).toEqual([
      'aws AmazonEC2ContainerServiceV20141113.ListClusters',
      'channels POST /partners/kakao-channel/v1/drafts',
      'github GET /user',
      'slack POST /api/auth.test',
    ]);
    expect(sandbox.faults!.total().throttle).toBe(4);

    const plain = await startSandbox({ stepMs: 30, serviceName: 'faults-plain' });
    closers.push(plain.close);
    expect(plain.faults).toBeUndefined();
    expect((await fetch(`${plain.slack.apiUrl}auth.test`, { method: 'POST' })).status).toBe(200);
  });
});

describe('a seed replays the same faults through an emulator', () => {
  it('gives the same answers for the same requests', async () => {
    const statuses = async () => {
      const faults = createFaultInjector({ rate: 0.5, seed: 2024, holdMs: HOLD_MS });
      const emulator = await startSlackEmulator({ botToken: SLACK_TOKEN, faults });
      closers.push(emulator.close);
      const seen: (number | 'dropped')[] = [];
      for (let i = 0; i < 16; i += 1) {
        const response = await fetch(`${emulator.apiUrl}auth.test`, {
          method: 'POST',
          headers: { authorization: `Bearer ${SLACK_TOKEN}` },
        }).catch(() => undefined);
        seen.push(response?.status ?? 'dropped');
      }
      return { seen, total: faults.total() };
    };
    const first = await statuses();
    expect(first).toEqual(await statuses());
    expect(first.seen).toContain(200);
    expect(first.seen.some((s) => s !== 200)).toBe(true);
  });
});
