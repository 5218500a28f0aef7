// The activity proxies of the deployment workflow, with the retry policy the design asks for:
// transient errors (throttling, 5xx, network) back off and retry; permanent ones are thrown as
// non-retryable by the activities themselves.
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import type { DeploymentLimits } from './types.js';

export function deploymentActivities({ stageMs, callMs, heartbeatMs }: Pick<DeploymentLimits, 'stageMs' | 'callMs' | 'heartbeatMs'>) {
  const retry = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10 };
  const quick = proxyActivities<Activities>({ startToCloseTimeout: callMs, retry });
  // Long waits (build run, CodeDeploy) heartbeat, so a crashed worker is noticed within heartbeatMs and the
  // next attempt picks up the same build/deployment instead of starting another.
  const watching = proxyActivities<Activities>({ startToCloseTimeout: stageMs, heartbeatTimeout: heartbeatMs, retry });
  return {
    resolveSource: quick.resolveSource,
    buildImage: watching.buildImage,
    ensureEcrImage: quick.ensureEcrImage,
    registerTaskDefinition: quick.registerTaskDefinition,
    describeServiceTaskDefinition: quick.describeServiceTaskDefinition,
    startCodeDeploy: quick.startCodeDeploy,
    awaitCodeDeploy: watching.awaitCodeDeploy,
    continueCodeDeploy: quick.continueCodeDeploy,
    stopCodeDeploy: quick.stopCodeDeploy,
    reportLifecycleHookSucceeded: quick.reportLifecycleHookSucceeded,
    probeHealth: quick.probeHealth,
    probeProduction: quick.probeProduction,
  };
}

/**
 * The release engines (activities/deployment/release.ts). `awaitRelease` waits as long as the
 * engine may take to reach a weight (its own bakes included), heartbeating every poll.
 */
export function releaseActivities({ callMs, heartbeatMs }: Pick<DeploymentLimits, 'callMs' | 'heartbeatMs'>, waitMs: number) {
  const retry = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10 };
  const quick = proxyActivities<Activities>({ startToCloseTimeout: callMs, retry });
  const { awaitRelease } = proxyActivities<Activities>({ startToCloseTimeout: waitMs, heartbeatTimeout: heartbeatMs, retry });
  return { startRelease: quick.startRelease, awaitRelease, continueRelease: quick.continueRelease, rollBackRelease: quick.rollBackRelease };
}

/**
 * The watched hold's one activity: it runs as long as the gate may stay open (`holdMs`), and its
 * heartbeats (every window) let a crashed worker be noticed within three windows.
 */
export function watchActivity(holdMs: number, intervalMs: number) {
  const { watchGreen } = proxyActivities<Activities>({
    startToCloseTimeout: holdMs + 60_000,
    heartbeatTimeout: Math.max(3 * intervalMs, 30_000),
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
    summary: 'watch green against blue',
  });
  return watchGreen;
}

/**
 * Slack notices: short, a few attempts, never on the deployment's critical path. Local activities,
 * so each update costs the history one marker instead of three events and a workflow task.
 */
export function slackActivities() {
  const {
    postDeploymentMessage,
    updateDeploymentMessage,
    postTestTrafficNotice,
    updateTestTrafficNotice,
    postEscalation,
    updateEscalation,
  } = proxyLocalActivities<Activities>({
    startToCloseTimeout: '15 seconds',
    retry: { initialInterval: '1 second', maximumAttempts: 3 },
  });
  return {
    postDeploymentMessage,
    updateDeploymentMessage,
    postTestTrafficNotice,
    updateTestTrafficNotice,
    postEscalation,
    updateEscalation,
  };
}

/**
 * Governance reads: the freeze in force over a service. A local activity (one marker in the
 * history); retried for a while, then the caller fails closed.
 */
export function governanceActivities() {
  const { freezeCovering } = proxyLocalActivities<Activities>({
    startToCloseTimeout: '10 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 8 },
  });
  return { freezeCovering };
}
