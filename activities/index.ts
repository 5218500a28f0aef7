// The activity factory: the worker builds every activity from configured clients, so tests and
// the sandbox run the same code against local endpoints that production runs against the real ones.
import type { ChannelType } from '../domain/channels.js';
import type { ChannelAdapter } from './distribution/channels/types.js';
import type { ChannelCircuitBreakers } from './distribution/circuit-breaker.js';
import { createDeploymentActivities, type DeploymentActivityDeps } from './deployment/index.js';
import { createGovernanceActivities } from './governance/freezes.js';
import { createDistributionActivities } from './distribution/publish-activities.js';
import { createWebhookActivities, type WebhookConfig } from './distribution/webhook-activity.js';
import { createSlackActivities, type SlackActivityDeps } from './slack/index.js';
import { reportingSteps } from './slack/step-report.js';
import { createWorkerProbeActivities } from './worker-probe.js';

export interface ActivityDeps {
  sandbox: boolean;
  workerIdentity: string;
  channelAdapters: Record<ChannelType, ChannelAdapter>;
  channelBreakers: ChannelCircuitBreakers;
  distributionWebhook: WebhookConfig;
  deployment: DeploymentActivityDeps;
  slack: SlackActivityDeps;
}

export function createActivities(deps: ActivityDeps) {
  const deployment = createDeploymentActivities(deps.deployment);
  const slack = createSlackActivities(deps.slack);
  return {
    ...createWorkerProbeActivities(deps),
    ...createDistributionActivities({ adapters: deps.channelAdapters, breakers: deps.channelBreakers }),
    ...createWebhookActivities(deps.distributionWebhook),
    ...deployment,
    // A progressive step's wait tells Slack of the step as it is reached: no activity of its own per step.
    awaitRelease: reportingSteps(deployment.awaitRelease, slack.updateDeploymentMessage),
    ...slack,
    ...createGovernanceActivities(),
  };
}

export type Activities = ReturnType<typeof createActivities>;
