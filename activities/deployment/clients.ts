// Builds the real SDK clients an activity needs from a connection id: secrets are resolved here,
// inside the worker, and never travel through workflow inputs or history.
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { Octokit } from '@octokit/rest';
import type { ConnectionStore } from '../../common/connection-store.js';
import { permanent } from './errors.js';

export interface DeployEndpoints {
  githubApiUrl: string;
  /** One endpoint for every AWS service: the sandbox emulator; undefined in production. */
  awsEndpoint: string | undefined;
}

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
      const resolved = await connections.githubSecret(connectionId);
      if (!resolved) throw permanent('DOCKER_BUILD_FAILED', 'GitHub connection not found');
      return new Octokit({ auth: resolved.secret.token, baseUrl: endpoints.githubApiUrl, request: { retries: 0 } });
    },

    async aws(connectionId: string): Promise<AwsClients> {
      const resolved = await connections.awsSecret(connectionId);
      if (!resolved) throw permanent('ECS_DEPLOYMENT_FAILED', 'AWS connection not found');
      const { region, accountId } = resolved.connection;
      const config = {
        region,
        credentials: resolved.secret,
        // Temporal retries with backoff; the SDK's own retries would multiply the attempts.
        maxAttempts: 1,
        ...(endpoints.awsEndpoint ? { endpoint: endpoints.awsEndpoint } : {}),
      };
      return { region, accountId, ecr: new ECRClient(config), ecs: new ECSClient(config), codedeploy: new CodeDeployClient(config) };
    },
  };
}

export type DeployClients = ReturnType<typeof createDeployClients>;
