// Start rates (the API's start path against raw client.workflow.start of the same workflow with
// the same input) and a burst of distributions against a trivial workflow's, on one server.
import { randomUUID } from 'node:crypto';
import { sendAdmission } from '../api/deployments/admission-update.js';
import { pandaStyleId } from '../common/ids.js';
import { DeployRepository, DistributionEventId, DeployService, SwitchyardKind, SwitchyardStatus } from '../common/search-attributes.js';
import { CHANNEL_TYPES } from '../domain/channels.js';
import type { DeploymentInput } from '../domain/deployment.js';
import { SANDBOX_CREDENTIALS, SANDBOX_SERVICE } from '../emulators/sandbox.js';
import { deploymentWorkflow } from '../workflows/deployment/workflow.js';
import { distributionWorkflow } from '../workflows/distribution/workflow.js';
import { canonicalServiceKey, serviceWorkflowId } from '../workflows/service/service-key.js';
import { BENCH_KEY, type startBenchStack } from './harness.js';

type Stack = Awaited<ReturnType<typeof startBenchStack>>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RateRun {
  api: number;
  raw: number;
  apiNon2xx: number;
}

/** A deploy-start run: the API, raw start of the deployment, and raw update-with-start of the admission the API sends. */
export interface DeployRateRun extends RateRun {
  admission: number;
}

/** Starts per second of `start`, `total` of them, `concurrency` at a time; `start` says whether it was answered 2xx. */
export async function startRate(
  total: number,
  concurrency: number,
  start: (n: number) => Promise<boolean>,
): Promise<{ perSecond: number; failed: number }> {
  let next = 0;
  let failed = 0;
  const began = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next += 1;
        if (!(await start(next))) failed += 1;
      }
    }),
  );
  return { perSecond: total / ((performance.now() - began) / 1000), failed };
}

/** min / median / max of the API / raw ratios of interleaved runs. */
export function ratioSpread(runs: RateRun[]): string {
  const ratios = runs.map((r) => r.api / r.raw).sort((a, b) => a - b);
  return [ratios[0]!, ratios[Math.floor(ratios.length / 2)]!, ratios.at(-1)!].map((r) => r.toFixed(2)).join(' / ');
}

type Side = () => Promise<{ perSecond: number; failed: number }>;

/**
 * One run of each side, the first side alternating from run to run, and what a side started
 * terminated before the other side runs: otherwise the second side always measures while the
 * worker still executes the first side's workflows, a bias against whichever goes second.
 */
async function bothSides(run: number, api: Side, raw: Side, cleanUp: () => Promise<void>) {
  const [a, b] = await interleaved(run, [api, raw], cleanUp);
  return { api: a!, raw: b! };
}

/** The sides of one run, each after the one before it was cleaned up, starting with side `run % n`; results in the sides' order. */
async function interleaved(run: number, sides: Side[], cleanUp: () => Promise<void>): Promise<Awaited<ReturnType<Side>>[]> {
  const results = new Array<Awaited<ReturnType<Side>>>(sides.length);
  for (let k = 0; k < sides.length; k += 1) {
    const at = (run + k) % sides.length;
    results[at] = await sides[at]!();
    await cleanUp();
  }
  return results;
}

/** Terminates what a run started (outside its timing), so runs do not pile up work on the worker. */
async function terminateAll(stack: Stack, workflowIds: string[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < workflowIds.length) {
        const id = workflowIds[next++]!;
        await stack.client.workflow
          .getHandle(id)
          .terminate('bench: start rate measured')
          .catch(() => undefined);
      }
    }),
  );
}

