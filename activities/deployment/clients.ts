// Builds the real SDK clients an activity needs from a connection id: secrets are resolved here,
// inside the worker, and never travel through workflow inputs or history.
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { Context } from '@temporalio/activity';
import { Octokit } from '@octokit/rest';
import { awsClientConfig } from '../../common/aws/client-config.js';
import type { AwsCredentialIdentityProvider } from '../../common/aws/credentials.js';
import type { ConnectionStore } from '../../common/connections/connection-store.js';
import { SealedValueError } from '../../common/secrets/secret-box.js';
import type { DeploymentErrorCode } from '../../domain/deployment.js';
import { permanent } from './errors.js';

export interface DeployEndpoints {
  githubApiUrl: string;
  /** One endpoint for every AWS service: the sandbox emulator; undefined in production. */
  awsEndpoint: string | undefined;
  /** Who assumes role connections' roles: the SDK's default provider chain when absent; the sandbox's keys in sandbox mode. */
  baseAwsCredentials?: AwsCredentialIdentityProvider | undefined;
}

/** The deployment an activity works for: its workflow id is the deployment id. */
function currentDeploymentId(): string | undefined {
  try {
    return Context.current().info.workflowExecution?.workflowId;
  } catch {
    return undefined; // not inside an activity
  }
}

/**
 * A secret that does not open because its record was edited (a repointed role ARN) fails the
 * deployment at once: retrying cannot heal it. One sealed under a key not (yet) in the ring is
 * retried, as listing that key and restarting the worker heals it.
 */
async function openedSecret<T>(resolve: () => Promise<T>, code: DeploymentErrorCode): Promise<T> {
  try {
    return await resolve();
  } catch (error) {
    if (error instanceof SealedValueError && error.reason !== 'unknown-key') throw permanent(code, error.message);
    throw error;
  }
}

/**
 * Octokit's request log prints every non-2xx answer as an error, 304s of conditional polls
 * included; the activities classify what they catch, and Temporal records the failures.
 */
const OCTOKIT_LOG = {
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => {
    try {
      Context.current().log.warn(message);
    } catch {
      console.warn(message); // not inside an activity
    }
  },
  error: () => undefined,
};

export interface AwsClients {
  region: string;
  accountId: string;
  ecr: ECRClient;
  ecs: ECSClient;
  codedeploy: CodeDeployClient;
}

export function createDeployClients(connections: ConnectionStore, endpoints: DeployEndpoints) {
  return {
    async github(connectionId: string): Promise<Octokit> {
      const resolved = await openedSecret(() => connections.githubSecret(connectionId), 'DOCKER_BUILD_FAILED');
      if (!resolved) throw permanent('DOCKER_BUILD_FAILED', 'GitHub connection not found');
      return new Octokit({ auth: resolved.secret.token, baseUrl: endpoints.githubApiUrl, request: { retries: 0 }, log: OCTOKIT_LOG });
    },

    /** Role connections assume their role as session `switchyard-<deploymentId>` (default: the current activity's deployment). */
    async aws(connectionId: string, deploymentId: string | undefined = currentDeploymentId()): Promise<AwsClients> {
      const resolved = await openedSecret(() => connections.awsSecret(connectionId), 'ECS_DEPLOYMENT_FAILED');
      if (!resolved) throw permanent('ECS_DEPLOYMENT_FAILED', 'AWS connection not found');
      const { region, accountId } = resolved.connection;
      const access = { endpoint: endpoints.awsEndpoint, baseCredentials: endpoints.baseAwsCredentials };
      // Temporal retries with backoff; the SDK's own retries would multiply the attempts.
      const config = awsClientConfig(resolved, access, deploymentId ?? connectionId, 'activity');
      return { region, accountId, ecr: new ECRClient(config), ecs: new ECSClient(config), codedeploy: new CodeDeployClient(config) };
    },
  };
}

export type DeployClients = ReturnType<typeof createDeployClients>;
