// A blue/green deployment (id = deploymentId): build → ECR → ECS task definition → CodeDeploy
// until Ready → health probes → DEPLOYMENT_READY, then wait for a person's switch (or rollback,
// or the switch timeout, which stops and rolls back: no silent promotion).
import {
  ApplicationFailure, CancellationScope, condition, isCancellation, setHandler, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import { CodeDeployDeploymentId, DeployRepository, DeployService, DeployStage, SwitchyardKind, SwitchyardStatus } from '../../common/search-attributes.js';
import { EventLog } from '../shared/event-log.js';
import { deploymentActivities, slackActivities } from './activities.js';
import { testTrafficHookUpdate, testTrafficReadySignal, type TestTrafficHook, type TestTrafficReady } from './hook-messages.js';
import { classifyFailure, DeploymentFailure } from './failures.js';
import {
  deploymentEventsQuery, deploymentSnapshotQuery, progressSignal, rollbackSignal, rollbackUpdate, switchSignal, switchTrafficUpdate,
  type DecisionRequest,
} from './messages.js';
import { STAGE_MESSAGES as M } from './stage-messages.js';
import type { Decision, DeploymentInput, DeploymentSnapshot, DeploymentStatus } from './types.js';

export async function deploymentWorkflow(input: DeploymentInput): Promise<DeploymentSnapshot> {
  const { target, limits } = input;
  const log = new EventLog();
  const seenProgress = new Set<string>();
  const state: DeploymentSnapshot = {
    deploymentId: input.deploymentId,
    status: 'IN_PROGRESS',
    stage: 0,
    owner: input.owner,
    repo: input.repo,
    branch: input.branch,
    ...(input.version ? { version: input.version } : {}),
    service: target.service,
    cluster: target.cluster,
    startedAt: new Date().toISOString(),
    finalService: null,
    blueUrl: target.blueUrl,
    greenUrl: null,
    errorMessage: null,
    ...(input.rollback ? { rollbackOf: input.rollback.of } : {}),
    eventCount: 0,
  };
  const snapshot = (): DeploymentSnapshot => ({ ...state, eventCount: log.count });
  const stageEvent = (message: string, details: Record<string, unknown> = {}) => log.append('stage', message, { stage: state.stage, ...details });
  const setStatus = (status: DeploymentStatus) => {
    state.status = status;
    upsertSearchAttributes([{ key: SwitchyardStatus, value: status }]);
  };

  let decision: Decision | undefined;
  let rollbackRequested: Decision | undefined;
  /** Scope of stages 1–4: a rollback requested meanwhile cancels it (also before it starts). */
  const stagesScope = new CancellationScope();
  const decide = (action: Decision['action'], request: DecisionRequest): Decision => ({ action, ...request, at: new Date().toISOString() });
  const notReady = () => {
    if (state.finalService === 'green' || state.status === 'SWITCHING' || decision?.action === 'switch') return 'Traffic has already been switched to green';
    if (state.status !== 'DEPLOYMENT_READY') return `Deployment is not ready for traffic switch. Current stage: ${state.stage} (status ${state.status})`;
    return undefined;
  };

  setHandler(deploymentSnapshotQuery, snapshot);
  setHandler(deploymentEventsQuery, (afterSeq) => log.since(afterSeq));
  // The AfterAllowTestTraffic hook reached Switchyard: green is on the test listener.
  const recordTestTraffic = ({ codeDeployDeploymentId, hookExecutionId }: TestTrafficReady): boolean => {
    if (seenProgress.has(`hook:${hookExecutionId}`)) return false;
    seenProgress.add(`hook:${hookExecutionId}`);
    log.append('stage', 'ECS deployment: waiting for test', { stage: 4, codeDeployDeploymentId, hookExecutionId, testUrl: target.greenUrl });
    return true;
  };
  setHandler(testTrafficReadySignal, (hook) => { recordTestTraffic(hook); });
  /** Hook executions being answered or answered: a repeat waits for the first answer instead of sending another. */
  const hookAnswers = new Map<string, Promise<void>>();
  setHandler(testTrafficHookUpdate, async (hook) => {
    const earlier = hookAnswers.get(hook.hookExecutionId);
    if (earlier) {
      await earlier;
      return { alreadyReported: true };
    }
    const answering = answerTestTrafficHook(hook);
    hookAnswers.set(hook.hookExecutionId, answering);
    try {
      await answering;
    } catch (error) {
      hookAnswers.delete(hook.hookExecutionId); // not answered: the Lambda's retry may try again
      throw error;
    }
    return { alreadyReported: false };
  });
  setHandler(progressSignal, (reports) => {
    // A handler must never throw (it would fail the workflow task): accept one report or a batch.
    for (const report of Array.isArray(reports) ? reports : [reports]) {
      if (seenProgress.has(report.key)) continue; // an activity retry reports again; the log keeps one
      seenProgress.add(report.key);
      log.append('stage', report.message, { stage: report.stage, ...report.details });
    }
  });
  setHandler(
    switchTrafficUpdate,
    (request) => {
      decision = decide('switch', request);
      return { activeService: 'green' as const };
    },
    { validator: (_request) => { const problem = notReady(); if (problem) throw ApplicationFailure.nonRetryable(problem, 'NotReady'); } },
  );
  setHandler(switchSignal, (request) => { if (!notReady()) decision = decide('switch', request); });
  const requestRollback = (request: DecisionRequest) => {
    const d = decide('rollback', request);
    if (state.status === 'DEPLOYMENT_READY') decision = d;
    else rollbackRequested = d;
    stagesScope.cancel();
  };
  const rollbackProblem = () => (state.status === 'IN_PROGRESS' || state.status === 'DEPLOYMENT_READY') && !decision && !rollbackRequested
    ? undefined
    : `Deployment ${input.deploymentId} cannot be rolled back in status ${state.status}`;
  setHandler(
    rollbackUpdate,
    (request) => { requestRollback(request); return { status: 'ROLLING_BACK' }; },
    { validator: (_request) => { const problem = rollbackProblem(); if (problem) throw ApplicationFailure.nonRetryable(problem, 'NotRollbackable'); } },
  );
  setHandler(rollbackSignal, (request) => { if (!rollbackProblem()) requestRollback(request); });

  upsertSearchAttributes([
    { key: SwitchyardKind, value: 'deployment' },
    { key: SwitchyardStatus, value: 'IN_PROGRESS' },
    { key: DeployService, value: `${target.cluster}/${target.service}` },
    { key: DeployRepository, value: `${input.owner}/${input.repo}` },
  ]);

  const acts = deploymentActivities(limits);
  const slack = slackActivities();
  async function answerTestTrafficHook(hook: TestTrafficHook): Promise<void> {
    recordTestTraffic(hook);
    // The notice is a courtesy; CodeDeploy must hear back either way, or it fails the deployment in an hour.
    await slack.postTestTrafficNotice({ deploymentId: input.deploymentId, codeDeployDeploymentId: hook.codeDeployDeploymentId, testUrl: target.greenUrl }).catch(() => undefined);
    await acts.reportLifecycleHookSucceeded({ awsConnectionId: hook.awsConnectionId, codeDeployDeploymentId: hook.codeDeployDeploymentId, hookExecutionId: hook.hookExecutionId });
  }
  let slackMessage: { channel: string; ts: string } | null = null;
  /** Keeps the deployment's Slack message current; Slack trouble never fails a deployment. */
  const syncSlack = async () => {
    if (!slackMessage) return;
    await slack.updateDeploymentMessage({ ...slackMessage, ...snapshot(), approvedBy: state.decision?.by }).catch(() => undefined);
  };
  const workflowId = workflowInfo().workflowId;
  const deadline = Date.now() + limits.totalMs;

  /** Runs one stage under min(stage limit, what is left of the total limit). */
  async function stage<T>(n: number, fn: () => Promise<T>): Promise<T> {
    state.stage = n;
    upsertSearchAttributes([{ key: DeployStage, value: n }]);
    await syncSlack();
    const limitMs = Math.max(1, Math.min(limits.stageMs, deadline - Date.now()));
    const started = Date.now();
    try {
      return await CancellationScope.withTimeout(limitMs, fn);
    } catch (error) {
      // The stage's own limit, not a rollback or a cancellation of the whole workflow.
      if (isCancellation(error) && !rollbackRequested && Date.now() - started >= limitMs) {
        throw new DeploymentFailure('DEPLOYMENT_TIMEOUT', `Deployment timed out at Stage ${n} after ${Math.round((Date.now() - started) / 1000)} seconds (timeout: ${Math.round(limitMs / 1000)} seconds)`, n, {
          durationSeconds: Math.round((Date.now() - started) / 1000), timeoutSeconds: Math.round(limitMs / 1000),
        });
      }
      throw error;
    }
  }

  const aws = { awsConnectionId: input.awsConnectionId };
  slackMessage = await slack.postDeploymentMessage(snapshot()).catch(() => null);
  if (rollbackRequested) return await rollBack(rollbackRequested);
  try {
    await stagesScope.run(async () => {
      let imageUri: string;
      if (!input.rollback) {
        const built = await stage(1, async () => {
          stageEvent(M.buildStart);
          const source = await acts.resolveSource({ githubConnectionId: input.githubConnectionId, owner: input.owner, repo: input.repo, ref: input.version ?? input.branch, branch: input.branch });
          state.sha = source.sha;
          stageEvent(M.cloned, { path: `${input.owner}/${input.repo}@${source.sha.slice(0, 7)}` });
          stageEvent(M.dockerfileFound, { path: source.dockerfilePath });
          const imageTag = imageTagFor(input, source.sha);
          const build = await acts.buildImage({
            githubConnectionId: input.githubConnectionId, ...aws, owner: input.owner, repo: input.repo, sha: source.sha, ref: source.ref,
            ...(source.isCommit ? { refIsCommit: true } : {}),
            builder: input.builder, buildWorkflow: target.buildWorkflow, correlationId: input.deploymentId, ecrRepository: target.ecrRepository, imageTag, workflowId,
          });
          state.imageTag = imageTag;
          stageEvent(M.built, { imageName: imageTag, ...(build.runUrl ? { buildUrl: build.runUrl } : {}) });
          return build;
        });
        imageUri = await stage(2, async () => {
          stageEvent(M.pushStart);
          const image = await acts.ensureEcrImage({ ...aws, repository: target.ecrRepository, imageTag: built.imageTag });
          stageEvent(M.repositoryChecked, { repository: target.ecrRepository });
          stageEvent(M.ecrLoggedIn);
          stageEvent(M.pushed, { uri: image.imageUri, digest: image.imageDigest });
          state.imageUri = image.imageUri;
          return image.imageUri;
        });
      } else {
        imageUri = '';
      }
      const taskDefinitionArn = await stage(3, async () => {
        if (input.rollback) {
          stageEvent(M.ecsStart, { taskDefinition: input.rollback.taskDefinitionArn, rollbackOf: input.rollback.of });
          const current = await acts.describeServiceTaskDefinition({ ...aws, cluster: target.cluster, service: target.service });
          state.previousTaskDefinitionArn = current.taskDefinitionArn;
          return input.rollback.taskDefinitionArn;
        }
        stageEvent(M.ecsStart, { image: imageUri });
        const registered = await acts.registerTaskDefinition({
          ...aws, cluster: target.cluster, service: target.service, containerName: target.containerName, containerPort: target.containerPort, imageUri, deploymentId: input.deploymentId,
        });
        state.previousTaskDefinitionArn = registered.previousTaskDefinitionArn;
        stageEvent(registered.serviceCreated ? M.serviceCreated : M.serviceUpdated, { serviceName: target.service, clusterName: target.cluster, taskDefinitionArn: registered.taskDefinitionArn });
        return registered.taskDefinitionArn;
      });
      state.taskDefinitionArn = taskDefinitionArn;

      await stage(4, async () => {
        stageEvent(M.codeDeployStart, { image: imageUri || taskDefinitionArn });
        // Not cancellable: once CodeDeploy has a deployment, its id must be recorded so a rollback or
        // a failure can stop it.
        const { codeDeployDeploymentId } = await CancellationScope.nonCancellable(() => acts.startCodeDeploy({
          ...aws, application: target.codeDeployApplication, group: target.codeDeployGroup, taskDefinitionArn,
          containerName: target.containerName, containerPort: target.containerPort, deploymentId: input.deploymentId,
          // Only an activity input: histories without it replay unchanged.
          ...(target.hookFunction ? { hookFunction: target.hookFunction } : {}),
        }));
        state.codeDeployDeploymentId = codeDeployDeploymentId;
        upsertSearchAttributes([{ key: CodeDeployDeploymentId, value: codeDeployDeploymentId }]);
        stageEvent(M.blueRunning, { url: target.blueUrl });
        stageEvent(M.greenStarting, { url: target.greenUrl });
        const ready = await acts.awaitCodeDeploy({ ...aws, codeDeployDeploymentId, until: 'Ready', workflowId, stage: 4 });
        // Recorded in the activity's result (absent from older histories): replay-safe.
        if (ready.blueServiceArn) state.blueServiceArn = ready.blueServiceArn;
        if (ready.greenServiceArn) state.greenServiceArn = ready.greenServiceArn;
        state.greenUrl = target.greenUrl;
        stageEvent(M.greenReady, { url: target.greenUrl });
        const health = await acts.probeHealth({ blueUrl: target.blueUrl, greenUrl: target.greenUrl });
        state.blue = health.blue;
        state.green = health.green;
        if (!health.greenHealthy) {
          throw new DeploymentFailure('HEALTH_CHECK_FAILED', `Green service failed health checks: error rate ${health.green.errorRate} over ${health.green.samples} probes`, 4);
        }
      });
    });
  } catch (error) {
    if (rollbackRequested) return await rollBack(rollbackRequested);
    if (isCancellation(error)) return await rollBack(cancelledByTemporal());
    return await fail(classifyFailure(error, state.stage));
  }
  if (rollbackRequested) return await rollBack(rollbackRequested);

  state.completedAt = new Date().toISOString();
  setStatus('DEPLOYMENT_READY');
  log.append('stage', M.waitingForSwitch, {
    stage: 4,
    blueServiceArn: state.blueServiceArn ?? null,
    greenServiceArn: state.greenServiceArn ?? null,
    blueUrl: target.blueUrl,
    greenUrl: target.greenUrl,
    taskDefinitionArn: state.taskDefinitionArn,
    previousTaskDefinitionArn: state.previousTaskDefinitionArn,
    codeDeployDeploymentId: state.codeDeployDeploymentId,
    message: M.switchHint.replace('{deploymentId}', input.deploymentId),
  });
  await syncSlack();

  // Stage 5, the gate. A rollback deployment goes straight on: the target is known good.
  if (input.rollback) decision = decide('switch', { by: input.requestedBy, via: 'workflow', reason: `rollback of ${input.rollback.of}` });
  let decided: boolean;
  try {
    decided = await condition(() => decision !== undefined, limits.switchTimeoutMs);
  } catch (error) {
    if (isCancellation(error)) return await rollBack(cancelledByTemporal());
    throw error;
  }
  if (!decided) {
    return await rollBack(decide('timeout', { by: 'switchyard', via: 'workflow', reason: `no switch within ${Math.round(limits.switchTimeoutMs / 1000)} s` }));
  }
  if (decision!.action === 'rollback') return await rollBack(decision!);
  return await switchTraffic(decision!);

  async function switchTraffic(d: Decision): Promise<DeploymentSnapshot> {
    state.decision = d;
    state.stage = 5;
    upsertSearchAttributes([{ key: DeployStage, value: 5 }]);
    setStatus('SWITCHING');
    log.append('stage', M.switching, { stage: 5, by: d.by, via: d.via });
    await syncSlack();
    try {
      // Blue and green side by side one last time, while both still serve.
      const before = await acts.probeHealth({ blueUrl: target.blueUrl, greenUrl: target.greenUrl });
      state.blue = before.blue;
      await acts.continueCodeDeploy({ ...aws, codeDeployDeploymentId: state.codeDeployDeploymentId! });
      await acts.awaitCodeDeploy({ ...aws, codeDeployDeploymentId: state.codeDeployDeploymentId!, until: 'Succeeded', workflowId, stage: 5 });
      // Production now runs green: its figures on the production URL are green's.
      state.green = await acts.probeProduction({ url: target.blueUrl });
    } catch (error) {
      return await fail(classifyFailure(error, 5));
    }
    state.finalService = 'green';
    state.completedAt = new Date().toISOString();
    setStatus('COMPLETED');
    log.append('stage', M.switched, { stage: 5, activeService: 'green', approvedBy: d.by, via: d.via });
    log.append('success', M.success, { deploymentId: input.deploymentId, approvedBy: d.by, via: d.via });
    log.terminal = true;
    await syncSlack();
    return snapshot();
  }

  /** The workflow itself was cancelled (Temporal UI or CLI): stop what runs, as a rollback would. */
  function cancelledByTemporal(): Decision {
    return decide('rollback', { by: 'temporal', via: 'workflow', reason: 'workflow cancelled' });
  }

  /** Non-cancellable: a cancelled workflow still stops CodeDeploy and records how it ended. */
  function rollBack(d: Decision): Promise<DeploymentSnapshot> {
    return CancellationScope.nonCancellable(() => rollBackNow(d));
  }

  async function rollBackNow(d: Decision): Promise<DeploymentSnapshot> {
    state.decision = d;
    log.append('stage', M.rollingBack, { stage: state.stage, action: d.action, by: d.by, via: d.via, reason: d.reason });
    let stopProblem = '';
    if (state.codeDeployDeploymentId) {
      // A failed stop must not leave the deployment looking alive: it is recorded and the run ends.
      await acts.stopCodeDeploy({ ...aws, codeDeployDeploymentId: state.codeDeployDeploymentId, reason: d.reason ?? d.action })
        .catch((error: unknown) => { stopProblem = ` (stopping CodeDeploy failed: ${classifyFailure(error, state.stage).message})`; });
    }
    state.finalService = 'blue';
    state.completedAt = new Date().toISOString();
    state.errorMessage = (d.action === 'timeout' ? `Switch timed out: ${d.reason}; stopped and rolled back to blue` : `Rolled back by ${d.by} (${d.via})${d.reason ? `: ${d.reason}` : ''}`) + stopProblem;
    setStatus('ROLLED_BACK');
    log.append('fail', `Deployment rolled back: ${state.errorMessage}`, { status: 'ROLLED_BACK', by: d.by, via: d.via });
    log.terminal = true;
    await syncSlack();
    return snapshot();
  }

  async function fail(failure: DeploymentFailure): Promise<never> {
    state.errorMessage = failure.message;
    state.errorCode = failure.code;
    state.failedStage = failure.stage;
    // Whatever CodeDeploy started is stopped, so blue keeps production traffic.
    if (state.codeDeployDeploymentId) {
      await CancellationScope.nonCancellable(() => acts.stopCodeDeploy({ ...aws, codeDeployDeploymentId: state.codeDeployDeploymentId!, reason: failure.code }).catch(() => undefined));
    }
    state.completedAt = new Date().toISOString();
    setStatus('FAILED');
    log.append('fail', `Deployment failed: ${failure.message}`, { stage: failure.stage, errorCode: failure.code, ...failure.extras });
    log.terminal = true;
    await CancellationScope.nonCancellable(syncSlack);
    // Failed in the Temporal UI, with the final snapshot as the failure's details for the API.
    throw ApplicationFailure.create({ type: failure.code, message: failure.message, nonRetryable: true, details: [snapshot(), failure.extras] });
  }
}

function imageTagFor(input: DeploymentInput, sha: string): string {
  const raw = `${input.owner}-${input.repo}-${input.version ?? input.branch}-${sha.slice(0, 7)}`;
  return raw.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').slice(0, 128);
}