/**
 * POST /api/v1/deploy against raw client.workflow.start(deploymentWorkflow) with the input the
 * API builds. One deployment runs per ECS service, so every start names a service of its own
 * (target.service): each API start then goes the whole admission path (connections read, target
 * resolved, update-with-start of a fresh per-service workflow, which starts the deployment as its
 * child and answers once it exists). The raw side starts the same workflow type directly, with
 * the same input, memo and search attributes: the ratio is what admission and the API cost. A
 * third side sends the admission's update-with-start itself, as DeploymentService does after
 * HTTP, auth, validation and the connection reads: API / that side is what the API adds.
 * Every start names a version the sandbox repository does not have, so each deployment, from
 * either side, fails at its first GitHub call (a permanent "ref not found") instead of building:
 * the start path is the same, and hundreds of sandbox builds would otherwise load the worker (and
 * spend the emulated GitHub token's 5,000 requests an hour) long after the row. Each side's
 * deployments are terminated after it ran, in case (see bothSides).
 */
export async function deployStartRates(stack: Stack, total: number, concurrency: number, runs = 3): Promise<DeployRateRun[]> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` };
  const call = async (path: string, body: unknown) =>
    (await (await stack.idleApp.request(path, { method: 'POST', headers, body: JSON.stringify(body) })).json()) as {
      data?: Record<string, string>;
    };
  const githubConnectionId = (
    await call('/api/v1/connect/github', {
      owner: SANDBOX_SERVICE.owner,
      repo: SANDBOX_SERVICE.repo,
      branch: 'main',
      token: SANDBOX_CREDENTIALS.githubToken,
    })
  ).data!.githubConnectionId!;
  const awsConnectionId = (
    await call('/api/v1/connect/aws', {
      region: SANDBOX_CREDENTIALS.region,
      accessKeyId: SANDBOX_CREDENTIALS.awsAccessKeyId,
      secretAccessKey: SANDBOX_CREDENTIALS.awsSecretAccessKey,
    })
  ).data!.awsConnectionId!;
  const version = 'v0.0.0-bench-no-such-ref';
  const request = (service: string) => ({
    githubConnectionId,
    awsConnectionId,
    owner: SANDBOX_SERVICE.owner,
    repo: SANDBOX_SERVICE.repo,
    branch: 'main',
    version,
    target: { service },
  });
  const service = () => `bench-${randomUUID().slice(0, 12)}`;
  // The API's deploy defaults (api/services.ts): explicit DEPLOY_* configuration over the sandbox's target.
  const configured = Object.fromEntries(Object.entries(stack.config.deploy.target).filter(([, value]) => value !== undefined));
  // Octokit logs every failed request to console.error: here hundreds of the expected "ref not
  // found" answers for the row's own version, which would bury the bench's output.
  const logError = console.error;
  console.error = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].includes(version)) return;
    logError(...args);
  };
  try {
    return await measureDeployStarts();
  } finally {
    // Late answers of deployments still failing drain for a moment after the row.
    setTimeout(() => {
      console.error = logError;
    }, 10_000).unref();
  }

  async function measureDeployStarts(): Promise<DeployRateRun[]> {
    // Warm-up, not counted: the admission and deployment workflows' first tasks on this worker.
    const warm: string[] = [];
    await startRate(concurrency, concurrency, async () => {
      const res = await stack.idleApp.request('/api/v1/deploy', { method: 'POST', headers, body: JSON.stringify(request(service())) });
      const body = (await res.json()) as { data?: { deploymentId?: string } };
      if (body.data?.deploymentId) warm.push(body.data.deploymentId);
      return res.status === 200;
    });
    await terminateAll(stack, warm);
    const results: DeployRateRun[] = [];
    for (let run = 0; run < runs; run += 1) {
      const started: string[] = [];
      const apiSide = () =>
        startRate(total, concurrency, async () => {
          const res = await stack.idleApp.request('/api/v1/deploy', { method: 'POST', headers, body: JSON.stringify(request(service())) });
          const body = (await res.json()) as { data?: { deploymentId?: string } };
          if (body.data?.deploymentId) started.push(body.data.deploymentId);
          return res.status === 200;
        });
      const rawSide = () =>
        startRate(total, concurrency, async () => {
          const input = deploymentInput();
          const { deploymentId, target } = input;
          await stack.client.workflow.start(deploymentWorkflow, {
            workflowId: deploymentId,
            taskQueue: stack.taskQueue,
            args: [input],
            memo: { version, branch: 'main', requestedBy: 'bench' },
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            typedSearchAttributes: [
              { key: SwitchyardKind, value: 'deployment' },
              { key: SwitchyardStatus, value: 'IN_PROGRESS' },
              { key: DeployService, value: canonicalServiceKey(target.cluster, target.service) },
              { key: DeployRepository, value: `${SANDBOX_SERVICE.owner}/${SANDBOX_SERVICE.repo}` },
            ],
          });
          started.push(deploymentId);
          return true;
        });
      // What DeploymentService.start sends after HTTP, auth, validation and the connection reads:
      // the engine's own cost of admission, so API / this ratio is what the API adds.
      const admissionSide = () =>
        startRate(total, concurrency, async () => {
          const input = deploymentInput();
          const serviceKey = canonicalServiceKey(input.target.cluster, input.target.service);
          started.push(serviceWorkflowId(serviceKey), input.deploymentId);
          const outcome = await sendAdmission(
            stack.client,
            { input, memo: { version, branch: 'main', requestedBy: 'bench' } },
            serviceKey,
            stack.taskQueue,
            stack.config.deploy.queueCapacity,
          );
          return outcome.outcome === 'started' && outcome.deploymentId === input.deploymentId;
        });
      const [api, raw, admission] = await interleaved(run, [apiSide, rawSide, admissionSide], () => terminateAll(stack, started.splice(0)));
      results.push({ api: api!.perSecond, raw: raw!.perSecond, admission: admission!.perSecond, apiNon2xx: api!.failed });
    }
    return results;
  }

  /** What DeploymentService.start builds for a service of its own, and the admission workflow starts its child with. */
  function deploymentInput(): DeploymentInput {
    const {
      target: { service: name },
    } = request(service());
    const target = {
      ...stack.sandbox.target,
      ...configured,
      ecrRepository: `${SANDBOX_SERVICE.owner}-${SANDBOX_SERVICE.repo}`.toLowerCase(),
      service: name,
    };
    return {
      deploymentId: pandaStyleId('dep_'),
      githubConnectionId,
      awsConnectionId,
      owner: SANDBOX_SERVICE.owner,
      repo: SANDBOX_SERVICE.repo,
      branch: 'main',
      version,
      target,
      builder: stack.config.deploy.builder,
      limits: stack.config.deploy.limits,
      requestedBy: 'bench',
    };
  }
}

/**
 * POST /api/distribution/distribute (answering at once) against raw start of distributionWorkflow
 * with the input DistributionService builds, `concurrency` at a time, runs interleaved.
 */
export async function distributionStartRates(stack: Stack, total: number, concurrency: number, runs = 3): Promise<RateRun[]> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` };
  const input = (eventId: string) => ({
    eventId,
    channels: [{ type: 'NAVER_BLOG' as const, config: { text: 'rate' } }],
    contentUrls: { naverBlog: 'https://cdn.example.com/n.jpg' },
  });
  const results: RateRun[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started: string[] = [];
    const apiSide = () =>
      startRate(total, concurrency, async () => {
        const eventId = `rate-${randomUUID().slice(0, 12)}`;
        started.push(`dist-${eventId}`);
        const res = await stack.idleApp.request('/api/distribution/distribute', {
          method: 'POST',
          headers,
          body: JSON.stringify(input(eventId)),
        });
        await res.arrayBuffer();
        return res.status >= 200 && res.status < 300;
      });
    const rawSide = () =>
      startRate(total, concurrency, async () => {
        const eventId = `rate-${randomUUID().slice(0, 12)}`;
        started.push(`dist-${eventId}`);
        // As DistributionService.distribute starts it: same options, same search attributes.
        await stack.client.workflow.start(distributionWorkflow, {
          workflowId: `dist-${eventId}`,
          taskQueue: stack.taskQueue,
          args: [{ ...input(eventId), retryWindowMs: 3_600_000, retryBackoffMs: 100, requestedBy: 'bench' }],
          workflowIdConflictPolicy: 'FAIL',
          typedSearchAttributes: [
            { key: SwitchyardKind, value: 'distribution' },
            { key: DistributionEventId, value: eventId },
            { key: SwitchyardStatus, value: 'PENDING' },
          ],
        });
        return true;
      });
    const { api, raw } = await bothSides(run, apiSide, rawSide, () => terminateAll(stack, started.splice(0)));
    results.push({ api: api.perSecond, raw: raw.perSecond, apiNon2xx: api.failed });
  }
  return results;
}

