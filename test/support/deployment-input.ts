// A deployment workflow's input for tests, pure data: the stub worker (test/workflows) starts
// workflows with it, and the unit tier words runs from it without any server.
import type { DeploymentInput, DeploymentLimits } from '../../workflows/deployment/types.js';

/** Small limits: a test waits milliseconds, not the production minutes. */
export const FAST_LIMITS: DeploymentLimits = {
  stageMs: 20_000,
  totalMs: 60_000,
  switchTimeoutMs: 60_000,
  callMs: 5_000,
  heartbeatMs: 30_000,
};

export function deploymentInput(deploymentId: string, patch: Partial<DeploymentInput> = {}): DeploymentInput {
  return {
    deploymentId,
    githubConnectionId: 'gh-stub',
    awsConnectionId: 'aws-stub',
    owner: 'acme',
    repo: 'shop',
    branch: 'main',
    target: {
      cluster: 'stub-cluster',
      service: 'shop',
      codeDeployApplication: 'shop-app',
      codeDeployGroup: 'shop-group',
      containerName: 'app',
      containerPort: 8080,
      ecrRepository: 'acme-shop',
      blueUrl: 'http://blue.test',
      greenUrl: 'http://green.test',
      buildWorkflow: 'build.yml',
    },
    builder: 'github-actions',
    limits: FAST_LIMITS,
    requestedBy: 'tester',
    ...patch,
  };
}
