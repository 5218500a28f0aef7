// Why: the slash commands' default repository and AWS target come from config plus stored connections; resolved here.
import type { ConnectionStore } from '../../common/connections/connection-store.js';
import type { SlackConfig } from '../../common/config/slack.js';
import type { DeployTarget } from '../../domain/deployment.js';
import type { DeploymentService } from '../deployments/deployment-service.js';
import type { DeployRequest } from '../deployments/deploy-request-schemas.js';
import { ApiError } from '../errors.js';

/** What a slash command deploys, rolls back or reads when it names nothing else. */
export type Defaults = { request: Omit<DeployRequest, 'version'>; target: DeployTarget };

/** The configured default repository and target, or what to configure. */
export async function chatOpsDefaults(
  config: SlackConfig,
  connections: ConnectionStore,
  deployments: DeploymentService,
): Promise<Defaults | { problem: string }> {
  const { githubConnectionId, awsConnectionId } = config.defaults;
  const missing = [
    ...(githubConnectionId ? [] : ['SLACK_DEFAULT_GITHUB_CONNECTION_ID (a gh_… id from POST /api/v1/connect/github)']),
    ...(awsConnectionId ? [] : ['SLACK_DEFAULT_AWS_CONNECTION_ID (an aws_… id from POST /api/v1/connect/aws)']),
  ];
  if (missing.length > 0)
    return {
      problem: `ChatOps needs a default repository and AWS account. Configure: ${missing.join(', ')}; optionally SLACK_DEFAULT_OWNER, SLACK_DEFAULT_REPO, SLACK_DEFAULT_BRANCH (default: the GitHub connection's).`,
    };
  const github = await connections.get(githubConnectionId!);
  if (github?.kind !== 'github')
    return {
      problem: `SLACK_DEFAULT_GITHUB_CONNECTION_ID=${githubConnectionId} is not a stored GitHub connection: connect one with POST /api/v1/connect/github and configure its id.`,
    };
  if ((await connections.get(awsConnectionId!))?.kind !== 'aws')
    return {
      problem: `SLACK_DEFAULT_AWS_CONNECTION_ID=${awsConnectionId} is not a stored AWS connection: connect one with POST /api/v1/connect/aws and configure its id.`,
    };
  const request = {
    githubConnectionId: githubConnectionId!,
    awsConnectionId: awsConnectionId!,
    owner: config.defaults.owner ?? github.owner,
    repo: config.defaults.repo ?? github.repo,
    branch: config.defaults.branch ?? github.branch,
  };
  try {
    return { request, target: deployments.resolveTarget(request) };
  } catch (error) {
    if (error instanceof ApiError) return { problem: `${error.message}.` };
    throw error;
  }
}