export interface Burst {
  count: number;
  non2xx: number;
  notCompleted: number;
  outcomes: Record<string, number>;
  distributionsPerSecond: number;
  probesPerSecond: number;
  probeNon2xx: number;
}

/**
 * `count` six-channel distributions posted at once (the API answering at once), then followed
 * until every one settled; completion is each distribution's own `completedAt`, so how often the
 * bench looks does not move the figure. Against: `count` POST /api/v1/system/worker-probe at
 * once (a one-activity workflow, answered when it completed) on the same server and worker.
 */
export async function burst(stack: Stack, count: number): Promise<Burst> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` };
  const contentUrls = Object.fromEntries(
    ['wooridongneTV', 'ringoBiz', 'genieTV', 'instagram', 'naverBlog', 'kakaoChannel'].map((k) => [k, `https://cdn.example.com/${k}.jpg`]),
  );
  const probeBegan = performance.now();
  const probes = await Promise.all(
    Array.from({ length: count }, async () => {
      const res = await stack.liveApp.request('/api/v1/system/worker-probe', { method: 'POST', headers });
      await res.arrayBuffer();
      return res.status;
    }),
  );
  const probesPerSecond = count / ((performance.now() - probeBegan) / 1000);
  await sleep(1000);

  const began = Date.now();
  const ids = Array.from({ length: count }, () => `burst-${randomUUID().slice(0, 12)}`);
  const statuses = await Promise.all(
    ids.map(async (eventId) => {
      const res = await stack.liveApp.request('/api/distribution/distribute', {
        method: 'POST',
        headers,
        body: JSON.stringify({ eventId, channels: CHANNEL_TYPES.map((type) => ({ type, config: { caption: 'burst' } })), contentUrls }),
      });
      await res.arrayBuffer();
      return res.status;
    }),
  );
  const accepted = ids.filter((_, i) => statuses[i]! >= 200 && statuses[i]! < 300);
  const done = new Map<string, { status: string; completedAt?: string }>();
  for (const deadline = Date.now() + 300_000; done.size < accepted.length && Date.now() < deadline; await sleep(500)) {
    const open = accepted.filter((id) => !done.has(id));
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < open.length) {
          const id = open[next++]!;
          const snapshot = await stack.client.workflow
            .getHandle(`dist-${id}`)
            .query<{ overallStatus: string; completedAt?: string }>('distributionSnapshot')
            .catch(() => undefined);
          if (snapshot && snapshot.overallStatus !== 'PENDING' && snapshot.overallStatus !== 'IN_PROGRESS')
            done.set(id, { status: snapshot.overallStatus, ...(snapshot.completedAt ? { completedAt: snapshot.completedAt } : {}) });
        }
      }),
    );
  }
  const completed = [...done.values()].filter((d) => d.status === 'COMPLETED' && d.completedAt);
  // How the distributions ended (or `unsettled` after five minutes), for a row that is not all COMPLETED.
  const outcomes: Record<string, number> = { unsettled: accepted.length - done.size };
  for (const { status } of done.values()) outcomes[status] = (outcomes[status] ?? 0) + 1;
  const last = Math.max(...completed.map((d) => Date.parse(d.completedAt!)));
  return {
    count,
    non2xx: statuses.filter((s) => s < 200 || s >= 300).length,
    notCompleted: count - completed.length,
    outcomes,
    distributionsPerSecond: completed.length / ((last - began) / 1000),
    probesPerSecond,
    probeNon2xx: probes.filter((s) => s !== 200).length,
  };
}
